//! Every text the widget shows, per language: one file per locale (`en.rs`, `ru.rs`,
//! `ar.rs`), each one `Strings` value the compiler checks for completeness (a missing text is
//! a build error, never a silent fallback).
//!
//! Every text has a key, its field path: `track_order`, `complaint.send`,
//! `event_names.delivered`, `bonuses.points.few`. A page overrides texts per locale by key
//! (`Carebox.init({ strings: { ru: { "complaint.send": "Отправить" } } })`); see
//! [`Strings::with_overrides`] and docs/embedding.md.

use carebox_contract::{
    ComplaintCategory, ComplaintStatus, ContactPreference, DesiredResolution, ErrorCode, EscalationLevel, Locale, OrderEventKind,
    OrderStatus, ResolutionKind, SatisfactionLabels,
};

use crate::api::{ApiFailure, FailureKind};

mod en;
// The bundle (`--features split`) carries English only and fetches the shopper's other
// language: the texts the first open draws with it ([`ensure_loaded`],
// `strings-<locale>.first.json`), the rest with the first screen ([`request_rest`],
// `strings-<locale>.json`). `cargo xtask dist` writes these files beside the app
// (`examples/export_strings.rs`).
#[cfg(not(feature = "split"))]
mod ar;
#[cfg(not(feature = "split"))]
mod ru;

/// The languages whose tables the bundle fetches instead of carrying.
pub const FETCHED_LOCALES: [Locale; 2] = [Locale::Ru, Locale::Ar];

/// The texts the first open can draw: the panel's header (whatever screen it names), home,
/// loading and every failure. A fetched language sends only these before the panel opens;
/// the screens, which draw the rest, wait for the whole table (see `screen_assets`). An
/// end-to-end test opens a Russian panel with only these and finds no English in it.
pub const FIRST_OPEN_KEYS: [&str; 25] = [
    "panel_title",
    "close",
    "greeting",
    "coming_soon",
    "loading",
    "track_order",
    "track_order_hint",
    "report_problem",
    "report_problem_hint",
    "rate_us",
    "rate_us_hint",
    "my_bonuses",
    "my_bonuses_hint",
    "retry",
    "details",
    "request_id",
    "error_network",
    "error_unknown_merchant",
    "error_rate_limited",
    "error_generic",
    "back",
    "find_order",
    "token_expired",
    "my_orders",
    "complaint.title",
];

/// A table of texts (or one text), addressable by key.
///
/// Every table is `#[repr(C)]` and holds nothing but `&'static str` (directly or in nested
/// tables), so it is laid out as an array of them in the order its [`Self::SCHEMA`] lists
/// them; a key is then an index. The schema is one string built at compile time
/// (`panel_title,close,…,complaint{title,…},…`): data that compresses, where a generated
/// setter per field cost the first open 6 KB and a tree of field records 2 KB.
pub trait Table: Copy {
    /// The keys of this table's texts, `,`-separated, a nested table's inside `name{…}`.
    const SCHEMA: &'static str;
    /// What a field of this type adds after its name in the parent's schema.
    const NESTED: &'static str;
}

impl Table for &'static str {
    const SCHEMA: &'static str = "";
    const NESTED: &'static str = "";
}

/// Calls `text(key)` for every text of `schema`, in order.
fn walk(schema: &str, mut text: impl FnMut(&str)) {
    let mut path = String::new();
    let mut stack = Vec::new();
    let mut name_start = 0;
    for (at, c) in schema.char_indices() {
        let name = &schema[name_start..at];
        match c {
            ',' | '{' | '}' => {
                if !name.is_empty() {
                    let parent = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(name);
                    if c == '{' {
                        stack.push(parent);
                    } else {
                        text(&path);
                        path.truncate(parent);
                    }
                }
                if c == '}' {
                    path.truncate(stack.pop().unwrap_or(0));
                }
                name_start = at + 1;
            }
            _ => {}
        }
    }
}

