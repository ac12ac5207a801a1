//! Trims what wasm-bindgen writes for a browser bundle, where bytes count twice (once in the
//! wasm, once in the JS glue):
//! - classes a dependency exports that nothing uses leave both sides. leptos always brings
//!   `wasm-streams` (through `server_fn`, which the widget does not use) and with it three
//!   exported `IntoUnderlying*` classes;
//! - every import the wasm takes from its glue is named `__wbg_<name>_<16 hex digits>` in both
//!   files (180 of them: ~10 KB that hardly compress); they become `a`, `b`, … `aB`, and glue
//!   functions the optimised wasm no longer imports are dropped.
//!
//! - the split loader (`__wasm_split.js`) goes into the glue module: as a module of its own it
//!   was requested only once the glue had arrived and been parsed (the glue imports it), one
//!   more round trip before the app could start.
//!
//! Each step checks its result (no trace of a removed class, every import found exactly once),
//! so a wasm-bindgen upgrade that changes the glue's shape stops the build instead of shipping a
//! broken bundle.

use std::collections::{BTreeMap, BTreeSet};

use crate::Result;

/// The file wasm-split writes beside the main module: the loader of the lazy parts.
pub const SPLIT_LOADER: &str = "__wasm_split.js";

/// The glue with the split loader inside: the loader's code in a function scope of its own
/// (its names cannot meet the glue's), its exports as one object that stands where the glue
/// imported the module (`import * as importN from "./__wasm_split.js"`). Its own import of
/// the glue's `initSync` becomes the glue's function itself. The lazy parts it fetches are
/// found from `import.meta.url` as before: the glue is in the same folder.
pub fn merge_split_loader(glue: &str, split_loader: &str, glue_file: &str) -> Result<String> {
    let own_import = format!("import {{ initSync }} from \"./{glue_file}\";");
    let mut exports = Vec::new();
    let mut body = String::new();
    let mut imported_init = false;
    for line in split_loader.lines() {
        if line.trim() == own_import {
            imported_init = true;
        } else if let Some(rest) = line.strip_prefix("export const ") {
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            exports.push(name);
            body.push_str("const ");
            body.push_str(rest);
            body.push('\n');
        } else if line.starts_with("import ") || line.starts_with("export ") {
            return Err(format!("{SPLIT_LOADER}: a line this build does not know how to merge: {line}"));
        } else {
            body.push_str(line);
            body.push('\n');
        }
    }
    if !imported_init || exports.is_empty() {
        return Err(format!("{SPLIT_LOADER} no longer imports `initSync` from {glue_file} or exports nothing: its shape changed"));
    }
    let namespace = format!("const __wasm_split_loader = (() => {{\n{body}return {{ {} }};\n}})();\n", exports.join(", "));
    let mut merged = String::with_capacity(glue.len() + namespace.len());
    let mut replaced = 0;
    for line in glue.lines() {
        let binding = line
            .strip_prefix("import * as ")
            .and_then(|rest| rest.trim_end_matches(';').strip_suffix(&format!(" from \"./{SPLIT_LOADER}\"")));
        match binding {
            Some(name) => {
                if replaced == 0 {
                    merged.push_str(&namespace);
                }
                replaced += 1;
                merged.push_str(&format!("const {name} = __wasm_split_loader;\n"));
            }
            None => {
                merged.push_str(line);
                merged.push('\n');
            }
        }
    }
    if replaced == 0 || merged.contains(&format!("from \"./{SPLIT_LOADER}\"")) {
        return Err(format!("the glue's imports of {SPLIT_LOADER} are not where this build expects them"));
    }
    Ok(merged)
}

/// Exported classes no bundle uses (wasm-streams' `ReadableStream` adapters).
pub const UNUSED_CLASSES: [&str; 3] = ["IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource"];

/// `wasm-opt` arguments that remove the exports of [`UNUSED_CLASSES`] (their methods and
/// `__wbg_<class>_free`), so that the optimiser can drop the code behind them.
pub fn remove_unused_exports_args() -> Vec<String> {
    UNUSED_CLASSES
        .iter()
        .flat_map(|class| ["--remove-exports".to_owned(), format!("--pass-arg=remove-exports@*{}*", class.to_lowercase())])
        .collect()
}

