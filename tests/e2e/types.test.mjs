// carebox.d.ts as a TypeScript shop gets it: fetched from beside the loader on Carebox's origin,
// then compiled (tsc --strict) against code that uses the API right, and code that uses it
// wrong, which must be refused.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { CAREBOX, test } from "./support.mjs";

const TSC = new URL("../../node_modules/.bin/tsc", import.meta.url).pathname;

/** tsc's complaints about each snippet, compiled against `declarations` in one run (tsc
 * starts in seconds: one run per snippet was most of this file's time); "" for a clean one. */
async function compileEach(declarations, snippets) {
  const dir = mkdtempSync(path.join(tmpdir(), "carebox-types-"));
  writeFileSync(path.join(dir, "carebox.d.ts"), declarations);
  const files = snippets.map((code, i) => {
    writeFileSync(path.join(dir, `shop${i}.ts`), `import type {} from "./carebox";\n${code}`);
    return `shop${i}.ts`;
  });
  let output = "";
  try {
    // Run in the folder: tsc names files relative to where it runs.
    const options = ["--strict", "--noEmit", "--pretty", "false", "--target", "es2020", "--lib", "es2020,dom"];
    await promisify(execFile)(TSC, [...options, ...files], { cwd: dir });
  } catch (failure) {
    output = failure.stdout || String(failure);
    assert.ok(files.some((file) => output.includes(file)), `tsc failed without naming a snippet: ${output}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // A diagnostic starts with its file's name; the indented lines after it are its own.
  const bySnippet = files.map(() => "");
  let current = -1;
  for (const line of output.split("\n")) {
    const starts = files.findIndex((file) => line.startsWith(`${file}(`));
    if (starts >= 0) current = starts;
    else if (!/^\s/.test(line)) current = -1;
    if (current >= 0) bySnippet[current] += `${line}\n`;
  }
  return bySnippet;
}

async function compile(declarations, code) {
  return (await compileEach(declarations, [code]))[0];
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
  const misuses = [
    [`window.Carebox.open({ view: "basket" });`, /"basket"/],
    [`window.Carebox.on("complaint-filed", () => {});`, /"complaint-filed"/],
    [`window.Carebox.on("csat-submitted", (detail) => detail.ticket);`, /ticket/],
    [`window.Carebox.init({ mount: "#help" });`, /key/],
  ];
  const complaints = await compileEach(declarations, misuses.map(([code]) => code));
  misuses.forEach(([code, complaint], i) => assert.match(complaints[i], complaint, code));
});
