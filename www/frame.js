/*! Carebox frame */
// The widget app on the widget's own origin, for shops whose CSP forbids WebAssembly.
// The shop's loader made this frame and drives it with messages (docs/embedding.md, "Frame
// mode"). Messages go only to the shop's origin and are taken only from it: the server lets
// only the merchant's allowed origins frame this page (frame-ancestors).
import init, { mount } from "./carebox.js";

const params = new URLSearchParams(location.hash.slice(1));
const shop = params.get("origin");
const tell = (type, extra) => parent.postMessage(Object.assign({ carebox: 1, type }, extra), shop);

document.body.style.margin = "0";
const container = document.body.appendChild(document.createElement("div"));

// The loader posts nothing before "ready", so no message arrives before the app is mounted.
let widget = null;
let panel = null;
/** Tells the loader the panel's height, so the frame is as tall as the panel. */
function measure() {
  const box = panel.getBoundingClientRect();
  const accent = container.style.getPropertyValue("--carebox-theme-accent");
  tell("resize", { height: Math.ceil(box.height), radius: getComputedStyle(panel).borderTopLeftRadius, accent });
}
function handle(message) {
  // Once opened, the panel's height goes at once (after the app has drawn it), not when the
  // resize observer fires: Chromium renders a frame with no height only now and then.
  if (message.type === "open") {
    widget.open();
    setTimeout(measure);
  }
  else if (message.type === "close") widget.close();
  else if (message.type === "show") {
    widget.show(message.target);
    setTimeout(measure);
  }
  else if (message.type === "identify") widget.identify(message.token || undefined);
  else if (message.type === "locale") widget.setLocale(message.locale);
  else if (message.type === "destroy") {
    widget.destroy();
    const prefix = `carebox:${new URLSearchParams(location.search).get("key")}:`;
    try {
      for (const name of Object.keys(localStorage)) if (name.startsWith(prefix)) localStorage.removeItem(name);
    } catch (blocked) {} // a browser that gives this frame no storage: nothing was kept
    tell("destroyed");
  }
  else if (message.type === "theme") {
    for (const [name, value] of Object.entries(message.tokens || {})) {
      if (/^--carebox-[a-z-]+$/.test(name)) document.documentElement.style.setProperty(name, String(value));
    }
  }
}
addEventListener("message", (event) => {
  if (widget && event.source === parent && event.origin === shop && event.data && event.data.carebox === 1) handle(event.data);
});

// The configuration this page preloads: taken as the app starts, so its first draw has it.
const sentConfig = fetch(document.querySelector("link[href^='v1/']").href).catch(Object);
try {
  await init();
  widget = await mount(container, {
    key: new URLSearchParams(location.search).get("key"),
    api: location.origin,
    locale: params.get("locale") || undefined,
    pageLang: params.get("lang") || undefined,
    frame: true,
    app: import.meta.url,
    inPage: params.get("inPage") === "1",
    theme: params.get("theme") || undefined,
    strings: JSON.parse(params.get("strings") || "{}"),
    onEvent: (name, detail) => tell("event", { name, detail }),
  }, sentConfig);
  // The frame is as tall as the panel (the loader caps it to the shop's window); the
  // merchant's accent goes along for the launcher on the shop's page.
  panel = container.querySelector(".carebox-panel");
  new ResizeObserver(measure).observe(panel);
  tell("ready");
} catch (error) {
  tell("failed", { message: String(error) });
}
