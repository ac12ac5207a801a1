//! The widget's stylesheet: every component's CSS, bundled in one order. One file used twice,
//! by `cargo xtask dist` (the loader fetches it) and by the widget crate's build script (the
//! Leptos components for Rust shops carry it), so both get the same rules in the same order.

use std::fs;
use std::path::{Path, PathBuf};

/// The components drawn only on the screens behind `#[lazy]` (`src/screens.rs`): the bundle
/// sends their rules as `screens.css` with the first screen, not with the first open.
pub const SCREEN_COMPONENTS: [&str; 6] = ["bonuses", "complaints", "csat", "my_orders", "order_lookup", "order_view"];

/// Every `*.css` under `src/` with comments stripped and whitespace collapsed: first what the
/// first open needs (`app.css`, then the other components' in path order), then
/// [`SCREEN_COMPONENTS`]' in path order.
pub fn app_css(src: &Path) -> Result<String, String> {
    let (first_open, screens) = split_css(src)?;
    Ok(first_open + &screens)
}

/// [`app_css`] in its two parts: what the first open needs, and the screens' rules (appended
/// after it, so the cascade is the same as in one sheet).
pub fn split_css(src: &Path) -> Result<(String, String), String> {
    let mut files = Vec::new();
    collect_css(src, &mut files)?;
    files.sort();
    let is_screen =
        |file: &Path| file.parent().and_then(Path::file_name).is_some_and(|folder| SCREEN_COMPONENTS.iter().any(|c| folder == *c));
    let (mut first_open, mut screens) = (String::new(), String::new());
    for file in files {
        let part = if is_screen(&file) { &mut screens } else { &mut first_open };
        part.push_str(&minify_css(&fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?));
        part.push('\n');
    }
    Ok((first_open, screens))
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
