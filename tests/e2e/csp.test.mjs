// Shops with a Content-Security-Policy, sent as a real header by the shop's server. Under a
// strict policy that forbids WebAssembly the loader picks frame mode by itself (the same app
// in an iframe of the Carebox origin) and every capability works there; under the documented
// inline policy the app runs in the page with no style-src entry; where not even the frame
// may load, the shopper gets a message and a way to reach the shop, never a dead button.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { CAREBOX, SHOP, axeViolations, countSkeletons, launch, launchWithProfile, launcher, openPage, screenshot, signInAsAnna, test } from "./support.mjs";

const SECRET = "sk_demo_northwind_local_only";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The panel inside frame mode's iframe. */
const framed = (page) => page.frameLocator("[data-carebox] iframe.frame").locator("[role=dialog]");
const appFrame = (page) => page.frames().find((frame) => frame.url().startsWith(`${CAREBOX}/frame?`));

async function openFramedPanel(page) {
  await launcher(page).click();
  await framed(page).locator(".carebox-home__entries").waitFor({ state: "visible" });
}

async function merchant(path) {
  const response = await fetch(new URL(path, CAREBOX), { headers: { authorization: `Bearer ${SECRET}` } });
  assert.equal(response.status, 200, path);
  return response.json();
}

function recordEvents(page, names) {
  return page.evaluate((names) => {
    window.__events = [];
    for (const name of names) window.Carebox.on(name, (detail) => window.__events.push({ name, ...detail }));
  }, names);
}

test("strict CSP (no WebAssembly on the page): frame mode by itself; track and report work, Escape gives focus back", async () => {
  const page = await openPage(browser, "/?csp=strict");
  const policy = await (await page.request.get(page.url())).headers()["content-security-policy"];
  assert.match(policy, /script-src 'self' http:\/\/127\.0\.0\.1:\d+;/);
  assert.doesNotMatch(policy, /wasm-unsafe-eval|unsafe-inline/);
  await recordEvents(page, ["open", "close", "complaint-submitted", "csat-submitted"]);

  await openFramedPanel(page);
  const host = await page.evaluate(() => {
    const root = document.querySelector("[data-carebox]").shadowRoot;
    return { inline: root.querySelectorAll(".carebox-root").length, frames: root.querySelectorAll("iframe").length };
  });
  assert.deepEqual(host, { inline: 0, frames: 1 }, "the app runs in the frame, not in the page");
  assert.equal(await launcher(page).getAttribute("aria-expanded"), "true");
  assert.equal(await framed(page).locator("h2").textContent(), "Northwind Goods");
  // The merchant's accent reached the framed panel (its own stylesheet loaded there).
  const accent = await framed(page).locator(".carebox-panel__header").evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(accent, "rgb(15, 118, 110)");
  assert.equal(await launcher(page).evaluate((el) => getComputedStyle(el).backgroundColor), "rgb(15, 118, 110)", "and the launcher");
  // The frame is as tall as the panel: nothing of it covers the page beyond the panel.
  const frameBox = await page.locator("[data-carebox] iframe.frame").boundingBox();
  const panelHeight = await framed(page).evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(Math.abs(frameBox.height - panelHeight) <= 1, `frame ${frameBox.height} px, panel ${panelHeight} px`);
  await screenshot(page, "csp-strict-frame-open");

  // Track an order.
  await framed(page).locator("[data-feature=order_status] button").click();
  await framed(page).locator("#carebox-order-number").fill("NW-1003");
  await framed(page).locator("#carebox-lookup-proof").fill("anna@example.com");
  await framed(page).getByRole("button", { name: "Find my order" }).click();
  await framed(page).locator(".carebox-order").waitFor();
  assert.match(await framed(page).locator(".carebox-order").textContent(), /Cast Iron Skillet 26 cm/);

  // Report a problem with it: the server files it, the host page hears the event.
  await framed(page).getByRole("button", { name: "Report a problem with this order" }).click();
  await framed(page).getByLabel("Cast Iron Skillet 26 cm").check();
  await framed(page).getByLabel("It arrived damaged").check();
  await framed(page).locator("#carebox-complaint-description").fill("The skillet's handle came loose on the first use, frame mode.");
  await framed(page).getByLabel("Refund me").check();
  await framed(page).getByLabel("Here, in this help panel").check();
  await framed(page).getByRole("button", { name: "Send report" }).click();
  await framed(page).locator(".carebox-ticket").waitFor();
  const ticket = (await page.evaluate(() => window.__events)).find((e) => e.name === "complaint-submitted")?.ticket;
  assert.match(ticket ?? "", /^C-/, "complaint-submitted reached the host page");
  const filed = (await merchant("/v1/merchant/complaints")).filter((c) => c.ticket === ticket);
  assert.equal(filed.length, 1, "filed exactly once");
  assert.match(filed[0].description, /frame mode/);

  // Escape inside the frame closes it; focus returns to the launcher on the host page.
  await framed(page).press("Escape");
  await page.locator("[data-carebox] iframe.frame").waitFor({ state: "hidden" });
  assert.equal(await launcher(page).getAttribute("aria-expanded"), "false");
  assert.equal(await page.evaluate(() => document.querySelector("[data-carebox]").shadowRoot.activeElement?.getAttribute("part")), "launcher");

  // Opening again shows where the shopper was.
  await launcher(page).click();
  await framed(page).locator(".carebox-ticket").waitFor({ state: "visible" });
  assert.deepEqual((await page.evaluate(() => window.__events)).map((e) => e.name).filter((n) => n === "open" || n === "close"),
    ["open", "close", "open"]);
  await page.context().close();
});

