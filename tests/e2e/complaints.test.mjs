// Complaints as a shopper files them on the demo shop, against the real server: the form,
// its draft, exactly-once sending through a broken network, the ticket and escalation.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { CAREBOX, axeViolations, dialog, focusInWidget, launch, launcher, openPage, openPanel, screenshot, signInAsAnna, test, waitForFocus } from "./support.mjs";

const SECRET = "sk_demo_northwind_local_only";
const DESCRIPTION = "The mug's enamel is chipped along the rim, noticed it when unpacking.";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const field = (page, id) => dialog(page).locator(`#${id}`);
const button = (page, name) => dialog(page).getByRole("button", { name });

/** Every complaint the merchant sees for `order` (merchant API, secret key). */
async function merchantComplaints(order) {
  const response = await fetch(new URL("/v1/merchant/complaints", CAREBOX), { headers: { authorization: `Bearer ${SECRET}` } });
  assert.equal(response.status, 200);
  return (await response.json()).filter((c) => c.order_number === order);
}

async function merchantAct(ticket, action) {
  const response = await fetch(new URL(`/v1/merchant/complaints/${ticket}/actions`, CAREBOX), {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: JSON.stringify(action),
  });
  assert.equal(response.status, 200, await response.text());
}

const activeId = () => document.querySelector("[data-carebox]").shadowRoot.activeElement?.id ?? "";

/** Home → "Track an order" → the order's page → "Report a problem with this order". */
async function reportFromOrder(page, number) {
  await openPanel(page);
  await dialog(page).locator("[data-feature=order_status] button").click();
  await field(page, "carebox-order-number").fill(number);
  await field(page, "carebox-lookup-proof").fill("anna@example.com");
  await button(page, "Find my order").click();
  await dialog(page).locator(".carebox-order").waitFor();
  await button(page, "Report a problem with this order").click();
  await dialog(page).locator(`.carebox-complaint[data-order=${number}]`).waitFor();
}

async function fillComplaint(page) {
  await dialog(page).getByLabel("Enamel Camp Mug").check();
  await dialog(page).getByLabel("A quality problem").check();
  await field(page, "carebox-complaint-description").fill(DESCRIPTION);
  await dialog(page).getByLabel("Send a replacement").check();
  await dialog(page).getByLabel("Here, in this help panel").check();
}

/** Records the host page's `complaint-*` events through the loader's `Carebox.on`. */
async function recordEvents(page) {
  await page.evaluate(() => {
    window.__careboxEvents = [];
    for (const name of ["complaint-submitted", "complaint-escalated"]) {
      window.Carebox.on(name, (detail) => window.__careboxEvents.push({ name, ...detail }));
    }
  });
}

