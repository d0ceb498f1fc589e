//! Adyen standard notifications (spec Adyen API reference, "Webhooks"): the envelope and the HMAC signature.

use base64::prelude::{Engine as _, BASE64_STANDARD};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha256;

use crate::processor::Webhook;
use crate::util::rfc3339;

/// One `NotificationRequestItem`.
#[derive(Clone, Debug)]
pub struct Notification {
    pub event_code: &'static str,
    /// The payment (payment events), the modification (capture, cancel, refund) or the
    /// dispute (dispute events).
    pub psp_reference: String,
    /// The payment, for modification and dispute events.
    pub original_reference: Option<String>,
    pub merchant_reference: String,
    pub value: i64,
    pub currency: String,
    pub success: bool,
    pub reason: Option<String>,
    pub payment_method: Option<String>,
    pub additional_data: Vec<(String, String)>,
    pub operations: Option<Vec<&'static str>>,
}

/// The 8-field string that is signed (Adyen API reference, "Signature (HMAC) — exact algorithm").
#[allow(clippy::too_many_arguments)]
pub fn signing_string(
    psp_reference: &str,
    original_reference: &str,
    merchant_account: &str,
    merchant_reference: &str,
    value: i64,
    currency: &str,
    event_code: &str,
    success: &str,
) -> String {
    [
        psp_reference,
        original_reference,
        merchant_account,
        merchant_reference,
        &value.to_string(),
        currency,
        event_code,
        success,
    ]
    .join(":")
}

/// Base64(HMAC-SHA256(key, message)).
pub fn sign(key: &[u8], message: &str) -> String {
    // HMAC accepts keys of any length: the error case does not happen.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(message.as_bytes());
    BASE64_STANDARD.encode(mac.finalize().into_bytes())
}

impl Notification {
    /// The webhook: the Adyen API reference, "Transport and envelope" envelope with this single item, signed with `hmac_key`.
    pub fn to_webhook(&self, merchant_account: &str, hmac_key: &[u8]) -> Webhook {
        let success = if self.success { "true" } else { "false" };
        let signature = sign(
            hmac_key,
            &signing_string(
                &self.psp_reference,
                self.original_reference.as_deref().unwrap_or(""),
                merchant_account,
                &self.merchant_reference,
                self.value,
                &self.currency,
                self.event_code,
                success,
            ),
        );
        let mut additional = Map::new();
        for (k, v) in &self.additional_data {
            additional.insert(k.clone(), json!(v));
        }
        additional.insert("hmacSignature".to_string(), json!(signature));

        let mut item = Map::new();
        item.insert("additionalData".into(), Value::Object(additional));
        item.insert(
            "amount".into(),
            json!({"currency": self.currency, "value": self.value}),
        );
        item.insert("eventCode".into(), json!(self.event_code));
        item.insert(
            "eventDate".into(),
            json!(rfc3339(
                std::time::SystemTime::now(),
                std::time::Duration::ZERO
            )),
        );
        item.insert("merchantAccountCode".into(), json!(merchant_account));
        item.insert("merchantReference".into(), json!(self.merchant_reference));
        if let Some(original) = &self.original_reference {
            item.insert("originalReference".into(), json!(original));
        }
        if let Some(method) = &self.payment_method {
            item.insert("paymentMethod".into(), json!(method));
        }
        item.insert("pspReference".into(), json!(self.psp_reference));
        if let Some(reason) = &self.reason {
            item.insert("reason".into(), json!(reason));
        }
        item.insert("success".into(), json!(success));
        if let Some(operations) = &self.operations {
            item.insert("operations".into(), json!(operations));
        }
        let body = json!({"live": "false", "notificationItems": [{"NotificationRequestItem": Value::Object(item)}]});
        Webhook {
            event: self.event_code.to_string(),
            headers: vec![("Content-Type".to_string(), "application/json".to_string())],
            body: body.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adyen API reference, "Official test vector" (from the Adyen Python API library's unit test).
    #[test]
    fn official_vector() {
        let key = hex::decode("44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056")
            .unwrap();
        let s = signing_string(
            "7914073381342284",
            "",
            "TestMerchant",
            "TestPayment-1407325143704",
            1130,
            "EUR",
            "AUTHORISATION",
            "true",
        );
        assert_eq!(
            s,
            "7914073381342284::TestMerchant:TestPayment-1407325143704:1130:EUR:AUTHORISATION:true"
        );
        assert_eq!(
            sign(&key, &s),
            "coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0="
        );
    }
}