/// Removes [`UNUSED_CLASSES`] from the glue, and renames the imports the wasm takes from
/// `glue_module` (e.g. `./carebox_bg.js`) to short names in both files, dropping glue
/// functions the wasm does not import.
pub fn trim(js: &str, wasm: &[u8], glue_module: &str) -> Result<(String, Vec<u8>)> {
    let mut js = js.to_owned();
    for class in UNUSED_CLASSES {
        js = remove_class(&js, class)?;
    }
    let imported: Vec<String> = imports(wasm)?.into_iter().filter(|i| i.module == glue_module).map(|i| i.name).collect();
    let renames: BTreeMap<String, String> = imported.iter().enumerate().map(|(at, name)| (name.clone(), short_name(at))).collect();
    let js = rename_glue_imports(&js, glue_module, &renames)?;
    let wasm = rename_imports(wasm, glue_module, &renames)?;
    Ok((js, wasm))
}

/// `a`…`z`, `A`…`Z`, then `ba`, `bb`, … (never a leading digit; no two alike).
fn short_name(mut at: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[at % LETTERS.len()]);
        at /= LETTERS.len();
        if at == 0 {
            break;
        }
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII letters")
}

/// Removes `export class <class> { … }`, its `Symbol.dispose` alias and its
/// `FinalizationRegistry`.
fn remove_class(js: &str, class: &str) -> Result<String> {
    let start = format!("export class {class} {{");
    let dispose = format!("if (Symbol.dispose) {class}.prototype");
    let registry = format!("const {class}Finalization = ");
    let mut out = Vec::new();
    let mut lines = js.lines();
    let mut found = false;
    while let Some(line) = lines.next() {
        if line == start {
            found = true;
            // The class body ends at the first line that closes it at the left margin.
            if !lines.by_ref().any(|l| l == "}") {
                return Err(format!("glue: class {class} has no end"));
            }
        } else if line.starts_with(&dispose) {
        } else if line.starts_with(&registry) {
            let mut statement = line;
            while !statement.trim_end().ends_with(';') {
                statement = lines.next().ok_or_else(|| format!("glue: {class}Finalization has no end"))?;
            }
        } else {
            out.push(line);
        }
    }
    if !found {
        return Err(format!("glue: no `{start}` (did wasm-bindgen's output change?)"));
    }
    let trimmed = out.join("\n") + "\n";
    if contains_word(&trimmed, class) {
        return Err(format!("glue: {class} is still referenced after removing it"));
    }
    Ok(trimmed)
}

fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let is_ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
        !is_ident(before) && !is_ident(after)
    })
}

/// The glue builds the wasm's imports as object literals (`const import0 = { name: function(…)
/// {…}, … };`) and returns them by module (`"./carebox_bg.js": import0,`). Renames the keys of
/// `module`'s object by `renames` and drops the keys it does not list.
fn rename_glue_imports(js: &str, module: &str, renames: &BTreeMap<String, String>) -> Result<String> {
    let object = js
        .lines()
        .find_map(|l| l.trim().strip_prefix(&format!("\"{module}\": ")).and_then(|rest| rest.strip_suffix(',')))
        .ok_or_else(|| format!("glue: no import object for {module}"))?
        .to_owned();
    let opening = format!("    const {object} = {{");
    let entry_indent = "        ";
    let mut out: Vec<String> = Vec::new();
    let mut lines = js.lines().peekable();
    let mut seen = BTreeSet::new();
    while let Some(line) = lines.next() {
        out.push(line.to_owned());
        if line != opening {
            continue;
        }
        // Entries until the object closes; each starts with `<key>: ` at the entry indent.
        let mut keep = true;
        for line in lines.by_ref() {
            if line == "    };" {
                out.push(line.to_owned());
                break;
            }
            let entry = line.strip_prefix(entry_indent).filter(|rest| !rest.starts_with(' ')).and_then(|rest| rest.split_once(": "));
            match entry {
                Some(("__proto__", _)) => {
                    keep = true;
                    out.push(line.to_owned());
                }
                Some((key, rest)) => {
                    keep = match renames.get(key) {
                        Some(short) => {
                            if !seen.insert(key.to_owned()) {
                                return Err(format!("glue: import {key} appears twice"));
                            }
                            out.push(format!("{entry_indent}{short}: {rest}"));
                            true
                        }
                        None => false,
                    };
                }
                None if keep => out.push(line.to_owned()),
                None => {}
            }
        }
    }
    let missing: Vec<&String> = renames.keys().filter(|k| !seen.contains(*k)).collect();
    if !missing.is_empty() {
        return Err(format!("glue: the wasm imports {missing:?} from {module}, the glue does not define them"));
    }
    Ok(out.join("\n") + "\n")
}

