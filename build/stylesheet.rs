//! The widget's stylesheet: every component's CSS, bundled in one order. One file used twice,
//! by `cargo xtask dist` (the loader fetches it) and by the widget crate's build script (the
//! Leptos components for Rust shops carry it), so both get the same rules.

use std::fs;
use std::path::{Path, PathBuf};

/// Every `*.css` under `src/`, in path order (`app.css` first, then each component's),
/// with comments stripped and whitespace collapsed.
pub fn app_css(src: &Path) -> Result<String, String> {
    let mut files = Vec::new();
    collect_css(src, &mut files)?;
    files.sort();
    let mut css = String::new();
    for file in files {
        css.push_str(&minify_css(&fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?));
        css.push('\n');
    }
    Ok(css)
}

pub fn collect_css(dir: &Path, into: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect_css(&path, into)?;
        } else if path.extension().is_some_and(|ext| ext == "css") {
            into.push(path);
        }
    }
    Ok(())
}

/// Safe savings only: comments out, runs of whitespace to one space, and no space around
/// `{ } ; ,` nor after `:` (outside strings), nor a last `;`. A space *before* `:` can be a
/// descendant combinator (`.a :focus-visible`), so it stays.
pub fn minify_css(css: &str) -> String {
    let mut without_comments = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        without_comments.push_str(&rest[..start]);
        rest = rest[start + 2..].split_once("*/").map_or("", |(_, after)| after);
    }
    without_comments.push_str(rest);
    let spaced = without_comments.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(spaced.len());
    let mut quote = None;
    let mut skip_space = false;
    for c in spaced.chars() {
        if let Some(open) = quote {
            out.push(c);
            if c == open {
                quote = None;
            }
            continue;
        }
        if c == ' ' && skip_space {
            continue;
        }
        skip_space = false;
        match c {
            '{' | '}' | ';' | ',' => {
                while out.ends_with(' ') {
                    out.pop();
                }
                if c == '}' && out.ends_with(';') {
                    out.pop();
                }
                out.push(c);
                skip_space = true;
            }
            ':' => {
                out.push(c);
                skip_space = true;
            }
            '"' | '\'' => {
                quote = Some(c);
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}
