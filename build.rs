//! Bundles the components' CSS into `$OUT_DIR/carebox.css` for [`library`](src/library.rs):
//! a Leptos app using the components gets the same stylesheet the loader fetches.

#[path = "build/stylesheet.rs"]
mod stylesheet;

fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=build/stylesheet.rs");
    let css = stylesheet::app_css(std::path::Path::new("src")).unwrap_or_else(|e| panic!("bundling the widget's CSS: {e}"));
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("carebox.css"), css).expect("writing the bundled CSS");
}
