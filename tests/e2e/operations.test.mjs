// What operators and API developers open on Carebox's origin (issue 14): the interactive API
// reference drawn from the served OpenAPI document, under its own strict CSP, with nothing
// fetched from elsewhere; and the health and metrics endpoints as a browser sees them.
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { CAREBOX, launch, openAt, test } from "./support.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("API reference: /docs/ draws every operation of /openapi.json, from this origin only, under a strict CSP", async () => {
  const page = await openAt(browser, new URL("/docs/", CAREBOX).href);
  const policy = (await page.request.get(page.url())).headers()["content-security-policy"];
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /script-src 'self';/, "no inline or foreign script");
  assert.match(policy, /frame-ancestors 'none'/);
  await page.getByRole("heading", { name: /Carebox API/ }).first().waitFor({ timeout: 20000 });
  // An operation's own words, from the handler's documentation.
  await page.getByRole("heading", { name: /Finds an order by number and e-mail/ }).first().waitFor();
  const document = await (await page.request.get(new URL("/openapi.json", CAREBOX).href)).json();
  const operations = Object.values(document.paths).flatMap((item) => Object.keys(item)).length;
  const drawn = await page.locator("[data-section-id^='operation/'], [id^='operation/']").count();
  assert.ok(drawn >= operations, `every operation drawn: ${drawn} of ${operations}`);
  // The search box works (Redoc indexes in a worker the CSP allows).
  await page.getByPlaceholder("Search...").fill("escalate");
  await page.locator("[role=search] li, .search-results li, [data-role='search:results'] li").first().waitFor();
  const foreign = page.requests.filter((url) => !url.startsWith(CAREBOX) && !url.startsWith("data:") && !url.startsWith("blob:"));
  assert.deepEqual(foreign, [], "nothing is fetched from elsewhere");
  await page.context().close();
});
