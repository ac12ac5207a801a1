// carebox.d.ts as a TypeScript shop gets it: fetched from beside the loader on Carebox's origin,
// then compiled (tsc --strict) against code that uses the API right, and code that uses it
// wrong, which must be refused.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { CAREBOX, test } from "./support.mjs";

const TSC = new URL("../../node_modules/.bin/tsc", import.meta.url).pathname;

async function compile(declarations, code) {
  const dir = mkdtempSync(path.join(tmpdir(), "carebox-types-"));
  writeFileSync(path.join(dir, "carebox.d.ts"), declarations);
  writeFileSync(path.join(dir, "shop.ts"), `import type {} from "./carebox";\n${code}`);
  try {
    await promisify(execFile)(TSC, ["--strict", "--noEmit", "--target", "es2020", "--lib", "es2020,dom", path.join(dir, "shop.ts")]);
    return "";
  } catch (failure) {
    return failure.stdout || String(failure);
  }
}

let declarations;
test("carebox.d.ts is served beside the loader, as text", async () => {
  const response = await fetch(`${CAREBOX}/carebox.d.ts`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
  declarations = await response.text();
  assert.match(declarations, /interface CareboxApi/);
});

test("the documented calls compile under --strict", async () => {
  const errors = await compile(declarations, `
    const widget = window.Carebox.init({ key: "pk_live_x", mount: "#help", view: "order", order: "NW-1003", theme: "dark", label: "Help" });
    widget.open({ view: "order", order: "NW-1003" }).then(() => widget.isOpen());
    const stop = window.Carebox.on("complaint-submitted", ({ ticket, level }) => console.log(ticket, level.toUpperCase()));
    stop();
    window.Carebox.on("csat-submitted", (detail) => detail.score + 1);
    window.Carebox.identify(null);
    window.Carebox.update({ locale: "ru", shopperToken: "t" });
    document.querySelector("carebox-widget")?.addEventListener("carebox:error", (event) => event.detail.message.trim());
    window.Carebox.instances.forEach((instance) => instance.destroy());
  `);
  assert.equal(errors, "");
});

test("misuse is refused: an unknown view, an event that does not exist, a wrong detail", async () => {
  for (const [code, complaint] of [
    [`window.Carebox.open({ view: "basket" });`, /"basket"/],
    [`window.Carebox.on("complaint-filed", () => {});`, /"complaint-filed"/],
    [`window.Carebox.on("csat-submitted", (detail) => detail.ticket);`, /ticket/],
    [`window.Carebox.init({ mount: "#help" });`, /key/],
  ]) {
    assert.match(await compile(declarations, code), complaint, code);
  }
});
