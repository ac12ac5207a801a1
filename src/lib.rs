//! The Carebox widget: a Leptos client-side app that the loader (`www/carebox.js`) mounts
//! into a shadow root on the merchant's page once the shopper shows intent.
//!
//! - For the loader (feature `js-api`, on by default): [`mount`] returns a [`Widget`] handle
//!   with `open()`, `show(target)`, `close()`, `toggle()`, `identify()`, `setLocale()` and
//!   `destroy()` ([`js_api`]).
//! - For Leptos apps: [`CareboxProvider`] with [`OrderStatus`], [`ComplaintForm`],
//!   [`Satisfaction`] and [`LoyaltyCard`] ([`library`]).
//!
//! Both need the `leptos` feature (which `js-api` turns on); without it only the texts
//! ([`i18n`]) build, for the strings exporter (`examples/export_strings.rs`).

pub mod api;
#[cfg(feature = "leptos")]
pub mod app;
#[cfg(feature = "leptos")]
pub mod components;
pub mod format;
pub mod i18n;
#[cfg(feature = "js-api")]
pub mod js_api;
#[cfg(feature = "leptos")]
pub mod library;
#[cfg(feature = "leptos")]
pub mod loading;
#[cfg(feature = "leptos")]
pub mod panel_state;
#[cfg(feature = "leptos")]
pub mod screen_assets;
#[cfg(feature = "leptos")]
pub mod screens;
#[cfg(feature = "leptos")]
pub mod session;

#[cfg(feature = "leptos")]
pub use app::{App, MountConfig, WidgetSettings};
#[cfg(feature = "js-api")]
pub use js_api::{Widget, mount};
#[cfg(feature = "leptos")]
pub use library::{CareboxConfig, CareboxProvider, ComplaintForm, LoyaltyCard, OrderStatus, Satisfaction};
#[cfg(feature = "leptos")]
pub use panel_state::PanelState;
#[cfg(feature = "leptos")]
pub use session::Session;