test("strict CSP: identify() crosses into the frame, and a rating there is stored with one click", async () => {
  const page = await openPage(browser, "/?csp=strict");
  await recordEvents(page, ["csat-submitted"]);
  await signInAsAnna(page);
  await openFramedPanel(page);
  // The rating screen asks for the answer so far; the click waits for that answer (a click on
  // the radios of a screen about to be replaced once went unsent in a loaded CI run).
  const csatRequest = (method) => (response) => response.url().includes("/v1/csat/service") && response.request().method() === method;
  const answerSoFar = page.waitForResponse(csatRequest("GET"));
  await framed(page).locator("[data-feature=csat] button").click();
  assert.equal((await answerSoFar).status(), 200);
  const sent = page.waitForResponse(csatRequest("PUT"), { timeout: 5_000 });
  await framed(page).getByRole("radio", { name: "Very satisfied", exact: true }).click();
  let response = await sent.catch(() => null);
  if (!response) {
    // Seen once in a loaded full run (never alone): the click landed while the framed screen
    // was being redrawn and sent nothing. A second click must then send it, exactly once.
    console.warn("strict CSP rating: the first click sent nothing within 5 s; clicking again");
    const again = page.waitForResponse(csatRequest("PUT"));
    await framed(page).getByRole("radio", { name: "Very satisfied", exact: true }).click();
    response = await again;
  }
  assert.equal(response.status(), 201, "a click sends the rating");
  const rated = await page.waitForFunction(() => window.__events.find((e) => e.name === "csat-submitted"));
  assert.deepEqual(await rated.jsonValue(), { name: "csat-submitted", subject: "service", score: 5, changed: false });
  const stored = (await merchant("/v1/merchant/csat/answers?limit=200")).filter((a) => a.subject === "service" && a.score === 5);
  assert.equal(stored.length, 1, "the rating is stored on the server, once");
  await page.context().close();
});

