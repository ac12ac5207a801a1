//! People who run a shop's support: their roles, the name shoppers see, and passwords (stored
//! only as argon2id hashes).

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use carebox_contract::FieldError;

pub use carebox_contract::StaffRole as Role;

/// The name shoppers see beside a reply: 1 to 60 characters on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let name = raw.trim();
        if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
            return Err(FieldError::invalid("name", "A display name is 1 to 60 characters on one line."));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as chosen or generated; only its hash is ever stored.
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 12;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        // Not trimmed: a space at either end is part of what the person types.
        let chars = raw.chars().count();
        if !(Self::MIN_CHARS..=256).contains(&chars) {
            return Err(FieldError::invalid("password", "A password has at least 12 characters (and at most 256)."));
        }
        Ok(Self(raw.to_owned()))
    }

    /// 20 characters from an alphabet without look-alikes (about 110 bits).
    pub fn generate() -> Self {
        const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
        let mut bytes = [0u8; 20];
        getrandom::fill(&mut bytes).expect("randomness is available");
        // 256 is not a multiple of 54: the bias is under 0.5 % per character, immaterial here.
        Self(bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect())
    }

    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// An argon2id hash in PHC form (`$argon2id$v=19$m=19456,t=2,p=1$…`), with a fresh salt.
    pub fn hash(&self) -> String {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(self.0.as_bytes(), &salt).expect("argon2 accepts any password and salt").to_string()
    }
}

/// Whether `candidate` is the password behind `hash` (false for a hash that does not parse).
pub fn password_matches(hash: &str, candidate: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(candidate.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_stored_as_salted_argon2id_hashes() {
        let password = Password::parse("correct horse battery").unwrap();
        let (first, second) = (password.hash(), password.hash());
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(first, second, "a fresh salt each time");
        assert!(!first.contains("correct horse"));
        assert!(password_matches(&first, "correct horse battery"));
        assert!(!password_matches(&first, "correct horse batterY"));
        assert!(!password_matches("not a hash", "correct horse battery"));
    }

    #[test]
    fn short_passwords_roles_and_names_are_refused() {
        assert_eq!(Password::parse("eleven char").err().map(|e| e.field), Some("password".into()));
        let generated = Password::generate();
        assert_eq!(generated.reveal().chars().count(), 20);
        assert!(Password::parse(generated.reveal()).is_ok());
        assert_eq!(Role::parse("agent"), Ok(Role::Agent));
        assert!(Role::parse("admin").is_err());
        assert!(Role::Owner.may_change_settings() && !Role::Agent.may_change_settings());
        assert_eq!(DisplayName::parse("  Ida ").unwrap().as_str(), "Ida");
        assert!(DisplayName::parse("Two\nlines").is_err() && DisplayName::parse(" ").is_err());
    }
}
