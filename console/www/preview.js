// The console's live preview: the real widget, drawn in this page (its in-page mode), with
// the unsaved settings the console stored under a preview token. Everything comes from the
// address: ?key=pk_…&token=…&locale=en
const query = new URLSearchParams(location.search);
const script = document.createElement("script");
script.src = "/carebox.js";
script.async = true;
script.dataset.key = query.get("key") || "";
script.dataset.api = `${location.origin}/preview/${encodeURIComponent(query.get("token") || "")}`;
script.dataset.mount = "#preview";
if (query.get("locale")) script.dataset.locale = query.get("locale");
document.head.append(script);
