/*! Carebox frame host */
// Frame mode, on the shop's page. The loader imports this module when the page's
// Content-Security-Policy forbids WebAssembly (or `data-mode="frame"` asks for it), or when
// the app could not start inline. It puts the same app in an iframe of the widget's origin and
// drives it with the messages described in docs/embedding.md ("Frame mode's messages"):
// origin-checked both ways.

const STYLE =
  ".frame{position:absolute;bottom:calc(100% + 12px);right:0;width:min(380px,calc(100vw - 24px));height:0;" +
  "max-height:min(600px,calc(100vh - 110px));border:0;border-radius:12px;box-shadow:var(--carebox-shadow,0 12px 40px rgb(15 20 40/.22));" +
  "color-scheme:normal}" +
  ":host([data-side=left]) .frame{right:auto;left:0}" +
  // Closed, the frame stays laid out (as wide as the panel, no height, not shown): the app in it
  // can measure the panel the moment it opens, and Chromium need not lay the frame out anew.
  ".frame[hidden]{display:block;visibility:hidden;height:0!important}" +
  "@media(max-width:480px){.frame{position:fixed;inset:0;width:100%;height:100%!important;max-height:none;border-radius:0}}" +
  // In-page mode: a block of the merchant's page, as wide as its place and as tall as the panel.
  ":host([data-in-page]) .frame{position:static!important;width:100%!important;max-height:none;box-shadow:none}";

/** The frame's accessible name, in the widget's language. */
const HELP = { en: "Help", ru: "Помощь", ar: "المساعدة" };
/** The theme tokens a page may set: passed on, since custom properties do not cross documents. */
const TOKENS = ["accent", "radius", "font", "spacing", "background", "text", "muted", "surface", "border", "danger"];
/** How long the frame may take to say it has forgotten its storage, on destroy(). */
const DESTROY_TIMEOUT_MS = 1000;
/** How long the frame may take to say it is ready. */
const START_TIMEOUT_MS = 20000;

const styled = new WeakSet();
function style(ctx) {
  if (styled.has(ctx.root)) return;
  styled.add(ctx.root);
  ctx.root.adoptedStyleSheets = ctx.root.adoptedStyleSheets.concat(ctx.sheet(STYLE));
}


/** Starts the app in an iframe; resolves with a handle like the inline app's once it is ready. */
export function startFrame(ctx) {
  style(ctx);
  const apiOrigin = new URL(ctx.config.api, location.href).origin;
  const frame = document.createElement("iframe");
  frame.className = "frame";
  frame.title = HELP[ctx.language];
  frame.hidden = true;
  const hash = new URLSearchParams({ origin: location.origin, locale: ctx.config.locale || "", lang: ctx.config.pageLang || "", theme: ctx.config.theme || "", strings: JSON.stringify(ctx.config.strings || {}), inPage: ctx.config.inPage ? "1" : "" });
  frame.src = `${apiOrigin}/frame?key=${encodeURIComponent(ctx.config.key)}#${hash}`;
  // An in-page panel is open from the start (and stays so).
  let open = Boolean(ctx.config.inPage);
  let listen = null;
  let destroyed = null;
  const post = (message) => frame.contentWindow.postMessage({ ...message, carebox: 1 }, apiOrigin);
  const handle = {
    open() { handle.show(); },
    /** Opens the panel, on a screen when `target` names one (a deep link). */
    show(target) {
      frame.hidden = false;
      // In-page mode opens as the page loads: the shopper's focus stays where it is.
      if (!ctx.config.inPage) frame.focus();
      post(target ? { type: "show", target: { view: `${target.view}`, order: target.order && `${target.order}` } } : { type: "open" });
    },
    setLocale(locale) { post({ type: "locale", locale: String(locale) }); },
    /** Resolves once the frame has forgotten its own storage (another origin's) and is gone. */
    destroy() {
      post({ type: "destroy" });
      return new Promise((resolve) => {
        const timer = setTimeout(() => destroyed(), DESTROY_TIMEOUT_MS);
        destroyed = () => {
          clearTimeout(timer);
          removeEventListener("message", listen);
          frame.remove();
          resolve();
        };
      });
    },
    close() { post({ type: "close" }); },
    toggle() { if (open) handle.close(); else handle.open(); },
    isOpen() { return open; },
    identify(token) { post({ type: "identify", token: token || null }); },
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(new Error("frame did not start")), START_TIMEOUT_MS);
    function refused(event) {
      // Any refusal of the Carebox origin here (frame-src, child-src or default-src) stops the frame.
      if (event.blockedURI && event.blockedURI.startsWith(apiOrigin)) {
        fail(new Error(`CSP frame-src refuses ${apiOrigin}`));
      }
    }
    function fail(error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      removeEventListener("message", listen);
      document.removeEventListener("securitypolicyviolation", refused);
      frame.remove();
      reject(error);
    }
    function ready() {
      settled = true;
      clearTimeout(timer);
      document.removeEventListener("securitypolicyviolation", refused);
      const computed = getComputedStyle(ctx.host);
      const tokens = {};
      for (const name of TOKENS) {
        const value = computed.getPropertyValue(`--carebox-${name}`).trim();
        if (value) tokens[`--carebox-${name}`] = value;
      }
      post({ type: "theme", tokens });
      if (ctx.config.shopperToken) handle.identify(ctx.config.shopperToken);
      resolve(handle);
    }
    listen = (event) => {
      const message = event.data;
      if (event.source !== frame.contentWindow || event.origin !== apiOrigin || !message || message.carebox !== 1) return;
      if (message.type === "ready") ready();
      else if (message.type === "destroyed" && destroyed) destroyed();
      else if (message.type === "failed") fail(new Error(message.message));
      else if (message.type === "resize") {
        frame.style.height = `${Number(message.height) || 0}px`;
        if (typeof message.radius === "string") frame.style.borderRadius = message.radius;
        if (/^#[0-9a-f]{3,8}$/i.test(message.accent)) ctx.host.style.setProperty("--carebox-theme-accent", message.accent);
      } else if (message.type === "event" && typeof message.name === "string") {
        if (message.name === "open" || message.name === "close") {
          open = message.name === "open";
          frame.hidden = !open;
        }
        ctx.announce(message.name, message.detail);
      }
    };
    addEventListener("message", listen);
    document.addEventListener("securitypolicyviolation", refused);
    ctx.container.appendChild(frame);
  });
}
