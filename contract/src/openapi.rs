//! What the OpenAPI document says about the values the parsers check, so that a request the
//! document calls valid is one the server accepts, and one it calls invalid is refused
//! (`cargo xtask fuzz` checks both directions against the running server).
//!
//! The parsers trim text before counting it, so patterns speak of the text *after trimming*:
//! a reason of 5 to 500 characters may arrive with spaces around it. The server only builds
//! these schemas; nothing here reaches the widget's bundle.

use utoipa::openapi::{
    RefOr,
    schema::{ObjectBuilder, Schema, Type},
};

/// The characters `str::trim` removes (Unicode `White_Space`), for a regex class.
pub(crate) const BLANK: &str = r"\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// Control characters (`char::is_control`), for a regex class.
const CONTROL: &str = r"\x00-\x1f\x7f-\x9f";

/// Whether a text may span lines (and hold tabs), or sits on one line without control characters.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    Many,
    One,
}

/// A regular expression for text of `min..=max` characters once trimmed (`min` 0: blank or
/// empty is fine too).
pub fn trimmed_pattern(min: usize, max: usize, lines: Lines) -> String {
    let (edge, inner) = match lines {
        Lines::Many => (format!("[^{BLANK}]"), r"[\s\S]".to_owned()),
        Lines::One => (format!("[^{BLANK}{CONTROL}]"), format!("[^{CONTROL}]")),
    };
    let core = match (min, max) {
        (_, 1) => edge.clone(),
        (0 | 1, max) => format!("{edge}(?:{inner}{{0,{}}}{edge})?", max - 2),
        (min, max) => format!("{edge}{inner}{{{},{}}}{edge}", min - 2, max - 2),
    };
    let core = if min == 0 { format!("(?:{core})?") } else { core };
    format!("^[{BLANK}]*{core}[{BLANK}]*$")
}

/// A pattern for `core` with any blanks around it (the parsers trim them).
pub(crate) fn padded(core: &str) -> String {
    format!("^[{BLANK}]*{core}[{BLANK}]*$")
}

/// What `CsatSubject::parse` accepts; `service` only where it may be rated (not by link).
pub(crate) fn subject_pattern(service: bool) -> String {
    let order = format!("order:[{BLANK}]*#*[{BLANK}]*[A-Za-z0-9._/-]{{1,40}}");
    let complaint = "complaint:[Cc]-[A-Za-z0-9]{8}";
    padded(&if service { format!("(?:service|{complaint}|{order})") } else { format!("(?:{complaint}|{order})") })
}

/// A string schema for trimmed text of `min..=max` characters.
pub fn text(min: usize, max: usize, lines: Lines, description: &str) -> RefOr<Schema> {
    string(&trimmed_pattern(min, max, lines), description)
}

/// A string schema matching `pattern`.
pub fn string(pattern: &str, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).description(Some(description)).into()
}

/// An absolute `https://` link as merchants may give for shoppers to follow: a host, no
/// spaces, quotes or `<`, at most 2,000 characters.
pub fn https_url(description: &str) -> RefOr<Schema> {
    let allowed = format!(r#"[^{BLANK}"<]"#);
    let host = format!(r#"[^{BLANK}"</?#]"#);
    string(&format!("^[{BLANK}]*https://{host}{allowed}{{0,1991}}[{BLANK}]*$"), description)
}

/// The items a complaint concerns: positions in the order's `items`, each once.
pub fn item_positions() -> RefOr<Schema> {
    use utoipa::openapi::schema::ArrayBuilder;
    let position = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)).maximum(Some(199));
    ArrayBuilder::new().items(position).max_items(Some(200)).unique_items(true).into()
}

/// The capabilities a shop switches on: at least one, each once (absent: unchanged). `Feature`
/// is a component already (the widget's configuration lists features).
pub fn feature_list() -> RefOr<Schema> {
    use utoipa::ToSchema;
    use utoipa::openapi::schema::{ArrayBuilder, SchemaType};
    let feature = utoipa::openapi::Ref::from_schema_name(crate::Feature::name());
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(feature)
        .min_items(Some(1))
        .unique_items(true)
        .into()
}