test("strict CSP: the framed panel and the page's launcher pass axe with zero violations", async () => {
  const page = await openPage(browser, "/?csp=strict");
  await openFramedPanel(page);
  assert.deepEqual(await axeViolations(page), [], "host page: launcher and frame");
  const frame = appFrame(page);
  assert.ok(frame, "the app's frame is on the page");
  assert.deepEqual(await axeViolations(frame, "body"), [], "inside the frame");
  await page.context().close();
});

test("data-mode=\"frame\" forces frame mode on a page that would allow inline", async () => {
  const page = await openPage(browser, "/?mode=frame");
  await openFramedPanel(page);
  assert.equal(await page.evaluate(() => document.querySelector("[data-carebox]").shadowRoot.querySelectorAll(".carebox-root").length), 0);
  await page.context().close();
});

test("frame mode: the frame's page asks for the app's module and wasm beside frame.js, and each is fetched once", async () => {
  const page = await openPage(browser, "/?mode=frame", { init: countSkeletons });
  await openFramedPanel(page);
  const app = page.requests.filter((url) => url.startsWith(`${CAREBOX}/app/`)).map((url) => new URL(url).pathname.split("/").pop());
  for (const file of ["carebox.js", "carebox_bg.wasm", "frame.js"]) {
    assert.equal(app.filter((name) => name === file).length, 1, `${file} fetched once: ${app}`);
  }
  // Preloaded from the page's head: requested before frame.js, not after it and the module.
  assert.ok(app.indexOf("carebox_bg.wasm") < app.indexOf("frame.js"), `requested in this order: ${app}`);
  assert.ok(app.indexOf("carebox.js") < app.indexOf("frame.js"), `requested in this order: ${app}`);
  // The configuration it preloads is the one the app takes (one request), there when it
  // first draws.
  assert.equal(page.requests.filter((url) => url.includes("/v1/widget/config?")).length, 1);
  const frame = page.frames().find((f) => f.url().startsWith(`${CAREBOX}/frame`));
  assert.equal(await frame.evaluate(() => window.__skeletonsDrawn), 0, "a loading skeleton was drawn first");
  await page.context().close();
});

test("the documented inline-mode CSP: the app runs in the page, styled, with no style-src entry", async () => {
  const page = await openPage(browser, "/?csp=inline");
  const policy = await (await page.request.get(page.url())).headers()["content-security-policy"];
  assert.match(policy, /'wasm-unsafe-eval'/);
  assert.match(policy, /style-src 'self';/, "no entry for Carebox in style-src");
  await launcher(page).click();
  const panel = page.locator("[data-carebox] .carebox-root [role=dialog]");
  await panel.locator(".carebox-home__entries").waitFor({ state: "visible" });
  assert.equal(await panel.locator(".carebox-panel__header").evaluate((el) => getComputedStyle(el).backgroundColor), "rgb(15, 118, 110)");
  await page.context().close();
});

test("the documented inline-mode CSP in Russian: the app fetches its Russian texts under it, both parts", async () => {
  const page = await openPage(browser, "/?csp=inline&lang=ru");
  await launcher(page).click();
  const panel = page.locator("[data-carebox] .carebox-root [role=dialog]");
  await panel.locator(".carebox-entry__title", { hasText: "Отследить заказ" }).waitFor();
  assert.ok(page.requests.some((url) => /\/strings-ru\.first\.json$/.test(url)));
  await panel.locator("[data-feature=order_status] button").click();
  await panel.getByLabel("Номер заказа").waitFor();
  assert.ok(page.requests.some((url) => /\/strings-ru\.json$/.test(url)));
  await page.context().close();
});

