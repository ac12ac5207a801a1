// Order tracking as a shopper meets it on the demo shop, against the real server and its
// seeded orders (see server/src/demo.rs).
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { axeViolations, dialog, focusInWidget, launch, launcher, openPage, openPanel, screenshot, signInAsAnna, test, waitForFocus } from "./support.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const entry = (page, feature) => dialog(page).locator(`[data-feature=${feature}] button`);
const field = (page, id) => dialog(page).locator(`#${id}`);

async function startLookup(page) {
  await openPanel(page);
  await entry(page, "order_status").click();
  await field(page, "carebox-order-number").waitFor({ state: "visible" });
}

async function lookUp(page, number, email) {
  await field(page, "carebox-order-number").fill(number);
  await field(page, "carebox-lookup-proof").fill(email);
  await dialog(page).getByRole("button", { name: /Find my order|Найти заказ/ }).click();
}

test("the first open carries no screen's rules; the first screen arrives with them, styled at its first paint", async () => {
  const page = await openPage(browser);
  await openPanel(page);
  const stylesheets = () => page.requests.filter((url) => url.includes("/screens.css"));
  assert.equal(stylesheets().length, 0, "the screens' stylesheet is not part of the first open");
  // Note, the moment the lookup form enters the widget, whether its own rules already apply
  // (order_lookup.css lays it out as a grid): unstyled for a frame would be a flash.
  await page.evaluate(() => {
    const root = document.querySelector("[data-carebox]").shadowRoot;
    window.firstPaintDisplay = null;
    new MutationObserver((_, observer) => {
      const form = root.querySelector(".carebox-lookup");
      if (form) {
        window.firstPaintDisplay = getComputedStyle(form).display;
        observer.disconnect();
      }
    }).observe(root, { childList: true, subtree: true });
  });
  await entry(page, "order_status").click();
  await field(page, "carebox-order-number").waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => window.firstPaintDisplay), "grid", "styled when it first appears");
  assert.equal(stylesheets().length, 1, "fetched with the first screen");

  // Later screens (another capability, then back) use the sheet the page already has.
  await dialog(page).getByRole("button", { name: "Back" }).click();
  await entry(page, "loyalty").click();
  await dialog(page).locator(".carebox-bonuses, .carebox-lookup").first().waitFor({ state: "visible" });
  assert.equal(stylesheets().length, 1, "fetched once per page");
  const adopted = await page.evaluate(() => document.querySelector("[data-carebox]").shadowRoot.adoptedStyleSheets
    .filter((sheet) => [...sheet.cssRules].some((rule) => rule.selectorText === ".carebox-lookup")).length);
  assert.equal(adopted, 1, "adopted once into the widget's root");
  assert.equal(await page.evaluate(() => document.adoptedStyleSheets.length), 0, "never into the shop's own document");
});

