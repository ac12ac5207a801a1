// The JavaScript API as a front-end developer drives it: the stub's queued calls, ready and
// error, deep links, toggle and isOpen, setLocale, single-page navigation with update(),
// several instances side by side, and destroy() that leaves nothing behind.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { CAREBOX, SHOP, dialog, launch, launcher, openPage, openPanel, test } from "./support.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("stub snippet: calls made before the loader arrived are replayed in order", async () => {
  const page = await openPage(browser, "/www/stub.html");
  // Queued: init, on("ready"), on("open"), open({ view: "order", order: "NW-1003" }).
  await dialog(page).locator("#carebox-order-number").waitFor({ state: "visible" });
  assert.equal(await dialog(page).locator("#carebox-order-number").inputValue(), "NW-1003", "no token yet: the lookup, prefilled");
  await page.waitForFunction(() => window.shopLog.length === 2);
  assert.deepEqual(await page.evaluate(() => window.shopLog), ["ready", "open"]);
  await page.context().close();
});

test("deep links open a screen; a wrong one is refused with a message that says what to use", async () => {
  const page = await openPage(browser);
  await page.evaluate(() => window.Carebox.open({ view: "rate" }));
  await dialog(page).locator("h2", { hasText: "Rate us" }).waitFor();
  await page.evaluate(() => window.Carebox.open({ view: "report" }));
  await dialog(page).locator("h2", { hasText: "Report a problem" }).waitFor();
  // Back from a deep link goes home.
  await dialog(page).getByRole("button", { name: "Back" }).click();
  await dialog(page).locator(".carebox-home__entries").waitFor();
  const refused = await page.evaluate(() => window.Carebox.open({ view: "basket" }).then(() => "opened", (e) => String(e.message ?? e)));
  assert.match(refused, /unknown view "basket": use home, track, order, report, bonuses or rate/);
  await page.context().close();
});

test("a configuration the app refuses fails at once with the attribute named, and an error event", async () => {
  const page = await openPage(browser);
  page.expectedConsole.push(/^Carebox could not start: Error: Carebox: data-key/);
  // The loader asks for the configuration before the app can check the key (it has 6 B of its
  // budget left, not the ~40 a check costs); no merchant allows this page to read the answer.
  page.expectedConsole.push(/^Access to fetch at '[^']*\/v1\/widget\/config\?key=pk_x' from origin '[^']*' has been blocked by CORS policy/);
  page.expectedConsole.push(/^Failed to load resource: net::ERR_FAILED/);
  const outcome = await page.evaluate(async () => {
    const started = performance.now();
    const broken = window.Carebox.init({ key: "pk_x" });
    const heard = [];
    broken.on("error", (detail) => heard.push(detail.message));
    const message = await broken.open().then(() => "opened", (e) => String(e.message ?? e));
    await new Promise((resolve) => setTimeout(resolve));
    return { message, heard, ms: performance.now() - started, frames: broken.host.shadowRoot.querySelectorAll("iframe").length };
  });
  assert.match(outcome.message, /^Carebox: data-key/);
  assert.deepEqual(outcome.heard, [outcome.message]);
  assert.equal(outcome.frames, 0, "no frame tried for a bad configuration");
  assert.ok(outcome.ms < 5000, `took ${outcome.ms} ms`);
  await page.context().close();
});

test("an API origin given with a trailing slash: the loader's early request misses, the app asks again", async () => {
  const page = await openPage(browser);
  // The loader asks for the configuration beside the app's download, at `<api>/v1/…` as
  // written: here `//v1/…`, which the server does not route (nor answer to other origins).
  // The app (which trims the slash) takes only a success from it, and asks again at its URL.
  page.expectedConsole.push(/^Access to fetch at '[^']*\/\/v1\/widget\/config\?key=pk_demo_northwind' from origin '[^']*' has been blocked by CORS policy/);
  page.expectedConsole.push(/^Failed to load resource: net::ERR_FAILED/);
  const second = await page.evaluateHandle((api) => window.Carebox.init({ key: "pk_demo_northwind", api: `${api}/`, position: "left" }), CAREBOX);
  await second.evaluate((widget) => widget.open());
  // The merchant's name is the panel's title once the configuration is in.
  await page.waitForFunction((widget) => widget.host.shadowRoot.querySelector("[role=dialog] h2")?.textContent === "Northwind Goods", second);
  const asked = page.requests.filter((url) => url.includes("/v1/widget/config?")).map((url) => new URL(url).pathname);
  assert.deepEqual(asked, ["//v1/widget/config", "/v1/widget/config"]);
  await page.context().close();
});