struct Import {
    module: String,
    name: String,
}

/// The import section's entries, in order.
fn imports(wasm: &[u8]) -> Result<Vec<Import>> {
    let mut found = Vec::new();
    for_each_import(wasm, |module, name, _| found.push(Import { module: module.to_owned(), name: name.to_owned() }))?;
    Ok(found)
}

/// A copy of `wasm` whose imports from `module` are renamed by `renames` (an import it does
/// not list is an error: the glue would not define it).
fn rename_imports(wasm: &[u8], module: &str, renames: &BTreeMap<String, String>) -> Result<Vec<u8>> {
    let (start, end) = import_section(wasm)?.ok_or("wasm: no import section")?;
    let mut payload = Vec::new();
    let mut count = 0usize;
    let mut missing = None;
    for_each_import(wasm, |m, name, descriptor| {
        count += 1;
        let name = if m == module {
            renames.get(name).map(String::as_str).unwrap_or_else(|| {
                missing = Some(name.to_owned());
                name
            })
        } else {
            name
        };
        write_name(&mut payload, m);
        write_name(&mut payload, name);
        payload.extend_from_slice(descriptor);
    })?;
    if let Some(name) = missing {
        return Err(format!("wasm: no new name for import {name}"));
    }
    let mut section = Vec::new();
    write_leb(&mut section, count as u64);
    section.extend_from_slice(&payload);
    let mut out = wasm[..start].to_vec();
    out.push(IMPORT_SECTION);
    write_leb(&mut out, section.len() as u64);
    out.extend_from_slice(&section);
    out.extend_from_slice(&wasm[end..]);
    Ok(out)
}

const IMPORT_SECTION: u8 = 2;

/// Where the import section (its id byte through its payload) lies in `wasm`.
fn import_section(wasm: &[u8]) -> Result<Option<(usize, usize)>> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        return Err("wasm: not a version 1 module".into());
    }
    let mut at = 8;
    while at < wasm.len() {
        let start = at;
        let id = wasm[at];
        at += 1;
        let size = read_leb(wasm, &mut at)? as usize;
        let end = at.checked_add(size).filter(|end| *end <= wasm.len()).ok_or("wasm: a section runs past the end")?;
        if id == IMPORT_SECTION {
            return Ok(Some((start, end)));
        }
        at = end;
    }
    Ok(None)
}

/// Calls `visit(module, name, descriptor bytes)` for each import.
fn for_each_import(wasm: &[u8], mut visit: impl FnMut(&str, &str, &[u8])) -> Result {
    let Some((start, end)) = import_section(wasm)? else { return Ok(()) };
    let mut at = start + 1;
    read_leb(wasm, &mut at)?;
    let count = read_leb(wasm, &mut at)?;
    for _ in 0..count {
        let module = read_name(wasm, &mut at)?;
        let name = read_name(wasm, &mut at)?;
        let descriptor_start = at;
        skip_descriptor(wasm, &mut at)?;
        if at > end {
            return Err("wasm: an import runs past its section".into());
        }
        visit(module, name, &wasm[descriptor_start..at]);
    }
    if at != end {
        return Err("wasm: the import section has bytes after its last import".into());
    }
    Ok(())
}

fn skip_descriptor(wasm: &[u8], at: &mut usize) -> Result {
    match byte(wasm, at)? {
        // function: type index
        0x00 => read_leb(wasm, at).map(drop),
        // table: reference type, limits
        0x01 => {
            skip_value_type(wasm, at)?;
            skip_limits(wasm, at)
        }
        // memory: limits
        0x02 => skip_limits(wasm, at),
        // global: value type, mutability
        0x03 => {
            skip_value_type(wasm, at)?;
            byte(wasm, at).map(drop)
        }
        // tag: attribute, type index
        0x04 => {
            byte(wasm, at)?;
            read_leb(wasm, at).map(drop)
        }
        other => Err(format!("wasm: unknown import kind {other:#x}")),
    }
}

