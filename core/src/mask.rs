//! Masking of processor payloads and free text before they are stored in a response, an error
//! or a log line.
//!
//! Two rules, applied together:
//! * values under sensitive keys (card number, CVC, API keys, passwords, signatures...) are
//!   replaced by `***`. Keys are compared case-insensitively, ignoring `_`, `-` and `.`, and by
//!   family: `cardSecurityCode`, `card_cvv`, `X-Api-Key`, `webhookSecret` all match;
//! * any card-number-like run of 12 to 19 digits that passes the Luhn check is shown as a
//!   masked card number, wherever it appears: contiguous (`4111111111111111`), grouped with
//!   spaces, dashes or dots (`4111 1111-1111.1111`), or written with full-width digits.

use serde_json::Value;

use crate::secret::{luhn_valid, mask_pan, REDACTED};

/// Keys (normalised: lowercase, without `_`, `-`, `.`) whose values are always masked.
const SENSITIVE_EXACT: &[&str] = &[
    "number",
    "pan",
    "cid",
    "pin",
    "sslpin",
    "cavv",
    "xcavv",
    "tavv",
    "cookie",
    "setcookie",
];

/// Key fragments that make a key sensitive wherever they appear in it.
const SENSITIVE_FRAGMENTS: &[&str] = &[
    "cardnumber",
    "cvc",
    "cvv",
    "securitycode",
    "password",
    "passwd",
    "passphrase",
    "secret",
    "apikey",
    "privatekey",
    "signingkey",
    "hmackey",
    "cryptogram",
    "verificationvalue",
];

/// Key endings that make a key sensitive (`hmacSignature`, `applePayToken`, `Authorization`),
/// while `signatureVersion`, `tokenType`, `authorizationCode` stay readable.
const SENSITIVE_SUFFIXES: &[&str] = &["signature", "token", "authorization"];

/// Keys starting with this carry client-side-encrypted card data (`encryptedExpiryMonth`).
const SENSITIVE_PREFIXES: &[&str] = &["encrypted"];

/// Endings of keys that describe a check's outcome rather than hold the value
/// (`cvcResult`, `ssl_cvv2_response`, `ssl_cvv2cvc2_indicator`, `cvv_check`).
const OUTCOME_SUFFIXES: &[&str] = &[
    "result",
    "resultraw",
    "response",
    "responsecode",
    "indicator",
    "check",
    "status",
    "match",
    "invalid",
];

fn normalize_key(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Whether values under this key (JSON property, header, form field, XML element) must be
/// masked.
pub fn is_sensitive_key(key: &str) -> bool {
    // Most keys are short and ASCII: normalised on the stack (the same result as
    // `normalize_key`, without an allocation per key of every response masked).
    let mut buf = [0u8; 64];
    if key.is_ascii() && key.len() <= buf.len() {
        let mut n = 0;
        for b in key
            .bytes()
            .filter(|b| !matches!(b, b'_' | b'-' | b'.' | b' '))
        {
            buf[n] = b.to_ascii_lowercase();
            n += 1;
        }
        // ASCII bytes are UTF-8.
        return std::str::from_utf8(&buf[..n]).is_ok_and(is_sensitive_normalized);
    }
    is_sensitive_normalized(&normalize_key(key))
}

fn is_sensitive_normalized(k: &str) -> bool {
    if k.is_empty() {
        return false;
    }
    if SENSITIVE_EXACT.contains(&k)
        || SENSITIVE_SUFFIXES.iter().any(|s| k.ends_with(s))
        || SENSITIVE_PREFIXES.iter().any(|p| k.starts_with(p))
    {
        return true;
    }
    contains_fragment(k) && !OUTCOME_SUFFIXES.iter().any(|s| k.ends_with(s))
}

/// Whether `k` contains one of [`SENSITIVE_FRAGMENTS`]: compared only where the fragment's first
/// byte is (`str::contains` per fragment costs more than the rest of masking a response).
fn contains_fragment(k: &str) -> bool {
    let k = k.as_bytes();
    (0..k.len()).any(|i| {
        SENSITIVE_FRAGMENTS.iter().any(|f| {
            let f = f.as_bytes();
            f[0] == k[i] && k[i..].starts_with(f)
        })
    })
}

/// The value of a decimal digit: ASCII `0`-`9` or full-width `０`-`９`.
fn digit_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{FF10}'..='\u{FF19}' => Some((c as u32 - 0xFF10) as u8),
        _ => None,
    }
}

