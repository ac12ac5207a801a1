/*! Carebox fallback */
// What the shopper sees when the app cannot start at all on the shop's page (inline and
// frame mode both failed): never a dead button. The loader imports it only then.

const STYLE =
  ".fallback{position:absolute;bottom:calc(100% + 12px);right:0;width:min(380px,calc(100vw - 24px));box-sizing:border-box;" +
  "padding:18px;border-radius:12px;box-shadow:0 12px 40px rgb(15 20 40/.22);" +
  "background:#fff;color:#1f2330;font:15px/1.45 system-ui,sans-serif}" +
  ":host([data-side=left]) .fallback{right:auto;left:0}" +
  ":host([data-in-page]) .fallback{position:static;width:auto}" +
  ".fallback p{margin:0 0 10px}.fallback a,.fallback button{all:initial;display:inline-block;margin:4px 8px 0 0;" +
  "padding:8px 14px;border-radius:8px;font:600 14px system-ui,sans-serif;cursor:pointer;color:#fff;" +
  "background:var(--carebox-accent,var(--carebox-theme-accent,#4f46e5))}" +
  ".fallback :focus-visible{outline:3px solid #1f2330;outline-offset:2px}";

const WORDS = {
  en: { title: "Help can't open on this page right now.",
    next: "Please try again in a moment, or contact the shop directly.", contact: "Contact the shop", retry: "Try again" },
  ru: { title: "Помощь сейчас не открывается на этой странице.",
    next: "Попробуйте ещё раз чуть позже или свяжитесь с магазином напрямую.", contact: "Связаться с магазином", retry: "Попробовать ещё раз" },
  ar: { title: "تعذّر فتح المساعدة في هذه الصفحة الآن.",
    next: "يُرجى المحاولة مرة أخرى بعد قليل، أو التواصل مع المتجر مباشرة.", contact: "التواصل مع المتجر", retry: "حاول مرة أخرى" },
};

const styled = new WeakSet();

/** Says so in the shopper's language, with a way to reach the shop and to try again. */
export function showFallback(ctx) {
  if (!styled.has(ctx.root)) {
    styled.add(ctx.root);
    ctx.root.adoptedStyleSheets = ctx.root.adoptedStyleSheets.concat(ctx.sheet(STYLE));
  }
  const words = WORDS[ctx.language];
  const box = document.createElement("div");
  box.className = "fallback";
  box.setAttribute("role", "alert");
  const title = box.appendChild(document.createElement("p"));
  title.appendChild(document.createElement("strong")).textContent = words.title;
  box.appendChild(document.createElement("p")).textContent = words.next;
  if (ctx.options.contact) {
    const contact = box.appendChild(document.createElement("a"));
    contact.href = ctx.options.contact;
    contact.textContent = words.contact;
  }
  const retry = box.appendChild(document.createElement("button"));
  retry.type = "button";
  retry.textContent = words.retry;
  retry.addEventListener("click", () => {
    box.remove();
    ctx.launcher.setAttribute("aria-expanded", "false");
    ctx.load().then((widget) => widget.open(), () => showFallback(ctx));
  });
  ctx.container.appendChild(box);
  ctx.launcher.setAttribute("aria-expanded", "true");
  retry.focus();
}