fn skip_value_type(wasm: &[u8], at: &mut usize) -> Result {
    // (ref null? <heap type>) carries a heap type after it; the others are one byte.
    if matches!(byte(wasm, at)?, 0x63 | 0x64) {
        read_leb(wasm, at)?;
    }
    Ok(())
}

fn skip_limits(wasm: &[u8], at: &mut usize) -> Result {
    let flags = byte(wasm, at)?;
    read_leb(wasm, at)?;
    if flags & 0x01 != 0 {
        read_leb(wasm, at)?;
    }
    if flags & 0x08 != 0 {
        read_leb(wasm, at)?;
    }
    Ok(())
}

fn byte(wasm: &[u8], at: &mut usize) -> Result<u8> {
    let b = *wasm.get(*at).ok_or("wasm: unexpected end")?;
    *at += 1;
    Ok(b)
}

fn read_leb(wasm: &[u8], at: &mut usize) -> Result<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let b = byte(wasm, at)?;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("wasm: a number is too long".into())
}

fn read_name<'a>(wasm: &'a [u8], at: &mut usize) -> Result<&'a str> {
    let len = read_leb(wasm, at)? as usize;
    let bytes = wasm.get(*at..*at + len).ok_or("wasm: a name runs past the end")?;
    *at += len;
    std::str::from_utf8(bytes).map_err(|_| "wasm: a name is not UTF-8".into())
}

fn write_leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let b = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn write_name(out: &mut Vec<u8>, name: &str) {
    write_leb(out, name.len() as u64);
    out.extend_from_slice(name.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_loader_goes_into_the_glue_in_a_scope_of_its_own() {
        let glue = "import * as import1 from \"./__wasm_split.js\"\nimport * as import2 from \"./__wasm_split.js\"\n\
                    const t = 1;\nfunction initSync() {}\nimports = { \"./__wasm_split.js\": import1, \"./__wasm_split.js\": import2 };\n";
        let loader = "import { initSync } from \"./app.js\";\nconst t = 2;\nfunction load() { initSync(); }\n\
                      export const __wasm_split_load_a = load;\nexport const __wasm_split_load_b = load;\n";
        let merged = merge_split_loader(glue, loader, "app.js").unwrap();
        assert_eq!(
            merged,
            "const __wasm_split_loader = (() => {\nconst t = 2;\nfunction load() { initSync(); }\nconst __wasm_split_load_a = load;\n\
             const __wasm_split_load_b = load;\nreturn { __wasm_split_load_a, __wasm_split_load_b };\n})();\n\
             const import1 = __wasm_split_loader;\nconst import2 = __wasm_split_loader;\nconst t = 1;\nfunction initSync() {}\n\
             imports = { \"./__wasm_split.js\": import1, \"./__wasm_split.js\": import2 };\n"
        );
        // A shape it does not know stops the build.
        assert!(merge_split_loader(glue, "import { other } from \"./app.js\";\nexport const a = 1;\n", "app.js").is_err());
        assert!(merge_split_loader(glue, &format!("{loader}export default 1;\n"), "app.js").is_err());
        assert!(merge_split_loader("const t = 1;\n", loader, "app.js").is_err());
    }

    /// A module importing two glue functions, a table and a memory, then a type section after.
    fn module() -> Vec<u8> {
        let mut imports = Vec::new();
        write_leb(&mut imports, 4);
        for (module, name, descriptor) in [
            ("./app_bg.js", "__wbg_alert_0123456789abcdef", &[0x00, 0x00][..]),
            ("__wasm_split", "__indirect_function_table", &[0x01, 0x70, 0x00, 0x05][..]),
            ("./app_bg.js", "__wbg_now_fedcba9876543210", &[0x00, 0x01][..]),
            ("__wasm_split", "memory", &[0x02, 0x01, 0x11, 0x80, 0x01][..]),
        ] {
            write_name(&mut imports, module);
            write_name(&mut imports, name);
            imports.extend_from_slice(descriptor);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]);
        wasm.push(IMPORT_SECTION);
        write_leb(&mut wasm, imports.len() as u64);
        wasm.extend_from_slice(&imports);
        wasm.extend_from_slice(&[0, 3, 1, b'x', 9]);
        wasm
    }

    const GLUE: &str = "\
export class IntoUnderlyingSink {
    free() {
        IntoUnderlyingSinkFinalization.unregister(this);
    }
}
if (Symbol.dispose) IntoUnderlyingSink.prototype[Symbol.dispose] = IntoUnderlyingSink.prototype.free;