test("file from an order: specific errors, then a Send cut by the network files exactly once", async () => {
  const page = await openPage(browser);
  await recordEvents(page);
  await reportFromOrder(page, "NW-1005");

  // Send with nothing chosen: each field says what to fix, focus goes to the first one.
  await button(page, "Send report").click();
  assert.equal(await field(page, "carebox-complaint-category-error").textContent(), "Choose what happened.");
  assert.equal(await field(page, "carebox-complaint-description-error").textContent(), "Describe what went wrong.");
  assert.equal(await field(page, "carebox-complaint-desired_resolution-error").textContent(), "Choose what you would like us to do.");
  // Focus moves on the next animation frame: wait for it (a busy machine draws later).
  await waitForFocus(page, "carebox-complaint-category-0");
  await field(page, "carebox-complaint-description").fill("Chipped rim");
  assert.equal(await field(page, "carebox-complaint-description-error").textContent(), "Please write a little more: 9 more characters are needed.");
  assert.equal(await field(page, "carebox-complaint-description-count").textContent(), "11 / 2,000");
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));

  await fillComplaint(page);
  assert.equal(await field(page, "carebox-complaint-description-error").textContent(), "", "fixed fields lose their message");

  // The first request reaches the server but its answer is lost; the second never leaves;
  // the third goes through. The widget must reuse one key and show success only at the end.
  const keys = [];
  let calls = 0;
  let releaseThird;
  const thirdMayGo = new Promise((resolve) => { releaseThird = resolve; });
  // The browser reports the two cut requests in the console: this test cuts them.
  page.expectedConsole.push(/^Failed to load resource: net::ERR_(CONNECTION_RESET|INTERNET_DISCONNECTED)$/);
  await page.route("**/v1/complaints?*", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    keys.push(route.request().headers()["idempotency-key"]);
    calls += 1;
    if (calls === 1) {
      const reached = await route.fetch();
      assert.equal(reached.status(), 201, "the server filed it");
      return route.abort("connectionreset");
    }
    if (calls === 2) return route.abort("internetdisconnected");
    await thirdMayGo;
    return route.continue();
  });
  await button(page, "Send report").click();
  const queued = dialog(page).getByText("We couldn't reach the shop yet. Your report is saved and we'll keep trying.");
  await queued.waitFor();
  assert.equal(await field(page, "carebox-complaint-description").isDisabled(), true, "the sent text is locked while queued");
  assert.equal(await dialog(page).locator(".carebox-ticket").count(), 0, "no success before the server accepts");
  while (calls < 3) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await dialog(page).locator(".carebox-ticket").count(), 0, "still no success while the last try is pending");
  releaseThird();

  const ticket = dialog(page).locator(".carebox-ticket");
  await ticket.waitFor();
  assert.equal(await ticket.locator(".carebox-ticket__received").textContent(), "Thank you! We've received your report.");
  const number = (await ticket.locator("h3").textContent()).replace("Report ", "");
  assert.match(number, /^C-[0-9A-Z]{8}$/);
  assert.match(await ticket.locator(".carebox-ticket__promise").textContent(), /^We'll answer in 24 hours, by .+2026.+\.$/);
  assert.equal(await ticket.locator(".carebox-ticket__level").textContent(), "support team", "plain words, no L1");
  assert.equal(keys.length, 3);
  assert.ok(keys.every((key) => key === keys[0]) && /^cbx-[0-9a-f]{32}$/.test(keys[0]), `one key for every try: ${keys}`);

  const onServer = await merchantComplaints("NW-1005");
  assert.equal(onServer.length, 1, "exactly one complaint, however many requests arrived");
  assert.equal(onServer[0].ticket, number);
  assert.equal(onServer[0].description, DESCRIPTION);
  assert.deepEqual(onServer[0].items, [0]);
  assert.deepEqual(await page.evaluate(() => window.__careboxEvents), [
    { name: "complaint-submitted", ticket: number, orderNumber: "NW-1005", level: "l1" },
  ]);
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes("complaint-draft")).length), 0, "the draft is gone once accepted");
  await screenshot(page, "complaint-filed");

  // Back leads to the order (the form has done its job), which now lists the report.
  await button(page, "Back").click();
  const row = dialog(page).locator(`.carebox-complaint-row[data-ticket=${number}]`);
  await row.waitFor();
  assert.match(await row.textContent(), /A quality problem/);
  assert.deepEqual(page.errors.filter((e) => !/ERR_CONNECTION_RESET|ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e)), []);
  await page.context().close();
});

