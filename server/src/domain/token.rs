//! Compact HS256 JSON Web Tokens, for two kinds of bearer:
//! - order tokens Carebox issues after a successful lookup (`kid: "carebox"`, signed with
//!   the deployment's key kept in the database), opening exactly one order;
//! - shopper tokens a merchant's backend signs with its shopper-token secret, naming the
//!   shopper (`sub`, optional `email`) for `identify()`.

use std::borrow::Cow;
use std::sync::LazyLock;
use std::time::Duration;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use carebox_contract::{Email, Timestamp};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

pub const CAREBOX_KID: &str = "carebox";
/// How long an order token from a lookup lasts.
pub const ORDER_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// Shopper tokens whose `exp` is further ahead than this are refused: they should be short-lived.
pub const SHOPPER_TOKEN_MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    WrongAlgorithm,
    BadSignature,
    Expired,
    TooFarAhead,
}

#[derive(Serialize, Deserialize)]
struct Header {
    alg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    typ: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
}

/// A Carebox-issued token for one order of one merchant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderTokenClaims {
    /// Merchant id.
    pub mid: String,
    /// Order id (internal, not the order number).
    pub oid: String,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
}

/// A merchant-signed token naming one of its shoppers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ShopperTokenClaims {
    /// The merchant's id for the shopper (matched against orders' `shopper_id`).
    pub sub: String,
    #[serde(default)]
    pub email: Option<String>,
    pub exp: i64,
}

impl ShopperTokenClaims {
    /// The `email` claim, when present and a valid address (it also matches orders).
    pub fn email(&self) -> Option<Email> {
        self.email.as_deref().and_then(|e| Email::parse(e).ok())
    }
}

/// Compares without stopping at the first difference (lengths may leak; contents do not):
/// lookup proofs, CSRF tokens.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut difference = u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        difference |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff);
    }
    difference == 0
}

/// `bytes` random bytes as lowercase hex: keys, secrets and session tokens.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("the operating system's randomness is available");
    hex::encode(buffer)
}

pub fn sign<C: Serialize>(claims: &C, key: &[u8], kid: Option<&str>) -> String {
    let header = match kid {
        Some(CAREBOX_KID) => Cow::Borrowed(carebox_header()),
        _ => Cow::Owned(encode_header(kid)),
    };
    let mut token = String::with_capacity(256);
    token.push_str(&header);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(serde_json::to_vec(claims).expect("claims serialise"), &mut token);
    let signature = mac(key, token.as_bytes()).finalize().into_bytes();
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    token
}

fn encode_header(kid: Option<&str>) -> String {
    let header = Header { alg: "HS256".into(), typ: Some("JWT".into()), kid: kid.map(str::to_owned) };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).expect("header serialises"))
}

/// The header of Carebox's own tokens, encoded: an order token's header is recognised by
/// comparison, not decoded and parsed, on every order view.
fn carebox_header() -> &'static str {
    static HEADER: LazyLock<String> = LazyLock::new(|| encode_header(Some(CAREBOX_KID)));
    &HEADER
}

/// A token split into its parts and its header read, nothing in it trusted until
/// [`Self::verify`]: the header says which key to check it with.
pub struct Unverified<'t> {
    /// `header.claims`, what the signature covers.
    signing_input: &'t str,
    claims: &'t str,
    signature: &'t str,
    kid: Option<Cow<'static, str>>,
}

impl<'t> Unverified<'t> {
    /// Three base64url parts and an HS256 header; anything else is refused here.
    pub fn parse(token: &'t str) -> Result<Self, TokenError> {
        let token = token.trim();
        let mut parts = token.split('.');
        let (Some(header), Some(claims), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(TokenError::Malformed);
        };
        let kid = if header == carebox_header() {
            Some(Cow::Borrowed(CAREBOX_KID))
        } else {
            let parsed: Header =
                URL_SAFE_NO_PAD.decode(header).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).ok_or(TokenError::Malformed)?;
            if parsed.alg != "HS256" {
                return Err(TokenError::WrongAlgorithm);
            }
            parsed.kid.map(Cow::Owned)
        };
        Ok(Self { signing_input: &token[..header.len() + 1 + claims.len()], claims, signature, kid })
    }

    /// The header's `kid`, to pick the key (no trust implied).
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Checks the signature (in constant time), then decodes the claims.
    pub fn verify<C: DeserializeOwned>(&self, key: &[u8]) -> Result<C, TokenError> {
        // HS256 signatures are 32 bytes; a longer one is not a signature of ours anyway.
        let mut signature = [0u8; 48];
        let length = URL_SAFE_NO_PAD.decode_slice(self.signature, &mut signature).map_err(|_| TokenError::Malformed)?;
        mac(key, self.signing_input.as_bytes()).verify_slice(&signature[..length]).map_err(|_| TokenError::BadSignature)?;
        let claims = URL_SAFE_NO_PAD.decode(self.claims).map_err(|_| TokenError::Malformed)?;
        serde_json::from_slice(&claims).map_err(|_| TokenError::Malformed)
    }
}

/// Checks algorithm and signature (in constant time), then decodes the claims.
pub fn verify<C: DeserializeOwned>(token: &str, key: &[u8]) -> Result<C, TokenError> {
    Unverified::parse(token)?.verify(key)
}

