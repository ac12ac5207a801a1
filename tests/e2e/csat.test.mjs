// One-click CSAT on the demo shop, against the real server: rating a resolved complaint with
// one click (stored at once), changing it, the comment after it, the keyboard, "Rate us",
// and the one-click e-mail link's thank-you page.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { CAREBOX, axeViolations, dialog, launch, openPage, openPanel, screenshot, signInAsAnna, test } from "./support.mjs";

const SECRET = "sk_demo_northwind_local_only";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function merchant(path, init = {}) {
  const response = await fetch(new URL(path, CAREBOX), {
    ...init,
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json", ...(init.headers ?? {}) },
  });
  assert.ok(response.ok, `${path}: ${response.status}`);
  return response.json();
}

/** What the merchant's API holds for `subject` (every answer, to prove there is one). */
async function storedAnswers(subject) {
  return (await merchant("/v1/merchant/csat/answers?limit=200")).filter((a) => a.subject === subject);
}

async function until(what, check) {
  for (let i = 0; i < 50; i++) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const rating = (page) => dialog(page).locator(".carebox-csat");
const option = (page, label) => rating(page).getByRole("radio", { name: label, exact: true });

test("a resolved complaint is rated with one click, changed, commented, by mouse and keyboard", async () => {
  const page = await openPage(browser);
  await page.evaluate(() => {
    window.__csatEvents = [];
    window.Carebox.on("csat-submitted", (detail) => window.__csatEvents.push(detail));
  });
  await signInAsAnna(page);
  await openPanel(page);
  await dialog(page).locator("[data-feature=order_status] button").click();
  // The demo's resolved complaint about NW-1001 (the other one is still open).
  const resolved = dialog(page).locator(".carebox-complaints .carebox-complaint-row:has([data-status=resolved])");
  await resolved.waitFor();
  const ticket = await resolved.getAttribute("data-ticket");
  const subject = `complaint:${ticket}`;
  await resolved.click();
  await rating(page).waitFor();
  assert.equal(await rating(page).locator("h4").textContent(), "How satisfied are you with how we handled this report?");
  assert.equal(await dialog(page).getByRole("radiogroup", { name: "How satisfied are you with how we handled this report?" }).count(), 1);
  assert.deepEqual(await storedAnswers(subject), [], "nothing before the click");
  assert.equal(await rating(page).locator("textarea").count(), 0, "the comment box comes after the answer");

  // One click is the answer: stored at once, no submit button.
  await option(page, "Very satisfied").click();
  await until("the answer stored", async () => (await storedAnswers(subject)).length === 1);
  assert.equal((await storedAnswers(subject))[0].score, 5);
  await until("thanks shown", async () => /Thank you! Your answer is saved\. You can change it until/.test(await rating(page).locator(".carebox-csat__status").textContent()));
  assert.equal(await option(page, "Very satisfied").getAttribute("aria-checked"), "true");

  // A second click changes it: still one answer.
  await option(page, "Dissatisfied").click();
  await until("the change stored", async () => (await storedAnswers(subject))[0]?.score === 2);
  assert.equal((await storedAnswers(subject)).length, 1, "changed, never duplicated");

  // Keyboard: arrows move focus without answering, Space answers.
  await option(page, "Dissatisfied").focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal((await storedAnswers(subject))[0].score, 2, "moving focus answers nothing");
  await page.keyboard.press("Space");
  await until("Space answers", async () => (await storedAnswers(subject))[0]?.score === 4);
  assert.equal(await option(page, "Satisfied").getAttribute("aria-checked"), "true");

  // The optional comment.
  const comment = rating(page).getByLabel("Anything you would like to add? (optional)");
  await comment.fill("x".repeat(1001));
  await rating(page).getByRole("button", { name: "Send comment" }).click();
  await rating(page).locator(".carebox-csat__comment .carebox-field__error").getByText("A comment is at most 1,000 characters. Please shorten it.").waitFor();
  assert.equal(await comment.getAttribute("aria-invalid"), "true");
  assert.equal((await comment.inputValue()).length, 1001, "the typed text stays");
  await comment.fill("The new lid fits perfectly, thanks for the quick replacement.");
  await rating(page).getByRole("button", { name: "Send comment" }).click();
  await rating(page).getByText("Thank you, your comment reached us.").waitFor();
  const [stored] = await storedAnswers(subject);
  assert.deepEqual([stored.score, stored.comment, stored.source], [4, "The new lid fits perfectly, thanks for the quick replacement.", "widget"]);

  const events = await page.evaluate(() => window.__csatEvents);
  assert.deepEqual(events.map((e) => [e.subject, e.score, e.changed]), [[subject, 5, false], [subject, 2, true], [subject, 4, true]]);
  await screenshot(page, "csat-complaint");
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));

  // The merchant's figures count it, by category and level.
  const metrics = await merchant("/v1/merchant/csat/metrics");
  assert.ok(metrics.count >= 1);
  assert.ok(metrics.by_category.some((c) => c.category === "quality" && c.count >= 1));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("'Rate us' without identify() looks an order up first, then rates it in Russian", async () => {
  const page = await openPage(browser, "/?lang=ru", { locale: "ru-RU" });
  await openPanel(page);
  await dialog(page).locator("[data-feature=csat] button").click();
  assert.equal(await dialog(page).locator("h2").textContent(), "Оцените нас");
  await dialog(page).locator("#carebox-order-number").fill("NW-2001");
  await dialog(page).locator("#carebox-lookup-proof").fill("ivan@example.ru");
  await dialog(page).getByRole("button", { name: "Найти заказ" }).click();
  await rating(page).waitFor();
  assert.equal(await rating(page).locator("h3").textContent(), "Насколько вы довольны этим заказом?");
  await option(page, "Хорошо").click();
  await until("the order's answer stored", async () => (await storedAnswers("order:NW-2001"))[0]?.score === 4);
  await rating(page).getByText("Спасибо! Ваш ответ сохранён.", { exact: false }).waitFor();
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a one-click e-mail link records the score and offers a comment; a tampered one is refused politely", async () => {
  const made = await merchant("/v1/merchant/csat/links", { method: "POST", body: JSON.stringify({ subject: "order:NW-1005", locale: "ar" }) });
  assert.equal(made.links.length, 5);
  // With scripts off (and for a mail scanner) opening the link records nothing; its button does.
  const noScript = await browser.newContext({ locale: "en-US", javaScriptEnabled: false });
  const still = await noScript.newPage();
  await still.goto(made.links[2].url);
  assert.match(await still.locator("main p").first().textContent(), /3 من 5/);
  assert.deepEqual(await storedAnswers("order:NW-1005"), [], "opening is not answering");
  await still.getByRole("button", { name: "إرسال إجابتي" }).click();
  await still.locator("textarea").waitFor();
  assert.equal((await storedAnswers("order:NW-1005"))[0]?.score, 3);
  await noScript.close();

  // With scripts on, one click is the answer: the page sends it by itself.
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await page.goto(made.links[4].url);
  await page.locator("textarea").waitFor();
  assert.equal(await page.locator("html").getAttribute("dir"), "rtl");
  assert.match(await page.locator("main p").first().textContent(), /5 من 5/);
  assert.equal((await storedAnswers("order:NW-1005"))[0]?.score, 5);
  await page.locator("textarea").fill("خدمة ممتازة");
  await page.locator("button[type=submit]").click();
  await page.getByText("شكرًا، وصلنا تعليقك.").waitFor();
  assert.equal((await storedAnswers("order:NW-1005"))[0].comment, "خدمة ممتازة");
  await screenshot(page, "csat-email-thanks");

  const tampered = made.links[0].url.replace(/\.ey/, ".eX");
  const response = await page.goto(tampered);
  assert.equal(response.status(), 400);
  // A tampered link's language claim is not trusted: the page speaks the browser's language.
  assert.equal(await page.locator("main p").textContent(), "This rating link is not valid. Please open it exactly as it arrived in your e-mail.");
  assert.equal((await storedAnswers("order:NW-1005"))[0].score, 5, "nothing changed");
  await context.close();
});