test("look up a late order by number and e-mail and see its timeline with an apology", async () => {
  const page = await openPage(browser);
  await openPanel(page);
  const splitBefore = page.requests.filter((url) => url.includes("/split_")).length;
  assert.equal(splitBefore, 0, "no capability screen is loaded before it is used");
  await entry(page, "order_status").click();
  await field(page, "carebox-order-number").waitFor({ state: "visible" });
  assert.ok(page.requests.some((url) => url.includes("split_track_order")), "the lookup screen loaded on first use");
  assert.equal(await dialog(page).locator("h2").textContent(), "Track an order");
  assert.ok((await focusInWidget(page)).inDialog, "focus stays in the panel after the screen changes");

  await lookUp(page, "#nw-1003", " Anna@Example.com ");
  const order = dialog(page).locator(".carebox-order");
  await order.waitFor({ state: "visible" });
  assert.equal(await order.locator("h3").textContent(), "Order NW-1003");
  assert.equal(await order.locator(".carebox-order__head .carebox-status").textContent(), "Shipped");
  const delay = await order.locator(".carebox-delay").textContent();
  assert.match(delay, /Sorry, your order is running late/);
  assert.match(delay, /Severe weather closed the regional hub/);
  assert.deepEqual(await order.locator(".carebox-timeline__name").allTextContents(), ["Delayed", "Shipped", "Packed", "Paid", "Placed"]);
  assert.equal(await order.locator("[aria-current=step]").textContent(), "Shipped");
  assert.equal(await order.locator(".carebox-parcel a").getAttribute("href"), "https://tracking.example/JD014600007711");
  assert.match(await order.locator(".carebox-order__points").textContent(), /You earn 90 points/);
  await screenshot(page, "order-late");

  // The report action opens the complaint flow with this order chosen.
  await dialog(page).getByRole("button", { name: "Report a problem with this order" }).click();
  await dialog(page).locator(".carebox-complaint[data-order=NW-1003]").waitFor();
  assert.equal(await dialog(page).locator("h2").textContent(), "Report a problem");
  await dialog(page).getByRole("button", { name: "Back" }).click();
  await order.waitFor({ state: "visible" });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a wrong e-mail gets the friendly not-found message and keeps what was typed", async () => {
  const page = await openPage(browser);
  await startLookup(page);
  await lookUp(page, "NW-1002", "someone.else@example.com");
  const failure = dialog(page).locator(".carebox-lookup__failure-message");
  await failure.waitFor({ state: "visible" });
  assert.match(await failure.textContent(), /couldn't find an order with this number and e-mail address/);
  assert.equal(await field(page, "carebox-order-number").inputValue(), "NW-1002");
  assert.equal(await field(page, "carebox-lookup-proof").inputValue(), "someone.else@example.com");
  assert.match(await dialog(page).locator(".carebox-failure__details code").textContent(), /^[0-9a-f-]{36}$/, "request id for support");

  // Client-side validation, before any request: each field says what to fix.
  await lookUp(page, "", "anna@");
  assert.equal(await dialog(page).locator("#carebox-order-number-error").textContent(), "Enter your order number.");
  assert.equal(await dialog(page).locator("#carebox-lookup-proof-error").textContent(), "Check the e-mail address: it looks like name@example.com.");
  assert.equal(await field(page, "carebox-lookup-proof").inputValue(), "anna@");
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  assert.deepEqual(page.errors.filter((e) => !e.includes("404")), []);
  await page.context().close();
});

test("keyboard only: from the launcher to an order and back out", async () => {
  const page = await openPage(browser);
  await launcher(page).focus();
  await page.keyboard.press("Enter");
  await dialog(page).locator(".carebox-home__entries").waitFor({ state: "visible" });
  // Tab from the panel to the first entry (the only live one here) and open it.
  let focus;
  for (let i = 0; i < 6; i += 1) {
    await page.keyboard.press("Tab");
    focus = await focusInWidget(page);
    if (focus.label?.startsWith("Track an order")) break;
  }
  assert.ok(focus.label?.startsWith("Track an order"), JSON.stringify(focus));
  await page.keyboard.press("Enter");
  await field(page, "carebox-order-number").waitFor({ state: "visible" });
  await waitForFocus(page, "carebox-order-number");
  await page.keyboard.type("NW-1002");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab"); // past the hint into the e-mail field
  const onEmail = await page.evaluate(() => document.querySelector("[data-carebox]").shadowRoot.activeElement?.id);
  if (onEmail !== "carebox-lookup-proof") await field(page, "carebox-lookup-proof").focus();
  await page.keyboard.type("anna@example.com");
  await page.keyboard.press("Enter");
  await dialog(page).locator(".carebox-order").waitFor({ state: "visible" });
  await waitForFocus(page, "carebox-order-title");
  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "hidden" });
  assert.ok((await focusInWidget(page)).isLauncher);
  await page.context().close();
});