test("standalone report: the draft survives a reload, and an offline Send goes out once back online", async () => {
  const page = await openPage(browser);
  await openPanel(page);
  await dialog(page).locator("[data-feature=complaints] button").click();
  assert.equal(await dialog(page).locator(".carebox-report__title").textContent(), "Which order is the problem with?");
  await field(page, "carebox-order-number").fill("NW-1002");
  await field(page, "carebox-lookup-proof").fill("anna@example.com");
  await button(page, "Find my order").click();
  await dialog(page).locator(".carebox-complaint[data-order=NW-1002]").waitFor();
  await dialog(page).getByLabel("It arrived late").check();
  await field(page, "carebox-complaint-description").fill("Still waiting for the rain shell, the tracking has not moved.");

  await page.reload();
  await openPanel(page);
  await dialog(page).locator("[data-feature=complaints] button").click();
  await field(page, "carebox-order-number").fill("NW-1002");
  await field(page, "carebox-lookup-proof").fill("anna@example.com");
  await button(page, "Find my order").click();
  await dialog(page).locator(".carebox-complaint[data-order=NW-1002]").waitFor();
  assert.equal(await field(page, "carebox-complaint-description").inputValue(), "Still waiting for the rain shell, the tracking has not moved.");
  assert.equal(await dialog(page).getByLabel("It arrived late").isChecked(), true, "the draft came back whole");

  await dialog(page).getByLabel("Refund me").check();
  await dialog(page).getByLabel("By e-mail").check();
  await page.context().setOffline(true);
  await button(page, "Send report").click();
  await dialog(page).getByText("You're offline. Your report is saved here and will be sent as soon as you're back online.").waitFor();
  const stored = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith("complaint-draft:NW-1002"))?.[1]);
  assert.match(stored, /"sending":\{"key":"cbx-[0-9a-f]{32}"/, "the key is stored with the draft before anything is sent");
  assert.equal((await merchantComplaints("NW-1002")).length, 0);

  await page.context().setOffline(false);
  await dialog(page).locator(".carebox-ticket").waitFor();
  assert.equal((await merchantComplaints("NW-1002")).length, 1);
  assert.deepEqual(page.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e)), []);
  await page.context().close();
});

