// Onboarding as an operator does it: the server binary's `merchant create` for a shop on an
// origin Carebox has never seen, the printed <script> tag pasted into that shop's page (served
// here, on its own loopback origin), and the widget working there for a shopper.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { after, before } from "node:test";

import { CAREBOX, axeViolations, dialog, launch, openAt, openConsole, openPanel, test } from "./support.mjs";

const BINARY = process.env.CAREBOX_E2E_SERVER_BIN;
const DATABASE = process.env.CAREBOX_E2E_DATABASE_URL;

let browser;
let shop;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); shop?.close(); });

/** Runs one of the binary's set-up commands on the running server's database. */
function carebox(args, input = "") {
  return execFileSync(BINARY, args, { env: { ...process.env, CAREBOX_DATABASE_URL: DATABASE, CAREBOX_PUBLIC_URL: CAREBOX }, encoding: "utf8", input });
}

async function signIn(page, email, password) {
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
}

test("onboarding: `merchant create` for a new origin, its snippet on a page there, staff from the command line, the owner's greeting reaches shoppers (agents may only look)", async () => {
  assert.ok(BINARY && DATABASE, "cargo xtask passes the server binary and its database");
  let page = "";
  shop = createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(page);
  });
  await new Promise((resolve) => shop.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${shop.address().port}`;

  const created = carebox(["merchant", "create", "--name", "Corner Shop", "--origin", origin]);
  const snippet = created.split("\n").find((line) => line.trim().startsWith("<script"))?.trim();
  assert.ok(snippet, created);
  assert.match(snippet, new RegExp(`^<script src="${CAREBOX}/carebox.js" data-key="pk_[0-9a-f]{24}" async></script>$`));
  page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Corner Shop</title></head><body><h1>Corner Shop</h1>${snippet}</body></html>`;

  const shopper = await openAt(browser, `${origin}/`);
  await openPanel(shopper);
  await dialog(shopper).getByText("Corner Shop").first().waitFor();
  await dialog(shopper).locator("[data-feature=order_status] button").waitFor();
  await shopper.context().close();

  // The shop's staff, from the command line: an owner and an agent with passwords on stdin.
  const merchant = created.split(/\s+/)[1].replace(/,$/, "");
  assert.match(merchant, /^m_[0-9a-f]{16}$/);
  carebox(["staff", "add", "--merchant", merchant, "--email", "owner@corner.example", "--role", "owner", "--name", "Cora", "--password-stdin"], "corner owner passphrase\n");
  carebox(["staff", "add", "--merchant", merchant, "--email", "agent@corner.example", "--role", "agent", "--password-stdin"], "corner agent passphrase\n");

  // The agent sees the widget's settings but cannot change them.
  const agent = await openConsole(browser);
  await signIn(agent, "agent@corner.example", "corner agent passphrase");
  await agent.getByRole("link", { name: "Widget" }).click();
  await agent.getByText("Only the shop's owners change these settings.").waitFor();
  assert.equal(await agent.getByLabel("Greeting in English (empty: the widget's own)").isDisabled(), true);
  assert.equal(await agent.getByRole("button", { name: /^Save/ }).count(), 0, "no Save of any kind for an agent");
  assert.equal(await agent.getByRole("button", { name: "Make a new secret key" }).count(), 0, "keys are the owner's");
  const refused = await agent.evaluate(async () => {
    const session = await (await fetch("/v1/console/session")).json();
    const response = await fetch("/v1/merchant/widget/settings", {
      method: "PATCH", headers: { "content-type": "application/json", "x-csrf-token": session.csrf_token }, body: JSON.stringify({ merchant_name: "Agent's Shop" }),
    });
    return response.status;
  });
  assert.equal(refused, 403, "the server refuses an agent's change too");
  agent.expectedConsole.push(/status of 403/);
  await agent.context().close();

  // The owner changes the greeting; the snippet shown is the one the command printed, and copies.
  const owner = await openConsole(browser);
  await owner.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: CAREBOX });
  await signIn(owner, "owner@corner.example", "corner owner passphrase");
  await owner.getByRole("link", { name: "Widget" }).click();
  const greeting = owner.getByLabel("Greeting in English (empty: the widget's own)");
  await greeting.fill("Welcome to Corner Shop! Ask us anything.");
  await owner.getByRole("button", { name: "Save", exact: true }).click();
  await owner.getByText("Saved. Shoppers see it within seconds.").waitFor();
  assert.equal(await owner.locator(".console-snippet").textContent(), snippet);
  await owner.getByRole("button", { name: "Copy" }).click();
  await owner.getByText("Copied.").waitFor();
  assert.equal(await owner.evaluate(() => navigator.clipboard.readText()), snippet);
  // A new secret key, shown once; it works at once (and the old one still does, for a day).
  await owner.getByRole("button", { name: "Make a new secret key" }).click();
  const secret = (await owner.locator(".console-secret").textContent()).trim();
  assert.match(secret, /^sk_[0-9a-f]{48}$/);
  const withSecret = await owner.request.get(new URL("/v1/merchant/widget/settings", CAREBOX).href, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(withSecret.status(), 200);
  assert.equal((await withSecret.json()).merchant_name, "Corner Shop");
  const violations = await axeViolations(owner, "body");
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  await owner.context().close();

  // The shopper's next visit greets them with it.
  const again = await openAt(browser, `${origin}/`);
  await openPanel(again);
  await dialog(again).getByText("Welcome to Corner Shop! Ask us anything.").waitFor();
  await again.context().close();
});
