// Theming as a front-end developer does it from the shop's page: the documented tokens,
// `data-theme`, `data-label`, `::part()` rules, and the launcher's side (left, and mirrored for
// right to left) with the panel beside it, on screen.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { axeViolations, dialog, launch, launcher, openPage, openPanel, screenshot, test } from "./support.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const style = (locator, property) => locator.evaluate((el, property) => getComputedStyle(el)[property], property);
const framed = (page) => page.frameLocator("[data-carebox] iframe.frame").locator("[role=dialog]");

test("data-theme=\"dark\" wins over the merchant's scheme: dark panel, readable text, axe clean", async () => {
  const page = await openPage(browser, "/?theme=dark");
  await openPanel(page);
  const panel = dialog(page);
  assert.equal(await panel.locator("xpath=..").getAttribute("data-scheme"), "dark");
  assert.equal(await style(panel, "backgroundColor"), "rgb(23, 25, 31)");
  assert.equal(await style(panel, "color"), "rgb(236, 238, 243)");
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await screenshot(page, "theme-dark");
  await page.context().close();
});

test("data-theme=\"light\" on a shopper whose system is dark; a wrong value is refused by name", async () => {
  const page = await openPage(browser, "/?theme=light");
  await page.emulateMedia({ colorScheme: "dark" });
  await openPanel(page);
  assert.equal(await style(dialog(page), "backgroundColor"), "rgb(255, 255, 255)");
  const refused = await page.evaluate(() => {
    const widget = window.Carebox.init({ key: "pk_demo_northwind", theme: "purple" });
    return new Promise((resolve) => widget.on("error", (detail) => resolve(detail.message)) && widget.open().catch(() => {}));
  });
  assert.match(refused, /data-theme must be light, dark or auto/);
  page.expectedConsole.push(/^Carebox could not start/);
  await page.context().close();
});

test("frame mode takes data-theme and the page's tokens across", async () => {
  const page = await openPage(browser, "/?mode=frame&theme=dark");
  await page.addStyleTag({ content: "carebox-widget { --carebox-accent: #b45309; --carebox-spacing: 24px }" });
  await launcher(page).click();
  await framed(page).locator(".carebox-home__entries").waitFor({ state: "visible" });
  assert.equal(await style(framed(page), "backgroundColor"), "rgb(23, 25, 31)");
  assert.equal(await style(framed(page).locator(".carebox-panel__header"), "backgroundColor"), "rgb(180, 83, 9)");
  assert.equal(await style(framed(page).locator(".carebox-panel__body"), "paddingTop"), "24px");
  await page.context().close();
});

test("tokens from the page: accent, launcher size, spacing, shadow, danger", async () => {
  const page = await openPage(browser, "/");
  await page.addStyleTag({
    content: ":root { --carebox-accent: #b45309; --carebox-launcher-size: 64px; --carebox-spacing: 24px;"
      + " --carebox-shadow: none; --carebox-danger: #7e22ce }",
  });
  const size = await launcher(page).boundingBox();
  assert.deepEqual([size.width, size.height], [64, 64], "a round launcher of the given size");
  assert.equal(await style(launcher(page), "backgroundColor"), "rgb(180, 83, 9)");
  await openPanel(page);
  const panel = dialog(page);
  assert.equal(await style(panel.locator(".carebox-panel__header"), "backgroundColor"), "rgb(180, 83, 9)");
  assert.equal(await style(panel.locator(".carebox-panel__body"), "paddingTop"), "24px");
  assert.equal(await style(panel, "boxShadow"), "none");
  // The panel sits above the bigger launcher, not over it.
  const box = await panel.boundingBox();
  const launcherBox = await launcher(page).boundingBox();
  assert.ok(box.y + box.height <= launcherBox.y - 8, `panel bottom ${box.y + box.height}, launcher top ${launcherBox.y}`);
  // An invalid field is drawn in the danger colour.
  await panel.locator("[data-feature=order_status] button").click();
  await panel.getByRole("button", { name: "Find my order" }).click();
  assert.equal(await style(panel.locator("#carebox-order-number-error"), "color"), "rgb(126, 34, 206)");
  await page.context().close();
});

test("::part() rules reach the launcher, its icon, the header, buttons and inputs, and nothing else", async () => {
  const page = await openPage(browser, "/");
  await page.addStyleTag({
    content: "carebox-widget::part(launcher-icon) { display: none }"
      + " carebox-widget::part(header) { background: rgb(1, 2, 3) }"
      + " carebox-widget::part(button) { border-radius: 0 }"
      + " carebox-widget::part(secondary-button) { border-radius: 3px }"
      + " carebox-widget::part(input) { background: rgb(250, 240, 200) }"
      // Not a part: must not reach in.
      + " carebox-widget .carebox-panel__title { color: red }",
  });
  assert.equal(await style(launcher(page).locator("svg"), "display"), "none");
  await openPanel(page);
  const panel = dialog(page);
  assert.equal(await style(panel.locator(".carebox-panel__header"), "backgroundColor"), "rgb(1, 2, 3)");
  assert.equal(await style(panel.locator(".carebox-panel__title"), "color"), "rgb(255, 255, 255)");
  await panel.locator("[data-feature=order_status] button").click();
  const number = panel.locator("#carebox-order-number");
  await number.waitFor();
  assert.equal(await style(number, "backgroundColor"), "rgb(250, 240, 200)");
  assert.equal(await style(panel.locator(".carebox-lookup__submit"), "borderTopLeftRadius"), "0px");
  await page.context().close();
});

test("data-label: a pill launcher whose visible text is its name", async () => {
  const page = await openPage(browser, "/?label=Support");
  const box = await launcher(page).boundingBox();
  assert.ok(box.width > box.height + 40, `a pill: ${box.width}×${box.height}`);
  assert.equal((await launcher(page).textContent()).trim(), "Support");
  assert.equal(await launcher(page).getAttribute("aria-label"), "Support");
  await page.getByRole("button", { name: "Support" }).click();
  await dialog(page).locator(".carebox-home__entries").waitFor({ state: "visible" });
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, "launcher-label");
  await page.context().close();
});

/** The launcher's and the open panel's boxes, and the viewport's width. */
async function sides(page) {
  await openPanel(page);
  return { launcher: await launcher(page).boundingBox(), panel: await dialog(page).boundingBox(), width: page.viewportSize().width };
}

for (const [query, side, why] of [
  ["/?position=left", "left", "left as asked"],
  ["/?lang=ar", "left", "right mirrored for Arabic"],
  ["/?lang=ar&position=left", "right", "left mirrored for Arabic"],
]) {
  test(`${query}: the launcher is on the ${side} (${why}) and the panel opens beside it, on screen`, async () => {
    const page = await openPage(browser, query);
    const { launcher: l, panel: p, width } = await sides(page);
    if (side === "left") {
      assert.ok(l.x < 40, `launcher at x=${l.x}`);
      assert.ok(Math.abs(p.x - l.x) < 1, `panel's left edge ${p.x} on the launcher's ${l.x}`);
    } else {
      assert.ok(l.x + l.width > width - 40, `launcher ends at ${l.x + l.width} of ${width}`);
      assert.ok(Math.abs(p.x + p.width - (l.x + l.width)) < 1, "panel's right edge on the launcher's");
    }
    assert.ok(p.x >= 0 && p.x + p.width <= width, `panel within the viewport: ${p.x}…${p.x + p.width}`);
    await screenshot(page, `side-${side}-${query.replace(/[^a-z]+/g, "-")}`);
    await page.context().close();
  });
}