test("a policy that lets nothing of Carebox run: a message in the shopper's language and a way to reach the shop", async () => {
  const page = await openPage(browser, "/?csp=locked&lang=ru&contact=mailto:help@northwind.example");
  // This page refuses Carebox's frame on purpose; the browser and the loader say so in the console.
  page.expectedConsole.push(/^Framing '.*' violates the following Content Security Policy directive/, /^Carebox could not start/);
  await launcher(page).click();
  const fallback = page.locator("[data-carebox] .fallback");
  await fallback.waitFor({ state: "visible" });
  assert.equal(await fallback.getAttribute("role"), "alert");
  assert.match(await fallback.textContent(), /Помощь сейчас не открывается на этой странице/);
  assert.equal(await fallback.getByRole("link", { name: "Связаться с магазином" }).getAttribute("href"), "mailto:help@northwind.example");
  const retry = fallback.getByRole("button", { name: "Попробовать ещё раз" });
  assert.equal(await page.evaluate(() => document.querySelector("[data-carebox]").shadowRoot.activeElement?.textContent), "Попробовать ещё раз");
  assert.equal(await launcher(page).getAttribute("aria-expanded"), "true");
  await screenshot(page, "csp-locked-fallback");
  // Trying again tries for real, and says so again.
  await retry.click();
  await fallback.waitFor({ state: "visible" });
  // The launcher closes the message.
  await launcher(page).click();
  await fallback.waitFor({ state: "detached" });
  assert.equal(await launcher(page).getAttribute("aria-expanded"), "false");
  await page.context().close();
});

test("a policy that allows the loader's file alone: the launcher itself says help is unavailable, in the shopper's language", async () => {
  const page = await openPage(browser, "/?csp=loader&lang=ru");
  // Every module the loader would import is refused on purpose; the browser and the loader say so.
  page.expectedConsole.push(/violates the following Content Security Policy directive/, /^Carebox could not start/);
  await launcher(page).click();
  const notice = page.locator("[data-carebox] .notice");
  await notice.waitFor({ state: "visible" });
  assert.equal(await notice.getAttribute("role"), "alert");
  assert.equal(await notice.textContent(), "Помощь недоступна.");
  const [box, launcherBox] = [await notice.boundingBox(), await launcher(page).boundingBox()];
  assert.ok(box.y + box.height <= launcherBox.y && box.x >= 0, "above the launcher, on screen");
  // The launcher takes it away again, and the next click tries again for real.
  await launcher(page).click();
  await notice.waitFor({ state: "detached" });
  await launcher(page).click();
  await notice.waitFor({ state: "visible" });
  await page.context().close();
});

test("frame mode: destroy() sweeps what the frame kept in the Carebox origin's storage, then removes it", async () => {
  const profile = await launchWithProfile();
  after(() => profile.close());
  const page = profile.pages()[0] ?? await profile.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => { if (message.type() === "error") errors.push(message.text()); });
  await page.goto(`${SHOP}/?mode=frame`);
  await openFramedPanel(page);
  const frame = appFrame(page);
  // What the app keeps there (a complaint's draft, as the complaint specs write it), and a
  // key of another widget on the same origin, which must stay.
  await frame.evaluate(() => {
    localStorage.setItem("carebox:pk_demo_northwind:draft:NW-1003", JSON.stringify({ description: "chipped" }));
    localStorage.setItem("carebox:pk_other_shop:draft:A-1", "{}");
  });
  await page.evaluate(() => window.Carebox.destroy());
  await page.waitForFunction(() => !document.querySelector("carebox-widget"));
  assert.equal(page.frames().filter((f) => f.url().startsWith(`${CAREBOX}/frame?`)).length, 0, "the frame is gone");
  // Any document of the Carebox origin framed by this shop sees the same (partitioned) storage.
  await page.evaluate((url) => new Promise((resolve) => {
    const probe = Object.assign(document.createElement("iframe"), { src: url, onload: resolve });
    document.body.appendChild(probe);
  }), `${CAREBOX}/carebox.d.ts`);
  const probe = page.frames().find((f) => f.url() === `${CAREBOX}/carebox.d.ts`);
  assert.deepEqual(await probe.evaluate(() => Object.keys(localStorage).sort()), ["carebox:pk_other_shop:draft:A-1"]);
  assert.deepEqual(errors, []);
  await profile.close();
});
