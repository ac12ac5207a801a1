// Inline mode: the widget drawn inside the merchant's own page (the demo shop's "Track your
// order" page, `data-mount="#order-help" data-view="track"`), open from the start, with no
// launcher and nothing modal: in the page's shadow root, and in a frame with data-mode="frame".
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { CAREBOX, axeViolations, launch, openPage, screenshot, test } from "./support.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const panel = (page) => page.locator("#order-help > [data-carebox] .carebox-panel");
const framed = (page) => page.frameLocator("#order-help > [data-carebox] iframe.frame").locator(".carebox-panel");
const appFrame = (page) => page.frames().find((frame) => frame.url().startsWith(`${CAREBOX}/frame?`));

/** How the widget sits in the page: what a merchant who mounted it checks by eye. */
function placement(page, selector) {
  return page.evaluate((selector) => {
    const host = document.querySelector("#order-help > carebox-widget");
    const drawn = host.shadowRoot.querySelector(selector);
    const slot = document.querySelector("#order-help").getBoundingClientRect();
    const box = drawn.getBoundingClientRect();
    return {
      launchers: host.shadowRoot.querySelectorAll("[part=launcher]").length,
      popover: host.hasAttribute("popover"),
      hostPosition: getComputedStyle(host).position,
      position: getComputedStyle(drawn).position,
      // In the page's flow: as wide as the merchant's element, where it is.
      sameBox: Math.abs(box.width - slot.width) < 1 && Math.abs(box.left - slot.left) < 1 && Math.abs(box.top - slot.top) < 1,
      focusLeftAlone: document.activeElement === document.body,
      isOpen: window.Carebox.isOpen(),
    };
  }, selector);
}

const settled = { launchers: 0, popover: false, hostPosition: "static", position: "static", sameBox: true, focusLeftAlone: true, isOpen: true };

test("inline: the lookup form is part of the page, open, with no launcher; an order is found there", async () => {
  const page = await openPage(browser, "/www/track.html");
  await panel(page).locator("#carebox-order-number").waitFor({ state: "visible" });
  assert.deepEqual(await placement(page, ".carebox-panel"), settled);
  // The screen drawn at mount has its own rules (screens.css), in the widget's root only.
  assert.equal(await panel(page).locator(".carebox-lookup").evaluate((form) => getComputedStyle(form).display), "grid");
  assert.equal(await page.evaluate(() => document.adoptedStyleSheets.length), 0, "none in the shop's own document");
  assert.equal(await panel(page).getAttribute("role"), "region", "a region of the page, not a dialog");
  assert.equal(await panel(page).getAttribute("aria-modal"), null);
  assert.equal(await panel(page).locator("h2").textContent(), "Track an order");
  assert.equal(await panel(page).locator(".carebox-panel__close").isVisible(), false, "nothing to close to");

  // Neither Escape nor the JS API takes it off the page.
  await panel(page).locator("#carebox-order-number").fill("NW-1003");
  await page.keyboard.press("Escape");
  await page.evaluate(() => { window.Carebox.close(); window.Carebox.toggle(); });
  await page.waitForTimeout(100);
  assert.ok(await panel(page).isVisible(), "still shown");

  await panel(page).locator("#carebox-lookup-proof").fill("anna@example.com");
  await panel(page).getByRole("button", { name: "Find my order" }).click();
  const order = panel(page).locator(".carebox-order");
  await order.waitFor({ state: "visible" });
  assert.equal(await order.locator("h3").textContent(), "Order NW-1003");
  const violations = await axeViolations(page, "#order-help > [data-carebox]");
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await screenshot(page, "inline-order");
  await page.context().close();
});

test("inline on a phone: the panel stays in the page's flow instead of covering the screen", async () => {
  const page = await openPage(browser, "/www/track.html", { viewport: { width: 390, height: 800 } });
  await panel(page).locator("#carebox-order-number").waitFor({ state: "visible" });
  assert.deepEqual(await placement(page, ".carebox-panel"), settled);
  await page.context().close();
});

test("inline in frame mode (data-mode=\"frame\"): the frame is the block in the page, open, focus left alone", async () => {
  const page = await openPage(browser, "/www/track.html?mode=frame");
  await framed(page).locator("#carebox-order-number").waitFor({ state: "visible" });
  assert.deepEqual(await placement(page, "iframe.frame"), settled);
  assert.equal(await framed(page).getAttribute("role"), "region");
  assert.equal(await framed(page).locator(".carebox-panel__close").isVisible(), false);
  // The frame is as tall as the panel inside it: nothing is cut off, nothing scrolls inside.
  const frameHeight = await page.locator("#order-help iframe.frame").evaluate((frame) => frame.getBoundingClientRect().height);
  const panelHeight = await framed(page).evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(Math.abs(frameHeight - panelHeight) <= 1, `frame ${frameHeight}px, panel ${panelHeight}px`);
  assert.deepEqual(await axeViolations(page, "#order-help > [data-carebox]"), [], "host page");
  assert.deepEqual(await axeViolations(appFrame(page), "body"), [], "inside the frame");
  await page.context().close();
});

test("a mount that matches nothing is refused at init() with the selector named", async () => {
  const page = await openPage(browser, "/www/track.html");
  await panel(page).waitFor({ state: "visible" });
  const refusal = await page.evaluate(() => {
    try {
      window.Carebox.init({ key: "pk_demo_northwind", mount: "#no-such-place" });
      return "accepted";
    } catch (error) {
      return error.message;
    }
  });
  assert.equal(refusal, "Carebox: mount #no-such-place matches no element");
  assert.equal(await page.locator("carebox-widget").count(), 1, "nothing was added to the page");
  await page.context().close();
});

test("init({ mount: element, view: \"order\" }) without a number opens order tracking in that element", async () => {
  const page = await openPage(browser, "/www/track.html");
  await panel(page).waitFor({ state: "visible" });
  await page.evaluate(() => {
    const place = document.createElement("section");
    place.id = "second-help";
    document.querySelector("main").appendChild(place);
    window.Carebox.init({ key: "pk_demo_northwind", mount: place, view: "order" });
  });
  const second = page.locator("#second-help > [data-carebox] .carebox-panel");
  await second.locator("#carebox-order-number").waitFor({ state: "visible" });
  assert.equal(await second.locator("h2").textContent(), "Track an order");
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true, "focus left alone");
  await page.context().close();
});