/// The events a webhook endpoint receives: at least one, each once.
pub fn webhook_events() -> RefOr<Schema> {
    use utoipa::ToSchema;
    use utoipa::openapi::schema::ArrayBuilder;
    let event = utoipa::openapi::Ref::from_schema_name(crate::WebhookEventType::name());
    ArrayBuilder::new().items(event).min_items(Some(1)).unique_items(true).into()
}

/// Implements `ToSchema` for a type with the schema `$schema`; it appears in the document
/// under the type's name.
macro_rules! documented {
    ($($name:ident => $schema:expr;)+) => {$(
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $schema
            }
        }
        impl utoipa::ToSchema for $name {}
    )+};
}
pub(crate) use documented;

/// Values that travel as plain strings in request bodies and are checked by the server's
/// domain parsers. These types exist only to name their rules in the document (fields say
/// `#[schema(value_type = …)]`).
pub mod field {
    use super::*;

    pub struct Currency;
    pub struct ShopperId;
    pub struct ItemName;
    pub struct Carrier;
    pub struct TrackingNumber;
    pub struct HttpsLink;
    pub struct EventId;
    pub struct EventNote;
    pub struct ReplyText;
    pub struct NoteText;
    pub struct ResolutionNote;
    pub struct AdjustmentReason;
    pub struct AdjustmentPoints;
    pub struct Ticket;
    pub struct TierId;
    pub struct TierName;
    pub struct WebhookUrl;
    pub struct ShopOrigin;
    pub struct LinkSubject;
    pub struct OptionalPostcode;
    pub struct Idempotency;

    documented! {
        Currency => string(&padded("[A-Za-z]{3}"), "An ISO 4217 code, like `EUR` (any case)");
        ShopperId => text(0, 128, Lines::Many, "The merchant's id for the shopper, up to 128 characters; blank: none");
        ItemName => text(1, 200, Lines::Many, "1 to 200 characters");
        Carrier => text(1, 80, Lines::Many, "The carrier's name, 1 to 80 characters");
        TrackingNumber => text(1, 80, Lines::Many, "1 to 80 characters");
        HttpsLink => https_url("An absolute `https://` link (nothing else is shown to shoppers), up to 2,000 characters");
        EventId => text(1, 100, Lines::Many, "The merchant's id for this event, 1 to 100 characters; sending it again changes nothing");
        EventNote => text(0, 500, Lines::Many, "Up to 500 characters; the shopper reads it (a delay's reason)");
        ReplyText => text(1, 5000, Lines::Many, "The reply the shopper reads, 1 to 5,000 characters");
        NoteText => text(1, 2000, Lines::Many, "A note for the shop's staff, 1 to 2,000 characters (shoppers never see it)");
        ResolutionNote => text(0, 1000, Lines::Many, "Up to 1,000 characters; the shopper reads it");
        AdjustmentReason => text(3, 200, Lines::Many, "3 to 200 characters; the shopper reads it");
        AdjustmentPoints => {
            use utoipa::openapi::schema::OneOfBuilder;
            let range = |min: i64, max: i64| ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(min)).maximum(Some(max));
            OneOfBuilder::new()
                .item(range(1, 1_000_000))
                .item(range(-1_000_000, -1))
                .description(Some("1 to 1,000,000 points up, or down by as many (never below a balance of 0)"))
                .into()
        };
        Ticket => string("^C-[A-Z0-9]{8}$", "The ticket number, e.g. `C-7K3Q9M2A`");
        TierId => string("^[a-z0-9_-]{1,32}$", "A short stable id, e.g. `gold`: 1 to 32 lowercase letters, digits, `-` or `_`");
        TierName => {
            let name = ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)).max_length(Some(40));
            name.pattern(Some(format!("[^{BLANK}]"))).description(Some("What shoppers read, e.g. \"Gold\": up to 40 characters, not blank")).into()
        };
        // Narrower than the parser (which also takes IP addresses and any port): a name whose
        // last label starts with a letter, an optional port, an optional `/`.
        ShopOrigin => {
            // No `--` in a label: so no `xn--…` punycode, which is refused when it does not decode.
            let label = "[A-Za-z0-9](-?[A-Za-z0-9]){0,62}";
            let last = "[A-Za-z](-?[A-Za-z0-9]){0,62}";
            string(
                &format!("^[{BLANK}]*[hH][tT][tT][pP][sS]?://({label}\\.)*{last}(:[1-9][0-9]{{0,3}})?/?[{BLANK}]*$"),
                "A site: scheme, host and port, e.g. `https://shop.example` (a trailing `/` is forgiven; no path, query or credentials)",
            )
        };
        WebhookUrl => https_url("`https://…` to a public address (a server started with `CAREBOX_WEBHOOKS_TO_LOOPBACK=1` also takes this machine, over http too, for development)");
        LinkSubject => string(
            &subject_pattern(false),
            "`complaint:<ticket>` or `order:<order number>` (`service` is rated in the widget, never by link)",
        );
        OptionalPostcode => string(
            &format!("^[{BLANK}-]*(?:[A-Za-z0-9][{BLANK}-]*){{3,10}}$|^[{BLANK}]*$"),
            "3 to 10 letters and digits (spaces and `-` are ignored); blank: none",
        );
        Idempotency => string("^[A-Za-z0-9_:-]{8,100}$", "8 to 100 letters, digits, `-`, `_` or `:`; made when the shopper presses Send and reused on every retry");
    }
}

