// Run by `cargo xtask test` after every end-to-end spec, against the same server: each widget
// operation of the OpenAPI document must have been called by the browser from the shop's
// origin and, where the call needs one, preflighted. Fault-injecting specs intercept requests
// (`page.route`), and on those pages Chromium sends no CORS preflight: an operation reached only
// that way would pass without CORS ever being tried. The server's own /metrics counts what
// really arrived, by route template and method.
const CAREBOX = process.env.CAREBOX_E2E_URL;

const document = await (await fetch(`${CAREBOX}/openapi.json`)).json();
const metrics = await (await fetch(`${CAREBOX}/metrics`)).text();
const arrived = new Map(); // "METHOD route" → requests answered
for (const line of metrics.split("\n")) {
  const sample = line.match(/^carebox_http_requests_total\{method="([A-Z]+)",route="([^"]+)",status="(\d+)"\} (\d+)/);
  if (sample) {
    const key = `${sample[1]} ${sample[2]}`;
    arrived.set(key, (arrived.get(key) ?? 0) + Number(sample[4]));
  }
}

const missing = [];
let checked = 0;
for (const [path, item] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    if (!operation?.tags?.includes("widget")) continue;
    checked += 1;
    const verb = method.toUpperCase();
    const calls = arrived.get(`${verb} ${path}`) ?? 0;
    // A GET without credentials is a "simple" request; anything else (a JSON body, a bearer
    // token) makes Chromium ask first.
    const preflighted = verb !== "GET" || (operation.security ?? []).length > 0;
    const preflights = arrived.get(`OPTIONS ${path}`) ?? 0;
    console.log(`  ${verb.padEnd(4)} ${path.padEnd(36)} ${String(calls).padStart(5)} calls, ${preflighted ? `${preflights} preflights` : "no preflight needed"}`);
    if (calls === 0) missing.push(`${verb} ${path}: never called by the widget in a browser`);
    else if (preflighted && preflights === 0) missing.push(`${verb} ${path}: never preflighted (reached only through request interception?)`);
  }
}
if (checked === 0) missing.push("no widget operation in the OpenAPI document");
if (missing.length) {
  console.error(`widget operations not exercised cross-origin for real:\n  ${missing.join("\n  ")}`);
  process.exit(1);
}
console.log(`all ${checked} widget operations were called from the shop's origin, preflighted where CORS asks it`);
