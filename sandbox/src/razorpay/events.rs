//! Webhooks (Razorpay API docs, "Webhooks"): the event envelope, `X-Razorpay-Signature` and `x-razorpay-event-id`.

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha256;

use super::{now_s, ACCOUNT_ID};
use crate::processor::Webhook;
use crate::util::{random_string, ALNUM};

/// Lowercase hex of HMAC-SHA256(`secret`, `message`): the webhook signature over the raw body
/// (Razorpay API docs, "Signature") and the return signature over `order_id|payment_id` (Razorpay API docs, "Authorize (server-to-server card) — POST /v1/payments/create/json").
pub fn hmac_hex(secret: &str, message: &[u8]) -> String {
    // HMAC accepts keys of any length: the error case does not happen.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// One event: its name and the entities of its payload, in order (`("payment", entity)`).
pub struct Event {
    pub name: &'static str,
    pub entities: Vec<(&'static str, Value)>,
}

impl Event {
    pub fn new(name: &'static str, entities: Vec<(&'static str, Value)>) -> Event {
        Event { name, entities }
    }

    /// The Razorpay API docs, "Envelope" envelope, signed with `secret`, with a fresh event id.
    pub fn to_webhook(&self, secret: &str) -> Webhook {
        let mut payload = Map::new();
        for (name, entity) in &self.entities {
            payload.insert((*name).to_string(), json!({ "entity": entity }));
        }
        let contains: Vec<&str> = self.entities.iter().map(|(name, _)| *name).collect();
        let body = json!({
            "entity": "event",
            "account_id": ACCOUNT_ID,
            "event": self.name,
            "contains": contains,
            "payload": Value::Object(payload),
            "created_at": now_s(),
        })
        .to_string();
        let signature = hmac_hex(secret, body.as_bytes());
        Webhook {
            event: self.name.to_string(),
            headers: vec![
                ("Content-Type".to_string(), "application/json".to_string()),
                ("X-Razorpay-Signature".to_string(), signature),
                ("X-Razorpay-Event-Id".to_string(), random_string(14, ALNUM)),
                ("User-Agent".to_string(), "Razorpay-Webhook/v1".to_string()),
            ],
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    /// The official vector of Razorpay API docs, "Official test vector" (the Razorpay Python SDK's unit test): 971 bytes with
    /// a trailing newline, secret `key_secret`.
    const OFFICIAL_BODY: &str = r#"{
  "event": "payment.authorized",
  "entity": "event",
  "contains": [
    "payment"
  ],
  "payload": {
    "payment": {
      "entity": {
        "id": "pay_6koWN7bvxujzxM",
        "entity": "payment",
        "amount": 1000000,
        "currency": "INR",
        "status": "captured",
        "order_id": "order_100000000order",
        "international": false,
        "method": "card",
        "amount_refunded": 0,
        "refund_status": null,
        "captured": true,
        "description": "random description",
        "card_id": "card_6koWNAT6LASUqy",
        "bank": null,
        "wallet": null,
        "vpa": null,
        "email": "a@b.com",
        "contact": "+919999999999",
        "notes": {
          "merchant_order_id": "random order id"
        },
        "fee": 23000,
        "service_tax": 3000,
        "error_code": null,
        "error_description": null,
        "created_at": 1479978483
      }
    }
  },
  "created_at": 1400826760
}
"#;

    #[test]
    fn official_vector() {
        assert_eq!(OFFICIAL_BODY.len(), 971);
        assert_eq!(
            hex::encode(sha2::Sha256::digest(OFFICIAL_BODY.as_bytes())),
            "9cc0236491299f34a154292eaed46d94b010f44b22095c034f884ca6a1862bef"
        );
        assert_eq!(
            hmac_hex("key_secret", OFFICIAL_BODY.as_bytes()),
            "d60e67fd884556c045e9be7dad57903e33efc7172c17c6e3ef77db42d2b366e9"
        );
    }

    #[test]
    fn envelope_is_signed_over_the_exact_body() {
        let event = Event::new(
            "payment.captured",
            vec![("payment", json!({"id": "pay_1", "entity": "payment"}))],
        );
        let webhook = event.to_webhook("s3cret");
        assert_eq!(webhook.event, "payment.captured");
        let header = |name: &str| {
            webhook
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(
            header("x-razorpay-signature"),
            hmac_hex("s3cret", webhook.body.as_bytes())
        );
        assert_eq!(header("x-razorpay-event-id").len(), 14);
        let body: Value = serde_json::from_str(&webhook.body).unwrap();
        assert_eq!(body["entity"], "event");
        assert_eq!(body["account_id"], ACCOUNT_ID);
        assert_eq!(body["contains"], json!(["payment"]));
        assert_eq!(body["payload"]["payment"]["entity"]["id"], "pay_1");
        let other = event.to_webhook("s3cret");
        assert_ne!(header("x-razorpay-event-id"), {
            other
                .headers
                .iter()
                .find(|(k, _)| k == "X-Razorpay-Event-Id")
                .map(|(_, v)| v.clone())
                .unwrap()
        });
    }
}
