//! The Carebox widget: a Leptos client-side app that the loader (`www/carebox.js`) mounts
//! into a shadow root on the merchant's page once the shopper shows intent.
//!
//! - For the loader (feature `js-api`, on by default): [`mount`] returns a [`Widget`] handle
//!   with `open()`, `show(target)`, `close()`, `toggle()`, `identify()`, `setLocale()` and
//!   `destroy()` ([`js_api`]).
//! - For Leptos apps: [`CareboxProvider`] with [`OrderStatus`], [`ComplaintForm`],
//!   [`Satisfaction`] and [`LoyaltyCard`] ([`library`]).

pub mod api;
pub mod app;
pub mod components;
pub mod format;
pub mod i18n;
#[cfg(feature = "js-api")]
pub mod js_api;
pub mod library;
pub mod loading;
pub mod panel_state;
pub mod screen_assets;
pub mod screens;
pub mod session;

pub use app::{App, MountConfig, WidgetSettings};
#[cfg(feature = "js-api")]
pub use js_api::{Widget, mount};
pub use library::{CareboxConfig, CareboxProvider, ComplaintForm, LoyaltyCard, OrderStatus, Satisfaction};
pub use panel_state::PanelState;
pub use session::Session;