/// Declares a table of texts (`#[repr(C)]`, `Copy`) and its [`Table::SCHEMA`], from one list.
macro_rules! keyed {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$field_meta:meta])* pub $field:ident: $type:ty,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy)]
        #[repr(C)]
        pub struct $name { $($(#[$field_meta])* pub $field: $type,)* }

        impl Table for $name {
            const SCHEMA: &'static str = const_format::concatcp!($(stringify!($field), <$type as Table>::NESTED, ",",)*);
            const NESTED: &'static str = const_format::concatcp!("{", <$name as Table>::SCHEMA, "}");
        }
    };
}

// The satisfaction labels live in the contract (also `#[repr(C)]`, texts only), shared with
// the server's e-mail pages.
impl Table for SatisfactionLabels {
    const SCHEMA: &'static str = "very_dissatisfied,dissatisfied,neutral,satisfied,very_satisfied";
    const NESTED: &'static str = "{very_dissatisfied,dissatisfied,neutral,satisfied,very_satisfied}";
}

keyed! {
pub struct Strings {
    pub panel_title: &'static str,
    pub close: &'static str,
    pub greeting: &'static str,
    pub coming_soon: &'static str,
    pub loading: &'static str,
    pub track_order: &'static str,
    pub track_order_hint: &'static str,
    pub report_problem: &'static str,
    pub report_problem_hint: &'static str,
    pub rate_us: &'static str,
    pub rate_us_hint: &'static str,
    pub my_bonuses: &'static str,
    pub my_bonuses_hint: &'static str,
    pub retry: &'static str,
    pub details: &'static str,
    pub request_id: &'static str,
    pub error_network: &'static str,
    pub error_unknown_merchant: &'static str,
    pub error_rate_limited: &'static str,
    pub error_generic: &'static str,
    pub back: &'static str,
    // Order lookup
    pub lookup_intro_email: &'static str,
    pub lookup_intro_postcode: &'static str,
    pub order_number_label: &'static str,
    pub order_number_hint: &'static str,
    pub email_label: &'static str,
    pub postcode_label: &'static str,
    pub find_order: &'static str,
    pub finding_order: &'static str,
    pub order_number_missing: &'static str,
    pub order_number_invalid: &'static str,
    pub email_missing: &'static str,
    pub email_invalid: &'static str,
    pub postcode_missing: &'static str,
    pub postcode_invalid: &'static str,
    pub not_found_email: &'static str,
    pub not_found_postcode: &'static str,
    pub token_expired: &'static str,
    // Order view
    pub order_title: &'static str,
    pub placed_on: &'static str,
    pub expected_delivery: &'static str,
    pub delay_title: &'static str,
    pub delay_new_date: &'static str,
    pub delay_new_date_only: &'static str,
    pub delay_no_date: &'static str,
    pub delay_sorry: &'static str,
    pub shipments: &'static str,
    pub track_parcel: &'static str,
    pub items: &'static str,
    pub total: &'static str,
    pub history: &'static str,
    pub report_with_order: &'static str,
    pub points_earned: Plural,
    pub item_count: Plural,
    pub running_late: &'static str,
    pub progress_label: &'static str,
    pub event_names: OrderEventNames,
    /// What the status means for the shopper.
    pub status_explained: StatusExplained,
    // Shopper's orders
    pub my_orders: &'static str,
    pub no_orders: &'static str,
    pub lookup_other: &'static str,
    pub complaint: ComplaintStrings,
    pub bonuses: BonusStrings,
    pub csat: CsatStrings,
}
}

keyed! {
/// One-click CSAT: the question, the five spoken labels, the comment after.
pub struct CsatStrings {
    pub question_complaint: &'static str,
    pub question_order: &'static str,
    pub question_service: &'static str,
    /// Scores 1 to 5, as the buttons (and screen readers) say them.
    pub labels: SatisfactionLabels,
    pub saving: &'static str,
    pub saved: &'static str,
    /// `{date}`.
    pub editable_until: &'static str,
    /// The edit window has closed: `{label}`.
    pub locked: &'static str,
    pub comment_label: &'static str,
    pub comment_send: &'static str,
    pub comment_sent: &'static str,
    pub comment_too_long: &'static str,
    pub not_saved: &'static str,
    pub rate_intro: &'static str,
}
}

keyed! {
/// The "My bonuses" card.
pub struct BonusStrings {
    pub balance: &'static str,
    pub points: Plural,
    pub tier: &'static str,
    /// `{n}` points (formatted) more to `{tier}`.
    pub to_next: Plural,
    pub top_tier: &'static str,
    pub progress_label: &'static str,
    pub recent: &'static str,
    /// `{number}`.
    pub entry_order: &'static str,
    /// `{ticket}`.
    pub entry_compensation: &'static str,
    pub entry_adjustment: &'static str,
    pub entry_expiration: &'static str,
    /// `{n}` points, `{date}`.
    pub expiring: Plural,
    pub nothing_yet: &'static str,
}
}

keyed! {
/// The complaint form, its sending, and the ticket.
pub struct ComplaintStrings {
    pub title: &'static str,
    pub my_complaints: &'static str,
    pub choose_order: &'static str,
    pub intro: &'static str,
    pub draft_note: &'static str,
    pub items_label: &'static str,
    pub category_label: &'static str,
    pub categories: CategoryNames,
    pub description_label: &'static str,
    pub description_hint: &'static str,
    /// `{n}` typed of `{max}`.
    pub char_count: &'static str,
    pub resolution_label: &'static str,
    pub resolutions: ResolutionChoices,
    pub contact_label: &'static str,
    pub contacts: ContactChoices,
    pub send: &'static str,
    pub sending: &'static str,
    pub queued_offline: &'static str,
    pub queued_retry: &'static str,
    pub try_now: &'static str,
    pub needs_lookup: &'static str,
    pub fix_fields: &'static str,
    pub category_missing: &'static str,
    pub description_missing: &'static str,
    /// `{n}`: characters still needed.
    pub description_short: Plural,
    /// `{n}`: characters over the limit.
    pub description_long: Plural,
    pub resolution_missing: &'static str,
    pub contact_missing: &'static str,
    pub items_invalid: &'static str,
    pub received: &'static str,
    pub ticket: &'static str,
    /// `{in}`: relative time; `{date}`: local date and time.
    pub promise: &'static str,
    pub overdue: &'static str,
    pub answered: &'static str,
    pub resolved: &'static str,
    pub status_label: &'static str,
    pub statuses: ComplaintStatusNames,
    pub level_label: &'static str,
    /// Who handles a report at each level, in words a shopper knows, written to fit inside a
    /// sentence ("Send to the {level}"); standing alone the first letter is capitalised by CSS.
    pub levels: LevelNames,
    pub your_report: &'static str,
    pub you_asked_for: &'static str,
    pub event_created: &'static str,
    pub event_replied: &'static str,
    /// `{level}` in each of the three.
    pub event_escalated_by_you: &'static str,
    pub event_escalated_late: &'static str,
    pub event_escalated: &'static str,
    pub event_de_escalated: &'static str,
    pub event_resolved: &'static str,
    pub event_reopened: &'static str,
    pub event_bonus: Plural,
    pub resolution_kinds: ResolutionKindNames,
    pub escalate: &'static str,
    /// `{level}`: the next level.
    pub escalate_intro: &'static str,
    pub escalate_reason: &'static str,
    pub escalate_send: &'static str,
    pub escalate_reason_missing: &'static str,
    pub escalate_reason_invalid: &'static str,
    pub escalate_not_allowed: &'static str,
    pub cancel: &'static str,
    pub reports_on_order: &'static str,
    pub no_complaints: &'static str,
}
}

impl ComplaintStrings {
    pub fn category(&self, category: ComplaintCategory) -> &'static str {
        let names = &self.categories;
        match category {
            ComplaintCategory::Damaged => names.damaged,
            ComplaintCategory::MissingItem => names.missing_item,
            ComplaintCategory::WrongItem => names.wrong_item,
            ComplaintCategory::LateDelivery => names.late_delivery,
            ComplaintCategory::Quality => names.quality,
            ComplaintCategory::Service => names.service,
            ComplaintCategory::Other => names.other,
        }
    }

    pub fn resolution(&self, wanted: DesiredResolution) -> &'static str {
        let names = &self.resolutions;
        match wanted {
            DesiredResolution::Refund => names.refund,
            DesiredResolution::Replacement => names.replacement,
            DesiredResolution::Repair => names.repair,
            DesiredResolution::Compensation => names.compensation,
            DesiredResolution::JustLetYouKnow => names.just_let_you_know,
        }
    }

    pub fn contact(&self, preference: ContactPreference) -> &'static str {
        match preference {
            ContactPreference::Email => self.contacts.email,
            ContactPreference::Phone => self.contacts.phone,
            ContactPreference::WidgetOnly => self.contacts.widget_only,
        }
    }

    pub fn status(&self, status: ComplaintStatus) -> &'static str {
        match status {
            ComplaintStatus::Open => self.statuses.open,
            ComplaintStatus::Answered => self.statuses.answered,
            ComplaintStatus::Resolved => self.statuses.resolved,
        }
    }

    pub fn level(&self, level: EscalationLevel) -> &'static str {
        match level {
            EscalationLevel::L1 => self.levels.l1,
            EscalationLevel::L2 => self.levels.l2,
            EscalationLevel::L3 => self.levels.l3,
        }
    }

    pub fn resolution_kind(&self, kind: ResolutionKind) -> &'static str {
        let names = &self.resolution_kinds;
        match kind {
            ResolutionKind::Refund => names.refund,
            ResolutionKind::Replacement => names.replacement,
            ResolutionKind::Repair => names.repair,
            ResolutionKind::Compensation => names.compensation,
            ResolutionKind::Rejected => names.rejected,
        }
    }
}

