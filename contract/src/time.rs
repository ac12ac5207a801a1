//! Points in time and calendar dates on the wire, without a date library (the widget stays
//! small): RFC 3339 timestamps (`2026-11-25T09:30:00Z`, offsets allowed) and `YYYY-MM-DD`.

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// A point in time, milliseconds since the Unix epoch (UTC). On the wire: RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = DateTime))]
#[serde(try_from = "String", into = "String")]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_unix_ms(ms: i64) -> Self {
        Self(ms)
    }
    pub const fn unix_ms(self) -> i64 {
        self.0
    }

    /// Parses RFC 3339 (`T` or space between date and time, optional fraction, `Z` or `±hh:mm`).
    pub fn parse(raw: &str, field: &'static str) -> Result<Self, FieldError> {
        const WHY: &str = "A time is RFC 3339, like 2026-11-25T09:30:00Z.";
        let bad = || FieldError::invalid(field, WHY);
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(FieldError::missing(field, WHY));
        }
        let b = raw.as_bytes();
        if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
            return Err(bad());
        }
        let date = CalendarDate::parse(&raw[..10], field).map_err(|_| bad())?;
        let hour = digits(&b[11..13]).ok_or_else(bad)?;
        let minute = digits(&b[14..16]).ok_or_else(bad)?;
        let second = digits(&b[17..19]).ok_or_else(bad)?;
        if hour > 23 || minute > 59 || second > 60 {
            return Err(bad());
        }
        let mut rest = &raw[19..];
        let mut millis = 0;
        if let Some(fraction) = rest.strip_prefix('.') {
            let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if len == 0 {
                return Err(bad());
            }
            let padded = format!("{:0<3}", &fraction[..len.min(3)]);
            millis = padded.parse::<i64>().map_err(|_| bad())?;
            rest = &fraction[len..];
        }
        let offset_minutes = match rest {
            "Z" | "z" => 0,
            _ if rest.len() == 6 && matches!(rest.as_bytes()[0], b'+' | b'-') && rest.as_bytes()[3] == b':' => {
                let hours = digits(&rest.as_bytes()[1..3]).ok_or_else(bad)?;
                let minutes = digits(&rest.as_bytes()[4..6]).ok_or_else(bad)?;
                if hours > 23 || minutes > 59 {
                    return Err(bad());
                }
                let sign = if rest.starts_with('-') { -1 } else { 1 };
                sign * (hours * 60 + minutes)
            }
            _ => return Err(bad()),
        };
        let seconds = date.days_since_epoch() * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset_minutes * 60;
        Ok(Self(seconds * 1000 + millis))
    }

    /// RFC 3339 in UTC with milliseconds: `2026-11-25T09:30:00.000Z`.
    pub fn to_rfc3339(self) -> String {
        let days = self.0.div_euclid(86_400_000);
        let ms_of_day = self.0.rem_euclid(86_400_000);
        let date = CalendarDate::from_days_since_epoch(days);
        let (h, m, s, ms) = (ms_of_day / 3_600_000, ms_of_day / 60_000 % 60, ms_of_day / 1000 % 60, ms_of_day % 1000);
        let mut text = String::with_capacity(24);
        date.push_to(&mut text);
        for (separator, value, width) in [('T', h, 2), (':', m, 2), (':', s, 2), ('.', ms, 3)] {
            text.push(separator);
            push_padded(&mut text, value as u32, width);
        }
        text.push('Z');
        text
    }

    /// The UTC calendar date this instant falls on.
    pub fn utc_date(self) -> CalendarDate {
        CalendarDate::from_days_since_epoch(self.0.div_euclid(86_400_000))
    }
}

impl TryFrom<String> for Timestamp {
    type Error = FieldError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value, "time")
    }
}

impl From<Timestamp> for String {
    fn from(value: Timestamp) -> Self {
        value.to_rfc3339()
    }
}

/// A calendar date without a time zone (an expected delivery day). On the wire: `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CalendarDate {
    year: i32,
    month: u8,
    day: u8,
}

impl CalendarDate {
    pub fn parse(raw: &str, field: &'static str) -> Result<Self, FieldError> {
        const WHY: &str = "A date is YYYY-MM-DD, like 2026-11-25.";
        let raw = raw.trim();
        let b = raw.as_bytes();
        if raw.is_empty() {
            return Err(FieldError::missing(field, WHY));
        }
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(FieldError::invalid(field, WHY));
        }
        let (Some(year), Some(month), Some(day)) = (digits(&b[..4]), digits(&b[5..7]), digits(&b[8..10])) else {
            return Err(FieldError::invalid(field, WHY));
        };
        let (year, month, day) = (year as i32, month as u8, day as u8);
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(FieldError::invalid(field, "That date does not exist."));
        }
        Ok(Self { year, month, day })
    }

    pub const fn year(self) -> i32 {
        self.year
    }
    pub const fn month(self) -> u8 {
        self.month
    }
    pub const fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (Howard Hinnant's days-from-civil).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }
}

