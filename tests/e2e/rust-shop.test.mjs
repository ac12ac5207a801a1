// The Leptos example shop (examples/rust-shop): a Rust app that places Carebox's components
// itself (no loader, no launcher), served by the demo shop's origin, calling Carebox on its
// own. Four components under one provider share the shopper; each keeps its own screens.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { CAREBOX, axeViolations, launch, openPage, screenshot, test } from "./support.mjs";

const SECRET = "sk_demo_northwind_local_only";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The panel a component drew in its section (Playwright's locators pierce its shadow root). */
const placed = (page, section) => page.locator(`#${section} > [data-carebox] .carebox-panel`);

async function storedAnswers(subject) {
  const response = await fetch(new URL("/v1/merchant/csat/answers?limit=200", CAREBOX), { headers: { authorization: `Bearer ${SECRET}` } });
  assert.ok(response.ok);
  return (await response.json()).filter((a) => a.subject === subject);
}

test("rust shop: the components start where the app placed them, styled by the shop's tokens, not its CSS", async () => {
  const page = await openPage(browser, "/rust-shop/");
  const status = placed(page, "order-status");
  await status.locator("#carebox-order-number").waitFor({ state: "visible" });
  for (const section of ["order-status", "complaint", "loyalty", "satisfaction"]) {
    await placed(page, section).waitFor({ state: "visible" });
    const panel = await placed(page, section).evaluate((panel) => ({
      role: panel.getAttribute("role"),
      font: getComputedStyle(panel).fontFamily,
      inShadowRoot: panel.getRootNode() instanceof ShadowRoot,
    }));
    assert.equal(panel.role, "region", `${section}: a region of the page`);
    assert.ok(panel.inShadowRoot, `${section}: in a shadow root of its own`);
    assert.doesNotMatch(panel.font, /Georgia/, `${section}: the page's font does not leak in`);
    assert.equal(await placed(page, section).locator(".carebox-panel__back").isVisible(), false, `${section}: its first screen has no Back`);
  }
  const submit = status.getByRole("button", { name: "Show my order" });
  assert.equal(await submit.count(), 1, "the app's own text for find_order");
  assert.equal(await submit.evaluate((b) => getComputedStyle(b).backgroundColor), "rgb(138, 75, 42)", "--carebox-accent from the shop's :root");
  assert.deepEqual(await axeViolations(page, "#order-status > [data-carebox]"), []);
  await page.context().close();
});

test("rust shop: an order looked up in one component opens the others; sign-in reaches them all", async () => {
  const page = await openPage(browser, "/rust-shop/");
  const status = placed(page, "order-status");
  await status.locator("#carebox-order-number").fill("NW-1006");
  await status.locator("#carebox-lookup-proof").fill("ben@example.com");
  await status.getByRole("button", { name: "Show my order" }).click();
  await status.locator(".carebox-order h3").waitFor();
  assert.equal(await status.locator(".carebox-order h3").textContent(), "Order NW-1006");
  assert.equal(await placed(page, "complaint").locator("#carebox-order-number").isVisible(), true, "each component keeps its own screen");

  // The loyalty card had asked for an order: Ben's lookup token opens his card now.
  const card = placed(page, "loyalty").locator(".carebox-bonuses");
  await card.waitFor();
  assert.match(await card.locator(".carebox-bonuses__balance").textContent(), /^\d+ points?$/);

  // "Back" ends at the component's first screen, not the widget's home menu.
  await status.getByRole("button", { name: "Back" }).click();
  await status.locator("#carebox-order-number").waitFor({ state: "visible" });
  assert.equal(await status.locator(".carebox-panel__back").isVisible(), false);

  // The shop signs Anna in (its shopper_token signal): the complaint form offers her orders.
  await page.getByRole("button", { name: "Sign in as Anna (demo)" }).click();
  const complaint = placed(page, "complaint");
  await complaint.getByText("NW-1001").first().waitFor();
  assert.equal(await complaint.locator("#carebox-order-number").count(), 0, "no lookup for a signed-in shopper");
  assert.deepEqual(await axeViolations(page, "#complaint > [data-carebox]"), []);
  await screenshot(page, "rust-shop-signed-in");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("rust shop: in Russian, a satisfaction answer is one click and stored", async () => {
  const page = await openPage(browser, "/rust-shop/?lang=ru", { locale: "ru-RU" });
  const rate = placed(page, "satisfaction");
  await rate.locator("#carebox-order-number").waitFor({ state: "visible" });
  assert.equal(await rate.locator("h2").textContent(), "Оцените нас");
  await rate.locator("#carebox-order-number").fill("NW-1007");
  await rate.locator("#carebox-lookup-proof").fill("ben@example.com");
  await rate.getByRole("button", { name: "Найти заказ" }).click();
  await rate.getByRole("radio", { name: "Хорошо", exact: true }).click();
  await rate.getByText("Спасибо! Ваш ответ сохранён.", { exact: false }).waitFor();
  assert.equal((await storedAnswers("order:NW-1007"))[0]?.score, 4);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
