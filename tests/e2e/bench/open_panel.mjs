// Click on the launcher → interactive panel on a local server, in Chromium. DESIGN.md §6's goal
// is p50 ≤ 120 ms, p90 ≤ 200 ms: printed as met or missed. This machine kind comes in two speeds,
// so the check that fails the run is a median that holds on the slow one too: ≤ 200 ms in the
// page's shadow root, ≤ 450 ms in frame mode (data-mode="frame", what a shop whose CSP forbids
// WebAssembly gets). Each sample is a fresh browser context (cold cache): the app is fetched,
// compiled and mounted, and the panel's entries are drawn.
//
// Both ends are read from the browser's own clock, as the shopper lives them: from the first
// pointer event on the launcher (the pointer arriving on it, which is also when the loader starts
// loading) to the first animation frame in which the panel's entries are in the document, visible
// and, in frame mode, in a frame the shop's page shows at its height. Playwright's own round
// trips (its checks before the click, its polling after) are not the shopper's time; they are
// printed apart. Also records main-thread long tasks before interaction. Prints the figures;
// exits non-zero when a median is over budget.
import { CAREBOX, SHOP, launch, launcher, dialog } from "../support.mjs";

const SAMPLES = 15;
// Frame mode loads a second document (the frame's page and script) before the same app: it is
// the fallback for shops whose CSP forbids WebAssembly, budgeted apart so neither path can
// slow down unnoticed.
const MODES = [
  { name: "inline", path: "/", budget: 200, goal: { p50: 120, p90: 200 }, panel: (page) => dialog(page), app: (page) => page.mainFrame() },
  { name: "frame mode", path: "/?mode=frame", budget: 450, panel: (page) => page.frameLocator("[data-carebox] iframe.frame").locator("[role=dialog]"), app: (page) => page.frames().find((f) => new URL(f.url()).pathname === "/frame") },
];

// Runs in the shop's page and in the widget's frame (an init script reaches both): the shop's page
// notes when the pointer first reaches the widget and, in frame mode, the first frame in which
// the iframe is shown with a height; the document holding the app notes the first animation
// frame in which the home screen's entries are drawn and visible. Times are on one clock
// (timeOrigin + now) across both documents.
function clocks() {
  const now = () => performance.timeOrigin + performance.now();
  const marks = (window.__openPanel = { intent: null, frameShown: null, entriesDrawn: null });
  if (window === top) {
    addEventListener("pointerover", (event) => {
      if (marks.intent === null && event.composedPath().some((node) => node.matches?.("[data-carebox]"))) {
        marks.intent = performance.timeOrigin + event.timeStamp;
        requestAnimationFrame(watch);
      }
    }, true);
  } else requestAnimationFrame(watch);
  const inApp = location.pathname === "/frame" ? () => document : () => document.querySelector("[data-carebox]")?.shadowRoot;
  function watch() {
    const root = inApp();
    const entries = root?.querySelector("[role=dialog] .carebox-home__entries");
    if (marks.entriesDrawn === null && entries?.checkVisibility() && innerHeight > 0) marks.entriesDrawn = now();
    const frame = window === top ? document.querySelector("[data-carebox]")?.shadowRoot?.querySelector("iframe.frame") : null;
    if (marks.frameShown === null && frame?.checkVisibility({ visibilityProperty: true }) && frame.offsetHeight > 0) marks.frameShown = now();
    // A document stops watching at its own mark: the page with the app at the entries, the
    // page around a frame at the frame shown, the frame at the entries.
    if (marks.entriesDrawn === null && marks.frameShown === null) requestAnimationFrame(watch);
  }
}