test("keyboard only: file a report, then escalate it after the shop's answer", async () => {
  const page = await openPage(browser);
  await recordEvents(page);
  await launcher(page).focus();
  await page.keyboard.press("Enter");
  await dialog(page).locator(".carebox-home__entries").waitFor();
  const press = async (key, times = 1) => { for (let i = 0; i < times; i++) await page.keyboard.press(key); };
  const focused = async () => (await focusInWidget(page)).label;
  // Tab to "Report a problem" and open it.
  for (let i = 0; i < 8 && !(await focused()).startsWith("Report a problem"); i++) await press("Tab");
  await press("Enter");
  // The new screen takes focus on its next frame: typing before that would go astray.
  await waitForFocus(page, "carebox-order-number");
  await page.keyboard.type("NW-1004");
  await press("Tab");
  await waitForFocus(page, "carebox-lookup-proof");
  await page.keyboard.type("anna@example.com");
  await press("Enter");
  await dialog(page).locator(".carebox-complaint[data-order=NW-1004]").waitFor();

  // Items: skip; category: arrow keys in the radio group; then the text; then the choices.
  const tabTo = async (predicate, limit = 20) => {
    for (let i = 0; i < limit; i++) {
      await press("Tab");
      if (await page.evaluate(predicate)) return;
    }
    throw new Error(`never reached: ${predicate}`);
  };
  await tabTo(() => document.querySelector("[data-carebox]").shadowRoot.activeElement?.name === "category");
  await press("ArrowDown", 4); // Damaged → Missing → Wrong → Late → Quality
  await press("Tab");
  assert.equal(await page.evaluate(activeId), "carebox-complaint-description");
  await page.keyboard.type("The blanket has a pulled thread along one whole edge of it.");
  await press("Tab");
  await press("ArrowDown"); // Refund → Replacement
  await press("Tab");
  await press("ArrowDown", 2); // E-mail → Phone → here only
  await press("Tab");
  assert.equal(await focused(), "Send report");
  await press("Enter");
  const ticket = dialog(page).locator(".carebox-ticket");
  await ticket.waitFor();
  const number = (await ticket.locator("h3").textContent()).replace("Report ", "");
  assert.equal(await dialog(page).locator(".carebox-escalate__open").count(), 0, "no escalation before an answer or a broken promise");

  // The shop answers; the shopper reopens the ticket from the order and escalates.
  await merchantAct(number, { action: "reply", text: "We can offer a 10% refund for the blanket." });
  // Back skips the finished report flow: home, then the order's page lists the report.
  await dialog(page).getByRole("button", { name: "Back" }).focus();
  await press("Enter");
  await dialog(page).locator("[data-feature=order_status] button").focus();
  await press("Enter");
  await field(page, "carebox-order-number").waitFor();
  assert.equal(await field(page, "carebox-order-number").inputValue(), "NW-1004", "the lookup remembers the order");
  await dialog(page).getByRole("button", { name: "Find my order" }).focus();
  await press("Enter");
  const row = dialog(page).locator(`.carebox-complaint-row[data-ticket=${number}]`);
  await row.waitFor();
  await row.focus();
  await press("Enter");
  await ticket.locator(".carebox-ticket__reply").waitFor();
  assert.equal(await ticket.locator(".carebox-ticket__reply").textContent(), "We can offer a 10% refund for the blanket.");
  assert.match(await ticket.locator(".carebox-ticket__promise").textContent(), /The shop has answered/);
  await dialog(page).locator(".carebox-escalate__open").focus();
  await press("Enter");
  await waitForFocus(page, "carebox-escalate-reason");
  await press("Tab");
  assert.equal(await focused(), "Send to the team lead");
  await press("Enter");
  assert.equal(await field(page, "carebox-escalate-reason-error").textContent(), "Tell us why, so the next person knows.");
  await waitForFocus(page, "carebox-escalate-reason");
  await page.keyboard.type("A partial refund does not fix a damaged blanket.");
  await press("Tab");
  await press("Enter");
  await ticket.locator("[data-level=l2]").or(dialog(page).locator(".carebox-ticket[data-level=l2]")).first().waitFor();
  assert.equal(await dialog(page).locator(".carebox-ticket__level").textContent(), "team lead");
  const names = await dialog(page).locator(".carebox-timeline__name").allTextContents();
  assert.deepEqual(names, ["You asked for the team lead", "Answer from the shop", "Report received"]);
  assert.match(await dialog(page).locator(".carebox-ticket__promise").textContent(), /^We'll answer in \d+ hours, by /);
  assert.equal(await dialog(page).locator(".carebox-escalate__open").count(), 0, "once per level");
  const server = (await merchantComplaints("NW-1004")).find((c) => c.ticket === number);
  assert.equal(server.level, "l2");
  assert.equal(server.timeline.at(-1).reason, "A partial refund does not fix a damaged blanket.");
  assert.deepEqual((await page.evaluate(() => window.__careboxEvents)).map((e) => e.name), ["complaint-submitted", "complaint-escalated"]);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await screenshot(page, "complaint-escalated");
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("the form and its messages in Russian", async () => {
  const page = await openPage(browser, "/?lang=ru", { locale: "ru-RU" });
  await openPanel(page);
  await dialog(page).locator("[data-feature=complaints] button").click();
  await field(page, "carebox-order-number").fill("NW-2001");
  await field(page, "carebox-lookup-proof").fill("ivan@example.ru");
  await button(page, "Найти заказ").click();
  await dialog(page).locator(".carebox-complaint[data-order=NW-2001]").waitFor();
  await field(page, "carebox-complaint-description").fill("Кружка с трещиной");
  await button(page, "Отправить обращение").click();
  assert.equal(await field(page, "carebox-complaint-category-error").textContent(), "Выберите, что случилось.");
  assert.equal(await field(page, "carebox-complaint-description-error").textContent(), "Напишите чуть подробнее: нужно ещё 3 символа.");
  assert.equal(await field(page, "carebox-complaint-description").inputValue(), "Кружка с трещиной", "the typed text stays");
  assert.equal(await field(page, "carebox-complaint-description-count").textContent(), "17 / 2\u00a0000");
  await screenshot(page, "complaint-form-ru");
  await page.context().close();
});

test("after identify() the shopper's reports are listed under their orders, one click from the ticket", async () => {
  // A report filed earlier (through the public API, as the widget would), on Anna's NW-1008.
  const lookup = await fetch(new URL("/v1/orders/lookup?key=pk_demo_northwind", CAREBOX), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ order_number: "NW-1008", email: "anna@example.com" }),
  });
  const { token } = await lookup.json();
  const filed = await fetch(new URL("/v1/complaints?key=pk_demo_northwind", CAREBOX), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "idempotency-key": `e2e-identify-${Date.now()}` },
    body: JSON.stringify({
      order_number: "NW-1008", items: [], category: "service", description: "Nobody told me the order was cancelled.",
      desired_resolution: "just_let_you_know", contact_preference: "email",
    }),
  });
  assert.equal(filed.status, 201);
  const { ticket } = await filed.json();

  const page = await openPage(browser);
  await signInAsAnna(page);
  await openPanel(page);
  await dialog(page).locator("[data-feature=order_status] button").click();
  const row = dialog(page).locator(`.carebox-complaints .carebox-complaint-row[data-ticket=${ticket}]`);
  await row.waitFor();
  assert.equal(await dialog(page).locator(".carebox-complaints h4").textContent(), "My reports");
  assert.match(await row.textContent(), /A problem with our service/);
  await row.click();
  const view = dialog(page).locator(".carebox-ticket");
  await view.waitFor();
  assert.equal(await view.locator("h3").textContent(), `Report ${ticket}`);
  assert.equal(await view.locator(".carebox-ticket__received").count(), 0, "thanks only right after sending");

  // "Report a problem" for an identified shopper offers their orders instead of a lookup form.
  await button(page, "Back").click();
  await button(page, "Back").click();
  await dialog(page).locator("[data-feature=complaints] button").click();
  await dialog(page).locator(".carebox-my-orders__list .carebox-order-row").first().waitFor();
  assert.equal(await field(page, "carebox-order-number").count(), 0);
  await dialog(page).locator(".carebox-my-orders__list .carebox-order-row", { hasText: "NW-1003" }).click();
  await dialog(page).locator(".carebox-complaint[data-order=NW-1003]").waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test("leaving a screen while its data still loads, again and again: the widget keeps working", async () => {
  // Leaving a screen before its data arrives once stopped the whole widget (a panic in wasm).
  const page = await openPage(browser);
  await signInAsAnna(page);
  await openPanel(page);
  await dialog(page).locator("[data-feature=order_status] button").click();
  await dialog(page).locator(".carebox-complaints .carebox-complaint-row").first().waitFor();
  await button(page, "Back").click();
  // From here the shopper's lists answer slowly, so every visit below is left mid-load.
  let slowAnswers = 0;
  await page.route("**/v1/shopper/**", async (route) => {
    slowAnswers += 1;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue().catch(() => {}); // the widget may have cancelled it meanwhile
  });
  for (let round = 0; round < 5; round++) {
    await dialog(page).locator("[data-feature=order_status] button").click();
    await dialog(page).locator(".carebox-my-orders").waitFor();
    await button(page, "Back").click();
    await dialog(page).locator(".carebox-home__entries").waitFor();
  }
  await page.waitForTimeout(400); // the cancelled answers settle
  assert.ok(slowAnswers >= 10, `both lists were asked for each time (${slowAnswers})`);
  assert.deepEqual(page.errors, [], "no page errors: a panic would show here as RuntimeError: unreachable");
  await page.unroute("**/v1/shopper/**");
  await dialog(page).locator("[data-feature=order_status] button").click();
  await dialog(page).locator(".carebox-my-orders__list .carebox-order-row").first().waitFor();
  await page.context().close();
});
