//! CSAT rules: one answer per subject that may be changed within the merchant's edit window,
//! the signed one-click links of e-mails, and the merchant's figures.

use std::collections::BTreeMap;
use std::time::Duration;

use carebox_contract::{
    CalendarDate, ComplaintCategory, CsatByCategory, CsatByLevel, CsatDay, CsatFigures, CsatMetrics, CsatScore, CsatSettings, CsatSubject,
    EscalationLevel, Locale, Timestamp,
};
use serde::{Deserialize, Serialize};

use super::token::{self, TokenError};

/// Until when an answer first given at `answered_at` may be changed.
pub fn editable_until(answered_at: Timestamp, settings: &CsatSettings) -> Timestamp {
    Timestamp::from_unix_ms(answered_at.unix_ms().saturating_add(settings.edit_window_hours.saturating_mul(3_600_000)))
}

/// What a new answer on a subject does, given the answer stored so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The first answer: stored, and the edit window starts now.
    Create,
    /// A change within the window: the one answer is updated, never duplicated.
    Change,
    /// The window has closed: the stored answer stays as it is.
    Locked,
}

pub fn outcome(first_answered_at: Option<Timestamp>, now: Timestamp, settings: &CsatSettings) -> Outcome {
    match first_answered_at {
        None => Outcome::Create,
        Some(at) if now < editable_until(at, settings) => Outcome::Change,
        Some(_) => Outcome::Locked,
    }
}

/// Links in e-mails work at most this long.
pub const LINK_MAX_LIFETIME: Duration = Duration::from_secs(60 * 24 * 3600);

/// The claims of a one-click link, signed (HS256) with the merchant's shopper-token secret.
/// The `csat` claim (not `sub`) keeps a link from ever passing as a shopper token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkClaims {
    /// The subject, as `complaint:<ticket>` or `order:<number>`.
    pub csat: String,
    pub score: u8,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// The thank-you page's language; else the browser's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Locale>,
}

/// A link's verified content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneClick {
    pub subject: CsatSubject,
    pub score: CsatScore,
    pub lang: Option<Locale>,
}

/// Why a link is refused: the page words the two cases differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefused {
    /// Tampered with, signed by someone else, or not a CSAT link at all.
    Invalid,
    /// Genuine but past its expiry; the link's language, to say so in it.
    Expired(Option<Locale>),
}

/// The key links are signed with: derived from the merchant's shopper-token secret, never
/// that secret itself, so no link is a valid shopper token and no shopper token a valid link,
/// whatever claims either carries.
fn link_key(shopper_token_secret: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(shopper_token_secret).expect("HMAC takes keys of any length");
    mac.update(b"carebox/csat-link/v1");
    mac.finalize().into_bytes().into()
}

/// A one-click link's token, for the merchant whose shopper-token secret is `secret`.
pub fn sign_link(subject: &CsatSubject, score: CsatScore, expires_at: Timestamp, lang: Option<Locale>, secret: &[u8]) -> String {
    let claims = LinkClaims { csat: subject.to_string(), score: score.get(), exp: expires_at.unix_ms().div_euclid(1000), lang };
    token::sign(&claims, &link_key(secret), None)
}

pub fn verify_link(link_token: &str, secret: &[u8], now: Timestamp) -> Result<OneClick, LinkRefused> {
    let claims: LinkClaims = token::verify(link_token, &link_key(secret)).map_err(|_| LinkRefused::Invalid)?;
    match token::check_expiry(claims.exp, now, LINK_MAX_LIFETIME) {
        Ok(()) => {}
        Err(TokenError::Expired) => return Err(LinkRefused::Expired(claims.lang)),
        Err(_) => return Err(LinkRefused::Invalid),
    }
    let subject = CsatSubject::parse(&claims.csat).map_err(|_| LinkRefused::Invalid)?;
    if subject == CsatSubject::Service {
        return Err(LinkRefused::Invalid);
    }
    let score = CsatScore::parse(claims.score).map_err(|_| LinkRefused::Invalid)?;
    Ok(OneClick { subject, score, lang: claims.lang })
}

/// Answers counted together: one day, one score, and the complaint's category and level
/// (`None` for orders and service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerGroup {
    pub day: CalendarDate,
    pub score: CsatScore,
    pub category: Option<ComplaintCategory>,
    pub level: Option<EscalationLevel>,
    pub count: u64,
}

