// The XSS corpus: hostile strings stored through the real API in every field a merchant or a
// shopper supplies (shop name, greeting, a text override, item names, carrier, tracking
// number, a delay note, complaint text, the shop's reply and rejection reason, a loyalty
// reason, a CSAT comment), then every view that shows them opened in Chromium. Nothing may
// run, no element may come from a payload, every payload reads as the text it is, nothing may
// push out of the panel, and a right-to-left override may not reverse the text beside it.
// Runs last (file order): it renames the demo shop, and puts its name and texts back after.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { CAREBOX, dialog, launch, openPage, openPanel, screenshot, signInAsAnna, test } from "./support.mjs";

const SECRET = "sk_demo_northwind_local_only";
const KEY = "pk_demo_northwind";
const ORDER = "NW-XSS1";

/** Each payload calls `__xss(<its name>)` if it ever runs. */
const P = {
  script: `<script>__xss("script")</script>`,
  img: `<img src=x onerror=__xss("img")>`,
  svg: `<svg onload=__xss("svg")>`,
  iframe: `<iframe srcdoc="<script>parent.__xss('iframe')</script>">`,
  attr: `" autofocus onfocus="__xss('attr')" x="`,
  js: `javascript:__xss("js")`,
  style: `<style>*{display:none!important}</style>`,
  template: `{{constructor.constructor('__xss("tpl")')()}}`,
  entity: `&lt;b&gt;not bold&lt;/b&gt;`,
  rlo: `\u202Egnp.exe`,
  long: "W".repeat(160),
};
const ALL = Object.values(P).join(" ");

let browser;
before(async () => { browser = await launch(); });
after(async () => {
  await browser?.close();
  // The demo shop's own name and wording back, for anyone who runs the demo after the tests.
  await api("PATCH", "/v1/merchant/widget/settings", { merchant_name: "Northwind Goods", greetings: {} }).catch(() => {});
  await api("PUT", "/v1/merchant/widget/strings", {}).catch(() => {});
});