/// Refuses an expired `exp` (seconds), and one further ahead than `max_lifetime`.
pub fn check_expiry(exp: i64, now: Timestamp, max_lifetime: Duration) -> Result<(), TokenError> {
    let now_secs = now.unix_ms().div_euclid(1000);
    if exp <= now_secs {
        return Err(TokenError::Expired);
    }
    if exp - now_secs > i64::try_from(max_lifetime.as_secs()).unwrap_or(i64::MAX) {
        return Err(TokenError::TooFarAhead);
    }
    Ok(())
}

fn mac(key: &[u8], input: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(input);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq("anna@example.com", "anna@example.com"));
        assert!(!constant_time_eq("anna@example.com", "anna@example.co"));
        assert!(!constant_time_eq("", "\u{0}"));
        assert!(!constant_time_eq("a", "b"));
    }

    const KEY: &[u8] = b"merchant-shopper-token-secret";

    fn now() -> Timestamp {
        Timestamp::from_unix_ms(1_795_599_000_000)
    }

    #[test]
    fn signed_claims_verify_and_carry_the_kid() {
        let claims = OrderTokenClaims { mid: "m1".into(), oid: "o1".into(), exp: 1_795_600_000 };
        let token = sign(&claims, KEY, Some(CAREBOX_KID));
        assert_eq!(Unverified::parse(&token).map(|t| t.kid().map(str::to_owned)), Ok(Some(CAREBOX_KID.to_owned())));
        assert_eq!(verify::<OrderTokenClaims>(&token, KEY), Ok(claims));
    }

    #[test]
    fn another_key_a_tampered_body_or_garbage_is_refused() {
        let token = sign(&OrderTokenClaims { mid: "m1".into(), oid: "o1".into(), exp: 1 }, KEY, None);
        assert_eq!(verify::<OrderTokenClaims>(&token, b"another merchant"), Err(TokenError::BadSignature));
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"mid":"m1","oid":"o2","exp":1}"#);
        parts[1] = &forged;
        assert_eq!(verify::<OrderTokenClaims>(&parts.join("."), KEY), Err(TokenError::BadSignature));
        for garbage in ["", "a.b", "a.b.c.d", "!!.!!.!!", "eyJhbGciOiJIUzI1NiJ9.e30.AAAA"] {
            assert!(verify::<OrderTokenClaims>(garbage, KEY).is_err(), "{garbage:?}");
        }
    }

    #[test]
    fn carebox_tokens_header_is_recognised_and_any_other_spelling_is_read() {
        let claims = OrderTokenClaims { mid: "m1".into(), oid: "o1".into(), exp: 1_795_600_000 };
        // The recognised header is exactly the one the general path writes and reads.
        let header: Header = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(carebox_header()).unwrap()).unwrap();
        assert_eq!((header.alg.as_str(), header.kid.as_deref()), ("HS256", Some(CAREBOX_KID)));
        // Another spelling of the same header (another order, no `typ`) is decoded instead.
        let spelled = URL_SAFE_NO_PAD.encode(br#"{"kid":"carebox","alg":"HS256"}"#);
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
        let input = format!("{spelled}.{body}");
        let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac(KEY, input.as_bytes()).finalize().into_bytes()));
        let parsed = Unverified::parse(&token).unwrap();
        assert_eq!(parsed.kid(), Some(CAREBOX_KID));
        assert_eq!(parsed.verify::<OrderTokenClaims>(KEY), Ok(claims));
        // A kid of Carebox does not make another algorithm acceptable.
        let none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","kid":"carebox"}"#);
        assert_eq!(Unverified::parse(&format!("{none}.{body}.")).err(), Some(TokenError::WrongAlgorithm));
    }

    #[test]
    fn a_signature_of_another_length_is_refused() {
        let token = sign(&OrderTokenClaims { mid: "m1".into(), oid: "o1".into(), exp: 1 }, KEY, Some(CAREBOX_KID));
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let short = &signature[..signature.len() - 4];
        let long = format!("{signature}{}", "A".repeat(80));
        for signature in [short, &long, ""] {
            assert!(verify::<OrderTokenClaims>(&format!("{signed}.{signature}"), KEY).is_err(), "{signature:?}");
        }
        assert!(verify::<OrderTokenClaims>(&format!("{signed}.{signature}"), KEY).is_ok());
    }

    #[test]
    fn the_none_algorithm_is_refused() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#);
        let claims = URL_SAFE_NO_PAD.encode(br#"{"sub":"s","exp":9999999999}"#);
        assert_eq!(verify::<ShopperTokenClaims>(&format!("{header}.{claims}."), KEY), Err(TokenError::WrongAlgorithm));
    }

    #[test]
    fn expiry_is_checked_both_ways() {
        let now_secs = now().unix_ms() / 1000;
        let day = SHOPPER_TOKEN_MAX_LIFETIME;
        assert_eq!(check_expiry(now_secs - 1, now(), day), Err(TokenError::Expired));
        assert_eq!(check_expiry(now_secs, now(), day), Err(TokenError::Expired));
        assert_eq!(check_expiry(now_secs + 60, now(), day), Ok(()));
        assert_eq!(check_expiry(now_secs + 86_400, now(), day), Ok(()));
        assert_eq!(check_expiry(now_secs + 86_401, now(), day), Err(TokenError::TooFarAhead));
    }
}