/// For tests (here and in the server's domain): does a schema's pattern admit exactly what a
/// parser accepts? Inputs probe the edges where the two could part: blanks `trim` removes
/// (ASCII, NBSP, ideographic), control characters it keeps (`\u{1c}` is blank to Python, not to
/// Rust), letters of one and two bytes, lengths at and around each bound.
#[doc(hidden)]
pub mod conformance {
    use super::*;

    /// Whether a string schema admits a text: its pattern and its lengths (in characters).
    pub fn admits(schema: RefOr<Schema>) -> impl Fn(&str) -> bool {
        let RefOr::T(Schema::Object(object)) = schema else { panic!("a string schema") };
        // The validators schemathesis uses read patterns as ECMA regexes, unanchored; Rust's
        // `regex` reads these the same way (no lookaround, `$` at the end of the text).
        let pattern = regex::Regex::new(object.pattern.as_deref().expect("a pattern")).unwrap();
        let (min, max) = (object.min_length.unwrap_or(0), object.max_length.unwrap_or(usize::MAX));
        move |text| pattern.is_match(text) && (min..=max).contains(&text.chars().count())
    }

    pub const PADS: [&str; 7] = ["", " ", "\t\n", "\u{a0}", "\u{3000}", "\u{1c}", "\u{85} "];
    const FILLS: [&str; 5] = ["a", "ж", " ", "\n", "\u{7}"];

    /// Texts around `min..=max` characters, padded and filled in every way above.
    pub fn texts(min: usize, max: usize) -> Vec<String> {
        let mut lengths = vec![0, 1, 2, 3, min.saturating_sub(1), min, min + 1, max - 1, max, max + 1];
        lengths.dedup();
        let mut all = Vec::new();
        for pad in PADS {
            for fill in FILLS {
                for edge in ["a", "é", "\u{1c}"] {
                    for &len in &lengths {
                        let core = match len {
                            0 => String::new(),
                            1 => edge.to_owned(),
                            n => format!("{edge}{}{edge}", fill.repeat(n - 2)),
                        };
                        all.push(format!("{pad}{core}{pad}"));
                    }
                }
            }
        }
        all
    }

    /// Each of `cores` bare, padded on both sides and on either.
    pub fn padded_variants(cores: &[&str]) -> Vec<String> {
        let mut all = Vec::new();
        for pad in PADS {
            for core in cores {
                all.extend([format!("{pad}{core}{pad}"), format!("{pad}{core}"), format!("{core}{pad}")]);
            }
        }
        all
    }

