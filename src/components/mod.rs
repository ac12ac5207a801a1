//! One folder per piece of the widget, its CSS beside it (`cargo xtask dist` bundles
//! every `*.css` under `src/` into the app stylesheet, which lives in the shadow root).

pub mod failure;
pub mod home;
pub mod panel;
pub mod skeleton;
