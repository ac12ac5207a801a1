// The widget on a hostile page: the shop's `?hostile` stylesheet (universal `!important`
// rules, resets, `:empty` hiding, rules on the host's tag and on `[popover]`, a transformed
// body) must change nothing in the panel, nor where it sits, nor what it lets through.
// Every view is drawn on the plain page and on the hostile one and the pixels compared.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before } from "node:test";
import pixelmatch from "pixelmatch";
import { PNG } from "pngjs";

import { SHOP, dialog, launch, launcher, openPage, openPanel, screenshot, test } from "./support.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const entry = (page, feature) => dialog(page).locator(`[data-feature=${feature}] button`);

/** Gets to each view the same way on either page; returns [name, how to wait for it]. */
const VIEWS = [
  ["home", async () => {}],
  ["track-order form", async (page) => {
    await entry(page, "order_status").click();
    await dialog(page).locator("#carebox-order-number").waitFor();
  }],
  ["order NW-1003 (late, with an apology)", async (page) => {
    await entry(page, "order_status").click();
    await dialog(page).locator("#carebox-order-number").fill("NW-1003");
    await dialog(page).locator("#carebox-lookup-proof").fill("anna@example.com");
    await dialog(page).getByRole("button", { name: "Find my order" }).click();
    await dialog(page).locator(".carebox-order").waitFor();
  }],
  ["report a problem form", async (page) => {
    await entry(page, "complaints").click();
    await dialog(page).locator("#carebox-order-number").waitFor();
  }],
  ["my orders (identified)", async (page) => {
    await identifyAsAnna(page);
    await entry(page, "order_status").click();
    await dialog(page).locator(".carebox-my-orders__list .carebox-order-row").first().waitFor();
  }],
  ["my bonuses (identified)", async (page) => {
    await identifyAsAnna(page);
    await entry(page, "loyalty").click();
    await dialog(page).locator(".carebox-bonuses__balance").waitFor();
  }],
  ["rate us (identified)", async (page) => {
    await identifyAsAnna(page);
    await entry(page, "csat").click();
    await dialog(page).locator("[role=radiogroup]").waitFor();
  }],
];

async function identifyAsAnna(page) {
  // The shop's backend signs the token (the hostile page styles its own sign-in button oddly).
  await page.evaluate(async () => {
    const { token } = await (await fetch("/demo/shopper-token")).json();
    window.Carebox.identify(token);
  });
}

/** The panel as pixels, with motion and the caret held still. */
async function panelPixels(page, name) {
  const file = await screenshot(page, name, dialog(page));
  return PNG.sync.read(readFileSync(file));
}

/** The picture without its outer `inset` pixels: the rounded corners show the page behind. */
function inner(png, inset) {
  const width = png.width - 2 * inset;
  const height = png.height - 2 * inset;
  const out = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    png.data.copy(out, y * width * 4, ((y + inset) * png.width + inset) * 4, ((y + inset) * png.width + inset + width) * 4);
  }
  return { data: out, width, height };
}

function differingShare(plain, hostile) {
  assert.equal(`${hostile.width}×${hostile.height}`, `${plain.width}×${plain.height}`, "the panel has another size on the hostile page");
  const [a, b] = [inner(plain, 16), inner(hostile, 16)];
  const differing = pixelmatch(a.data, b.data, null, a.width, a.height, { threshold: 0.1 });
  return differing / (a.width * a.height);
}

for (const [index, [name, reach]] of VIEWS.entries()) {
  test(`hostile page: "${name}" looks the same as on a plain page`, async () => {
    const shots = [];
    for (const query of ["/", "/?hostile"]) {
      const page = await openPage(browser, query);
      await openPanel(page);
      await reach(page);
      // Same focus, same hover on both pages: nothing but the page's CSS differs.
      await page.mouse.move(0, 0);
      await dialog(page).focus();
      shots.push(await panelPixels(page, `isolation-${index}-${query === "/" ? "plain" : "hostile"}`));
      await page.context().close();
    }
    const share = differingShare(shots[0], shots[1]);
    console.log(`${name}: ${(share * 100).toFixed(3)} % of the panel's pixels differ`);
    assert.ok(share < 0.001, `${(share * 100).toFixed(2)} % of the pixels differ (tolerance 0.1 %)`);
  });
}

test("hostile page: the launcher keeps its corner, the panel fits the viewport, the page stays clickable", async () => {
  const page = await openPage(browser, "/?hostile");
  const viewport = page.viewportSize();
  const closed = await launcher(page).boundingBox();
  assert.ok(closed, "the launcher is visible despite `:empty`, `[popover]` and tag rules hiding it");
  assert.equal(Math.round(viewport.width - closed.x - closed.width), 20, "20 px from the right edge");
  assert.equal(Math.round(viewport.height - closed.y - closed.height), 20, "20 px from the bottom edge");
  assert.equal(`${closed.width}×${closed.height}`, "56×56");

  await openPanel(page);
  const panel = await dialog(page).boundingBox();
  assert.ok(panel.y >= 0 && panel.y + panel.height <= viewport.height, `panel ${JSON.stringify(panel)} leaves the viewport`);
  assert.ok(panel.x + panel.width <= viewport.width);

  // Nothing of the page's styles inside: inherited properties were reset at the host.
  const title = await dialog(page).locator("h2").evaluate((el) => {
    const style = getComputedStyle(el);
    return { letterSpacing: style.letterSpacing, transform: style.textTransform, font: style.fontFamily, style: style.fontStyle };
  });
  assert.deepEqual(
    { letterSpacing: title.letterSpacing, transform: title.transform, style: title.style },
    { letterSpacing: "normal", transform: "none", style: "normal" },
  );
  assert.doesNotMatch(title.font, /Comic|Courier/);

  // A product button far from the widget still receives clicks with the panel open.
  const target = page.locator(".shop-products button").first();
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest("button")?.textContent, [box.x + box.width / 2, box.y + box.height / 2]);
  assert.equal(hit, "Add to cart");
  await page.context().close();
});

test("the host is a <carebox-widget> element that page rules on `div` cannot reach", async () => {
  const page = await openPage(browser, "/");
  const host = await page.evaluate(() => {
    const element = document.querySelector("[data-carebox]");
    return { tag: element.localName, popover: element.matches(":popover-open"), shadow: Boolean(element.shadowRoot) };
  });
  assert.deepEqual(host, { tag: "carebox-widget", popover: true, shadow: true });
  await page.context().close();
});

test("no stylesheet of the widget is a <link> or <style>: a page CSP without style-src entries is enough", async () => {
  const page = await openPage(browser, "/");
  await openPanel(page);
  const sheets = await page.evaluate(() => {
    const root = document.querySelector("[data-carebox]").shadowRoot;
    return { elements: root.querySelectorAll("style, link").length, adopted: root.adoptedStyleSheets.length, shop: location.origin };
  });
  assert.equal(sheets.elements, 0);
  assert.equal(sheets.adopted, 2, "the launcher's sheet and the app's");
  assert.equal(sheets.shop, new URL(SHOP).origin);
  await page.context().close();
});