/// Characters that may separate the digit groups of a written card number.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-'
            | '.'
            | '\u{00A0}' // no-break space
            | '\u{2007}' // figure space
            | '\u{202F}' // narrow no-break space
            | '\u{2010}'
            ..='\u{2015}' // hyphens and dashes
            | '\u{3000}' // ideographic space
            | '\u{FF0D}' // full-width hyphen-minus
            | '\u{FF0E}' // full-width full stop
    )
}

/// At most this many separator characters between two digit groups (`4111 - 1111`).
const MAX_SEPARATOR_RUN: usize = 3;

/// A run of contiguous digits: byte range in the text and the digits in ASCII.
struct Group {
    start: usize,
    end: usize,
    digits: String,
}

/// Masks card-number-like digit runs in free text: 12 to 19 Luhn-valid digits, contiguous or
/// in groups separated by spaces, dashes or dots, ASCII or full-width.
pub fn mask_text(text: &str) -> String {
    // Fewer than 12 digits in all cannot hold a card number: nothing to look for (most values).
    if !has_card_length_digits(text) {
        return text.to_string();
    }
    // Digit groups, and for each whether it continues the previous one (only separators
    // between them).
    let mut groups: Vec<(Group, bool)> = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut last_end: Option<usize> = None;
    while let Some((i, c)) = chars.next() {
        let Some(d) = digit_value(c) else { continue };
        let mut digits = String::new();
        digits.push((b'0' + d) as char);
        let mut end = i + c.len_utf8();
        while let Some(&(j, c2)) = chars.peek() {
            match digit_value(c2) {
                Some(d2) => {
                    digits.push((b'0' + d2) as char);
                    end = j + c2.len_utf8();
                    chars.next();
                }
                None => break,
            }
        }
        let joined = match last_end {
            Some(prev) => {
                let between = &text[prev..i];
                let n = between.chars().count();
                n <= MAX_SEPARATOR_RUN && between.chars().all(is_separator)
            }
            None => false,
        };
        last_end = Some(end);
        groups.push((
            Group {
                start: i,
                end,
                digits,
            },
            joined,
        ));
    }
    if groups.is_empty() {
        return text.to_string();
    }

    // Within each sequence of joined groups, mask the longest card-like spans.
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    let mut seq_start = 0;
    for idx in 1..=groups.len() {
        if idx < groups.len() && groups[idx].1 {
            continue;
        }
        let seq: Vec<&Group> = groups[seq_start..idx].iter().map(|(g, _)| g).collect();
        let mut i = 0;
        while i < seq.len() {
            let mut found = None;
            let mut digits = String::new();
            for (j, group) in seq.iter().enumerate().skip(i) {
                digits.push_str(&group.digits);
                if digits.len() > 19 {
                    break;
                }
                if digits.len() >= 12 && luhn_valid(&digits) {
                    found = Some((j, digits.clone()));
                }
            }
            match found {
                Some((j, digits)) => {
                    spans.push((seq[i].start, seq[j].end, mask_pan(&digits)));
                    i = j + 1;
                }
                None => i += 1,
            }
        }
        seq_start = idx;
    }
    if spans.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (start, end, masked) in spans {
        out.push_str(&text[pos..start]);
        out.push_str(&masked);
        pos = end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Whether `text` holds at least as many digits as the shortest card number.
fn has_card_length_digits(text: &str) -> bool {
    text.chars()
        .filter(|&c| digit_value(c).is_some())
        .nth(11)
        .is_some()
}

/// Masks a JSON value in place.
pub fn mask_json_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_sensitive_key(k) && !v.is_null() && !v.is_object() && !v.is_array() {
                    *v = Value::String(REDACTED.to_string());
                } else {
                    mask_json_value(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_json_value),
        Value::String(s) if has_card_length_digits(s) => {
            let masked = mask_text(s);
            if masked != *s {
                *s = masked;
            }
        }
        // An integer of fewer than 12 digits cannot be a card number.
        Value::Number(n)
            if n.as_i64()
                .is_some_and(|i| i.unsigned_abs() < 100_000_000_000) => {}
        Value::Number(n) => {
            let text = n.to_string();
            if mask_text(&text) != text {
                *value = Value::String(mask_pan(&text));
            }
        }
        _ => {}
    }
}

/// Masks a processor body for storage in `raw_response` or logs. JSON bodies are masked by key
/// and value; XML and form bodies by element/field name; anything else as free text.
pub fn mask_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if let Ok(mut json) = serde_json::from_slice::<Value>(body) {
        mask_json_value(&mut json);
        return json.to_string();
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        return mask_xml(&text);
    }
    if text.contains('=') && !text.contains(' ') {
        return mask_form(&text);
    }
    mask_text(&text)
}

