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

/// The first bytes of [`SENSITIVE_FRAGMENTS`].
const FRAGMENT_STARTS: [bool; 256] = {
    let mut starts = [false; 256];
    let mut i = 0;
    while i < SENSITIVE_FRAGMENTS.len() {
        starts[SENSITIVE_FRAGMENTS[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    starts
};

/// Whether `k` contains one of [`SENSITIVE_FRAGMENTS`]: compared only where the fragment's first
/// byte is (`str::contains` per fragment costs more than the rest of masking a response).
fn contains_fragment(k: &str) -> bool {
    let k = k.as_bytes();
    (0..k.len()).any(|i| {
        // Most positions start no fragment.
        FRAGMENT_STARTS[k[i] as usize]
            && SENSITIVE_FRAGMENTS.iter().any(|f| {
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
    mask_card_numbers(text).unwrap_or_else(|| text.to_string())
}

/// [`mask_text`], or `None` when the text holds nothing to mask (most texts: no copy made).
fn mask_card_numbers(text: &str) -> Option<String> {
    // No 12 digits joined by separators, no card number: nothing to look for (most values,
    // timestamps and UUIDs included).
    if !has_card_length_run(text) {
        return None;
    }
    mask_digit_groups(text)
}

/// The search itself: digit groups, joined into sequences, and the card-like spans in them.
fn mask_digit_groups(text: &str) -> Option<String> {
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
        return None;
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
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (start, end, masked) in spans {
        out.push_str(&text[pos..start]);
        out.push_str(&masked);
        pos = end;
    }
    out.push_str(&text[pos..]);
    Some(out)
}

/// Whether `text` holds at least as many digits as the shortest card number.
fn has_card_length_digits(text: &str) -> bool {
    // Read as bytes: an ASCII digit, or a full-width one (U+FF10 to U+FF19: EF BC 90 to 99).
    let bytes = text.as_bytes();
    let mut digits = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            digits += 1;
        } else if bytes[i] == 0xEF
            && bytes.get(i + 1) == Some(&0xBC)
            && bytes.get(i + 2).is_some_and(|b| (0x90..=0x99).contains(b))
        {
            digits += 1;
            i += 2;
        }
        if digits == 12 {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `text` holds a sequence of at least 12 digits in groups joined only by separators
/// (as [`mask_card_numbers`] joins them), the least a card number needs.
fn has_card_length_run(text: &str) -> bool {
    if !has_card_length_digits(text) {
        return false;
    }
    // The digits of the current sequence, and the separators read since its last digit (more
    // than MAX_SEPARATOR_RUN, or anything else, ends the sequence).
    let mut digits = 0;
    let mut gap = usize::MAX;
    for c in text.chars() {
        if digit_value(c).is_some() {
            digits = if gap <= MAX_SEPARATOR_RUN {
                digits + 1
            } else {
                1
            };
            gap = 0;
            if digits == 12 {
                return true;
            }
        } else if is_separator(c) {
            gap = gap.saturating_add(1);
        } else {
            gap = usize::MAX;
        }
    }
    false
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
            if let Some(masked) = mask_card_numbers(s) {
                *s = masked;
            }
        }
        // An integer of fewer than 12 digits cannot be a card number.
        Value::Number(n)
            if n.as_i64()
                .is_some_and(|i| i.unsigned_abs() < 100_000_000_000) => {}
        Value::Number(n) => {
            let text = n.to_string();
            if mask_card_numbers(&text).is_some() {
                *value = Value::String(mask_pan(&text));
            }
        }
        _ => {}
    }
}

/// Masks a processor body for storage in `raw_response` or logs. JSON bodies are masked by key
/// and value; XML and form bodies by element/field name; anything else as free text.
///
/// A JSON body keeps its text: only the masked values change (the same values
/// [`mask_json_value`] masks), without building a tree and writing it out again.
pub fn mask_body(body: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(body) {
        // Checked in full first (syntax, nesting depth), so the scan below only meets valid JSON.
        if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
            return JsonMasker::mask(text);
        }
    }
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim_start();
    if trimmed.starts_with('<') {
        return mask_xml(&text);
    }
    if text.contains('=') && !text.contains(' ') {
        return mask_form(&text);
    }
    mask_text(&text)
}

/// One pass over a valid JSON text that copies it and replaces what [`mask_json_value`] would
/// mask: scalar values under sensitive keys (with `"***"`), strings holding a card number, and
/// numbers that are one (with the masked number, as a string).
struct JsonMasker<'a> {
    text: &'a str,
    pos: usize,
    out: String,
    /// How much of `text` is already in `out`.
    copied: usize,
}

impl<'a> JsonMasker<'a> {
    /// Masks `text`, which must be valid JSON.
    fn mask(text: &'a str) -> String {
        let mut masker = JsonMasker {
            text,
            pos: 0,
            out: String::new(),
            copied: 0,
        };
        masker.value(false);
        if masker.copied == 0 {
            return text.to_string();
        }
        masker.out.push_str(&text[masker.copied..]);
        masker.out
    }

    fn peek(&self) -> u8 {
        self.text.as_bytes().get(self.pos).copied().unwrap_or(b' ')
    }

    fn skip_whitespace(&mut self) {
        while matches!(
            self.text.as_bytes().get(self.pos),
            Some(b' ' | b'\t' | b'\n' | b'\r')
        ) {
            self.pos += 1;
        }
    }

    /// Replaces `text[start..self.pos]` with `with` in the output.
    fn replace(&mut self, start: usize, with: &str) {
        if self.copied == 0 {
            self.out.reserve(self.text.len() + 16);
        }
        self.out.push_str(&self.text[self.copied..start]);
        self.out.push_str(with);
        self.copied = self.pos;
    }

    /// The value at `pos`; `sensitive` when it is the value of a sensitive key.
    fn value(&mut self, sensitive: bool) {
        self.skip_whitespace();
        let start = self.pos;
        match self.peek() {
            open @ (b'{' | b'[') => {
                let (close, keyed) = if open == b'{' {
                    (b'}', true)
                } else {
                    (b']', false)
                };
                self.pos += 1;
                // `pos < len`: never true of valid JSON, but a scan must end whatever it is given.
                while self.pos < self.text.len() {
                    self.skip_whitespace();
                    if self.peek() == close {
                        self.pos += 1;
                        return;
                    }
                    let sensitive = keyed && self.key();
                    self.value(sensitive);
                    self.skip_whitespace();
                    if self.peek() == b',' {
                        self.pos += 1;
                    }
                }
            }
            b'"' => {
                let quoted = self.string();
                if sensitive {
                    return self.replace(start, "\"***\"");
                }
                // Each digit of the value is at least one digit of its escaped form.
                if !has_card_length_digits(quoted) {
                    return;
                }
                let inner = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or("");
                let masked = if inner.contains('\\') {
                    let Ok(value) = serde_json::from_str::<String>(quoted) else {
                        return;
                    };
                    mask_card_numbers(&value)
                } else {
                    mask_card_numbers(inner)
                };
                if let Some(masked) = masked {
                    self.replace(start, &Value::String(masked).to_string());
                }
            }
            b'n' => self.pos += 4,
            b't' | b'f' => {
                self.pos += if self.peek() == b't' { 4 } else { 5 };
                if sensitive {
                    self.replace(start, "\"***\"");
                }
            }
            _ => {
                while matches!(self.peek(), b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                    self.pos += 1;
                }
                if sensitive {
                    return self.replace(start, "\"***\"");
                }
                let number = &self.text[start..self.pos];
                // Fewer than 12 digits cannot be a card number.
                if mask_card_numbers(number).is_some() {
                    let masked = Value::String(mask_pan(number)).to_string();
                    self.replace(start, &masked);
                }
            }
        }
    }

    /// Reads an object's key and the `:` after it; whether the key is sensitive.
    fn key(&mut self) -> bool {
        let key = self.string();
        let sensitive = match key.contains('\\') {
            false => is_sensitive_key(key.get(1..key.len().saturating_sub(1)).unwrap_or("")),
            true => serde_json::from_str::<String>(key).is_ok_and(|k| is_sensitive_key(&k)),
        };
        self.skip_whitespace();
        self.pos += 1; // ':'
        sensitive
    }

    /// The string at `pos`, quotes included; moves past it.
    fn string(&mut self) -> &'a str {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start + 1;
        while let Some(at) = bytes
            .get(i..)
            .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
        {
            i += at;
            if bytes[i] == b'"' {
                break;
            }
            i += 2;
        }
        if i >= bytes.len() || bytes[i] != b'"' {
            i = bytes.len();
        }
        self.pos = (i + 1).min(bytes.len());
        &self.text[start..self.pos]
    }
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

    /// The one-pass JSON masking masks exactly what masking the parsed value does, and keeps
    /// the rest of the text as it was.
    #[test]
    fn json_text_is_masked_like_the_parsed_value() {
        let bodies = [
            r#"{"paymentMethod":{"number":"4111111111111111","cvc":"737","holderName":"J"},"x":[{"apiKey":"k"}]}"#,
            r#"{"amount":12345678901,"ref":"order 12345678901","pan":4111111111111111,"n":[4111111111111111, 4111111111111111.0, -1e3],"note":"card 4111 1111 1111 1111"}"#,
            r#"{"cvc":true,"password":false,"number":null,"card_number":{"last4":"1111"},"cvv":[737],"signature":[]}"#,
            r#"{"card\u004eumber":"4111111111111111","escaped":"\u0034111111111111111 \"quoted\" \\","unicode":"caf\u00e9 \ud83d\ude00"}"#,
            r#"{"full":"\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11","dup":"a","dup":"4111111111111111"}"#,
            r#"[ "4111111111111111" , {"a" : { "b" : [ { "securityCode" : "123" } ] } } , 1.5 , "x" ]"#,
            r#""4111 1111 1111 1111""#,
            r#"  4111111111111111  "#,
            r#"{"pspReference":"8835511210681610","resultCode":"Authorised","additionalData":{"cardSummary":"1111","expiryDate":"3/2030"}}"#,
            "{\n  \"pan\": \"4111111111111111\",\n  \"ok\": [true, false, null]\n}",
            "[]",
            "{}",
            "\"\"",
        ];
        for body in bodies {
            let masked = mask_body(body.as_bytes());
            let mut expected: Value = serde_json::from_str(body).unwrap();
            mask_json_value(&mut expected);
            let got: Value =
                serde_json::from_str(&masked).unwrap_or_else(|e| panic!("{e}: {masked}"));
            assert_eq!(got, expected, "{body} -> {masked}");
            assert!(!masked.contains("4111111111111111"), "{masked}");
        }
        // Nothing to mask: the text comes back as it was, whitespace and escapes included.
        let plain = "{ \"a\" : [1, 2.50, \"caf\\u00e9\"],\n \"b\": {} }";
        assert_eq!(mask_body(plain.as_bytes()), plain);
        // Only the masked value changes.
        assert_eq!(
            mask_body(br#"{ "cvc" : "737", "b": 1.0 }"#),
            r#"{ "cvc" : "***", "b": 1.0 }"#
        );
        // Not JSON (cut short, not UTF-8): masked as text.
        assert_eq!(
            mask_body(br#"{"a":"4111111111111111""#),
            r#"{"a":"411111******1111""#
        );
        assert_eq!(
            mask_body(b"\xff 4111111111111111"),
            "\u{FFFD} 411111******1111"
        );
    }

    /// Random documents, compact and pretty: the text masking agrees with the value masking.
    #[test]
    fn random_json_is_masked_like_the_parsed_value() {
        fn random_value(rng: &mut fastrand::Rng, depth: u32) -> Value {
            const KEYS: &[&str] = &[
                "a",
                "number",
                "cvc",
                "cvcResult",
                "pspReference",
                "card\"No",
                "é",
                "apiKey",
                "token_type",
            ];
            const STRINGS: &[&str] = &["", "x", "4111111111111111", "card 4111-1111-1111-1111 ok", "1234567890123456", "caf\u{e9} \"q\" \\ \n", "\u{FF14}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}\u{FF11}"];
            match rng.u8(0..if depth > 3 { 5 } else { 7 }) {
                0 => Value::Null,
                1 => Value::Bool(rng.bool()),
                2 => Value::from(rng.i64(..)),
                // Short floats: a float of 12 or more digits is masked by its text, which the
                // value path writes out again differently (`9.074974123701995e+16` is
                // Luhn-valid as written, not as serde_json writes it back).
                3 => Value::from((rng.f64() * 1e8).round() / 100.0),
                4 => Value::from(STRINGS[rng.usize(..STRINGS.len())]),
                5 => Value::Array(
                    (0..rng.usize(0..4))
                        .map(|_| random_value(rng, depth + 1))
                        .collect(),
                ),
                _ => Value::Object(
                    (0..rng.usize(0..5))
                        .map(|_| {
                            (
                                KEYS[rng.usize(..KEYS.len())].to_string(),
                                random_value(rng, depth + 1),
                            )
                        })
                        .collect(),
                ),
            }
        }
        let mut rng = fastrand::Rng::with_seed(17);
        for _ in 0..2_000 {
            let value = random_value(&mut rng, 0);
            for text in [
                value.to_string(),
                serde_json::to_string_pretty(&value).unwrap(),
            ] {
                // Parsed again from the text: serde_json does not read every float back exactly.
                let mut expected: Value = serde_json::from_str(&text).unwrap();
                mask_json_value(&mut expected);
                let masked = mask_body(text.as_bytes());
                let got: Value =
                    serde_json::from_str(&masked).unwrap_or_else(|e| panic!("{e}: {masked}"));
                assert_eq!(got, expected, "{text} -> {masked}");
            }
        }
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
    fn digits_are_counted_as_characters() {
        let full_width = |n: usize| "\u{FF11}".repeat(n);
        for (text, expected) in [
            ("12345678901", false),
            ("123456789012", true),
            ("ref 1234-5678-9012", true),
            (full_width(11).as_str(), false),
            (full_width(12).as_str(), true),
            (&format!("1234567890{}", full_width(2)), true),
            ("\u{FF0E}\u{FF1A}€ 1234567890", false),
            ("", false),
        ] {
            assert_eq!(has_card_length_digits(text), expected, "{text}");
            let count = text.chars().filter(|&c| digit_value(c).is_some()).count();
            assert_eq!(count >= 12, expected, "{text}");
        }
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
    fn texts_without_a_joined_run_of_12_digits_are_left_without_searching() {
        // The pre-check may only skip texts the search would leave as they are.
        let mut rng = fastrand::Rng::with_seed(17);
        let alphabet: Vec<char> =
            "0123456789012345678901234567890123456789 -.:T/Zab\u{00A0}\u{FF15}\u{2013}"
                .chars()
                .collect();
        let mut found = 0;
        for _ in 0..50_000 {
            let len = rng.usize(0..40);
            let text: String = (0..len)
                .map(|_| alphabet[rng.usize(..alphabet.len())])
                .collect();
            let searched = mask_digit_groups(&text);
            if !has_card_length_run(&text) {
                assert_eq!(searched, None, "{text:?}");
            }
            found += usize::from(searched.is_some());
            assert_eq!(mask_card_numbers(&text), searched, "{text:?}");
        }
        assert!(
            found > 100,
            "the random texts hold card numbers too ({found})"
        );
        for text in [
            "2026-12-06T22:49:48.164Z",
            "pr-7ddae9bd-81b5-449a-8d59-b536fb0f5b52",
            "+62 812 3456",
        ] {
            assert!(!has_card_length_run(text), "{text}");
        }
        assert!(has_card_length_run("4111 1111 - 1111 1111"));
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
