//! A shop's origin: where its pages are served from, the only places its publishable key
//! works from (CORS). Scheme, host and port; nothing else.

use carebox_contract::FieldError;

/// `https://shop.example` (lower-cased, default port left out): what browsers send as `Origin`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ShopOrigin(String);

/// At most this many origins per shop (a shop, its staging site, a few country domains).
pub const MAX_ORIGINS: usize = 20;

impl ShopOrigin {
    /// From what a person types: a trailing `/` is forgiven; a path, query, credentials or
    /// another scheme are not.
    pub fn parse(raw: &str, field: &'static str) -> Result<Self, FieldError> {
        let why = || FieldError::invalid(field, "An origin is a scheme, host and port only, like https://shop.example.");
        let url = url::Url::parse(raw.trim()).map_err(|_| why())?;
        let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
        let credentials = !url.username().is_empty() || url.password().is_some();
        if !matches!(url.scheme(), "https" | "http") || url.host().is_none() || !bare || credentials {
            return Err(why());
        }
        Ok(Self(url.origin().ascii_serialization()))
    }

    /// A whole list: 1 to [`MAX_ORIGINS`], duplicates (after normalising) dropped, sorted.
    pub fn parse_list(raw: &[String]) -> Result<Vec<Self>, FieldError> {
        if raw.is_empty() || raw.len() > MAX_ORIGINS {
            return Err(FieldError::invalid("origins", "List 1 to 20 origins: without one, the widget works nowhere."));
        }
        let mut origins = Vec::with_capacity(raw.len());
        for (i, origin) in raw.iter().enumerate() {
            // The field names the entry at fault, e.g. `origins[2]`.
            let parsed = Self::parse(origin, "origins").map_err(|e| FieldError { field: format!("origins[{i}]").into(), ..e })?;
            origins.push(parsed);
        }
        origins.sort();
        origins.dedup();
        Ok(origins)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert_eq!(ShopOrigin::parse("https://Shop.Example/", "origin").unwrap().as_str(), "https://shop.example");
        assert_eq!(ShopOrigin::parse(" http://localhost:8080 ", "origin").unwrap().as_str(), "http://localhost:8080");
        assert_eq!(ShopOrigin::parse("https://shop.example:443", "origin").unwrap().as_str(), "https://shop.example");
        for bad in [
            "shop.example",
            "https://shop.example/path",
            "ftp://shop.example",
            "https://a:b@shop.example",
            "https://shop.example/?q",
            "javascript:alert(1)",
        ] {
            assert!(ShopOrigin::parse(bad, "origin").is_err(), "{bad}");
        }
    }

    /// Every origin the document admits is one the parser accepts (the document is narrower:
    /// it leaves out IP addresses, ports above 9999 and `--` in names).
    #[test]
    fn the_document_admits_only_origins_the_parser_accepts() {
        use carebox_contract::openapi::{
            conformance::{agree, padded_variants},
            field,
        };
        use utoipa::PartialSchema;
        let cores = [
            "https://shop.example",
            "http://localhost:8080",
            "HTTPS://Shop.Example/",
            "https://a.b.c.example:443",
            "https://xn--80ak6aa92e.example",
            "https://shop.example/path",
            "https://shop.example?q",
            "https://u:p@shop.example",
            "ftp://shop.example",
            "https://-shop.example",
            "https://shop..example",
            "https://1.2.3.4.5",
            "https://shop.example:0",
            "https://shop.example:99999",
            "shop.example",
            "",
            "https://xn--a.example",
            "https://sh op.example",
            "https://shop.example#x",
        ];
        agree("origin", field::ShopOrigin::schema(), &padded_variants(&cores), |o| ShopOrigin::parse(o, "origin").is_ok(), false);
    }

    #[test]
    fn lists_name_the_entry_at_fault_and_drop_repeats() {
        let list = |raw: &[&str]| ShopOrigin::parse_list(&raw.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let parsed = list(&["https://b.example", "https://A.example/", "https://a.example"]).unwrap();
        assert_eq!(parsed.iter().map(ShopOrigin::as_str).collect::<Vec<_>>(), ["https://a.example", "https://b.example"]);
        assert_eq!(list(&["https://a.example", "nope"]).unwrap_err().field, "origins[1]");
        assert_eq!(list(&[]).unwrap_err().field, "origins");
        assert_eq!(list(&["https://a.example"; 21]).unwrap_err().field, "origins");
    }
}
