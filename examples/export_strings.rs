//! Writes the texts of every language the bundle does not carry into the folder given
//! (`cargo xtask dist` runs it): `strings-<locale>.first.json`, what the first open draws, and
//! `strings-<locale>.json`, the whole table the first screen brings. The compiler-checked
//! tables in `src/i18n/` stay the one source, and an English-speaking shopper downloads none.
//!
//! `export_strings --keys contract/src/text_keys.txt` writes the list of text keys instead,
//! which the server checks a merchant's own texts against (a component test fails while it
//! is stale).

use carebox_widget::i18n::{FETCHED_LOCALES, Strings, strings};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, path] = args.as_slice()
        && flag == "--keys"
    {
        let keys: String = Strings::all_keys().iter().map(|key| format!("{key}\n")).collect();
        std::fs::write(path, keys).unwrap_or_else(|e| panic!("{path}: {e}"));
        return;
    }
    let folder = args.first().expect("usage: export_strings <folder> | export_strings --keys <file>");
    for locale in FETCHED_LOCALES {
        let table = strings(locale);
        for (name, json) in [("first.json", table.first_open_json()), ("json", table.to_json())] {
            let path = std::path::Path::new(folder).join(format!("strings-{}.{name}", locale.as_str()));
            std::fs::write(&path, json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}