/// The merchant's figures for `from..=to` from grouped answers (groups outside are ignored).
pub fn metrics(groups: &[AnswerGroup], from: CalendarDate, to: CalendarDate) -> CsatMetrics {
    let mut overall = Tally::default();
    let mut daily: BTreeMap<CalendarDate, Tally> = BTreeMap::new();
    let mut by_category: BTreeMap<u8, (ComplaintCategory, Tally)> = BTreeMap::new();
    let mut by_level: BTreeMap<EscalationLevel, Tally> = BTreeMap::new();
    for group in groups.iter().filter(|g| g.day >= from && g.day <= to) {
        overall.add(group);
        daily.entry(group.day).or_default().add(group);
        if let Some(category) = group.category {
            let order = ComplaintCategory::ALL.iter().position(|c| *c == category).unwrap_or(0) as u8;
            by_category.entry(order).or_insert_with(|| (category, Tally::default())).1.add(group);
        }
        if let Some(level) = group.level {
            by_level.entry(level).or_default().add(group);
        }
    }
    let days = (from.days_since_epoch()..=to.days_since_epoch()).map(CalendarDate::from_days_since_epoch);
    CsatMetrics {
        from,
        to,
        overall: overall.figures(),
        daily: days.map(|date| CsatDay { date, figures: daily.get(&date).cloned().unwrap_or_default().figures() }).collect(),
        by_category: by_category.into_values().map(|(category, tally)| CsatByCategory { category, figures: tally.figures() }).collect(),
        by_level: by_level.into_iter().map(|(level, tally)| CsatByLevel { level, figures: tally.figures() }).collect(),
    }
}

#[derive(Debug, Clone, Default)]
struct Tally {
    distribution: [u64; 5],
}

impl Tally {
    fn add(&mut self, group: &AnswerGroup) {
        self.distribution[usize::from(group.score.get() - 1)] += group.count;
    }

    fn figures(&self) -> CsatFigures {
        let count: u64 = self.distribution.iter().sum();
        let satisfied = self.distribution[3] + self.distribution[4];
        // One decimal, rounded half up, in integers so 2/3 is 66.7 on every platform.
        let csat_percent = (count > 0).then(|| ((satisfied * 1000 + count / 2) / count) as f64 / 10.0);
        CsatFigures { count, csat_percent, distribution: self.distribution }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_unix_ms(ms)
    }
    fn date(raw: &str) -> CalendarDate {
        CalendarDate::parse(raw, "date").unwrap()
    }
    fn score(n: u8) -> CsatScore {
        CsatScore::parse(n).unwrap()
    }
    const HOUR: i64 = 3_600_000;

    #[test]
    fn the_first_answer_creates_then_changes_within_the_window_then_locks() {
        let settings = CsatSettings::default();
        let first = at(1_795_599_000_000);
        assert_eq!(outcome(None, first, &settings), Outcome::Create);
        // A second answer, even a concurrent one, changes the one answer: never a second row.
        assert_eq!(outcome(Some(first), first, &settings), Outcome::Change);
        assert_eq!(outcome(Some(first), at(first.unix_ms() + 24 * HOUR - 1), &settings), Outcome::Change);
        assert_eq!(outcome(Some(first), at(first.unix_ms() + 24 * HOUR), &settings), Outcome::Locked);
        assert_eq!(editable_until(first, &settings), at(first.unix_ms() + 24 * HOUR));
    }

    #[test]
    fn the_window_is_the_merchants_setting() {
        let two_hours = CsatSettings { edit_window_hours: 2 };
        let first = at(1_795_599_000_000);
        assert_eq!(outcome(Some(first), at(first.unix_ms() + HOUR), &two_hours), Outcome::Change);
        assert_eq!(outcome(Some(first), at(first.unix_ms() + 3 * HOUR), &two_hours), Outcome::Locked);
    }

