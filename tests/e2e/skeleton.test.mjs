// The walking skeleton as a shopper meets it: the demo shop, the launcher, the panel.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import {
  appRequests, axeViolations, countSkeletons, dialog, focusInWidget, launch, launcher, openPage, openPanel, screenshot, test,
} from "./support.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("the app is not fetched until the shopper shows intent", async () => {
  const page = await openPage(browser);
  await launcher(page).waitFor({ state: "visible" });
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(300);
  assert.deepEqual(appRequests(page), [], "app files were fetched at page load");
  assert.ok(page.requests.some((url) => url.endsWith("/carebox.js")), "the loader was fetched");
  assert.equal(await launcher(page).getAttribute("aria-expanded"), "false");

  // The loader starts the wasm download at once, so wait from before the hover.
  const wasmLoaded = page.waitForResponse((response) => response.url().endsWith(".wasm"));
  await launcher(page).hover(); // intent: start loading before the click
  await wasmLoaded;
  assert.ok(appRequests(page).some((url) => url.endsWith(".wasm")), "hover did not load the app");
  assert.equal(await dialog(page).isVisible(), false, "hover alone must not open the panel");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("clicking the launcher opens a panel greeting the shopper with the merchant's name", async () => {
  const page = await openPage(browser, "/", { init: countSkeletons });
  const took = await openPanel(page);
  console.log(`click → panel with entries (cold, wasm fetched and compiled): ${took} ms`);

  const panel = dialog(page);
  assert.equal(await panel.locator("h2").textContent(), "Northwind Goods");
  assert.match(await panel.locator(".carebox-home__greeting").textContent(), /^Hi! Track an order/);
  assert.deepEqual(await panel.locator(".carebox-entry__title").allTextContents(), [
    "Track an order", "Report a problem", "Rate us", "My bonuses",
  ]);
  assert.equal(await launcher(page).getAttribute("aria-expanded"), "true");
  assert.equal(await launcher(page).getAttribute("aria-label"), "Help", "one name; aria-expanded says it is open");
  // The configuration was asked for by the loader, beside the app's download (before the
  // app's module was even requested), and the app took that answer instead of asking again.
  // The app is one module: its split loader is inside it, not a request after it.
  const configAsked = page.requests.flatMap((url, at) => (url.includes("/v1/widget/config?") ? [at] : []));
  const appModule = page.requests.findIndex((url) => /\/app\/[0-9a-f]+\/carebox\.js$/.test(url));
  assert.equal(configAsked.length, 1, `configuration requests: ${configAsked.map((at) => page.requests[at])}`);
  assert.ok(appModule > 0 && configAsked[0] < appModule, `config at ${configAsked[0]}, the app's module at ${appModule}`);
  assert.deepEqual(page.requests.filter((url) => url.endsWith(".js") && url.includes("/app/")), [page.requests[appModule]]);
  // That answer was here when the app first drew: the home screen, with no skeleton before it.
  assert.equal(await page.evaluate(() => window.__skeletonsDrawn), 0, "a loading skeleton was drawn first");
  // The merchant's accent reached the launcher and the panel header.
  const accent = await panel.locator(".carebox-panel__header").evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(accent, "rgb(15, 118, 110)");
  await screenshot(page, "panel-open");

  // Clicking the launcher again closes it.
  await launcher(page).click();
  await panel.waitFor({ state: "hidden" });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("a configuration slower than the app: the panel opens with a skeleton, then the merchant's home", async () => {
  const page = await openPage(browser, "/", { init: countSkeletons });
  // Held at the network, as a slow server would answer it.
  await page.route("**/v1/widget/config?**", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue().catch(() => {});
  });
  await launcher(page).click();
  const skeleton = dialog(page).locator(".carebox-skeleton");
  await skeleton.waitFor({ state: "visible" });
  assert.equal(await skeleton.getByRole("status").textContent(), "Loading…");
  await dialog(page).locator(".carebox-home__entries").waitFor({ state: "visible" });
  assert.equal(await dialog(page).locator("h2").textContent(), "Northwind Goods");
  assert.equal(await skeleton.count(), 0);
  // The app waited for the loader's request instead of sending its own.
  assert.equal(page.requests.filter((url) => url.includes("/v1/widget/config?")).length, 1);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("keyboard only: open, focus stays inside, Escape closes and focus returns to the launcher", async () => {
  const page = await openPage(browser);
  await page.keyboard.press("Tab"); // first focusable of the page…
  await launcher(page).focus(); // …then straight to the launcher, as a screen-reader user would jump
  await page.keyboard.press("Enter");
  await dialog(page).locator(".carebox-home__entries").waitFor({ state: "visible" });
  await page.waitForFunction(() => document.querySelector("[data-carebox]").shadowRoot.activeElement?.closest("[role=dialog]"));

  for (let i = 0; i < 4; i += 1) {
    await page.keyboard.press("Tab");
    const focus = await focusInWidget(page);
    assert.ok(focus.inDialog, `Tab #${i + 1} left the panel: ${JSON.stringify(focus)}`);
  }
  await page.keyboard.press("Shift+Tab");
  assert.ok((await focusInWidget(page)).inDialog, "Shift+Tab left the panel");

  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "hidden" });
  const focus = await focusInWidget(page);
  assert.ok(focus.isLauncher, `focus after Escape: ${JSON.stringify(focus)}`);
  assert.equal(await launcher(page).getAttribute("aria-expanded"), "false");

  // Space reopens it, the close button closes it, focus comes back again.
  await page.keyboard.press("Space");
  await dialog(page).waitFor({ state: "visible" });
  await dialog(page).locator("button[part=close-button]").press("Enter");
  await dialog(page).waitFor({ state: "hidden" });
  assert.ok((await focusInWidget(page)).isLauncher);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the open panel passes an axe-core scan with zero violations", async () => {
  const page = await openPage(browser);
  await openPanel(page);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await page.context().close();
});

test("Russian from the page language, Arabic right to left", async () => {
  const ru = await openPage(browser, "/?lang=ru");
  assert.equal(await launcher(ru).getAttribute("aria-label"), "Помощь");
  await openPanel(ru);
  assert.match(await dialog(ru).locator(".carebox-home__greeting").textContent(), /^Здравствуйте!/);
  assert.deepEqual(await dialog(ru).locator(".carebox-entry__title").allTextContents(), [
    "Отследить заказ", "Сообщить о проблеме", "Оцените нас", "Мои бонусы",
  ]);
  await screenshot(ru, "panel-open-ru");
  await ru.context().close();

  const ar = await openPage(browser, "/?lang=ar");
  await openPanel(ar);
  const root = dialog(ar).locator("xpath=ancestor::div[contains(@class,'carebox-root')]");
  assert.equal(await root.getAttribute("dir"), "rtl");
  // Right to left: the launcher sits at the bottom-left corner.
  const box = await launcher(ar).boundingBox();
  assert.ok(box.x < 200, `launcher x=${box.x} in RTL`);
  await screenshot(ar, "panel-open-ar");
  await ar.context().close();
});

test("the shop's CSS stays out of the widget and the widget blocks nothing outside its box", async () => {
  const page = await openPage(browser);
  await openPanel(page);
  // The shop styles every <button> uppercase with square corners; the widget's stay its own.
  const close = dialog(page).locator("button[part=close-button]");
  const style = await close.evaluate((el) => ({ radius: getComputedStyle(el).borderRadius, font: getComputedStyle(el).fontFamily }));
  assert.notEqual(style.radius, "0px");
  assert.doesNotMatch(style.font, /Georgia/);
  // The page's own headings keep the shop's colour.
  assert.equal(await page.locator("#new-title").evaluate((el) => getComputedStyle(el).color), "rgb(138, 45, 11)");
  // A product button far from the widget still receives clicks with the panel open.
  const target = page.locator(".shop-products button").first();
  const box = await target.boundingBox();
  const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.textContent, [box.x + 5, box.y + 5]);
  assert.equal(hit, "Add to cart");
  await page.context().close();
});