test("toggle() and isOpen() follow the panel; ready fires once per widget", async () => {
  const page = await openPage(browser);
  assert.equal(await page.evaluate(() => window.Carebox.isOpen()), false);
  await page.evaluate(() => window.Carebox.toggle());
  await dialog(page).waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => window.Carebox.isOpen()), true);
  await page.evaluate(() => window.Carebox.toggle());
  await dialog(page).waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => window.Carebox.isOpen()), false);
  const readies = await page.evaluate(() => new Promise((resolve) => {
    let count = 0;
    const second = window.Carebox.init({ key: "pk_demo_northwind", position: "left" });
    second.on("ready", () => { count += 1; });
    setTimeout(() => { resolve(count); second.destroy(); }, 300);
  }));
  assert.equal(readies, 1);
  await page.context().close();
});

test("setLocale() speaks another language at once and keeps what the shopper typed", async () => {
  const page = await openPage(browser);
  await openPanel(page);
  await dialog(page).locator("[data-feature=order_status] button").click();
  await dialog(page).locator("#carebox-order-number").fill("NW-1004");
  await page.evaluate(() => window.Carebox.setLocale("ru"));
  await dialog(page).locator("h2", { hasText: "Отследить заказ" }).waitFor();
  assert.equal(await dialog(page).locator("#carebox-order-number").inputValue(), "NW-1004");
  assert.equal(await launcher(page).getAttribute("aria-label"), "Помощь", "the launcher speaks the new language too");
  await page.evaluate(() => window.Carebox.setLocale("ar"));
  await dialog(page).locator("h2", { hasText: "تتبّع طلبًا" }).waitFor();
  assert.equal(await page.locator("[data-carebox] .carebox-root").getAttribute("dir"), "rtl");
  assert.equal(await dialog(page).locator("#carebox-order-number").inputValue(), "NW-1004", "still what was typed");
  const side = await page.evaluate(() => document.querySelector("[data-carebox]").getAttribute("data-side"));
  assert.equal(side, "left", "right-to-left mirrors the corner");
  await page.context().close();
});

test("single-page app: History navigation keeps the widget; update() puts it back after the page replaced its body", async () => {
  const page = await openPage(browser);
  await openPanel(page);
  await page.evaluate(() => {
    history.pushState({}, "", "/orders/42");
    document.querySelector("main").innerHTML = "<h1>Order 42</h1>";
  });
  await launcher(page).click();
  await dialog(page).waitFor({ state: "hidden" });
  await launcher(page).click();
  await dialog(page).waitFor({ state: "visible" });
  // A framework that renders the whole body anew drops the widget's element with it.
  await page.evaluate(() => { document.body.innerHTML = "<main><h1>Checkout</h1></main>"; });
  assert.equal(await page.locator("[data-carebox]").count(), 0);
  await page.evaluate(() => window.Carebox.update());
  await launcher(page).click();
  await dialog(page).waitFor({ state: "hidden" });
  await page.evaluate(() => window.Carebox.open());
  await dialog(page).locator(".carebox-home__entries, .carebox-panel__body").first().waitFor({ state: "visible" });
  await page.context().close();
});

test("two instances on one page do not interfere", async () => {
  const page = await openPage(browser);
  await page.evaluate(() => {
    window.second = window.Carebox.init({ key: "pk_demo_northwind", position: "left", locale: "ru" });
    window.heard = { first: [], second: [] };
    window.Carebox.on("open", () => window.heard.first.push("open"));
    window.second.on("open", () => window.heard.second.push("open"));
  });
  const hosts = page.locator("[data-carebox]");
  const launchers = hosts.locator("button[part=launcher]");
  assert.equal(await launchers.count(), 2);
  const boxes = [await launchers.nth(0).boundingBox(), await launchers.nth(1).boundingBox()];
  assert.ok(boxes[0].x > 1000 && boxes[1].x < 100, `corners: ${boxes.map((b) => b.x)}`);
  assert.equal(await launchers.nth(1).getAttribute("aria-label"), "Помощь");
  await launchers.nth(1).click();
  await hosts.nth(1).locator("[role=dialog] .carebox-home__entries").waitFor({ state: "visible" });
  assert.match(await hosts.nth(1).locator("[role=dialog] h2").textContent(), /Northwind/);
  assert.equal(await hosts.nth(0).locator("[role=dialog]").count(), 0, "the first was not even loaded");
  assert.equal(await launchers.nth(0).getAttribute("aria-expanded"), "false");
  assert.deepEqual(await page.evaluate(() => window.heard), { first: [], second: ["open"] });
  assert.equal(await page.evaluate(() => window.Carebox.isOpen()), false);
  await page.context().close();
});

