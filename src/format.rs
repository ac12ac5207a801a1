//! Dates, money and plurals in the shopper's locale, through the browser's `Intl` (no
//! formatting tables in the bundle).

use carebox_contract::{CalendarDate, Locale, Timestamp};
use js_sys::{Array, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

fn locales(locale: Locale) -> Array {
    Array::of1(&JsValue::from_str(locale.as_str()))
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    object
}

fn format_with(formatter: js_sys::Function, value: &JsValue) -> String {
    formatter.call1(&JsValue::NULL, value).ok().and_then(|s| s.as_string()).unwrap_or_default()
}

/// `25 Nov 2026, 09:30` in the shopper's time zone.
pub fn date_time(at: Timestamp, locale: Locale) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.unix_ms() as f64));
    let formatter = Intl::DateTimeFormat::new(&locales(locale), &options(&[("dateStyle", "medium"), ("timeStyle", "short")]));
    format_with(formatter.format(), &date)
}

/// `3 Dec 2026`: a moment's date in the shopper's time zone.
pub fn date(at: Timestamp, locale: Locale) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.unix_ms() as f64));
    let formatter = Intl::DateTimeFormat::new(&locales(locale), &options(&[("dateStyle", "medium")]));
    format_with(formatter.format(), &date)
}

/// `Friday, 27 November` — a calendar day, not shifted by time zones.
pub fn day(date: CalendarDate, locale: Locale) -> String {
    let ms = date.days_since_epoch() as f64 * 86_400_000.0;
    let js_date = js_sys::Date::new(&JsValue::from_f64(ms));
    let formatter = Intl::DateTimeFormat::new(
        &locales(locale),
        &options(&[("weekday", "long"), ("day", "numeric"), ("month", "long"), ("timeZone", "UTC")]),
    );
    format_with(formatter.format(), &js_date)
}

/// `€34.00`, `34,00 €`, `1 490,00 ₽` — minor units scaled by the currency's own digits.
pub fn money(minor: i64, currency: &str, locale: Locale) -> String {
    let formatter = Intl::NumberFormat::new(&locales(locale), &options(&[("style", "currency"), ("currency", currency)]));
    let digits = Reflect::get(&formatter.resolved_options(), &JsValue::from_str("maximumFractionDigits"))
        .ok()
        .and_then(|d| d.as_f64())
        .unwrap_or(2.0);
    let amount = minor as f64 / 10f64.powf(digits);
    format_with(formatter.format(), &JsValue::from_f64(amount))
}

/// `1 234` with the locale's grouping.
pub fn number(n: i64, locale: Locale) -> String {
    let formatter = Intl::NumberFormat::new(&locales(locale), &Object::new());
    format_with(formatter.format(), &JsValue::from_f64(n as f64))
}

/// The CLDR plural category of `n`: `zero`, `one`, `two`, `few`, `many` or `other`.
pub fn plural_category(n: i64, locale: Locale) -> String {
    let rules = Intl::PluralRules::new(&locales(locale), &Object::new());
    rules.select(n as f64).as_string().unwrap_or_else(|| "other".into())
}

/// `in 23 hours`, `через 45 минут`, `5 minutes ago`: `delta_ms` from now, in the unit a
/// person would use (minutes under two hours, hours under two days, then days).
pub fn relative(delta_ms: i64, locale: Locale) -> String {
    const MINUTE: i64 = 60_000;
    let minutes = delta_ms as f64 / MINUTE as f64;
    let (value, unit) = if minutes.abs() < 120.0 {
        (minutes.round().clamp(-119.0, 119.0), "minute")
    } else if minutes.abs() < 48.0 * 60.0 {
        ((minutes / 60.0).round(), "hour")
    } else {
        ((minutes / 1440.0).round(), "day")
    };
    // Never "in 0 minutes" for a deadline still ahead.
    let value = if value == 0.0 && delta_ms > 0 { 1.0 } else { value };
    let formatter = Intl::RelativeTimeFormat::new(&locales(locale), &options(&[("numeric", "always")]));
    formatter.format(value, unit).into()
}
