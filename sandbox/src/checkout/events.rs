//! Webhook events (Checkout.com API reference, "Webhooks"): the legacy envelope `{id, type, created_on, data, _links}`,
//! signed with `Cko-Signature` = hex HMAC-SHA256 of the raw body, keyed with the webhook
//! secret's UTF-8 bytes.

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use super::{iso_now, LOWER_ALNUM};
use crate::processor::Webhook;
use crate::util::random_string;

/// Lower-case hex HMAC-SHA256 of `message` with `secret`.
pub fn hmac_hex(secret: &str, message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// One event: its type, its `data` and the `_links` of its subject.
#[derive(Clone, Debug)]
pub struct Event {
    pub kind: &'static str,
    pub data: Value,
    /// `_links` besides `self` (e.g. `payment`, `subject`).
    pub links: Value,
}

impl Event {
    pub fn new(kind: &'static str, data: Value, links: Value) -> Event {
        Event { kind, data, links }
    }

    /// The envelope, serialised once, and its signature over exactly those bytes.
    pub fn to_webhook(&self, secret: &str) -> Webhook {
        let id = format!("evt_{}", random_string(26, LOWER_ALNUM));
        let mut links = match &self.links {
            Value::Object(map) => map.clone(),
            _ => serde_json::Map::new(),
        };
        links.insert(
            "self".into(),
            json!({"href": format!("https://api.sandbox.checkout.com/events/{id}")}),
        );
        let body = json!({
            "id": id,
            "type": self.kind,
            "created_on": iso_now(),
            "data": self.data,
            "_links": Value::Object(links),
        })
        .to_string();
        Webhook {
            event: self.kind.to_string(),
            headers: vec![
                ("Content-Type".to_string(), "application/json".to_string()),
                (
                    "Cko-Signature".to_string(),
                    hmac_hex(secret, body.as_bytes()),
                ),
            ],
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_of_a_fixed_body() {
        // RFC 4231 test case 2 ("Jefe"), which is HMAC-SHA256 over UTF-8 text.
        assert_eq!(
            hmac_hex("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn envelope_is_signed_over_the_exact_body() {
        let webhook = Event::new(
            "payment_captured",
            json!({"id": "pay_1", "action_id": "act_1", "amount": 100}),
            json!({"payment": {"href": "x"}}),
        )
        .to_webhook("s3cret");
        assert_eq!(webhook.event, "payment_captured");
        let signature = &webhook
            .headers
            .iter()
            .find(|(k, _)| k == "Cko-Signature")
            .unwrap()
            .1;
        assert_eq!(signature, &hmac_hex("s3cret", webhook.body.as_bytes()));
        let body: Value = serde_json::from_str(&webhook.body).unwrap();
        assert!(body["id"].as_str().unwrap().starts_with("evt_"));
        assert_eq!(body["type"], "payment_captured");
        assert_eq!(body["data"]["id"], "pay_1");
        assert_eq!(body["_links"]["payment"]["href"], "x");
        assert!(body["_links"]["self"]["href"].is_string());
    }
}
