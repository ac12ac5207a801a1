// Texts as a shop's developer changes them (`init({ strings })`, per language, by key) and as a
// shopper gets them: markup in an override stays text, a typo is named in the console, and the
// bundle fetches a language's texts only for the shoppers who speak it.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { CAREBOX, launch, openPage, test } from "./support.mjs";

const SECRET = "sk_demo_northwind_local_only";

/** The demo merchant's own texts, as their console saves them (`{}` clears them). */
async function setMerchantTexts(texts) {
  const response = await fetch(new URL("/v1/merchant/widget/strings", CAREBOX), {
    method: "PUT",
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: JSON.stringify(texts),
  });
  assert.equal(response.status, 200, await response.text());
}

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const OVERRIDES = {
  en: { track_order: "Where is my parcel?", track_order_hint: "<img src=x onerror=alert(1)>Hello from <b>us</b>" },
  ru: { track_order: "Где моя посылка?", "complaint.sendd": "typo" },
  de: { track_order: "Wo ist mein Paket?" },
};

/** A second widget with the overrides, opened; returns a locator for its panel. */
async function openWithOverrides(page, options) {
  await page.evaluate(async ({ strings, options }) => {
    window.custom = window.Carebox.init({ key: "pk_demo_northwind", position: "left", strings, ...options });
    await window.custom.open();
  }, { strings: OVERRIDES, options });
  return page.locator("carebox-widget").nth(1);
}

test("init({ strings }): the shopper's language takes its overrides, markup stays text, and typos are named", async () => {
  const page = await openPage(browser, "/");
  page.expectedConsole.push(/^Carebox: strings\.de: no such language/, /^Carebox: strings\.ru: no text "complaint\.sendd"/);
  const widget = await openWithOverrides(page, { locale: "en" });
  const entries = widget.locator(".carebox-entry__title");
  await entries.first().waitFor();
  assert.equal(await entries.first().textContent(), "Where is my parcel?");
  const hint = widget.locator(".carebox-entry__hint").first();
  assert.equal(await hint.textContent(), OVERRIDES.en.track_order_hint, "shown as text");
  assert.equal(await hint.locator("img, b").count(), 0);
  assert.ok(page.consoleMessages.some((m) => /strings\.de: no such language/.test(m.text)), "the unknown language is named");

  await page.evaluate(() => window.custom.setLocale("ru"));
  await widget.locator(".carebox-entry__title", { hasText: "Где моя посылка?" }).waitFor();
  assert.equal(await entries.nth(1).textContent(), "Сообщить о проблеме", "the rest stays built in");
  assert.ok(page.consoleMessages.some((m) => /strings\.ru: no text "complaint\.sendd"/.test(m.text)), "the typo is named");
  // The first widget is untouched by the second's overrides.
  await page.locator("carebox-widget").first().locator("button[part=launcher]").click();
  await page.locator("carebox-widget").first().locator(".carebox-entry__title", { hasText: "Track an order" }).waitFor();
  await page.context().close();
});

test("frame mode carries the overrides into the frame", async () => {
  const page = await openPage(browser, "/");
  page.expectedConsole.push(/^Carebox: strings\./);
  await openWithOverrides(page, { locale: "en", mode: "frame" });
  const framed = page.frameLocator("carebox-widget >> nth=1 >> iframe.frame");
  await framed.locator(".carebox-entry__title", { hasText: "Where is my parcel?" }).waitFor();
  await page.context().close();
});

test("an English shopper downloads no other language's texts; a Russian one fetches Russian once", async () => {
  const english = await openPage(browser, "/");
  await english.locator("[data-carebox] button[part=launcher]").click();
  await english.locator("[data-carebox] .carebox-home__entries").waitFor();
  assert.deepEqual(english.requests.filter((url) => url.includes("/strings-")), []);
  await english.context().close();

  const russian = await openPage(browser, "/?lang=ru");
  await russian.locator("[data-carebox] button[part=launcher]").click();
  await russian.locator("[data-carebox] .carebox-entry__title", { hasText: "Отследить заказ" }).waitFor();
  await russian.evaluate(() => window.Carebox.setLocale("en"));
  await russian.locator("[data-carebox] .carebox-entry__title", { hasText: "Track an order" }).waitFor();
  await russian.evaluate(() => window.Carebox.setLocale("ru"));
  await russian.locator("[data-carebox] .carebox-entry__title", { hasText: "Отследить заказ" }).waitFor();
  const fetched = russian.requests.filter((url) => url.includes("/strings-"));
  assert.equal(fetched.length, 1, fetched.join("\n"));
  assert.match(fetched[0], /\/app\/[0-9a-f]{10}\/strings-ru\.json$/);
  await russian.context().close();
});

test("the merchant's own texts reach every shopper; the page's init({ strings }) wins where both set one", async () => {
  await setMerchantTexts({
    en: { track_order: "Track your parcel", report_problem: "Something wrong? <b>Tell us</b>" },
    ru: { track_order: "Где посылка?" },
  });
  try {
    const page = await openPage(browser, "/");
    page.expectedConsole.push(/^Carebox: strings\./);
    await page.locator("[data-carebox] button[part=launcher]").click();
    const entries = page.locator("[data-carebox] .carebox-entry__title");
    await entries.first().waitFor();
    const titles = await entries.allTextContents();
    assert.deepEqual(titles.slice(0, 2), ["Track your parcel", "Something wrong? <b>Tell us</b>"], "the merchant's texts, markup shown as text");
    assert.ok(titles.includes("My bonuses"), "the rest stays built in");
    await entries.first().click();
    await page.locator("[data-carebox] h2", { hasText: "Track your parcel" }).waitFor();

    // A developer's own text for the same key wins; the merchant's others stay.
    const widget = await openWithOverrides(page, { locale: "en" });
    const custom = widget.locator(".carebox-entry__title");
    await custom.first().waitFor();
    assert.deepEqual((await custom.allTextContents()).slice(0, 2), ["Where is my parcel?", "Something wrong? <b>Tell us</b>"]);
    await page.context().close();

    const russian = await openPage(browser, "/?lang=ru", { locale: "ru-RU" });
    await russian.locator("[data-carebox] button[part=launcher]").click();
    await russian.locator("[data-carebox] .carebox-entry__title", { hasText: "Где посылка?" }).waitFor();
    await russian.context().close();
  } finally {
    await setMerchantTexts({});
  }
});