    #[test]
    fn links_verify_and_refuse_tampering_other_keys_expiry_and_service() {
        let now = at(1_795_599_000_000);
        let subject = CsatSubject::parse("complaint:C-7K3Q9M2A").unwrap();
        let expires = at(now.unix_ms() + 7 * 24 * HOUR);
        let link = sign_link(&subject, score(4), expires, Some(Locale::Ru), b"secret");
        assert_eq!(verify_link(&link, b"secret", now), Ok(OneClick { subject: subject.clone(), score: score(4), lang: Some(Locale::Ru) }));
        assert_eq!(verify_link(&link, b"another", now), Err(LinkRefused::Invalid));
        assert_eq!(verify_link(&link, b"secret", expires), Err(LinkRefused::Expired(Some(Locale::Ru))));
        // Changing the score inside the token breaks the signature.
        let mut parts: Vec<String> = link.split('.').map(str::to_owned).collect();
        let forged = sign_link(&subject, score(1), expires, Some(Locale::Ru), b"secret");
        parts[1] = forged.split('.').nth(1).unwrap().to_owned();
        assert_eq!(verify_link(&parts.join("."), b"secret", now), Err(LinkRefused::Invalid));
        let too_long = sign_link(&subject, score(4), at(now.unix_ms() + 61 * 24 * HOUR), None, b"secret");
        assert_eq!(verify_link(&too_long, b"secret", now), Err(LinkRefused::Invalid));
        let service = sign_link(&CsatSubject::Service, score(5), expires, None, b"secret");
        assert_eq!(verify_link(&service, b"secret", now), Err(LinkRefused::Invalid));
        // A shopper token signed with the same secret is not a link, even with a link's claims.
        let shopper = token::sign(&serde_json::json!({"sub": "s1", "exp": now.unix_ms() / 1000 + 60}), b"secret", None);
        assert_eq!(verify_link(&shopper, b"secret", now), Err(LinkRefused::Invalid));
        let claims = serde_json::json!({"csat": "complaint:C-7K3Q9M2A", "score": 1, "exp": expires.unix_ms() / 1000});
        let link_shaped = token::sign(&claims, b"secret", None);
        assert_eq!(verify_link(&link_shaped, b"secret", now), Err(LinkRefused::Invalid), "signed with the secret itself");
    }

    #[test]
    fn a_link_is_not_a_shopper_token() {
        let now = at(1_795_599_000_000);
        let link = sign_link(&CsatSubject::parse("order:NW-1").unwrap(), score(5), at(now.unix_ms() + HOUR), None, b"secret");
        assert!(token::verify::<token::ShopperTokenClaims>(&link, b"secret").is_err());
        // Not even its signature holds under the shopper-token secret (separate keys).
        assert_eq!(token::verify::<serde_json::Value>(&link, b"secret").err(), Some(TokenError::BadSignature));
    }

    #[test]
    fn metrics_count_share_of_four_and_five_per_day_category_and_level() {
        let group = |day: &str, s: u8, category, level, count| AnswerGroup { day: date(day), score: score(s), category, level, count };
        let groups = [
            group("2026-11-20", 5, Some(ComplaintCategory::Damaged), Some(EscalationLevel::L1), 2),
            group("2026-11-20", 1, Some(ComplaintCategory::Damaged), Some(EscalationLevel::L2), 1),
            group("2026-11-22", 4, None, None, 3),
            group("2026-11-22", 3, Some(ComplaintCategory::LateDelivery), Some(EscalationLevel::L2), 1),
            group("2026-10-01", 1, None, None, 9),
        ];
        let m = metrics(&groups, date("2026-11-20"), date("2026-11-22"));
        assert_eq!(m.overall.count, 7);
        assert_eq!(m.overall.distribution, [1, 0, 1, 3, 2]);
        assert_eq!(m.overall.csat_percent, Some(71.4));
        assert_eq!(m.daily.len(), 3);
        assert_eq!((m.daily[0].figures.count, m.daily[0].figures.csat_percent), (3, Some(66.7)));
        assert_eq!((m.daily[1].date, m.daily[1].figures.count, m.daily[1].figures.csat_percent), (date("2026-11-21"), 0, None));
        assert_eq!(m.daily[2].figures.csat_percent, Some(75.0));
        let categories: Vec<_> = m.by_category.iter().map(|c| (c.category, c.figures.count, c.figures.csat_percent)).collect();
        assert_eq!(categories, [(ComplaintCategory::Damaged, 3, Some(66.7)), (ComplaintCategory::LateDelivery, 1, Some(0.0))]);
        let levels: Vec<_> = m.by_level.iter().map(|l| (l.level, l.figures.count)).collect();
        assert_eq!(levels, [(EscalationLevel::L1, 2), (EscalationLevel::L2, 2)]);
    }
}