impl CalendarDate {
    /// Appends `YYYY-MM-DD` without the formatting machinery: every answer about an order
    /// carries a handful of dates and timestamps, and `format!` for them was 2.5% of an order
    /// lookup's CPU.
    fn push_to(self, text: &mut String) {
        match u32::try_from(self.year) {
            Ok(year) if year <= 9999 => push_padded(text, year, 4),
            _ => {
                use std::fmt::Write;
                let _ = write!(text, "{:04}", self.year);
            }
        }
        text.push('-');
        push_padded(text, self.month.into(), 2);
        text.push('-');
        push_padded(text, self.day.into(), 2);
    }
}

/// Appends the last `width` decimal digits of `value`, zero-padded.
fn push_padded(text: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        text.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
    }
}

impl std::fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut text = String::with_capacity(10);
        self.push_to(&mut text);
        f.write_str(&text)
    }
}

/// On the wire a plain `YYYY-MM-DD` string.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for CalendarDate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .examples(["2026-11-27"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for CalendarDate {}

impl TryFrom<String> for CalendarDate {
    type Error = FieldError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value, "date")
    }
}

impl From<CalendarDate> for String {
    fn from(value: CalendarDate) -> Self {
        value.to_string()
    }
}

fn digits(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0, |n, b| n * 10 + i64::from(b - b'0')))
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339_with_offsets_and_fractions() {
        let utc = Timestamp::parse("2026-11-25T09:30:00Z", "t").unwrap();
        assert_eq!(utc.unix_ms(), 1_795_599_000_000);
        assert_eq!(Timestamp::parse("2026-11-25T12:30:00+03:00", "t").unwrap(), utc);
        assert_eq!(Timestamp::parse("2026-11-25 04:30:00.5-05:00", "t").unwrap().unix_ms(), utc.unix_ms() + 500);
        assert_eq!(Timestamp::parse("1969-12-31T23:59:59Z", "t").unwrap().unix_ms(), -1000);
    }

    #[test]
    fn formats_back_to_utc_rfc3339() {
        let t = Timestamp::parse("2024-02-29T23:59:59.123+00:00", "t").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-02-29T23:59:59.123Z");
        assert_eq!(Timestamp::parse(&t.to_rfc3339(), "t").unwrap(), t);
        assert_eq!(t.utc_date().to_string(), "2024-02-29");
    }

    #[test]
    fn refuses_malformed_times_naming_the_field() {
        for bad in
            ["2026-11-25", "2026-11-25T25:00:00Z", "2026-13-01T00:00:00Z", "2026-11-25T09:30:00", "2026-11-25T09:30:00+0300", "yesterday"]
        {
            let err = Timestamp::parse(bad, "occurred_at").unwrap_err();
            assert_eq!(err.field, "occurred_at", "{bad}");
        }
        assert_eq!(Timestamp::parse(" ", "occurred_at").unwrap_err().code, crate::ErrorCode::Missing);
    }

    #[test]
    fn dates_validate_calendars_and_round_trip_through_days() {
        assert!(CalendarDate::parse("2024-02-29", "d").is_ok());
        assert!(CalendarDate::parse("2023-02-29", "d").is_err());
        assert!(CalendarDate::parse("2026-04-31", "d").is_err());
        assert!(CalendarDate::parse("26-04-01", "d").is_err());
        for days in [-800_000, -1, 0, 1, 19_000, 20_782, 2_000_000] {
            let date = CalendarDate::from_days_since_epoch(days);
            assert_eq!(date.days_since_epoch(), days, "{date}");
        }
        assert_eq!(CalendarDate::from_days_since_epoch(0).to_string(), "1970-01-01");
    }

    #[test]
    fn the_fast_formatting_writes_what_format_would() {
        let step = 86_400_000 * 367 + 3_723_456; // a year, a day, an hour, a minute, a second and odd milliseconds
        let far = [i64::MIN / 4, -62_200_000_000_000, 253_402_300_799_999, 253_402_300_800_000, i64::MAX / 4];
        for ms in (-40i64..120).map(|n| n * step).chain(far) {
            let t = Timestamp::from_unix_ms(ms);
            let date = t.utc_date();
            let ms_of_day = ms.rem_euclid(86_400_000);
            let expected = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                date.year(),
                date.month(),
                date.day(),
                ms_of_day / 3_600_000,
                ms_of_day / 60_000 % 60,
                ms_of_day / 1000 % 60,
                ms_of_day % 1000
            );
            assert_eq!(t.to_rfc3339(), expected, "{ms}");
            assert_eq!(date.to_string(), expected[..expected.find('T').unwrap()], "{ms}");
        }
    }
}