export class Widget {
}
function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg_alert_0123456789abcdef: function(arg0) {
            alert(arg0);
        },
        __wbg_unused_1111111111111111: function() {
            return 1;
        },
        __wbg_now_fedcba9876543210: typeof Date.now == 'function' ? Date.now : notDefined('Date.now'),
    };
    return {
        __proto__: null,
        \"./app_bg.js\": import0,
    };
}
const IntoUnderlyingSinkFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_intounderlyingsink_free(ptr >>> 0, 1));
const WidgetFinalization = 1;
";

    #[test]
    fn imports_are_renamed_in_both_files_and_unused_glue_goes() {
        let mut js = GLUE.to_owned();
        js = remove_class(&js, "IntoUnderlyingSink").unwrap();
        let wasm = module();
        let names: Vec<String> = imports(&wasm).unwrap().into_iter().map(|i| i.name).collect();
        assert_eq!(names, ["__wbg_alert_0123456789abcdef", "__indirect_function_table", "__wbg_now_fedcba9876543210", "memory"]);
        let renames: BTreeMap<String, String> =
            [("__wbg_alert_0123456789abcdef", "a"), ("__wbg_now_fedcba9876543210", "b")].map(|(k, v)| (k.to_owned(), v.to_owned())).into();
        let js = rename_glue_imports(&js, "./app_bg.js", &renames).unwrap();
        assert!(js.contains("        a: function(arg0) {\n            alert(arg0);\n        },\n"), "{js}");
        assert!(js.contains("        b: typeof Date.now == 'function'"), "{js}");
        assert!(!js.contains("__wbg_unused") && !js.contains("return 1;"), "{js}");
        assert!(!js.contains("IntoUnderlyingSink") && js.contains("export class Widget {") && js.contains("WidgetFinalization"), "{js}");

        let renamed = rename_imports(&wasm, "./app_bg.js", &renames).unwrap();
        let after: Vec<(String, String)> = imports(&renamed).unwrap().into_iter().map(|i| (i.module, i.name)).collect();
        assert_eq!(
            after,
            [("./app_bg.js", "a"), ("__wasm_split", "__indirect_function_table"), ("./app_bg.js", "b"), ("__wasm_split", "memory")]
                .map(|(m, n)| (m.to_owned(), n.to_owned()))
        );
        // The sections around the import section are untouched.
        assert_eq!(&renamed[..14], &wasm[..14]);
        assert_eq!(&renamed[renamed.len() - 5..], &wasm[wasm.len() - 5..]);
    }

    #[test]
    fn an_import_the_glue_lacks_or_a_class_left_behind_stops_the_build() {
        let renames: BTreeMap<String, String> = [("__wbg_gone_2222222222222222".to_owned(), "a".to_owned())].into();
        assert!(rename_glue_imports(GLUE, "./app_bg.js", &renames).unwrap_err().contains("__wbg_gone"));
        assert!(rename_imports(&module(), "./app_bg.js", &renames).unwrap_err().contains("no new name"));
        assert!(remove_class(GLUE, "Absent").unwrap_err().contains("export class Absent"));
        let still_used = format!("{GLUE}new IntoUnderlyingSink();\n");
        assert!(remove_class(&still_used, "IntoUnderlyingSink").unwrap_err().contains("still referenced"));
    }

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: BTreeSet<String> = (0..3000).map(short_name).collect();
        assert_eq!(names.len(), 3000);
        assert_eq!(short_name(0), "a");
        assert_eq!(short_name(51), "Z");
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_alphabetic())));
    }
}
