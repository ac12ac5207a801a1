// Onboarding as an operator does it: the server binary's `merchant create` for a shop on an
// origin Carebox has never seen, the printed <script> tag pasted into that shop's page (served
// here, on its own loopback origin), and the widget working there for a shopper.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { after, before } from "node:test";

import { CAREBOX, dialog, launch, openAt, openPanel, test } from "./support.mjs";

const BINARY = process.env.CAREBOX_E2E_SERVER_BIN;
const DATABASE = process.env.CAREBOX_E2E_DATABASE_URL;

let browser;
let shop;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); shop?.close(); });

/** Runs one of the binary's set-up commands on the running server's database. */
function carebox(...args) {
  return execFileSync(BINARY, args, { env: { ...process.env, CAREBOX_DATABASE_URL: DATABASE, CAREBOX_PUBLIC_URL: CAREBOX }, encoding: "utf8" });
}

test("onboarding: `merchant create` for a new origin, its printed snippet pasted into a page there, and the widget opens for a shopper", async () => {
  assert.ok(BINARY && DATABASE, "cargo xtask passes the server binary and its database");
  let page = "";
  shop = createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(page);
  });
  await new Promise((resolve) => shop.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${shop.address().port}`;

  const created = carebox("merchant", "create", "--name", "Corner Shop", "--origin", origin);
  const snippet = created.split("\n").find((line) => line.trim().startsWith("<script"))?.trim();
  assert.ok(snippet, created);
  assert.match(snippet, new RegExp(`^<script src="${CAREBOX}/carebox.js" data-key="pk_[0-9a-f]{24}" async></script>$`));
  page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Corner Shop</title></head><body><h1>Corner Shop</h1>${snippet}</body></html>`;

  const shopper = await openAt(browser, `${origin}/`);
  await openPanel(shopper);
  await dialog(shopper).getByText("Corner Shop").first().waitFor();
  await dialog(shopper).locator("[data-feature=order_status] button").waitFor();
  await shopper.context().close();
});
