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

test("an English shopper downloads no other language's texts; a Russian one fetches what the first open draws, the rest with the first screen, once", async () => {
  const english = await openPage(browser, "/");
  await english.locator("[data-carebox] button[part=launcher]").click();
  await english.locator("[data-carebox] .carebox-home__entries").waitFor();
  await english.locator("[data-carebox] [data-feature=order_status] button").click();
  await english.locator("[data-carebox] #carebox-order-number").waitFor();
  assert.deepEqual(english.requests.filter((url) => url.includes("/strings-")), []);
  await english.context().close();

  const russian = await openPage(browser, "/?lang=ru");
  const textsFetched = () => russian.requests.filter((url) => url.includes("/strings-"));
  const panel = russian.locator("[data-carebox] [role=dialog]");
  await russian.locator("[data-carebox] button[part=launcher]").click();
  await panel.locator(".carebox-entry__title", { hasText: "Отследить заказ" }).waitFor();
  assert.equal(textsFetched().length, 1, textsFetched().join("\n"));
  assert.match(textsFetched()[0], /\/app\/[0-9a-f]{10}\/strings-ru\.first\.json$/);
  // Everything the first open drew is Russian (only the shop's name is its own).
  const home = (await panel.innerText()).replace("Northwind Goods", "");
  assert.doesNotMatch(home, /[A-Za-z]/, `English on the Russian first open:\n${home}`);

  // The first screen brings the whole table, and is drawn with it.
  await panel.locator("[data-feature=order_status] button").click();
  await panel.getByLabel("Номер заказа").waitFor();
  await panel.getByRole("button", { name: "Найти заказ" }).waitFor();
  assert.doesNotMatch((await panel.innerText()).replace("NW-1042", ""), /[A-Za-z]/, "the screen is Russian");
  assert.equal(textsFetched().length, 2, textsFetched().join("\n"));
  assert.match(textsFetched()[1], /\/app\/[0-9a-f]{10}\/strings-ru\.json$/);

  // Back and forth between languages and screens: nothing is fetched again.
  await russian.evaluate(() => window.Carebox.setLocale("en"));
  await panel.getByLabel("Order number").waitFor();
  await russian.evaluate(() => window.Carebox.setLocale("ru"));
  await panel.getByLabel("Номер заказа").waitFor();
  await panel.getByRole("button", { name: "Назад" }).click();
  await panel.locator("[data-feature=complaints] button").click();
  await panel.getByText("С каким заказом проблема?").waitFor();
  assert.doesNotMatch((await panel.innerText()).replace("NW-1042", ""), /[A-Za-z]/, "the report screen is Russian");
  assert.equal(textsFetched().length, 2, textsFetched().join("\n"));
  await russian.context().close();
});

test("in a fetched language, a first open that fails speaks it, and the page's own texts reach the screens drawn later", async () => {
  const page = await openPage(browser, "/?lang=ru");
  // Its API on a port the browser refuses to contact: the first open can only fail.
  page.expectedConsole.push(/^Failed to load resource: net::ERR_UNSAFE_PORT$/);
  await page.evaluate(async () => {
    window.unknown = window.Carebox.init({ key: "pk_demo_northwind", api: "http://127.0.0.1:1", position: "left" });
    await window.unknown.open();
  });
  const failed = page.locator("carebox-widget").nth(1).locator("[role=dialog]");
  await failed.getByText("Не удаётся связаться со службой поддержки магазина").waitFor();
  await failed.getByRole("button", { name: "Повторить" }).waitFor();
  assert.doesNotMatch(await failed.innerText(), /[A-Za-z]/, "the failure is Russian");
  assert.deepEqual(page.requests.filter((url) => url.includes("/strings-ru.json")), [], "a failed first open needs no more texts");
  await page.evaluate(() => window.unknown.destroy());

  // A text of a later screen, overridden by the page: put in again once the whole table is here.
  await page.evaluate(async () => {
    window.custom = window.Carebox.init({
      key: "pk_demo_northwind",
      position: "left",
      strings: { ru: { order_number_label: "Номер вашего заказа", track_order: "Где посылка?" } },
    });
    await window.custom.open();
  });
  const custom = page.locator("carebox-widget").nth(1).locator("[role=dialog]");
  await custom.locator(".carebox-entry__title", { hasText: "Где посылка?" }).click();
  await custom.getByLabel("Номер вашего заказа").waitFor();
  await custom.locator("h2", { hasText: "Где посылка?" }).waitFor();
  await page.context().close();
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
