// The support console at /console on Carebox's origin, driven like staff use it, with a shopper
// in another browser context on the demo shop: the whole loop from a complaint filed in the
// widget to the agent's signed reply the shopper reads. axe on every console screen.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import http from "node:http";
import { after, before } from "node:test";

import { CAREBOX, axeViolations, dialog, launch, openConsole, openPage, openPanel, screenshot, test } from "./support.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const AGENT = { email: "agent@northwind.example", password: "northwind-agent-local-only", name: "Alex" };

async function signIn(page, { email, password }) {
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function noViolations(page) {
  const violations = await axeViolations(page, "body");
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
}

test("console: a wrong password is refused in words, what was typed stays, and nothing opens without a session", async () => {
  const page = await openConsole(browser);
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  await noViolations(page);
  // The page's own CSP is strict: nothing inline, nothing from elsewhere, never framed.
  const policy = (await page.request.get(page.url())).headers()["content-security-policy"];
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /frame-ancestors 'none'/);
  page.expectedConsole.push(/status of 401/); // the refused sign-in and the first "who am I?"
  await signIn(page, { email: AGENT.email, password: "not the password" });
  await page.getByRole("alert").filter({ hasText: "The e-mail or password is not right." }).waitFor();
  assert.equal(await page.getByLabel("E-mail").inputValue(), AGENT.email, "the address stays");
  const inbox = await page.request.get(new URL("/v1/merchant/complaints", CAREBOX).href);
  assert.equal(inbox.status(), 401, "no session, no complaints");
  await page.context().close();
});

test("console in Russian: signing in and the inbox speak the staff member's language", async () => {
  const owner = await openConsole(browser, { locale: "ru-RU" });
  await owner.getByRole("button", { name: "Войти" }).waitFor();
  assert.equal(await owner.evaluate(() => document.documentElement.lang), "ru");
  await owner.getByLabel("Эл. почта").fill("owner@northwind.example");
  await owner.getByLabel("Пароль").fill("northwind-owner-local-only");
  await owner.getByRole("button", { name: "Войти" }).click();
  await owner.getByRole("heading", { name: "Входящие" }).waitFor();
  await owner.getByText("Nadia (владелец)").waitFor();
  await noViolations(owner);
  // A refusal names the problem in Russian, not in the server's English.
  await owner.locator(".console-row a").first().click();
  await owner.getByRole("button", { name: "Добавить заметку" }).click();
  await owner.getByRole("alert").filter({ hasText: "Не получилось: напишите текст." }).waitFor();
  // One too long is refused in words too, and what was typed stays to be shortened.
  const draft = owner.getByLabel("Заметка для команды (покупатель её не увидит)");
  await draft.fill("я".repeat(2001));
  await owner.getByRole("button", { name: "Добавить заметку" }).click();
  await owner.getByRole("alert").filter({ hasText: "Не получилось: текст слишком длинный." }).waitFor();
  assert.equal((await draft.inputValue()).length, 2001);
  await owner.context().close();
});