test("after identify() the shopper's orders are listed and open with a click", async () => {
  const page = await openPage(browser);
  await signInAsAnna(page);
  await openPanel(page);
  await entry(page, "order_status").click();
  const rows = dialog(page).locator(".carebox-my-orders__list .carebox-order-row");
  await rows.first().waitFor({ state: "visible" });
  const numbers = await rows.locator("strong").allTextContents();
  assert.deepEqual(numbers, ["NW-1005", "NW-1002", "NW-1004", "NW-1008", "NW-1003", "NW-1001"], "Anna's, newest first; not Ben's or Ivan's");
  assert.equal(await dialog(page).locator("h2").textContent(), "My orders");
  assert.match(await rows.nth(4).textContent(), /Running late/, "NW-1003 is late");
  assert.doesNotMatch(await rows.nth(3).textContent(), /Running late/, "a cancelled order is not late");

  await rows.nth(2).click();
  const order = dialog(page).locator(".carebox-order");
  await order.waitFor({ state: "visible" });
  assert.equal(await order.locator("h3").textContent(), "Order NW-1004");
  assert.deepEqual(await order.locator(".carebox-parcel strong").allTextContents(), ["UPS", "DHL"], "two parcels");
  assert.equal(await order.locator("[aria-current=step]").textContent(), "Out for delivery");
  await screenshot(page, "order-two-parcels");
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("focus the shopper puts on a new screen before it settles stays there", async () => {
  const page = await openPage(browser);
  await startLookup(page);
  // The moment the order's "Report a problem" button exists, focus it: sooner than the frame
  // on which the screen would move focus to its title.
  const focusedEarly = page.evaluate(() => new Promise((resolve) => {
    const root = document.querySelector("[data-carebox]").shadowRoot;
    new MutationObserver((_, observer) => {
      const button = [...root.querySelectorAll(".carebox-order button")].find((b) => b.textContent.startsWith("Report a problem"));
      if (!button) return;
      observer.disconnect();
      button.focus();
      resolve(root.activeElement === button);
    }).observe(root, { subtree: true, childList: true });
  }));
  await lookUp(page, "NW-1002", "anna@example.com");
  assert.equal(await focusedEarly, true);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  assert.equal((await focusInWidget(page)).label, "Report a problem with this order", "not pulled back to the title");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("Russian: the lookup and the order in Russian, with Russian dates and money", async () => {
  const page = await openPage(browser, "/?lang=ru", { locale: "ru-RU" });
  await startLookup(page);
  assert.equal(await dialog(page).locator("label[for=carebox-order-number]").textContent(), "Номер заказа");
  await lookUp(page, "nw-2001", "ivan@example.ru");
  const order = dialog(page).locator(".carebox-order");
  await order.waitFor({ state: "visible" });
  assert.equal(await order.locator("h3").textContent(), "Заказ NW-2001");
  assert.equal(await order.locator(".carebox-order__head .carebox-status").textContent(), "Передан курьеру");
  assert.match(await order.locator(".carebox-order__total strong").textContent(), /5\s?470,00\s₽/);
  assert.equal(await order.locator(".carebox-order__points").textContent(), "За этот заказ вы получите 547 баллов");
  assert.match(await order.locator(".carebox-timeline__note").first().textContent(), /Курьер позвонит/);
  await screenshot(page, "order-ru");
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await page.context().close();
});

test("a lookup still in flight is cancelled when the shopper goes back", async () => {
  const page = await openPage(browser);
  const aborted = [];
  page.on("requestfailed", (request) => {
    if (request.url().includes("/v1/orders/lookup")) aborted.push(request.failure()?.errorText);
  });
  // Hold the lookup at the network for a while, as a slow connection would.
  await page.route("**/v1/orders/lookup**", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue().catch(() => {});
  });
  await startLookup(page);
  await lookUp(page, "NW-1002", "anna@example.com");
  await dialog(page).getByRole("button", { name: "Looking for your order…" }).waitFor();
  await dialog(page).getByRole("button", { name: "Back" }).click();
  await dialog(page).locator(".carebox-home__entries").waitFor({ state: "visible" });
  await page.waitForTimeout(1800);
  assert.deepEqual(aborted, ["net::ERR_ABORTED"], "the request was aborted, not left to land");
  assert.equal(await dialog(page).locator(".carebox-order").count(), 0, "no stale answer opened an order");
  assert.equal(await dialog(page).locator("h2").textContent(), "Northwind Goods");
  await page.context().close();
});

test("a snippet with data-shopper-token lists the shopper's orders without a form", async () => {
  // The shop's server renders the token its backend signed into the snippet (/account).
  const page = await openPage(browser, "/account");
  await openPanel(page);
  await entry(page, "order_status").click();
  const rows = dialog(page).locator(".carebox-my-orders__list .carebox-order-row");
  await rows.first().waitFor({ state: "visible" });
  assert.equal(await rows.count(), 6, "Anna's six orders");
  assert.equal(await dialog(page).locator("#carebox-order-number").count(), 0, "no lookup form");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
