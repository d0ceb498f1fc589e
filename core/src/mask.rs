//! Masking of processor payloads and free text before they are stored in a response, an error
//! or a log line.
//!
//! Two rules, applied together:
//! * values under sensitive keys (card number, CVC, API keys, passwords, signatures...) are
//!   replaced by `***`;
//! * any run of 12 to 19 digits that passes the Luhn check is shown as a masked card number,
//!   wherever it appears.

use serde_json::Value;

use crate::secret::{luhn_valid, mask_pan, REDACTED};

/// Keys (compared case-insensitively, ignoring `_` and `-`) whose values are always masked.
const SENSITIVE_KEYS: &[&str] = &[
    "number",
    "cardnumber",
    "pan",
    "cvc",
    "cvv",
    "cvv2",
    "cid",
    "securitycode",
    "encryptedcardnumber",
    "encryptedsecuritycode",
    "encryptedexpirymonth",
    "encryptedexpiryyear",
    "encryptedcard",
    "applepaytoken",
    "googlepaytoken",
    "tokenauthenticationverificationvalue",
    "cryptogram",
    "cavv",
    "apikey",
    "xapikey",
    "password",
    "secret",
    "keysecret",
    "clientsecret",
    "authorization",
    "hmacsignature",
    "hmackey",
    "sslpin",
    "sslcardnumber",
    "sslcvv2cvc2",
    "pin",
];

fn normalize_key(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Whether values under this key (JSON property, header, form field) must be masked.
pub fn is_sensitive_key(key: &str) -> bool {
    let k = normalize_key(key);
    SENSITIVE_KEYS.contains(&k.as_str())
}

/// Masks card-number-like digit runs in free text.
pub fn mask_text(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &text[start..i];
            if (12..=19).contains(&run.len()) && luhn_valid(run) {
                out.push_str(&mask_pan(run));
            } else {
                out.push_str(run);
            }
        } else {
            let ch_len = utf8_len(bytes[i]);
            out.push_str(&text[i..i + ch_len]);
            i += ch_len;
        }
    }
    out
}

fn utf8_len(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
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
        Value::String(s) => {
            let masked = mask_text(s);
            if masked != *s {
                *s = masked;
            }
        }
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
}
