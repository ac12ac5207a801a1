// Attacks a public widget meets on pages it does not control (issue 12): each tried for real on
// the demo shop (its own origin) against the running server (another), loopback only.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { CAREBOX, SHOP, launch, openPage, test } from "./support.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("DOM clobbering: a named <img> shadowing document.currentScript cannot choose where the app comes from", async () => {
  const page = await openPage(browser, "/www/clobbered.html");
  page.expectedConsole.push(/^Carebox could not start: page markup shadows document\.currentScript$/);
  await page.waitForFunction(() => document.readyState === "complete");
  await page.waitForTimeout(300);
  const clobbered = await page.evaluate(() => document.currentScript instanceof HTMLImageElement);
  assert.ok(clobbered, "the page really shadows document.currentScript");
  const fetchedFromThePage = page.requests.filter((url) => url.startsWith(SHOP) && /\/app\/|carebox_bg|\.wasm/.test(url));
  assert.deepEqual(fetchedFromThePage, [], "nothing of the app is imported from where the image points");
  const fromCarebox = page.requests.filter((url) => url.startsWith(`${CAREBOX}/app/`));
  assert.deepEqual(fromCarebox, [], "nothing is fetched at all: the loader stopped");
  assert.ok(page.consoleMessages.some((m) => /shadows document\.currentScript/.test(m.text)), "the developer is told why");
  assert.equal(await page.evaluate(() => typeof window.Carebox), "undefined");
  await page.context().close();
});