    /// Every input the pattern admits is accepted; with `exact`, every accepted one is admitted.
    #[track_caller]
    pub fn agree(name: &str, schema: RefOr<Schema>, inputs: &[String], accepts: impl Fn(&str) -> bool, exact: bool) {
        let admitted_by = admits(schema);
        for input in inputs {
            let (admitted, accepted) = (admitted_by(input), accepts(input));
            assert!(!admitted || accepted, "{name}: the document admits {input:?}, the parser refuses it");
            assert!(!exact || admitted || !accepted, "{name}: the parser accepts {input:?}, the document refuses it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::conformance::{agree, padded_variants, texts};
    use super::*;
    use crate::{
        AccentColor, ComplaintDescription, CsatComment, CsatSubject, Email, EscalationReason, Greeting, OrderNumber, Postcode,
        PublishableKey, ShopName,
    };
    use utoipa::PartialSchema;

    #[test]
    fn text_patterns_say_what_the_parsers_accept() {
        agree("description", ComplaintDescription::schema(), &texts(20, 2000), |t| ComplaintDescription::parse(t).is_ok(), true);
        agree("reason", EscalationReason::schema(), &texts(5, 500), |t| EscalationReason::parse(t).is_ok(), true);
        agree("comment", CsatComment::schema(), &texts(0, 1000), |t| CsatComment::parse(t).is_ok(), true);
        agree("shop name", ShopName::schema(), &texts(1, 80), |t| ShopName::parse(t).is_ok(), true);
        agree("greeting", Greeting::schema(), &texts(1, 300), |t| Greeting::parse(t).is_ok(), true);
    }

    #[test]
    fn identifier_patterns_say_what_the_parsers_accept() {
        let around = padded_variants;
        let forty = "N".repeat(40);
        let forty_one = "N".repeat(41);
        let numbers = around(&["NW-1042", "#nw-1042", "# NW-1", "##1", "a/b.c_d", "NW 1", "#", "", &forty, &forty_one, "#é", "NW#1"]);
        agree("order number", OrderNumber::schema(), &numbers, |t| OrderNumber::parse(t).is_ok(), true);
        let subjects = around(&[
            "service",
            "Service",
            "complaint:C-7K3Q9M2A",
            "complaint:c-7k3q9m2a",
            "complaint:C-7K3Q9M2",
            "complaint: C-7K3Q9M2A",
            "order:NW-1",
            "order: #nw-1",
            "order:",
            "order:NW 1",
            &format!("order:{forty}"),
            &format!("order:{forty_one}"),
            "orders:NW-1",
        ]);
        agree("subject", CsatSubject::schema(), &subjects, |t| CsatSubject::parse(t).is_ok(), true);
        let for_links = |t: &str| CsatSubject::parse(t).is_ok_and(|s| s != CsatSubject::Service);
        agree("link subject", field::LinkSubject::schema(), &subjects, for_links, true);
        let postcodes = around(&["SW1A 1AA", "12345-6789", "ab", "abc", "a-b-c", "1234567890", "12345678901", "--", "ab#12", "é12"]);
        agree("postcode", Postcode::schema(), &postcodes, |t| Postcode::parse(t).is_ok(), true);
        let keys = around(&[
            "pk_demo_northwind",
            "pk_1234567",
            "pk_12345678",
            &format!("pk_{}", "a".repeat(64)),
            &format!("pk_{}", "a".repeat(65)),
            "sk_demo_northwind",
            "pk_demo-north",
        ]);
        agree("publishable key", PublishableKey::schema(), &keys, |t| PublishableKey::parse(t).is_ok(), true);
        let colours = around(&["#4f46e5", "#4F46E5", "4f46e5", "#fff", "#12345g", "#1234567"]);
        agree("accent", AccentColor::schema(), &colours, |t| AccentColor::parse(t).is_ok(), true);
        // E-mail: the document admits plain ASCII addresses only, a subset of what is accepted.
        let local = "a".repeat(64);
        let emails = around(&[
            "anna@example.com",
            "Anna.K+1@Example.co.uk",
            &format!("{local}@x.io"),
            &format!("{local}a@x.io"),
            "anna@example",
            "a@b@c.io",
            "anna@ex..com",
            "анна@пример.рф",
            "a b@c.io",
        ]);
        agree("e-mail", Email::schema(), &emails, |t| Email::parse(t).is_ok(), false);
    }

    #[test]
    fn tier_fields_say_what_the_tier_check_accepts() {
        use crate::LoyaltyTier;
        let with = |change: &dyn Fn(&mut LoyaltyTier)| {
            let mut tiers = LoyaltyTier::defaults();
            change(&mut tiers[1]);
            LoyaltyTier::check_list(&tiers).is_ok()
        };
        let names = [texts(1, 40), padded_variants(&["Gold", ""])].concat();
        agree("tier name", field::TierName::schema(), &names, |t| with(&|tier| tier.name = t.to_owned()), true);
        let ids = padded_variants(&["silver2", "g-1_x", "Gold", "", &"a".repeat(32), &"a".repeat(33), "gö"]);
        agree("tier id", field::TierId::schema(), &ids, |t| with(&|tier| tier.id = t.to_owned()), true);
    }
}
