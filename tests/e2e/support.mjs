// Shared helpers for the end-to-end specs: Debian's Chromium driven by playwright-core,
// against the real servers that `cargo xtask test` started: the demo shop on one origin
// (CAREBOX_E2E_SHOP_URL, http://localhost:…) and Carebox on another (CAREBOX_E2E_URL,
// http://127.0.0.1:…), as every merchant runs it. No request interception decides anything
// about CORS, CSP or isolation here: with interception on, Chromium skips CORS preflights.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { test as nodeTest } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

/** Carebox: the API (merchant calls in the specs go here) and the widget's origin. */
export const CAREBOX = process.env.CAREBOX_E2E_URL;
/** The demo shop, the page the shopper is on. */
export const SHOP = process.env.CAREBOX_E2E_SHOP_URL;
if (!CAREBOX || !SHOP) throw new Error("CAREBOX_E2E_URL / CAREBOX_E2E_SHOP_URL are not set: run these through `cargo xtask test`");
if (new URL(CAREBOX).origin === new URL(SHOP).origin) throw new Error("the shop must not be on Carebox's origin");
export const OUT = process.env.CAREBOX_E2E_OUT ?? "target/e2e";
mkdirSync(OUT, { recursive: true });

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");

const CHROMIUM_OPTIONS = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
  ],
};

export async function launch() {
  return chromium.launch(CHROMIUM_OPTIONS);
}

/**
 * A browser with a regular profile in a fresh folder: unlike the private contexts `launch()`
 * gives, it lets a third-party frame (frame mode's) keep storage, partitioned by shop.
 */
export async function launchWithProfile() {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const profile = mkdtempSync(path.join(tmpdir(), "carebox-profile-"));
  // Third-party cookies (and with them a third-party frame's storage) allowed, as in a
  // browser whose user never changed the default.
  mkdirSync(path.join(profile, "Default"), { recursive: true });
  writeFileSync(path.join(profile, "Default", "Preferences"), JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }));
  return chromium.launchPersistentContext(profile, {
    ...CHROMIUM_OPTIONS, locale: "en-US", viewport: { width: 1280, height: 860 },
    args: [...CHROMIUM_OPTIONS.args, "--disable-features=ThirdPartyCookieDeprecationTrial,TrackingProtection3pcd"],
  });
}

/** Pages opened by the test that is running, described if it fails. */
let openedPages = [];

/**
 * `node:test`'s `test`, but a failure also says what the widget showed and how the API
 * answered: a CI log is all there is to go on when a spec fails only there.
 */
export function test(name, body) {
  return nodeTest(name, async (context) => {
    openedPages = [];
    try {
      await body(context);
      for (const page of openedPages) {
        assert.deepEqual(unexpectedConsole(page), [], "the widget made the host page's console report errors or warnings");
      }
    } catch (error) {
      const pages = await Promise.all(openedPages.map(describePage));
      // The report prints the stack, which carries the message as it was when thrown.
      if (error instanceof Error) error.stack = `${error.stack}\n${pages.join("\n")}`;
      throw error;
    }
  });
}

async function describePage(page, index) {
  const shown = await page
    .evaluate(() => {
      const panel = document.querySelector("[data-carebox]")?.shadowRoot?.querySelector("[role=dialog]");
      if (!panel) return "(no panel)";
      const fields = [...panel.querySelectorAll("input:not([type=radio]):not([type=checkbox]), textarea, :checked")]
        .map((f) => `${f.id || f.name}=${JSON.stringify(f.matches(":checked") ? f.value || "on" : f.value)}`);
      return `${panel.innerText}\n[fields] ${fields.join(" ")}`;
    })
    .catch((e) => `(page unreadable: ${e.message.split("\n")[0]})`);
  const calls = page.apiCalls.slice(-12).map((c) => `    ${c}`).join("\n");
  const errors = page.errors.slice(-6).map((e) => `    ${e}`).join("\n");
  return `--- page ${index + 1}: the panel showed\n${shown.replace(/^/gm, "    ")}\n  its last API calls:\n${calls}\n  its errors:\n${errors}`;
}

/**
 * Console errors and warnings on `page` that no test expected. A failed API call's own
 * "Failed to load resource" line is the browser reporting an answer the widget handles (a
 * 404 for a wrong order number, a 503 a test injected), so it is left out; anything else
 * (a CSP refusal, a CORS refusal, an exception, a warning) fails the test.
 */
function unexpectedConsole(page) {
  return page.consoleMessages.filter(({ text, url }) => {
    const handledApiAnswer = /^Failed to load resource: the server responded with a status of [45]\d\d/.test(text)
      && url.startsWith(`${CAREBOX}/v1/`);
    return !handledApiAnswer && !page.expectedConsole.some((pattern) => pattern.test(text));
  }).map(({ type, text, url }) => `${type}: ${text} (${url})`);
}

/** A fresh page of the demo shop that records requests, console messages and page errors. */
export async function openPage(browser, pathAndQuery = "/", options = {}) {
  const page = await instrumentedPage(browser, options);
  await page.goto(new URL(pathAndQuery, SHOP).href);
  return page;
}