async function api(method, path, body, { token = SECRET, headers = {} } = {}) {
  const response = await fetch(new URL(path, CAREBOX), {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function stored(method, path, body, options) {
  const { status, json } = await api(method, path, body, options);
  assert.ok(status >= 200 && status < 300, `${method} ${path}: ${status} ${JSON.stringify(json)}`);
  return json;
}

/** Stores the corpus in every field, through the same API merchants and shoppers use. */
async function plantCorpus() {
  await stored("PATCH", "/v1/merchant/widget/settings", {
    merchant_name: `${P.img} ${P.rlo}`, greetings: { en: `${P.script} ${P.svg} ${P.template} ${P.long}` },
  });
  await stored("PUT", "/v1/merchant/widget/strings", { en: { rate_us: `${P.iframe} ${P.entity}` } });
  await stored("PUT", `/v1/merchant/orders/${ORDER}`, {
    email: "anna@example.com", shopper_id: "shopper-anna", placed_at: "2026-11-20T10:00:00Z", currency: "EUR",
    items: [
      { name: `${P.img} ${P.rlo}`, quantity: 1, unit_price_minor: 1200 },
      { name: P.long, quantity: 2, unit_price_minor: 500 },
      { name: `${P.script} ${P.iframe}`, quantity: 1, unit_price_minor: 700 },
      { name: `${P.attr} ${P.style} ${P.entity}`, quantity: 1, unit_price_minor: 300 },
    ],
  });
  // Links shoppers click must be https: a javascript: link is refused where it is stored.
  const refused = await api("POST", `/v1/merchant/orders/${ORDER}/events`, {
    id: "ship-js", kind: "shipped", occurred_at: "2026-11-21T08:00:00Z",
    shipment: { carrier: "DHL", tracking_number: "JD1", tracking_url: P.js },
  });
  assert.deepEqual([refused.status, refused.json.error.field], [422, "shipment.tracking_url"]);
  await stored("POST", `/v1/merchant/orders/${ORDER}/events`, {
    id: "ship-1", kind: "shipped", occurred_at: "2026-11-21T08:00:00Z",
    shipment: { carrier: `${P.svg} ${P.rlo}`, tracking_number: `">${P.img}` },
  });
  await stored("POST", `/v1/merchant/orders/${ORDER}/events`, {
    id: "late-1", kind: "delayed", occurred_at: "2026-11-22T08:00:00Z", note: ALL,
  });

  // The shopper's side: a complaint through the widget's own API, with an order token.
  const { token } = await stored("POST", `/v1/orders/lookup?key=${KEY}`, { order_number: ORDER, email: "anna@example.com" });
  const complaint = await stored("POST", `/v1/complaints?key=${KEY}`, {
    order_number: ORDER, items: [0], category: "quality", description: ALL,
    desired_resolution: "refund", contact_preference: "email",
  }, { token, headers: { "idempotency-key": `xss-corpus-${Date.now()}` } });
  const ticket = complaint.ticket;
  await stored("POST", `/v1/merchant/complaints/${ticket}/actions`, { action: "reply", text: `${ALL} ${P.js}` });
  await stored("POST", `/v1/merchant/complaints/${ticket}/actions`, {
    action: "resolve", resolution: { kind: "rejected", reason: `${P.svg} ${P.rlo} ${P.long}` }, note: `${P.iframe} ${P.attr}`,
  });
  await stored("POST", "/v1/merchant/loyalty/adjustments", { email: "anna@example.com", points: 7, reason: `${P.img} ${P.rlo}` });
  await stored("PUT", `/v1/csat/complaint:${ticket}?key=${KEY}`, { score: 2, comment: ALL }, { token });
  return { ticket, token };
}

/** Records any payload that runs, on every page and frame of the context, before any script of theirs. */
async function watchForPayloads(page) {
  await page.context().addInitScript(() => {
    window.__xssRuns = [];
    window.__xss = (name) => window.__xssRuns.push(name);
  });
  page.on("dialog", (dialog) => { page.dialogs = [...(page.dialogs ?? []), dialog.message()]; dialog.dismiss(); });
}

/**
 * The checks every view passes. `root` is where the view is drawn (the widget's shadow root,
 * or the document of a page), `texts` what must read there as text.
 */
async function assertInert(page, view, texts, inWidget = true) {
  const found = await page.evaluate(({ inWidget, texts }) => {
    const root = inWidget ? document.querySelector("[data-carebox]").shadowRoot : document;
    const box = (inWidget ? root.querySelector("[role=dialog]") : document.body).getBoundingClientRect();
    // Only elements a payload made: each one names `__xss`, or is the page-hiding style.
    const planted = [...root.querySelectorAll("script, iframe, object, embed, style, svg, img, a, [onerror], [onload], [onfocus], [srcdoc], [autofocus]")]
      .map((e) => e.outerHTML)
      .filter((html) => html.includes("__xss") || html.includes("display:none!important") || /<img[^>]+src="?x"?[ >]/.test(html))
      .map((html) => html.slice(0, 100));
    const shown = inWidget ? root.querySelector("[role=dialog]").innerText : document.body.innerText;
    const missing = texts.filter((text) => !shown.includes(text));
    const outside = [...(inWidget ? root.querySelector("[role=dialog]") : document.body).querySelectorAll("*")]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        const pushedOut = r.width > 0 && r.height > 0 && (r.right > box.right + 1 || r.left < box.left - 1);
        // Text wider than its own box (a long word running past the panel's edge, clipped).
        const spills = el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1;
        return pushedOut || spills;
      })
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
      .slice(0, 5);
    // A right-to-left override must end where its field ends: the element holding it is a
    // bidi isolate (or a paragraph of its own), so it cannot reverse the text beside it.
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const leaking = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.data.includes("\u202E")) continue;
      const holder = node.parentElement;
      const style = getComputedStyle(holder);
      const isolated = /isolate|plaintext/.test(style.unicodeBidi);
      const ownParagraph = !style.display.startsWith("inline") && holder.textContent.trim() === node.data.trim();
      if (!isolated && !ownParagraph) leaking.push(`${holder.tagName.toLowerCase()}.${holder.className}: ${holder.textContent.slice(0, 40)}`);
    }
    return { runs: window.__xssRuns, planted, missing, outside, leaking, scrolls: document.scrollingElement.scrollWidth > innerWidth };
  }, { inWidget, texts });
  assert.deepEqual(found.runs, [], `${view}: payloads ran`);
  assert.deepEqual(page.dialogs ?? [], [], `${view}: a dialog opened`);
  assert.deepEqual(found.planted, [], `${view}: elements from payloads`);
  assert.deepEqual(found.missing, [], `${view}: payloads not shown as text`);
  assert.deepEqual(found.outside, [], `${view}: pushed out of the panel`);
  assert.deepEqual(found.leaking, [], `${view}: a right-to-left override reaches past its field`);
  assert.equal(found.scrolls, false, `${view}: the page scrolls sideways`);
}

