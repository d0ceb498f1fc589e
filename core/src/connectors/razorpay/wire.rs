//! Razorpay's entities as they come over the wire, parsed leniently: every field is optional,
//! `null` is the same as missing, numbers may come as numeric strings, and fields this
//! connector does not read (such as `notes`, an array when empty and an object otherwise) are
//! ignored.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string, or a number/bool rendered as text; `null` and other types are `None`.
pub(super) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// An integer, from a JSON integer or a numeric string; anything else is `None`.
pub(super) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// An amount in sub-units as it came: missing (or `null`), a non-negative integer (a JSON
/// integer or a numeric string), or something that is not an amount at all (a negative number,
/// a fraction, text). Razorpay amounts are non-negative integers (Razorpay API reference,
/// "Payments > Payment Entity": `amount` is an integer in the currency's subunit), so the last
/// case is a broken answer, never a missing amount.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) enum Amount {
    #[default]
    Missing,
    Valid(i64),
    Invalid(String),
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        let parsed = |v: Option<i64>, raw: String| match v {
            Some(n) if n >= 0 => Amount::Valid(n),
            _ => Amount::Invalid(raw),
        };
        Ok(match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Amount::Missing,
            Some(Value::Number(n)) => parsed(n.as_i64(), n.to_string()),
            Some(Value::String(s)) => {
                let t = s.trim();
                let digits = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
                parsed(if digits { t.parse().ok() } else { None }, s)
            }
            Some(other) => Amount::Invalid(other.to_string()),
        })
    }
}

/// A boolean, from `true`/`false`, `1`/`0` or their string forms.
pub(super) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::Number(n)) => n.as_i64().map(|v| v != 0),
        Some(Value::String(s)) => match s.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

/// A list, where `null` or a non-array is an empty list and unparseable items are skipped.
pub(super) use crate::connectors::lenient_vec;

/// The payment entity (`GET /v1/payments/{id}`, capture, webhooks).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct PaymentEntity {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(default)]
    pub amount: Amount,
    #[serde(default, deserialize_with = "opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub order_id: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub captured: Option<bool>,
    #[serde(default, deserialize_with = "opt_string")]
    pub customer_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub token_id: Option<String>,
    /// `card`, `netbanking`, `wallet`, `emi`, `upi`, ...
    #[serde(default, deserialize_with = "opt_string")]
    pub method: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub error_code: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub error_description: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub error_reason: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub created_at: Option<i64>,
}

/// The refund entity.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct RefundEntity {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub payment_id: Option<String>,
    #[serde(default)]
    pub amount: Amount,
    #[serde(default, deserialize_with = "opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub receipt: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub created_at: Option<i64>,
}

/// The order entity.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct OrderEntity {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(default)]
    pub amount: Amount,
    #[serde(default, deserialize_with = "opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub receipt: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub created_at: Option<i64>,
}

/// The dispute entity.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct DisputeEntity {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub payment_id: Option<String>,
    #[serde(default)]
    pub amount: Amount,
    #[serde(default, deserialize_with = "opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub reason_code: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub reason_description: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub respond_by: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub phase: Option<String>,
}

/// Any entity that only matters for its `id` (customer, document).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct IdEntity {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
}

/// `{"entity": "collection", "count": n, "items": [...]}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(bound = "T: serde::de::DeserializeOwned")]
pub(super) struct Collection<T> {
    #[serde(default, deserialize_with = "lenient_vec")]
    pub items: Vec<T>,
}

/// The answer of `create/json` and `create/recurring`.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct CreatedPayment {
    #[serde(default, deserialize_with = "opt_string")]
    pub razorpay_payment_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub razorpay_order_id: Option<String>,
    /// `None` when absent or not a list.
    #[serde(default)]
    pub next: Option<Value>,
    /// The `upi://pay` intent URI of a UPI intent payment created through `create/upi`.
    #[serde(default, deserialize_with = "opt_string")]
    pub link: Option<String>,
    /// `"respawn"` when Razorpay did not create the payment and asks for more fields instead
    /// (the `fake_payment_json.json` mock of the Razorpay Python and Go SDKs: HTTP 200 with
    /// `type: "respawn"`, the request echoed, and `missing: ["vpa"]`).
    #[serde(default, rename = "type", deserialize_with = "opt_string")]
    pub kind: Option<String>,
    /// The request fields a `respawn` answer asks for.
    #[serde(default, deserialize_with = "lenient_vec")]
    pub missing: Vec<String>,
}

/// One entry of `next[]`.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct NextEntry {
    #[serde(default, deserialize_with = "opt_string")]
    pub action: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub url: Option<String>,
}

/// The `error` object of a failed call (Razorpay docs, "Errors"). Everything but `code` and `description` may
/// be missing.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct ErrorObject {
    #[serde(default, deserialize_with = "opt_string")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub field: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub source: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub step: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub reason: Option<String>,
    #[serde(default)]
    pub metadata: Option<Value>,
}

impl ErrorObject {
    /// A string from `metadata` (`payment_id`, `order_id`).
    pub fn metadata_str(&self, key: &str) -> Option<String> {
        self.metadata
            .as_ref()?
            .get(key)?
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }
}

/// The webhook envelope (Razorpay docs, "Webhooks": `{"entity": "event", "event", "contains",
/// "payload": {"<entity>": {"entity": {...}}}, "created_at"}`).
#[derive(Deserialize)]
pub(super) struct Envelope {
    #[serde(default, deserialize_with = "opt_string")]
    pub event: Option<String>,
    #[serde(default)]
    pub payload: Option<Value>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub created_at: Option<i64>,
}

impl Envelope {
    /// `payload.<key>.entity`, when present and parseable.
    pub fn entity<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let value = self.payload.as_ref()?.get(key)?.get("entity")?;
        if !value.is_object() {
            return None;
        }
        serde_json::from_value(value.clone()).ok()
    }
}

/// Trims and drops empty strings.
pub(super) fn non_empty(value: Option<String>) -> Option<String> {
    value
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}