/// Masks `<key>value</key>` elements whose key is sensitive, then card-like digits.
fn mask_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let Some(close) = rest.find('>') else { break };
        let tag = &rest[1..close];
        out.push_str(&rest[..=close]);
        rest = &rest[close + 1..];
        let name = tag.trim_end_matches('/');
        if !name.starts_with('/') && !name.starts_with('?') && is_sensitive_key(name) {
            let end_tag = format!("</{name}>");
            if let Some(end) = rest.find(&end_tag) {
                out.push_str(REDACTED);
                rest = &rest[end..];
            }
        }
    }
    out.push_str(rest);
    mask_text(&out)
}

/// Masks `key=value` pairs of a form body whose key is sensitive.
fn mask_form(text: &str) -> String {
    text.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_sensitive_key(k) => format!("{k}={REDACTED}"),
            Some((k, v)) => {
                let decoded = percent_encoding::percent_decode_str(v).decode_utf8_lossy();
                if decoded.trim_start().starts_with('<') {
                    let masked = mask_xml(&decoded);
                    format!(
                        "{k}={}",
                        percent_encoding::utf8_percent_encode(
                            &masked,
                            percent_encoding::NON_ALPHANUMERIC
                        )
                    )
                } else {
                    format!("{k}={}", mask_text(v))
                }
            }
            None => mask_text(pair),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_pans_in_text() {
        assert_eq!(
            mask_text("card 4111111111111111 ok"),
            "card 411111******1111 ok"
        );
        // Not Luhn-valid: left alone (references, timestamps).
        assert_eq!(mask_text("ref 1234567890123456"), "ref 1234567890123456");
        assert_eq!(mask_text("€ 12"), "€ 12");
    }

    #[test]
    fn masks_sensitive_json_keys() {
        let body = br#"{"paymentMethod":{"number":"4111111111111111","cvc":"737","holderName":"J"},"x":[{"apiKey":"k"}]}"#;
        let masked = mask_body(body);
        assert!(!masked.contains("4111111111111111"));
        assert!(!masked.contains("737"));
        assert!(masked.contains("\"holderName\":\"J\""));
        assert!(!masked.contains("\"k\""));
    }

    #[test]
    fn keys_read_on_the_stack_match_the_general_path() {
        let long = format!("{}_card_number", "x".repeat(70));
        for key in [
            "Card_Number",
            "X-API-KEY",
            "cvcResult",
            "ssl_cvv2_response",
            "merchantAccount",
            "",
            "_-. ",
            long.as_str(),
            "karte_prüfnummer_cvc",
            "Kartennummer",
        ] {
            assert_eq!(
                is_sensitive_key(key),
                is_sensitive_normalized(&normalize_key(key)),
                "{key}"
            );
        }
        assert!(is_sensitive_key(&long) && is_sensitive_key("karte_prüfnummer_cvc"));
    }

    #[test]
    fn short_numbers_and_texts_are_left_as_they_are_and_card_numbers_are_not() {
        let body = br#"{"amount":12345678901,"ref":"order 12345678901","pan":4111111111111111,"n":[4111111111111111],"note":"card 4111 1111 1111 1111"}"#;
        let masked: Value = serde_json::from_str(&mask_body(body)).unwrap();
        assert_eq!(masked["amount"], 12345678901u64);
        assert_eq!(masked["ref"], "order 12345678901");
        assert_eq!(masked["pan"], REDACTED);
        assert!(!masked["n"][0].to_string().contains("4111111111111111"));
        assert!(!masked["note"].as_str().unwrap().contains("1111 1111 1111"));
    }

    #[test]
    fn masks_xml_and_forms() {
        let xml = "<txn><ssl_pin>ABC</ssl_pin><ssl_card_number>4111111111111111</ssl_card_number><ssl_amount>1.00</ssl_amount></txn>";
        let masked = mask_body(xml.as_bytes());
        assert!(!masked.contains("ABC"));
        assert!(!masked.contains("4111111111111111"));
        assert!(masked.contains("<ssl_amount>1.00</ssl_amount>"));
        let form = "a=1&cvc=737&b=4111111111111111";
        let masked = mask_body(form.as_bytes());
        assert_eq!(masked, "a=1&cvc=***&b=411111******1111");
    }

    #[test]
    fn masks_grouped_and_full_width_pans() {
        for text in [
            "card 4111 1111 1111 1111 declined",
            "card 4111-1111-1111-1111 declined",
            "card 4111.1111.1111.1111 declined",
            "card 4111 - 1111 - 1111 - 1111 declined",
            "card \u{FF14}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11} declined",
            "card \u{FF14}\u{FF11}\u{FF11}\u{FF11}\u{3000}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{3000}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{3000}\u{FF11}\u{FF11}\u{FF11}\u{FF11} declined",
            "Amex 3782 822463 10005.",
        ] {
            let masked = mask_text(text);
            let digits: String = masked.chars().filter(char::is_ascii_digit).collect();
            assert!(masked.contains("******"), "{text} -> {masked}");
            assert!(digits.len() <= 10, "{text} -> {masked}");
            assert!(masked.ends_with("declined") || masked.ends_with('.'), "{masked}");
        }
        assert_eq!(
            mask_text("card 4111 1111 1111 1111 declined"),
            "card 411111******1111 declined"
        );
        // A PAN inside a longer grouped sequence is still found.
        assert_eq!(
            mask_text("ref 12 4111 1111 1111 1111"),
            "ref 12 411111******1111"
        );
        // Ordinary numbers, dates, amounts and non-Luhn references are left alone.
        for text in [
            "amount 1,000.00 on 2024-01-15 12:30",
            "order 1234 5678 9012 3450",
            "version 1.2.3, code 05",
            "\u{FF11}\u{FF12}\u{FF13}",
        ] {
            assert_eq!(mask_text(text), text);
        }
    }

    #[test]
    fn sensitive_keys_match_by_family() {
        for key in [
            "number",
            "cardNumber",
            "card_number",
            "encryptedCardNumber",
            "cvc",
            "CVV2",
            "cardSecurityCode",
            "card-security-code",
            "ssl_cvv2cvc2",
            "securityCode",
            "api_key",
            "X-API-Key",
            "x-api-key",
            "apiKeySecret",
            "key_secret",
            "clientSecret",
            "webhook_secret",
            "password",
            "Authorization",
            "Proxy-Authorization",
            "hmacSignature",
            "X-Razorpay-Signature",
            "razorpay_signature",
            "x-callback-token",
            "applePayToken",
            "access_token",
            "encryptedExpiryYear",
            "cryptogram",
            "tokenAuthenticationVerificationValue",
            "cavv",
            "pin",
            "ssl_pin",
            "privateKey",
            "Set-Cookie",
        ] {
            assert!(is_sensitive_key(key), "{key} should be masked");
        }
        for key in [
            "token_type",
            "tokenType",
            "payment_token_id",
            "signatureVersion",
            "authorizationCode",
            "authCode",
            "cvcResult",
            "cvcResultRaw",
            "ssl_cvv2_response",
            "ssl_cvv2cvc2_indicator",
            "cvv_check",
            "holderName",
            "merchantAccount",
            "pspReference",
            "idempotency-key",
            "Cko-Idempotency-Key",
            "amount",
            "",
        ] {
            assert!(!is_sensitive_key(key), "{key} should stay readable");
        }
    }

    #[test]
    fn masks_numeric_secrets_under_sensitive_keys() {
        let body = br#"{"card":{"cardSecurityCode":737,"number":4111111111111111},"key_secret":12345678,"token_type":"bearer","message":"card 4111-1111-1111-1111 refused"}"#;
        let masked = mask_body(body);
        assert!(!masked.contains("737"), "{masked}");
        assert!(!masked.contains("12345678"), "{masked}");
        assert!(!masked.contains("1111-1111"), "{masked}");
        assert!(!masked.contains("4111111111111111"), "{masked}");
        assert!(masked.contains("\"token_type\":\"bearer\""), "{masked}");
    }
}
