//! One folder per piece of the widget, its CSS beside it (`cargo xtask dist` bundles
//! every `*.css` under `src/` into the app stylesheet, which lives in the shadow root).

pub mod bonuses;
pub mod complaints;
pub mod csat;
pub mod failure;
pub mod home;
pub mod my_orders;
pub mod order_lookup;
pub mod order_view;
pub mod panel;
pub mod skeleton;