keyed! {
/// A name per kind of order event.
pub struct OrderEventNames {
    pub placed: &'static str,
    pub paid: &'static str,
    pub packed: &'static str,
    pub shipped: &'static str,
    pub out_for_delivery: &'static str,
    pub delivered: &'static str,
    pub cancelled: &'static str,
    pub returned: &'static str,
    pub delayed: &'static str,
}
}

keyed! {
/// What each order status means for the shopper.
pub struct StatusExplained {
    pub placed: &'static str,
    pub paid: &'static str,
    pub packed: &'static str,
    pub shipped: &'static str,
    pub out_for_delivery: &'static str,
    pub delivered: &'static str,
    pub cancelled: &'static str,
    pub returned: &'static str,
}
}

keyed! {
/// The complaint form's "What happened?" choices.
pub struct CategoryNames {
    pub damaged: &'static str,
    pub missing_item: &'static str,
    pub wrong_item: &'static str,
    pub late_delivery: &'static str,
    pub quality: &'static str,
    pub service: &'static str,
    pub other: &'static str,
}
}

keyed! {
/// "What would you like us to do?"
pub struct ResolutionChoices {
    pub refund: &'static str,
    pub replacement: &'static str,
    pub repair: &'static str,
    pub compensation: &'static str,
    pub just_let_you_know: &'static str,
}
}

