//! Commerce Hub request signing (CH docs `Authentication-Header.md`): `Authorization` is the
//! standard Base64 (with padding) of the raw HMAC-SHA256 digest, keyed with the API secret, of
//! `Api-Key + Client-Request-Id + Timestamp + body`, with no separators. Method and path are
//! not signed; an empty body signs as the empty string.

use base64::prelude::{Engine as _, BASE64_STANDARD};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The `Authorization` value for a request.
pub fn signature(
    api_key: &str,
    api_secret: &str,
    client_request_id: &str,
    timestamp: &str,
    body: &[u8],
) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(api_secret.as_bytes()) else {
        return String::new();
    };
    mac.update(api_key.as_bytes());
    mac.update(client_request_id.as_bytes());
    mac.update(timestamp.as_bytes());
    mac.update(body);
    BASE64_STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `given` is the signature of the request (constant-time comparison).
pub fn verify(
    given: &str,
    api_key: &str,
    api_secret: &str,
    client_request_id: &str,
    timestamp: &str,
    body: &[u8],
) -> bool {
    let expected = signature(api_key, api_secret, client_request_id, timestamp, body);
    !expected.is_empty() && bool::from(given.trim().as_bytes().ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spec's locally computed vector (no official Fiserv vector with inputs exists).
    #[test]
    fn reproduces_the_computed_vector() {
        let sig = signature(
            "API_KEY",
            "SECRET",
            "CLIENT_REQUEST_ID",
            "1700000000000",
            br#"{"a":1}"#,
        );
        assert_eq!(sig, "sd/wGPaJ+mI+bPSa62mFX2hshahalWrrOgej0KcZ+fc=");
        assert_eq!(sig.len(), 44);
        assert!(verify(
            "sd/wGPaJ+mI+bPSa62mFX2hshahalWrrOgej0KcZ+fc=",
            "API_KEY",
            "SECRET",
            "CLIENT_REQUEST_ID",
            "1700000000000",
            br#"{"a":1}"#,
        ));
    }

    #[test]
    fn rejects_other_bodies_keys_and_the_hex_variant() {
        let body = br#"{"a":1}"#;
        let good = signature(
            "API_KEY",
            "SECRET",
            "CLIENT_REQUEST_ID",
            "1700000000000",
            body,
        );
        assert!(!verify(
            &good,
            "API_KEY",
            "SECRET",
            "CLIENT_REQUEST_ID",
            "1700000000000",
            br#"{"a": 1}"#
        ));
        assert!(!verify(
            &good,
            "API_KEY",
            "OTHER",
            "CLIENT_REQUEST_ID",
            "1700000000000",
            body
        ));
        assert!(!verify(
            &good,
            "API_KEY",
            "SECRET",
            "CLIENT_REQUEST_ID",
            "1700000000001",
            body
        ));
        // The legacy-doc mistake: Base64 of the hex digest (88 characters).
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(b"SECRET") else {
            panic!("hmac key");
        };
        mac.update(b"API_KEYCLIENT_REQUEST_ID1700000000000");
        mac.update(body);
        let hex_variant = BASE64_STANDARD.encode(hex::encode(mac.finalize().into_bytes()));
        assert_eq!(hex_variant.len(), 88);
        assert!(!verify(
            &hex_variant,
            "API_KEY",
            "SECRET",
            "CLIENT_REQUEST_ID",
            "1700000000000",
            body
        ));
        assert!(!verify(
            "",
            "API_KEY",
            "SECRET",
            "CLIENT_REQUEST_ID",
            "1700000000000",
            body
        ));
    }
}