test("console: a complaint filed in the widget reaches the agent's inbox without a reload; the reply reaches the shopper signed", async () => {
  const agent = await openConsole(browser, { controlledClock: true });
  agent.expectedConsole.push(/status of 401/); // "who am I?" before signing in
  await signIn(agent, AGENT);
  const inbox = agent.locator(".console-inbox, .console-empty");
  await inbox.first().waitFor();
  await agent.getByText("Alex (agent)").waitFor();
  await noViolations(agent);

  // Ben reports a problem with his skillet order in the widget, in another browser.
  const shopper = await openPage(browser);
  await openPanel(shopper);
  const panel = dialog(shopper);
  await panel.locator("[data-feature=order_status] button").click();
  await panel.locator("#carebox-order-number").fill("NW-1007");
  await panel.locator("#carebox-lookup-proof").fill("ben@example.com");
  await panel.getByRole("button", { name: "Find my order" }).click();
  await panel.locator(".carebox-order").waitFor();
  await panel.getByRole("button", { name: "Report a problem with this order" }).click();
  await panel.getByLabel("Cast Iron Skillet 26 cm").check();
  await panel.getByLabel("A quality problem").check();
  await panel.locator("#carebox-complaint-description").fill("The skillet's handle came loose after the first use.");
  await panel.getByLabel("Send a replacement").check();
  await panel.getByLabel("Here, in this help panel").check();
  await panel.getByRole("button", { name: "Send report" }).click();
  const ticketCard = panel.locator(".carebox-ticket");
  await ticketCard.waitFor();
  const ticket = (await ticketCard.locator("h3").textContent()).replace("Report ", "");

  // It appears in the open inbox by itself (the inbox asks again every 15 s), with its promise:
  // not before those 15 s, which the agent's clock skips.
  const row = agent.locator(`.console-row[data-ticket="${ticket}"]`);
  await agent.waitForTimeout(300);
  assert.equal(await row.count(), 0, "the inbox showed the new complaint before asking again");
  await agent.clock.fastForward(15_000);
  await row.waitFor({ timeout: 5_000 });
  assert.match(await row.locator(".console-row__promise").textContent(), /answer within \d+ h/);
  // Narrowed to supervisors' complaints, Ben's first-level one leaves the list, and comes back.
  await agent.getByLabel("Level").selectOption("l2");
  await row.waitFor({ state: "detached" });
  await agent.getByLabel("Level").selectOption("");
  await row.waitFor();
  await screenshot(agent, "console-inbox");
  await row.getByRole("link", { name: ticket }).click();
  await agent.getByRole("heading", { name: new RegExp(ticket) }).waitFor();
  await agent.getByText("Cast Iron Skillet 26 cm").first().waitFor();
  await agent.getByText("Wants: a replacement · Contact: in the widget only").waitFor();
  await agent.getByText("About: Cast Iron Skillet 26 cm").waitFor();
  await noViolations(agent);
  await screenshot(agent, "console-ticket");

  // A note for the team stays with the ticket, signed; the shopper will not see it.
  await agent.getByLabel("A note for the team (shoppers never see it)").fill("Checked with the warehouse: handles from batch 7 are loose.");
  await agent.getByRole("button", { name: "Add note" }).click();
  await agent.locator(".console-note", { hasText: "batch 7" }).filter({ hasText: AGENT.name }).waitFor();

  // An empty reply is refused with the server's reason; the agent writes one and sends it.
  await agent.getByRole("button", { name: "Send reply" }).click();
  await agent.getByRole("alert").filter({ hasText: "Write the reply the shopper will read." }).waitFor();
  agent.expectedConsole.push(/status of 422/);
  await agent.getByLabel("Reply to the shopper").fill("Sorry about that! A new skillet leaves our warehouse today.");
  await agent.getByRole("button", { name: "Send reply" }).click();
  await agent.locator(".console-event", { hasText: "Reply" }).filter({ hasText: AGENT.name }).waitFor();
  assert.equal(await agent.getByLabel("Reply to the shopper").inputValue(), "", "sent, so cleared");

  // Ben opens his report again: the answer is there, signed with the agent's name.
  // Back from the finished report is the order's page, which lists its reports.
  await panel.getByRole("button", { name: "Back" }).click();
  await panel.locator(`.carebox-complaint-row[data-ticket=${ticket}]`).click();
  await ticketCard.locator(".carebox-ticket__reply").waitFor();
  assert.equal(await ticketCard.locator(".carebox-ticket__reply").textContent(), "Sorry about that! A new skillet leaves our warehouse today.");
  assert.equal(await ticketCard.locator(".carebox-timeline__by").first().textContent(), AGENT.name);
  assert.equal(await panel.getByText("batch 7").count(), 0, "the team's note stays with the team");

  // The agent settles it with loyalty points; the ticket is resolved, signed, and leaves the desk.
  await agent.getByLabel("Resolution").selectOption("compensation");
  await agent.getByLabel("Points to credit (1 to 100,000)").fill("150");
  await agent.getByRole("button", { name: "Resolve" }).click();
  await agent.locator(".console-event", { hasText: "Resolved: Compensation in points" }).filter({ hasText: AGENT.name }).waitFor();
  assert.equal(await agent.getByRole("button", { name: "Send reply" }).count(), 0, "no actions on a resolved complaint");

  // Before Ben rates: today's answers in the CSAT table (other specs share the server).
  // The Reports page is its own chunk, fetched when first opened.
  assert.equal(agent.requests.filter((url) => url.includes("/console/split_reports")).length, 0, "not loaded with the inbox");
  await agent.getByRole("link", { name: "Reports" }).click();
  await agent.getByRole("heading", { name: "Reports" }).waitFor();
  assert.equal(agent.requests.filter((url) => url.includes("/console/split_reports")).length, 1, "loaded on first use");
  const today = new Date().toISOString().slice(0, 10);
  const todayRow = (page) => page.locator("[data-report=csat-daily] tbody tr").filter({ has: page.locator(`th:text-is("${today}")`) });
  const answersToday = async (page) => Number(await todayRow(page).locator("td").first().textContent());
  const before = await answersToday(agent);

  // Ben opens the report again: it is resolved, and one click rates how it was handled.
  await panel.getByRole("button", { name: "Back" }).click();
  await panel.locator(`.carebox-complaint-row[data-ticket=${ticket}]`).click();
  const rating = panel.locator(".carebox-csat");
  await rating.getByRole("radio", { name: "Satisfied", exact: true }).click();
  await rating.getByText(/Thank you! Your answer is saved/).waitFor();
  const comment = `Alex sorted it the same day (${ticket}).`;
  await rating.getByLabel("Anything you would like to add? (optional)").fill(comment);
  await rating.getByRole("button", { name: "Send comment" }).click();
  await rating.getByText("Thank you, your comment reached us.").waitFor();

  // The rating is in the agent's CSAT chart and table, and its comment under Comments.
  await agent.reload();
  await agent.getByRole("heading", { name: "CSAT over time" }).waitFor();
  assert.equal(await answersToday(agent), before + 1, "today's answers went up by Ben's one");
  const bar = agent.locator("[data-report=csat-daily] svg rect title").filter({ hasText: `${today.slice(5)}: Answers ${before + 1}` });
  assert.equal(await bar.count(), 1, "today's bar says the new count");
  const said = agent.locator(".console-comment", { hasText: comment });
  await said.waitFor();
  assert.equal(await said.getAttribute("data-score"), "4");
  assert.equal(await said.getByRole("link", { name: ticket }).count(), 1, "the comment links to its ticket");
  // Filtered to 5s only, Ben's 4 leaves the list; the search finds it again.
  await agent.getByLabel("Score", { exact: true }).selectOption("5");
  await said.waitFor({ state: "detached" });
  await agent.getByLabel("Score", { exact: true }).selectOption("");
  await agent.getByLabel("Search").fill("same day");
  await said.waitFor();
  await noViolations(agent);
  await screenshot(agent, "console-reports");
  // The table view, and the CSV of the same figures.
  await agent.locator("[data-report=csat-daily]").getByRole("button", { name: "Table view" }).click();
  await todayRow(agent).waitFor();
  const [download] = await Promise.all([
    agent.waitForEvent("download"),
    agent.locator("[data-report=csat-daily]").getByRole("button", { name: "Download CSV" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "csat-daily.csv");
  const csv = (await readFile(await download.path(), "utf8")).replace(/^\uFEFF/, "");
  assert.equal(csv.split("\r\n")[0], '"Date","Answers","Average","CSAT (4 and 5)"');
  assert.match(csv, new RegExp(`"${today}","${before + 1}",`));
  await noViolations(agent);

  // The agent signs out; the session is gone on the server too.
  await agent.getByRole("button", { name: "Sign out" }).click();
  await agent.getByRole("button", { name: "Sign in" }).waitFor();
  const after = await agent.request.get(new URL("/v1/console/session", CAREBOX).href);
  assert.equal(after.status(), 401);
  await agent.context().close();
  await shopper.context().close();
});

test("console orders: found by number or e-mail; a parcel and a delay added by an agent reach the shopper's widget, markup as text", async () => {
  const agent = await openConsole(browser);
  agent.expectedConsole.push(/status of 401/, /status of 404/, /status of 422/);
  await signIn(agent, AGENT);
  await agent.getByRole("link", { name: "Orders" }).click();
  const query = agent.getByLabel("Order number or the shopper's e-mail");
  await agent.getByRole("button", { name: "Find" }).click();
  await agent.getByRole("alert").filter({ hasText: "Type an order number or an e-mail address." }).waitFor();
  await query.fill("NW-0000");
  await agent.getByRole("button", { name: "Find" }).click();
  await agent.getByRole("status").filter({ hasText: "No orders found. Check the number or the address." }).waitFor();
  assert.equal(await query.inputValue(), "NW-0000", "what was typed stays to be corrected");

  // Ben's orders by his address, whatever its case: all three of them, nobody else's.
  await query.fill("  BEN@Example.com ");
  await query.press("Enter");
  const cards = agent.locator(".console-order-card");
  await cards.first().waitFor();
  assert.deepEqual((await cards.evaluateAll((all) => all.map((c) => c.dataset.order))).sort(), ["NW-1006", "NW-1007", "NW-1009"]);
  await noViolations(agent);

  // A parcel for NW-1006, its note written as markup: shown as text, the status moves on.
  const result = agent.locator(".console-order-result").filter({ has: agent.locator('[data-order="NW-1006"]') });
  await result.getByLabel("What happened").selectOption("shipped");
  await result.getByLabel("Carrier").fill("DHL");
  await result.getByLabel("Tracking number").fill("JD014600001234");
  // An insecure link is refused by the server, with its reason; nothing typed is lost.
  await result.getByLabel("Tracking link (https://…, optional)").fill("http://tracking.example/JD014600001234");
  const note = '<img src=x onerror="window.__pwned=1">On its way';
  await result.getByLabel("Note for the shopper (optional)").fill(note);
  await result.getByRole("button", { name: "Add" }).click();
  await result.getByRole("alert").filter({ hasText: /https/ }).waitFor();
  assert.equal(await result.getByLabel("Carrier").inputValue(), "DHL");
  await result.getByLabel("Tracking link (https://…, optional)").fill("https://www.dhl.com/track?id=JD014600001234");
  await result.getByRole("button", { name: "Add" }).click();
  await result.getByRole("status").filter({ hasText: "Added. The shopper sees it in the widget now." }).waitFor();
  const card = result.locator(".console-order-card");
  assert.equal(await card.locator(".console-order__status").textContent(), "Shipped");
  assert.equal(await card.locator('.console-event[data-kind="shipped"] .console-event__text').textContent(), note);
  assert.equal(await card.getByRole("link", { name: "Track" }).getAttribute("href"), "https://www.dhl.com/track?id=JD014600001234");
  assert.equal(await agent.evaluate(() => window.__pwned), undefined);

  // Then a delay with its reason and a new day.
  const inThreeDays = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await result.getByLabel("What happened").selectOption("delayed");
  await result.getByLabel("New expected delivery day").fill(inThreeDays);
  await result.getByLabel("Reason for the delay (the shopper reads it)").fill("The storm closed the hub for a day.");
  await result.getByRole("button", { name: "Add" }).click();
  await card.locator("[data-delayed=true]").filter({ hasText: "The storm closed the hub for a day." }).waitFor();
  await noViolations(agent);
  await screenshot(agent, "console-orders");

  // Ben sees both in the widget on the shop: the parcel and the honest delay notice.
  const shopper = await openPage(browser);
  await openPanel(shopper);
  const panel = dialog(shopper);
  await panel.locator("[data-feature=order_status] button").click();
  await panel.locator("#carebox-order-number").fill("NW-1006");
  await panel.locator("#carebox-lookup-proof").fill("ben@example.com");
  await panel.getByRole("button", { name: "Find my order" }).click();
  const order = panel.locator(".carebox-order");
  await order.waitFor();
  assert.match(await order.locator(".carebox-delay").textContent(), /The storm closed the hub for a day\./);
  assert.match(await order.textContent(), /JD014600001234/);
  assert.match(await order.textContent(), /<img src=x onerror/, "the note is text in the widget too");
  await agent.context().close();
  await shopper.context().close();
});

const OWNER = { email: "owner@northwind.example", password: "northwind-owner-local-only", name: "Nadia" };

test("console loyalty: an agent adds points with a reason (signed, markup as text) that the shopper sees; owners edit tiers and compensation", async () => {
  const agent = await openConsole(browser);
  agent.expectedConsole.push(/status of 401/, /status of 409/, /status of 422/);
  await signIn(agent, AGENT);
  await agent.getByRole("link", { name: "Loyalty" }).click();
  // Agents read the programme but cannot change it.
  await agent.getByText("Only the shop's owners change these settings.").first().waitFor();
  assert.equal(await agent.getByLabel("Points per broken promise").isDisabled(), true);
  assert.equal(await agent.getByRole("button", { name: "Add a tier" }).count(), 0);

  await agent.getByLabel("Shopper's e-mail").fill(" Ben@Example.com");
  await agent.getByRole("button", { name: "Find" }).click();
  const card = agent.locator(".console-loyalty-card");
  await card.waitFor();
  const balance = async () => Number(await card.locator("[data-figure=balance] dd").textContent());
  const before = await balance();
  const points = agent.getByLabel("Points (negative to remove)");
  const reason = agent.getByLabel("Reason (3 to 200 characters; the shopper reads it)");
  // Not a number: said in words, nothing sent, the reason stays.
  await points.fill("ten");
  await reason.fill("<b>Sorry</b> for the wait");
  await agent.getByRole("button", { name: "Save" }).click();
  await agent.getByRole("alert").filter({ hasText: "Enter a whole number." }).waitFor();
  assert.equal(await reason.inputValue(), "<b>Sorry</b> for the wait");
  // Below zero is refused by the server with its reason.
  await points.fill(String(-(before + 1)));
  await agent.getByRole("button", { name: "Save" }).click();
  await agent.getByRole("alert").filter({ hasText: /below 0/ }).waitFor();
  await points.fill("25");
  await agent.getByRole("button", { name: "Save" }).click();
  await agent.getByRole("status").filter({ hasText: "Done. The shopper sees the new balance now." }).waitFor();
  assert.equal(await balance(), before + 25);
  const entry = card.locator(".console-ledger .console-event").first();
  assert.equal(await entry.locator("strong").textContent(), "+25");
  assert.equal(await entry.locator(".console-event__who").textContent(), `by ${AGENT.name}`);
  assert.equal(await entry.locator(".console-event__text").textContent(), "<b>Sorry</b> for the wait");
  await noViolations(agent);
  await screenshot(agent, "console-loyalty");

  // Ben sees the new balance in the widget, through his order.
  const shopper = await openPage(browser);
  await openPanel(shopper);
  await dialog(shopper).locator("[data-feature=loyalty] button").click();
  await dialog(shopper).locator("#carebox-order-number").fill("NW-1006");
  await dialog(shopper).locator("#carebox-lookup-proof").fill("ben@example.com");
  await dialog(shopper).getByRole("button", { name: "Find my order" }).click();
  await dialog(shopper).locator(".carebox-bonuses__balance").filter({ hasText: `${before + 25} points` }).waitFor();
  await shopper.context().close();
  await agent.context().close();

  // The owner changes the programme; a list the server cannot use is refused in words.
  const owner = await openConsole(browser);
  owner.expectedConsole.push(/status of 401/, /status of 422/);
  await signIn(owner, OWNER);
  await owner.getByRole("link", { name: "Loyalty" }).click();
  const silver = owner.getByLabel("From points (Tier 2)");
  await silver.waitFor();
  const original = await silver.inputValue();
  await silver.fill("lots");
  await owner.locator(".console-tiers").getByRole("button", { name: "Save" }).click();
  await owner.locator(".console-tiers").getByRole("alert").filter({ hasText: "Enter a whole number." }).waitFor();
  await silver.fill("999999");
  await owner.locator(".console-tiers").getByRole("button", { name: "Save" }).click();
  await owner.locator(".console-tiers").getByRole("alert").filter({ hasText: "Thresholds rise from one tier to the next." }).waitFor();
  assert.equal(await silver.inputValue(), "999999", "what was typed stays to be corrected");
  await silver.fill("600");
  await owner.locator(".console-tiers").getByRole("button", { name: "Save" }).click();
  await owner.locator(".console-tiers").getByRole("status").filter({ hasText: "Saved" }).waitFor();
  const tiers = await (await owner.request.get(new URL("/v1/merchant/loyalty/tiers", CAREBOX).href)).json();
  assert.equal(tiers[1].threshold, 600);
  // Compensation: in range only; then back to what it was, as are the tiers (other specs share the shop).
  const perPromise = owner.getByLabel("Points per broken promise");
  const was = await perPromise.inputValue();
  await perPromise.fill("100001");
  await owner.locator(".console-compensation").getByRole("button", { name: "Save" }).click();
  await owner.locator(".console-compensation").getByRole("alert").filter({ hasText: /0 to 100,000/ }).waitFor();
  await perPromise.fill("80");
  await owner.locator(".console-compensation").getByRole("button", { name: "Save" }).click();
  await owner.locator(".console-compensation").getByRole("status").filter({ hasText: "Saved" }).waitFor();
  const rules = await (await owner.request.get(new URL("/v1/merchant/loyalty/compensation", CAREBOX).href)).json();
  assert.equal(rules.breach_points, 80);
  await noViolations(owner);
  await perPromise.fill(was);
  await owner.locator(".console-compensation").getByRole("button", { name: "Save" }).click();
  await silver.fill(original);
  await owner.locator(".console-tiers").getByRole("button", { name: "Save" }).click();
  await owner.locator(".console-tiers").getByRole("status").filter({ hasText: "Saved" }).waitFor();
  await owner.context().close();
});

test("console webhooks: an owner adds a loopback endpoint for one event, sees a failed delivery, retries it, rotates, switches off and removes; agents are kept out", async () => {
  // The shop's receiver, on this machine: refuses at first, then accepts.
  let accept = false;
  const received = [];
  const receiver = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => { body += chunk; });
    request.on("end", () => {
      if (accept) received.push({ headers: request.headers, body });
      response.writeHead(accept ? 204 : 503).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${receiver.address().port}/hooks`;

  const owner = await openConsole(browser);
  owner.expectedConsole.push(/status of 401/, /status of 422/);
  await signIn(owner, OWNER);
  await owner.getByRole("link", { name: "Webhooks" }).click();
  await owner.getByText("No endpoints yet.").waitFor();
  const url = owner.getByLabel("Endpoint URL (https://…)");
  await url.fill("javascript:alert(1)");
  await owner.getByRole("button", { name: "Add endpoint" }).click();
  await owner.locator(".console-add-endpoint").getByRole("alert").waitFor();
  assert.equal(await url.inputValue(), "javascript:alert(1)", "what was typed stays");
  await url.fill(hookUrl);
  const adding = owner.locator(".console-add-endpoint");
  await adding.getByLabel(/Complaint escalated/).uncheck();
  await adding.getByLabel(/Complaint resolved/).uncheck();
  await adding.getByRole("button", { name: "Add endpoint" }).click();
  const endpoint = owner.locator(".console-endpoint");
  await endpoint.waitFor();
  assert.equal(await endpoint.locator("h3").textContent(), hookUrl);
  assert.equal(await endpoint.getByLabel(/Complaint filed/).isChecked(), true);
  assert.equal(await endpoint.getByLabel(/Complaint resolved/).isChecked(), false);
  const secret = await endpoint.locator(".console-secret").textContent();
  assert.match(secret, /^whsec_/);
  await noViolations(owner);

  // A shopper files a report (as the widget does): the receiver refuses it, the log says so.
  const lookup = await (await fetch(new URL("/v1/orders/lookup?key=pk_demo_northwind", CAREBOX), {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ order_number: "NW-1009", email: "ben@example.com" }),
  })).json();
  const filed = await fetch(new URL("/v1/complaints?key=pk_demo_northwind", CAREBOX), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${lookup.token}`, "idempotency-key": `webhook-spec-${Date.now()}` },
    body: JSON.stringify({ order_number: "NW-1009", items: [], category: "service", description: "The invoice never arrived by e-mail.",
      desired_resolution: "just_let_you_know", contact_preference: "widget_only" }),
  });
  assert.equal(filed.status, 201);
  const { ticket } = await filed.json();
  const row = owner.locator(".console-deliveries tbody tr").first();
  // The page shows the log as it was when loaded: look again until the first attempt is in.
  for (let i = 0; i < 30; i++) {
    await owner.locator(".console-deliveries, [data-log=empty]").first().waitFor();
    if ((await row.count()) && /HTTP 503/.test(await row.textContent())) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
    await owner.reload();
  }
  assert.match(await row.textContent(), /complaint\.created.*Waiting · Next try.*HTTP 503/s);

  // The receiver is fixed: Retry now sends it at once, signed with the shown secret.
  accept = true;
  await row.getByRole("button", { name: "Retry now" }).click();
  await owner.getByRole("status").filter({ hasText: "Queued: it goes out within seconds." }).waitFor();
  for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(received.length, 1);
  const [t, v1] = received[0].headers["carebox-signature"].split(",").map((part) => part.split("=")[1]);
  assert.equal(createHmac("sha256", secret).update(`${t}.${received[0].body}`).digest("hex"), v1);
  assert.equal(JSON.parse(received[0].body).data.ticket, ticket);
  await owner.reload();
  await owner.locator('.console-deliveries tr[data-delivered="true"]').first().waitFor();

  // A new secret, then off, then removed with its log.
  await endpoint.getByRole("button", { name: "New secret" }).click();
  await endpoint.locator(".console-secret").filter({ hasNotText: secret }).waitFor();
  await endpoint.getByRole("button", { name: "Switch off" }).click();
  await owner.locator('.console-endpoint[data-enabled="false"]').getByText("Off").waitFor();
  await owner.locator(".console-endpoint").getByRole("button", { name: "Remove" }).click();
  await owner.getByRole("group", { name: "Remove this endpoint and its delivery log?" }).getByRole("button", { name: "Remove" }).click();
  await owner.getByText("No endpoints yet.").waitFor();
  await owner.getByText("Nothing sent yet.").waitFor();
  await noViolations(owner);
  await owner.context().close();
  receiver.close();

  // Agents see why they cannot, and the server refuses them too.
  const agent = await openConsole(browser);
  agent.expectedConsole.push(/status of 401/);
  await signIn(agent, AGENT);
  await agent.getByRole("link", { name: "Webhooks" }).click();
  await agent.getByText("Only the shop's owners change these settings.").waitFor();
  assert.equal((await agent.request.get(new URL("/v1/merchant/webhooks", CAREBOX).href)).status(), 403);
  await agent.context().close();
});

test("console widget page: the live preview is the real widget following unsaved edits; sites and own wording are saved; the snippet follows the position", async () => {
  const owner = await openConsole(browser);
  owner.expectedConsole.push(/status of 401/, /status of 422/);
  await signIn(owner, OWNER);
  await owner.getByRole("link", { name: "Widget" }).click();
  const frame = owner.frameLocator(".console-preview__frame");
  await frame.locator(".carebox-home__greeting").waitFor();
  const live = async () => (await fetch(new URL("/v1/widget/config?key=pk_demo_northwind", CAREBOX))).json();
  const savedName = (await live()).merchant_name;

  // Unsaved edits reach the preview (the real widget), not the shop.
  await owner.getByLabel("Shop name (1 to 80 characters)").fill("Northwind Preview");
  await owner.getByLabel("Greeting in English (empty: the widget's own)").fill("Preview greeting <b>as text</b>");
  await owner.getByLabel("Loyalty bonuses").uncheck();
  await frame.locator(".carebox-home__greeting", { hasText: "Preview greeting <b>as text</b>" }).waitFor();
  assert.equal(await frame.locator("[data-feature=loyalty]").count(), 0, "a capability switched off leaves the preview");
  assert.match(await frame.locator("[role=dialog], .carebox-panel").first().textContent(), /Northwind Preview/);
  assert.equal((await live()).merchant_name, savedName, "nothing saved yet");
  // Arabic, right to left.
  await owner.getByLabel("Preview language").selectOption("ar");
  await frame.locator("[dir=rtl]").first().waitFor();
  // A value the widget cannot take is said in words; the preview keeps the last good one.
  await owner.getByLabel("Corner radius, px (0 to 24)").fill("99");
  await owner.locator(".console-preview").getByRole("alert").filter({ hasText: "The corner radius is a whole number from 0 to 24." }).waitFor();
  await owner.getByLabel("Corner radius, px (0 to 24)").fill("12");
  await noViolations(owner);
  await screenshot(owner, "console-widget-preview");

  // The keys: the publishable one for everyone to see (it is in the snippet too).
  assert.equal(await owner.locator(".console-publishable-key").textContent(), "pk_demo_northwind");
  // The snippet follows the launcher position.
  await owner.getByLabel("Bottom left").check();
  await owner.locator(".console-snippet", { hasText: 'data-position="left"' }).waitFor();

  // Sites: a non-origin is refused naming the line's problem; a good list is saved normalised.
  const sites = owner.getByLabel("One per line, like https://shop.example: pages elsewhere cannot use your key.");
  const before = await sites.inputValue();
  await sites.fill(`${before}\nshop.example/checkout`);
  await owner.getByRole("button", { name: "Save sites" }).click();
  await owner.locator(".console-origins").getByRole("alert").waitFor();
  await sites.fill(`${before}\nhttps://Second-Shop.example/`);
  await owner.getByRole("button", { name: "Save sites" }).click();
  await owner.locator(".console-origins").getByRole("status").filter({ hasText: "Saved" }).waitFor();
  assert.match(await sites.inputValue(), /^https:\/\/second-shop\.example$/m);
  const origins = await (await owner.request.get(new URL("/v1/merchant/widget/origins", CAREBOX).href)).json();
  assert.ok(origins.origins.includes("https://second-shop.example"));
  await sites.fill(before);
  await owner.getByRole("button", { name: "Save sites" }).click();
  await owner.locator(".console-origins").getByRole("status").filter({ hasText: "Saved" }).waitFor();

  // Own wording in Russian, shown in the Russian preview; then back to the widget's own.
  await owner.getByLabel("Language", { exact: true }).selectOption("ru");
  await owner.getByLabel("Text", { exact: true }).fill("track_order");
  await owner.getByLabel("Your wording (up to 300 characters)").fill("Где моя посылка?");
  await owner.getByRole("button", { name: "Use this wording" }).click();
  await owner.locator('[data-text="ru.track_order"]').waitFor();
  await owner.getByLabel("Preview language").selectOption("ru");
  await frame.getByText("Где моя посылка?").waitFor();
  await owner.getByRole("button", { name: "Remove track_order (ru)" }).click();
  await owner.getByText("The widget's own texts are used.").waitFor();
  await owner.context().close();
});

test("console: hopping between pages while they still load never stops the console", async () => {
  const owner = await openConsole(browser);
  await signIn(owner, OWNER);
  // Right after signing in the inbox is loading; staff click on at once, again and again.
  const pages = ["Orders", "Inbox", "Reports", "Inbox", "Widget", "Loyalty", "Inbox", "Webhooks", "Reports", "Inbox"];
  for (let round = 0; round < 3; round++) {
    for (const name of pages) {
      await owner.getByRole("link", { name, exact: true }).click();
      await new Promise((resolve) => setTimeout(resolve, 15 * round));
    }
  }
  // Still alive: the inbox draws and a page opens.
  await owner.locator(".console-inbox, .console-empty").first().waitFor();
  await owner.getByRole("link", { name: "Reports", exact: true }).click();
  await owner.getByRole("heading", { name: "CSAT over time" }).waitFor();
  const crashes = owner.errors.filter((e) => /unreachable|RuntimeError|panicked/.test(e));
  assert.deepEqual(crashes, [], "no panic in the console");
  await owner.context().close();
});