keyed! {
/// "How should we get back to you?"
pub struct ContactChoices {
    pub email: &'static str,
    pub phone: &'static str,
    pub widget_only: &'static str,
}
}

keyed! {
/// A report's status.
pub struct ComplaintStatusNames {
    pub open: &'static str,
    pub answered: &'static str,
    pub resolved: &'static str,
}
}

keyed! {
/// Who handles a report: the support team, a team lead, the head of support.
pub struct LevelNames {
    pub l1: &'static str,
    pub l2: &'static str,
    pub l3: &'static str,
}
}

keyed! {
/// How a report was resolved.
pub struct ResolutionKindNames {
    pub refund: &'static str,
    pub replacement: &'static str,
    pub repair: &'static str,
    pub compensation: &'static str,
    pub rejected: &'static str,
}
}

/// The form's choices, in the order they are offered (and worded in `ComplaintStrings`).
pub const DESIRED_RESOLUTIONS: [DesiredResolution; 5] = [
    DesiredResolution::Refund,
    DesiredResolution::Replacement,
    DesiredResolution::Repair,
    DesiredResolution::Compensation,
    DesiredResolution::JustLetYouKnow,
];
pub const CONTACT_PREFERENCES: [ContactPreference; 3] = [ContactPreference::Email, ContactPreference::Phone, ContactPreference::WidgetOnly];

keyed! {
/// A message in every CLDR plural category; `{n}` is replaced by the formatted number.
pub struct Plural {
    pub zero: &'static str,
    pub one: &'static str,
    pub two: &'static str,
    pub few: &'static str,
    pub many: &'static str,
    pub other: &'static str,
}
}

impl Plural {
    pub fn pick(&self, category: &str) -> &'static str {
        match category {
            "zero" => self.zero,
            "one" => self.one,
            "two" => self.two,
            "few" => self.few,
            "many" => self.many,
            _ => self.other,
        }
    }

    /// The right form of this message for `n` in `locale`, with `n` formatted there.
    pub fn format(&self, n: i64, locale: Locale) -> String {
        let form = self.pick(&crate::format::plural_category(n, locale));
        form.replace("{n}", &crate::format::number(n, locale))
    }
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

