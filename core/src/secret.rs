//! Secrets and card data.
//!
//! [`Secret`] wraps API keys, webhook keys, CVCs and any other value that must never appear in
//! logs, `Debug`/`Display` output, error messages or serialized output. [`CardNumber`] is a
//! Luhn-checked primary account number whose rendering shows at most the first six and the last
//! four digits. The only way to read either value is the explicit [`Secret::expose`] /
//! [`CardNumber::expose`], used by connectors when they build the wire request.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The placeholder every secret renders as.
pub const REDACTED: &str = "***";

/// A value that must never be printed, logged or serialized.
///
/// `Debug`, `Display` and `Serialize` all produce `"***"`. Deserializing reads the plain value,
/// so requests can carry secrets into the core.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The secret value itself. Call only where the value goes onto the wire.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl Secret<String> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Self {
        Secret(value.to_string())
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T: 'static> Serialize for Secret<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if digest_mode() {
            if let Some(text) = (&self.0 as &dyn std::any::Any).downcast_ref::<String>() {
                return s.serialize_str(&digest_hex(text));
            }
        }
        s.serialize_str(REDACTED)
    }
}

thread_local! {
    static DIGEST_MODE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn digest_mode() -> bool {
    DIGEST_MODE.with(|m| m.get())
}

fn digest_hex(text: &str) -> String {
    use sha2::Digest;
    format!(
        "sha256:{}",
        hex::encode(sha2::Sha256::digest(text.as_bytes()))
    )
}

/// Runs `f` (a serialization) with [`Secret`] strings and [`CardNumber`]s written as SHA-256
/// digests instead of their masked forms, so that two requests that differ only in a card
/// number or a CVC serialize differently. For request fingerprints only (the idempotency-key
/// check): the result is hashed again and never shown.
pub(crate) fn with_secret_digests<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            DIGEST_MODE.with(|m| m.set(self.0));
        }
    }
    let _reset = Reset(DIGEST_MODE.with(|m| m.replace(true)));
    f()
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Secret)
    }
}

impl<T> JsonSchema for Secret<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Secret".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "x-secret": "secret",
            "description": "A secret: never shown in repr, logs or error messages."
        })
    }
}

/// A card's primary account number: 12 to 19 digits that pass the Luhn check.
///
/// Renders masked: `411111******1111` (first six and last four digits at most; numbers shorter
/// than 16 digits show fewer leading digits so that at least six digits stay hidden).
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber(String);

impl CardNumber {
    /// Validates and wraps a card number. Spaces and dashes are removed first.
    pub fn new(number: &str) -> Result<CardNumber, Error> {
        let digits: String = number.chars().filter(|c| *c != ' ' && *c != '-').collect();
        if digits.len() < 12 || digits.len() > 19 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid_request(
                "payment_method.number",
                "card number must be 12 to 19 digits",
            ));
        }
        if !luhn_valid(&digits) {
            return Err(Error::invalid_request(
                "payment_method.number",
                "card number fails the Luhn check",
            ));
        }
        Ok(CardNumber(digits))
    }

    /// The full number. Call only where the value goes onto the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The masked form, safe to show anywhere.
    pub fn masked(&self) -> String {
        mask_pan(&self.0)
    }

    pub fn last4(&self) -> &str {
        &self.0[self.0.len() - 4..]
    }

    /// The first six digits (the BIN), or fewer for short numbers.
    pub fn bin(&self) -> &str {
        &self.0[..visible_prefix_len(self.0.len())]
    }
}

fn visible_prefix_len(len: usize) -> usize {
    // At most 6 leading digits, and always at least 6 hidden digits between them and the last
    // four: 16 digits show 6 + 4, 15 show 5 + 4, 12 show 2 + 4.
    len.saturating_sub(10).min(6)
}

/// Masks a digit string the way card numbers are shown: first six (at most) and last four.
pub fn mask_pan(digits: &str) -> String {
    let len = digits.len();
    if len < 8 {
        return "*".repeat(len);
    }
    let prefix = visible_prefix_len(len);
    let mut out = String::with_capacity(len);
    out.push_str(&digits[..prefix]);
    for _ in prefix..len - 4 {
        out.push('*');
    }
    out.push_str(&digits[len - 4..]);
    out
}

/// How a card number given as text may be shown anywhere (bindings' `repr`/`toString` of a
/// request they have not validated yet): a card number (12 to 19 digits, spaces and dashes
/// ignored) as [`mask_pan`] shows it, anything else as `***`.
pub fn mask_card_number(number: &str) -> String {
    let digits: String = number.chars().filter(|c| *c != ' ' && *c != '-').collect();
    if (12..=19).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        mask_pan(&digits)
    } else {
        REDACTED.to_string()
    }
}

/// The Luhn (mod 10) check over an ASCII digit string.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = (b - b'0') as u32;
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Display for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for CardNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if digest_mode() {
            return s.serialize_str(&digest_hex(&self.0));
        }
        s.serialize_str(&self.masked())
    }
}

impl<'de> Deserialize<'de> for CardNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CardNumber::new(&s).map_err(|e| serde::de::Error::custom(e.message()))
    }
}

impl JsonSchema for CardNumber {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CardNumber".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "x-secret": "card_number",
            "description": "Card number (PAN), 12-19 digits, Luhn-checked. Shown masked."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        assert!(luhn_valid("4111111111111111"));
        assert!(luhn_valid("5101180000000007"));
        assert!(luhn_valid("370000000000002"));
        assert!(!luhn_valid("4111111111111112"));
        assert!(!luhn_valid(""));
    }

    #[test]
    fn card_number_validation_and_masking() {
        let n = CardNumber::new("4111 1111 1111 1111").unwrap();
        assert_eq!(n.expose(), "4111111111111111");
        assert_eq!(format!("{n:?}"), "411111******1111");
        assert_eq!(format!("{n}"), "411111******1111");
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"411111******1111\"");
        let amex = CardNumber::new("370000000000002").unwrap();
        assert_eq!(amex.masked(), "37000******0002");
        let err = CardNumber::new("4111111111111112").unwrap_err();
        assert_eq!(err.field(), Some("payment_method.number"));
        assert!(!err.to_string().contains("4111111111111112"));
        assert!(CardNumber::new("41111").is_err());
        assert!(CardNumber::new("4111a11111111111").is_err());
    }

    #[test]
    fn masking_never_shows_more_than_six_plus_four() {
        for len in 12..=19 {
            let digits: String = "1234567890123456789".chars().take(len).collect();
            let masked = mask_pan(&digits);
            let shown = masked.chars().filter(|c| c.is_ascii_digit()).count();
            assert!(shown <= 10, "{len}: {masked}");
            assert!(len - shown >= 6, "{len}: {masked}");
            assert_eq!(masked.len(), len);
        }
    }

    #[test]
    fn card_numbers_as_text() {
        assert_eq!(mask_card_number("4111 1111 1111 1111"), "411111******1111");
        assert_eq!(mask_card_number("4111-1111"), "***");
        assert_eq!(mask_card_number("not a card"), "***");
        assert_eq!(mask_card_number("41111111111111111111"), "***");
    }

    #[test]
    fn secrets_never_render() {
        let s = Secret::new("sk_live_abc".to_string());
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"***\"");
        let back: Secret<String> = serde_json::from_str("\"sk_live_abc\"").unwrap();
        assert_eq!(back.expose(), "sk_live_abc");
    }
}