test("destroy() leaves nothing behind: no element, listener, timer or stored draft", async () => {
  const context = await browser.newContext({ locale: "en-US" });
  // Count what is registered on window and document, and which timers are pending, from the
  // first script on: whatever the widget adds, destroy() must take away. A listener counts
  // when Carebox's code registered it (its stack names the Carebox origin): the browser
  // driver adds some of its own.
  await context.addInitScript((carebox) => {
    const live = { listeners: new Map(), timeouts: new Set(), intervals: new Set() };
    window.__live = live;
    let next = 0;
    for (const target of [window, document]) {
      const add = target.addEventListener.bind(target);
      const remove = target.removeEventListener.bind(target);
      const registered = new Map();
      target.addEventListener = (type, fn, options) => {
        if (fn && !registered.has(fn) && String(new Error().stack).includes(carebox)) {
          registered.set(fn, (next += 1));
          live.listeners.set(next, `${target === window ? "window" : "document"}:${type}`);
        }
        return add(type, fn, options);
      };
      target.removeEventListener = (type, fn, options) => {
        if (registered.has(fn)) { live.listeners.delete(registered.get(fn)); registered.delete(fn); }
        return remove(type, fn, options);
      };
    }
    const { setTimeout: st, clearTimeout: ct, setInterval: si, clearInterval: ci } = window;
    window.setTimeout = (fn, ms, ...rest) => {
      const id = st((...a) => { live.timeouts.delete(id); typeof fn === "function" ? fn(...a) : null; }, ms, ...rest);
      live.timeouts.add(id);
      return id;
    };
    window.clearTimeout = (id) => { live.timeouts.delete(id); ct(id); };
    window.setInterval = (fn, ms, ...rest) => { const id = si(fn, ms, ...rest); live.intervals.add(id); return id; };
    window.clearInterval = (id) => { live.intervals.delete(id); ci(id); };
  }, CAREBOX);
  const page = await context.newPage();
  await page.goto(`${SHOP}/`);
  await page.waitForLoadState("networkidle");
  const before = await page.evaluate(() => ({ listeners: [...window.__live.listeners.values()].sort(), storage: Object.keys(localStorage) }));

  // Use it: open, look an order up, start a report (its draft goes to localStorage), and
  // open a ticket with its live countdown.
  await openPanel(page);
  await dialog(page).locator("[data-feature=order_status] button").click();
  await dialog(page).locator("#carebox-order-number").fill("NW-1003");
  await dialog(page).locator("#carebox-lookup-proof").fill("anna@example.com");
  await dialog(page).getByRole("button", { name: "Find my order" }).click();
  await dialog(page).locator(".carebox-order").waitFor();
  await dialog(page).getByRole("button", { name: "Report a problem with this order" }).click();
  await dialog(page).getByLabel("Cast Iron Skillet 26 cm").check();
  await dialog(page).getByLabel("It arrived damaged").check();
  await dialog(page).locator("#carebox-complaint-description").fill("The skillet's handle came loose after a week, destroy test.");
  await dialog(page).getByLabel("Refund me").check();
  await dialog(page).getByLabel("Here, in this help panel").check();
  await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith("carebox:")));
  // Offline, Send queues the complaint: the outbox listens for `online` and waits on a timer.
  await context.setOffline(true);
  await dialog(page).getByRole("button", { name: "Send report" }).click();
  await dialog(page).getByText("You're offline. Your report is saved here and will be sent as soon as you're back online.").waitFor();

  const during = await page.evaluate(() => ({
    listeners: [...window.__live.listeners.values()], timeouts: window.__live.timeouts.size, storage: Object.keys(localStorage),
  }));
  await page.evaluate(() => window.Carebox.destroy());
  await context.setOffline(false);
  await page.waitForTimeout(300);
  const after = await page.evaluate(() => ({
    elements: document.querySelectorAll("carebox-widget, [data-carebox]").length,
    listeners: [...window.__live.listeners.values()].sort(),
    timeouts: window.__live.timeouts.size,
    intervals: window.__live.intervals.size,
    storage: Object.keys(localStorage),
    instances: window.Carebox.instances.length,
  }));
  assert.deepEqual(after, { elements: 0, listeners: before.listeners, timeouts: 0, intervals: 0, storage: before.storage, instances: 0 });
  assert.ok(during.listeners.includes("window:online") && during.timeouts > 0 && during.storage.length > before.storage.length,
    `the check sees what the widget adds: ${JSON.stringify(during)}`);
  await context.close();
});