test("hostile text in every merchant and shopper field renders as text in every view, and nothing runs", async () => {
  const { ticket } = await plantCorpus();
  const page = await openPage(browser);
  await watchForPayloads(page);
  await page.reload();
  await signInAsAnna(page);
  await openPanel(page);

  // Home: the shop's name (header), its greeting, the overridden "Rate us".
  await dialog(page).locator("h2").filter({ hasText: "onerror" }).waitFor();
  await screenshot(page, "xss-home");
  await assertInert(page, "home", [P.img, P.script, P.svg, P.template, P.iframe, P.entity]);

  // The order: item names, carrier, tracking number, the delay note.
  await page.evaluate((order) => window.Carebox.open({ view: "order", order }), ORDER);
  const order = dialog(page).locator(`.carebox-order`);
  await order.locator(".carebox-parcel").waitFor();
  await screenshot(page, "xss-order");
  await assertInert(page, "order", [P.img, P.script, P.iframe, P.attr.trim(), P.style, P.entity, P.svg, `">${P.img}`, P.template]);
  assert.equal(await order.locator(".carebox-parcel a").count(), 0, "no link without an https tracking URL");

  // The ticket: the shopper's description, the reply, the rejection and its note.
  await dialog(page).locator(`.carebox-complaint-row[data-ticket="${ticket}"]`).click();
  await dialog(page).locator(".carebox-ticket__description").waitFor();
  await screenshot(page, "xss-ticket");
  await assertInert(page, "ticket", [P.script, P.img, P.iframe, P.attr.trim(), P.js, P.style]);

  // Bonuses: the merchant's reason for an adjustment.
  await page.evaluate(() => window.Carebox.open({ view: "bonuses" }));
  await dialog(page).locator(".carebox-bonuses__entry[data-kind=adjustment]").waitFor();
  await screenshot(page, "xss-bonuses");
  await assertInert(page, "bonuses", [P.img]);
  await page.context().close();
});

test("the e-mail rating page shows a hostile shop name and comment as text", async () => {
  await stored("PATCH", "/v1/merchant/widget/settings", { merchant_name: `${P.img} ${P.rlo}` });
  const { links } = await stored("POST", "/v1/merchant/csat/links", { subject: `order:NW-1001` });
  const page = await openPage(browser);
  await watchForPayloads(page);
  await page.goto(links[3].url);
  await page.getByRole("textbox").waitFor();
  const comment = `${P.script} ${P.svg} ${P.iframe} ${P.long}`;
  await page.getByRole("textbox").fill(comment);
  await page.getByRole("button").click();
  await page.getByRole("textbox").waitFor({ state: "detached" });
  const answer = (await stored("GET", "/v1/merchant/csat/answers?limit=200")).find((a) => a.subject === "order:NW-1001");
  assert.equal(answer?.comment, comment, "stored as the text it is");
  await assertInert(page, "rating page", [P.img], false);
  await screenshot(page, "xss-rating-page");
  await page.context().close();
});