/** A fresh page at any address (a shop the test serves itself), recorded like `openPage`'s. */
export async function openAt(browser, url, options = {}) {
  const page = await instrumentedPage(browser, options);
  await page.goto(url);
  return page;
}

/** A fresh page of the support console on Carebox's origin, recorded like `openPage`'s. */
export async function openConsole(browser, options = {}) {
  const page = await instrumentedPage(browser, options);
  // A console whose timers the test moves on (`page.clock.fastForward`) instead of waiting.
  if (options.controlledClock) await page.clock.install();
  await page.goto(new URL("/console/", CAREBOX).href);
  return page;
}

async function instrumentedPage(browser, { locale = "en-US", viewport = { width: 1280, height: 860 }, init } = {}) {
  const context = await browser.newContext({ locale, viewport });
  // `init`: a function to run in every document of the page before its own scripts (the
  // shop's page and a widget frame's alike).
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  openedPages.push(page);
  page.consoleMessages = [];
  /** Patterns of console lines this test causes on purpose (say, a refusal it provokes). */
  page.expectedConsole = [];
  page.requests = [];
  page.apiCalls = [];
  page.errors = [];
  page.on("request", (request) => page.requests.push(request.url()));
  const started = Date.now();
  const apiCall = (request, outcome) => {
    if (request.url().startsWith(`${CAREBOX}/v1/`)) {
      page.apiCalls.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${request.method()} ${new URL(request.url()).pathname} → ${outcome}`);
    }
  };
  page.on("response", (response) => apiCall(response.request(), response.status()));
  page.on("requestfailed", (request) => apiCall(request, request.failure()?.errorText ?? "failed"));
  page.on("pageerror", (error) => page.errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") page.errors.push(message.text());
    if (message.type() === "error" || message.type() === "warning") {
      page.consoleMessages.push({ type: message.type(), text: message.text(), url: message.location()?.url ?? "" });
    }
  });
  return page;
}

/** The demo shop's "Sign in as Anna" button: the page calls `Carebox.identify(token)`. */
export async function signInAsAnna(page) {
  await page.getByRole("button", { name: "Sign in as Anna (demo)" }).click();
  await page.getByRole("button", { name: "Signed in as Anna" }).waitFor();
}

export const launcher = (page) => page.locator("[data-carebox] button[part=launcher]");
export const dialog = (page) => page.locator("[data-carebox] [role=dialog]");

/** Clicks the launcher and waits for the panel's entries; returns the milliseconds it took. */
export async function openPanel(page) {
  const started = Date.now();
  await launcher(page).click();
  await dialog(page).locator(".carebox-home__entries").waitFor({ state: "visible" });
  return Date.now() - started;
}

/**
 * An `init` for `openPage`: counts the loading skeletons drawn in this document, in the
 * widget's shadow root or in a widget frame's page, as `window.__skeletonsDrawn` (each one
 * inserted counts, however soon it was replaced).
 */
export function countSkeletons() {
  window.__skeletonsDrawn = 0;
  const watch = (root) => new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType === 1 && (node.matches(".carebox-skeleton") || node.querySelector(".carebox-skeleton"))) window.__skeletonsDrawn += 1;
      }
    }
  }).observe(root, { childList: true, subtree: true });
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (options) {
    const root = attachShadow.call(this, options);
    watch(root);
    return root;
  };
  watch(document);
}

/** Where keyboard focus is, looking inside the widget's shadow root. */
export function focusInWidget(page) {
  return page.evaluate(() => {
    const host = document.querySelector("[data-carebox]");
    const active = host?.shadowRoot?.activeElement;
    if (!active) return { inside: false };
    return {
      inside: true,
      inDialog: Boolean(active.closest("[role=dialog]")),
      isLauncher: active.getAttribute("part") === "launcher",
      label: active.getAttribute("aria-label") ?? active.textContent.trim(),
    };
  });
}

/** Waits (up to 2 s) for keyboard focus to reach `#id` in the widget: screens move focus on their next frame. */
export async function waitForFocus(page, id) {
  const moved = (wanted) => document.querySelector("[data-carebox]").shadowRoot.activeElement?.id === wanted;
  await page.waitForFunction(moved, id, { timeout: 2000 }).catch(() => {
    throw new Error(`focus never reached #${id}`);
  });
}

const AXE_SOURCE = readFileSync(AXE, "utf8");

/**
 * axe-core scan of the widget (its shadow tree included), or of a frame-mode frame's whole
 * page; returns the violations. axe is evaluated, not added as a <script>, so a page's
 * strict CSP does not stop the scan (nor has to be loosened for it).
 */
export async function axeViolations(pageOrFrame, selector = "[data-carebox]") {
  await pageOrFrame.evaluate(AXE_SOURCE);
  return pageOrFrame.evaluate(async (selector) => {
    const result = await window.axe.run(document.querySelector(selector), {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target) }));
  }, selector);
}

/** A screenshot of the page, or of one element of it, with animations stopped. */
export async function screenshot(page, name, element = page) {
  const file = path.join(OUT, `${name}.png`);
  await element.screenshot({ path: file, animations: "disabled" });
  console.log(`screenshot: ${file}`);
  return file;
}

export const appRequests = (page) => page.requests.filter((url) => url.includes("/app/"));