const browser = await launch();
let over = false;
for (const mode of MODES) {
  const times = [];
  const playwrightTimes = [];
  let longTasks = 0;
  for (let i = 0; i < SAMPLES; i += 1) {
    const context = await browser.newContext();
    await context.addInitScript(clocks);
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration)))
        .observe({ type: "longtask", buffered: true });
    });
    const fromCarebox = [];
    page.on("response", (response) => { if (response.url().startsWith(CAREBOX)) fromCarebox.push(response); });
    await page.goto(SHOP + mode.path);
    await launcher(page).waitFor({ state: "visible" });
    await page.waitForLoadState("networkidle");
    longTasks += (await page.evaluate(() => window.__longTasks.filter((d) => d > 50).length));
    const started = await page.evaluate(() => performance.now());
    await launcher(page).click();
    await mode.panel(page).locator(".carebox-home__entries").waitFor({ state: "visible" });
    const ended = await page.evaluate(() => performance.now());
    playwrightTimes.push(ended - started);
    const app = await (await mode.app(page).waitForFunction(() => window.__openPanel.entriesDrawn && window.__openPanel, null, { polling: 10, timeout: 5000 })).jsonValue();
    const shop = await page.evaluate(() => window.__openPanel);
    const drawn = Math.max(app.entriesDrawn, mode.name === "inline" ? 0 : shop.frameShown);
    if (!shop.intent || !app.entriesDrawn || drawn < shop.intent) throw new Error(`${mode.name}: no clock reading (${JSON.stringify({ shop, app })})`);
    times.push(drawn - shop.intent);
    if (i === 0) {
      // What the browser really transferred from Carebox's origin for the first open (bodies as
      // sent, after content encoding), files and API answers apart.
      let files = 0, api = 0;
      const encodings = new Set();
      for (const response of fromCarebox) {
        const body = (await response.request().sizes()).responseBodySize;
        if (new URL(response.url()).pathname.startsWith("/v1/")) api += body;
        else {
          files += body;
          if (response.url().endsWith(".wasm")) encodings.add(response.headers()["content-encoding"] ?? "identity");
        }
      }
      console.log(`${mode.name}: first open transferred from Carebox (Chromium, cold): files ${files} B = ${(files / 1024).toFixed(1)} KiB (wasm sent as ${[...encodings].join(", ")}), API answers ${api} B`);
      if (![...encodings].every((e) => e === "br")) {
        console.error(`${mode.name}: the wasm was not sent as brotli`);
        over = true;
      }
    }
    await context.close();
  }
  times.sort((a, b) => a - b);
  playwrightTimes.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const p90 = times[Math.floor(times.length * 0.9)];
  console.log(`${mode.name}: launcher click → interactive panel, ${SAMPLES} cold samples: median ${median.toFixed(0)} ms, p90 ${p90.toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms (check: median ≤ ${mode.budget} ms)`);
  if (mode.goal) {
    const met = median <= mode.goal.p50 && p90 <= mode.goal.p90;
    console.log(`${mode.name}: DESIGN.md §6 goal p50 ≤ ${mode.goal.p50} ms, p90 ≤ ${mode.goal.p90} ms: ${met ? "met" : "missed"} on this machine`);
  }
  console.log(`${mode.name}: the same as Playwright sees it (its checks and polling included): median ${playwrightTimes[Math.floor(SAMPLES / 2)].toFixed(0)} ms`);
  console.log(`${mode.name}: long tasks (> 50 ms) on the shop page before interaction: ${longTasks} in ${SAMPLES} loads`);
  if (median > mode.budget) {
    console.error(`${mode.name}: launcher → panel over budget`);
    over = true;
  }
}
// The languages the app fetches texts for: one cold first open each, what it transferred (the
// budget itself is checked by `cargo xtask dist`); only the first open's texts may come.
for (const lang of ["ru", "ar"]) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const fromCarebox = [];
  page.on("response", (response) => { if (response.url().startsWith(CAREBOX)) fromCarebox.push(response); });
  await page.goto(`${SHOP}/?lang=${lang}`);
  await launcher(page).click();
  await dialog(page).locator(".carebox-home__entries").waitFor({ state: "visible" });
  let files = 0;
  for (const response of fromCarebox) {
    if (!new URL(response.url()).pathname.startsWith("/v1/")) files += (await response.request().sizes()).responseBodySize;
  }
  const texts = fromCarebox.map((r) => new URL(r.url()).pathname).filter((path) => path.includes("/strings-"));
  console.log(`inline, ?lang=${lang}: first open transferred from Carebox (Chromium, cold): files ${files} B = ${(files / 1024).toFixed(1)} KiB, texts ${texts.map((t) => t.split("/").at(-1)).join(", ")}`);
  if (texts.length !== 1 || !texts[0].endsWith(`/strings-${lang}.first.json`)) {
    console.error(`?lang=${lang}: the first open fetched ${JSON.stringify(texts)}, not only the first open's texts`);
    over = true;
  }
  await context.close();
}
await browser.close();
if (over) process.exit(1);
