//! Writes the texts of every language the bundle does not carry as `strings-<locale>.json`
//! into the folder given (`cargo xtask dist` runs it): the compiler-checked tables in
//! `src/i18n/` stay the one source, and an English-speaking shopper downloads none of them.

use carebox_widget::i18n::{FETCHED_LOCALES, strings};

fn main() {
    let folder = std::env::args().nth(1).expect("usage: export_strings <folder>");
    for locale in FETCHED_LOCALES {
        let path = std::path::Path::new(&folder).join(format!("strings-{}.json", locale.as_str()));
        std::fs::write(&path, strings(locale).to_json()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}