/// The built-in texts of `locale`. In the bundle, a language reads as English until
/// [`ensure_loaded`] has fetched its first open's texts (mount and `setLocale` do that first),
/// and outside [`FIRST_OPEN_KEYS`] until `install_rest` has the rest.
pub fn strings(locale: Locale) -> &'static Strings {
    match locale {
        Locale::En => &en::EN,
        #[cfg(not(feature = "split"))]
        Locale::Ru => &ru::RU,
        #[cfg(not(feature = "split"))]
        Locale::Ar => &ar::AR,
        #[cfg(feature = "split")]
        other => fetched::get(other).map_or(&en::EN, |(first, whole)| whole.unwrap_or(first)),
    }
}

/// Whether [`strings`] has every text of `locale` (the bundle fetches a language in two parts).
#[cfg(feature = "split")]
fn is_complete(locale: Locale) -> bool {
    locale == Locale::En || fetched::get(locale).is_some_and(|(_, whole)| whole.is_some())
}

/// `text` (a widget's table in `locale`: the built-in one, or a copy with overrides put in)
/// with every text, once [`install_rest`] has the whole table; until then `text` itself.
///
/// A text that differs from the first open's (by address: every override is a copy of its
/// own) was put in by the page or the merchant and stays; the others come from the whole
/// table. One table per widget and language, kept.
#[cfg(feature = "split")]
pub fn made_whole(text: &'static Strings, locale: Locale) -> &'static Strings {
    thread_local! {
        static MADE: std::cell::RefCell<Vec<(*const Strings, &'static Strings)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let Some((first, Some(whole))) = fetched::get(locale) else { return text };
    if std::ptr::eq(text, first) {
        return whole;
    }
    let key = std::ptr::from_ref(text);
    if let Some(made) = MADE.with_borrow(|made| made.iter().find(|(of, _)| *of == key).map(|(_, table)| *table)) {
        return made;
    }
    let mut table = *whole;
    for ((slot, mine), first) in table.texts_mut().iter_mut().zip(text.texts()).zip(first.texts()) {
        if !std::ptr::eq(*mine, *first) {
            *slot = *mine;
        }
    }
    let table: &'static Strings = Box::leak(Box::new(table));
    MADE.with_borrow_mut(|made| made.push((key, table)));
    table
}

/// Makes sure what the first open draws in `locale` is here before anything is drawn in it:
/// in the bundle, the first use fetches `strings-<locale>.first.json` from the app's folder
/// `app_folder` (the texts of [`FIRST_OPEN_KEYS`]).
pub async fn ensure_loaded(locale: Locale, app_folder: &str) -> Result<(), String> {
    #[cfg(feature = "split")]
    if locale != Locale::En && fetched::get(locale).is_none() {
        let url = format!("{app_folder}strings-{}.first.json", locale.as_str());
        let texts = fetched::fetch_texts(fetched::request(&url))
            .await
            .map_err(|_| format!("the {} texts could not be loaded ({url})", locale.as_str()))?;
        let table = Strings::from_first_open_texts(&texts).ok_or_else(|| format!("{url} does not match this version of the app"))?;
        fetched::put_first(locale, Box::leak(Box::new(table)));
    }
    #[cfg(not(feature = "split"))]
    let _ = (locale, app_folder);
    Ok(())
}

/// The request for the rest of `locale`'s texts (`strings-<locale>.json`), started now so that
/// it runs beside a screen's chunk; `None` when they are here (or built in).
#[cfg(feature = "split")]
pub fn request_rest(locale: Locale, app_folder: &str) -> Option<js_sys::Promise> {
    (!is_complete(locale)).then(|| fetched::request(&format!("{app_folder}strings-{}.json", locale.as_str())))
}

/// Keeps the whole table `request` (from [`request_rest`]) brings. Offline or refused, the
/// first open's table stays (its other texts in English) and the next screen asks again.
#[cfg(feature = "split")]
pub async fn install_rest(locale: Locale, request: js_sys::Promise) {
    if let Ok(texts) = fetched::fetch_texts(request).await
        && let Some(table) = Strings::from_texts(&texts)
        && !is_complete(locale)
    {
        fetched::put_whole(locale, Box::leak(Box::new(table)));
    }
}

#[cfg(feature = "split")]
mod fetched {
    use std::cell::RefCell;

    use carebox_contract::Locale;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use super::Strings;

    thread_local! {
        /// Each fetched language's first open table, and its whole table once here.
        static TABLES: RefCell<Vec<(Locale, &'static Strings, Option<&'static Strings>)>> = const { RefCell::new(Vec::new()) };
    }

    pub fn get(locale: Locale) -> Option<(&'static Strings, Option<&'static Strings>)> {
        TABLES.with_borrow(|tables| tables.iter().find(|(l, ..)| *l == locale).map(|(_, first, whole)| (*first, *whole)))
    }

    pub fn put_first(locale: Locale, first: &'static Strings) {
        TABLES.with_borrow_mut(|tables| tables.push((locale, first, None)));
    }

    /// Once the first open's table is here (every mount fetches that first).
    pub fn put_whole(locale: Locale, whole: &'static Strings) {
        TABLES.with_borrow_mut(|tables| tables.iter_mut().filter(|(l, ..)| *l == locale).for_each(|entry| entry.2 = Some(whole)));
    }

    pub fn request(url: &str) -> js_sys::Promise {
        web_sys::window().map_or_else(|| js_sys::Promise::reject(&JsValue::NULL), |window| window.fetch_with_str(url))
    }

    /// The JSON array of texts that `request` (a fetch) answers with.
    pub async fn fetch_texts(request: js_sys::Promise) -> Result<Vec<String>, JsValue> {
        let response: web_sys::Response = JsFuture::from(request).await?.dyn_into()?;
        if !response.ok() {
            return Err(JsValue::NULL);
        }
        let json = JsFuture::from(response.json()?).await?;
        let list: js_sys::Array = json.dyn_into()?;
        list.iter().map(|text| text.as_string().ok_or(JsValue::NULL)).collect()
    }
}

impl Strings {
    pub fn event_name(&self, kind: OrderEventKind) -> &'static str {
        let names = &self.event_names;
        match kind {
            OrderEventKind::Placed => names.placed,
            OrderEventKind::Paid => names.paid,
            OrderEventKind::Packed => names.packed,
            OrderEventKind::Shipped => names.shipped,
            OrderEventKind::OutForDelivery => names.out_for_delivery,
            OrderEventKind::Delivered => names.delivered,
            OrderEventKind::Cancelled => names.cancelled,
            OrderEventKind::Returned => names.returned,
            OrderEventKind::Delayed => names.delayed,
        }
    }

    pub fn status_name(&self, status: OrderStatus) -> &'static str {
        let kind = OrderEventKind::ALL.into_iter().find(|k| OrderStatus::from_event(*k) == Some(status));
        kind.map_or("", |k| self.event_name(k))
    }

    pub fn status_explained(&self, status: OrderStatus) -> &'static str {
        let explained = &self.status_explained;
        match status {
            OrderStatus::Placed => explained.placed,
            OrderStatus::Paid => explained.paid,
            OrderStatus::Packed => explained.packed,
            OrderStatus::Shipped => explained.shipped,
            OrderStatus::OutForDelivery => explained.out_for_delivery,
            OrderStatus::Delivered => explained.delivered,
            OrderStatus::Cancelled => explained.cancelled,
            OrderStatus::Returned => explained.returned,
        }
    }

    /// Every key, as pages write them in overrides, in table order.
    pub fn all_keys() -> Vec<String> {
        let mut keys = Vec::new();
        walk(Self::SCHEMA, |key| keys.push(key.to_owned()));
        keys
    }

    /// How many texts there are.
    fn count() -> usize {
        let mut count = 0;
        walk(Self::SCHEMA, |_| count += 1);
        count
    }

    /// Where `key`'s text is among [`Self::texts`].
    fn position(key: &str) -> Option<usize> {
        let (mut at, mut found) = (0, None);
        walk(Self::SCHEMA, |candidate| {
            if found.is_none() && candidate == key {
                found = Some(at);
            }
            at += 1;
        });
        found
    }

    /// Every text, in the order of [`Self::all_keys`].
    pub fn texts(&self) -> &[&'static str] {
        // SAFETY: `Strings` and every table in it are `#[repr(C)]` structs of `&'static str`
        // only (the `keyed!` macro; a component test checks the size on wasm32), so the table
        // is an array of `count()` of them.
        unsafe { std::slice::from_raw_parts((self as *const Self).cast::<&'static str>(), Self::count()) }
    }

    fn texts_mut(&mut self) -> &mut [&'static str] {
        // SAFETY: as in `texts`.
        unsafe { std::slice::from_raw_parts_mut((self as *mut Self).cast::<&'static str>(), Self::count()) }
    }

    /// A table from its texts in [`Self::all_keys`] order (a fetched `strings-<locale>.json`);
    /// `None` when the count differs (a file from another version of the app).
    pub fn from_texts(texts: &[String]) -> Option<Strings> {
        let mut table = en::EN;
        let slots = table.texts_mut();
        if slots.len() != texts.len() {
            return None;
        }
        for (slot, text) in slots.iter_mut().zip(texts) {
            *slot = Box::leak(text.clone().into_boxed_str());
        }
        Some(table)
    }

    /// English with the texts of [`FIRST_OPEN_KEYS`], in that order, put in (a fetched
    /// `strings-<locale>.first.json`); `None` when the count differs.
    pub fn from_first_open_texts(texts: &[String]) -> Option<Strings> {
        if texts.len() != FIRST_OPEN_KEYS.len() {
            return None;
        }
        let mut table = en::EN;
        for (key, text) in FIRST_OPEN_KEYS.iter().zip(texts) {
            table.texts_mut()[Self::position(key)?] = Box::leak(text.clone().into_boxed_str());
        }
        Some(table)
    }

    /// This table's texts of [`FIRST_OPEN_KEYS`] as a JSON array, in that order: what
    /// [`Self::from_first_open_texts`] reads back.
    pub fn first_open_json(&self) -> String {
        json_array(FIRST_OPEN_KEYS.iter().map(|key| Self::position(key).map_or("", |at| self.texts()[at])))
    }

    /// This table's texts as a JSON array, in [`Self::all_keys`] order: what
    /// [`Self::from_texts`] reads back.
    pub fn to_json(&self) -> String {
        json_array(self.texts().iter().copied())
    }

    /// This table with the page's texts put in by key. The texts are leaked: a table lives as
    /// long as the page (one per mount and language switch, and only when there are overrides).
    /// Keys it does not have come back, so the caller can name them.
    pub fn with_overrides(&'static self, overrides: &[(String, String)]) -> (&'static Strings, Vec<String>) {
        if overrides.is_empty() {
            return (self, Vec::new());
        }
        let mut table = *self;
        let mut unknown = Vec::new();
        for (key, value) in overrides {
            match Self::position(key) {
                Some(at) => table.texts_mut()[at] = Box::leak(value.clone().into_boxed_str()),
                None => unknown.push(key.clone()),
            }
        }
        (Box::leak(Box::new(table)), unknown)
    }

    /// What to tell the shopper about a failed call: what happened and what to do next.
    pub fn failure_message(&self, failure: &ApiFailure) -> &'static str {
        match &failure.kind {
            FailureKind::Network => self.error_network,
            FailureKind::Server { code: ErrorCode::UnknownMerchant, .. } => self.error_unknown_merchant,
            FailureKind::Server { code: ErrorCode::RateLimited, .. } => self.error_rate_limited,
            FailureKind::Server { code: ErrorCode::TokenExpired | ErrorCode::InvalidToken, .. } => self.token_expired,
            FailureKind::Server { .. } => self.error_generic,
        }
    }
}

/// `texts` as a JSON array of strings.
fn json_array<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    let mut json = String::from("[");
    for (i, text) in texts.enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push('"');
        for c in text.chars() {
            match c {
                '"' => json.push_str("\\\""),
                '\\' => json.push_str("\\\\"),
                c if (c as u32) < 0x20 => json.push_str(&format!("\\u{:04x}", c as u32)),
                c => json.push(c),
            }
        }
        json.push('"');
    }
    json.push(']');
    json
}

/// The texts of the widget being drawn (its language, the page's overrides in): read from
/// the instance's [`WidgetSettings`](crate::WidgetSettings) context.
#[cfg(feature = "leptos")]
pub fn texts() -> &'static Strings {
    leptos::prelude::expect_context::<crate::WidgetSettings>().text
}
