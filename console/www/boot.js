// Loads the console's WebAssembly (a file, not an inline script: the page's CSP allows no inline code).
import init from "./carebox_console.js";
init();
