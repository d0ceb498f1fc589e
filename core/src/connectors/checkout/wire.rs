//! Checkout.com's answers as they come over the wire, parsed leniently: every field is
//! optional, `null` is the same as missing, numbers may come as numeric strings, unknown
//! fields are ignored, and statuses are kept as text and mapped by [`PaymentState::parse`]
//! (an unknown status never fails the parse).
//!
//! Shapes: Checkout.com API reference, Payments > "Request a payment or payout"
//! (`PaymentResponse`, `PaymentAcceptedResponse`), "Get payment details", "Get payment
//! actions", "Capture / Void / Refund a payment"; Disputes; Files; Tokens.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A non-empty string, or a number/bool rendered as text; `null`, `""` and other types are
/// `None`.
pub(super) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
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

/// A boolean, from `true`/`false` or their string forms.
pub(super) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

/// An object read as `T`, or `None` for `null`, another type, or an object that is not a `T`.
pub(super) use crate::connectors::lenient_object as opt_object;

/// A list, where `null` or a non-array is an empty list and unparseable items are skipped.
pub(super) use crate::connectors::lenient_vec;

/// A payment's `status`, over its whole lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PaymentState {
    Pending,
    Authorized,
    CardVerified,
    Captured,
    PartiallyCaptured,
    Refunded,
    PartiallyRefunded,
    Voided,
    Declined,
    Canceled,
    Expired,
    Paid,
    RetryScheduled,
    /// A status this connector does not know.
    Unknown,
}

impl PaymentState {
    /// Case- and spacing-insensitive (`Card Verified`, `card_verified`), both cancel spellings.
    pub(super) fn parse(status: &str) -> PaymentState {
        let normalized: String = status
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match normalized.as_str() {
            "pending" => PaymentState::Pending,
            "authorized" | "authorised" => PaymentState::Authorized,
            "cardverified" => PaymentState::CardVerified,
            "captured" => PaymentState::Captured,
            "partiallycaptured" => PaymentState::PartiallyCaptured,
            "refunded" => PaymentState::Refunded,
            "partiallyrefunded" => PaymentState::PartiallyRefunded,
            "voided" => PaymentState::Voided,
            "declined" => PaymentState::Declined,
            "canceled" | "cancelled" => PaymentState::Canceled,
            "expired" => PaymentState::Expired,
            "paid" => PaymentState::Paid,
            "retryscheduled" => PaymentState::RetryScheduled,
            _ => PaymentState::Unknown,
        }
    }
}

/// `{"href": ...}`.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Link {
    #[serde(default, deserialize_with = "opt_string")]
    pub href: Option<String>,
}

/// `_links`: only the shopper redirect is read (the other links are never used to build
/// URLs: Checkout.com's own example swaps `void` and `capture`).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Links {
    #[serde(default, deserialize_with = "opt_object")]
    pub redirect: Option<Link>,
}

/// `processing{...}` of a payment or an action.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Processing {
    #[serde(default, deserialize_with = "opt_string")]
    pub partner_response_code: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub partner_merchant_advice_code: Option<String>,
}

/// `source{...}` of a payment: the reusable instrument id is what matters.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Source {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
}

/// `customer{...}`.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct CustomerRef {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
}

/// `balances{...}` of `GET /payments/{id}`.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Balances {
    #[serde(default, deserialize_with = "opt_i64")]
    pub total_authorized: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub available_to_capture: Option<i64>,
}

/// A payment: the 201 `PaymentResponse`, the 202 `PaymentAcceptedResponse`, and the 200
/// `PaymentDetails` of `GET /payments/{id}` share these fields.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Payment {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub action_id: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub amount: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub approved: Option<bool>,
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub response_code: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub response_summary: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub reference: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub scheme_id: Option<String>,
    #[serde(default, deserialize_with = "opt_object")]
    pub source: Option<Source>,
    #[serde(default, deserialize_with = "opt_object")]
    pub customer: Option<CustomerRef>,
    #[serde(default, deserialize_with = "opt_object")]
    pub processing: Option<Processing>,
    #[serde(default, deserialize_with = "opt_object")]
    pub balances: Option<Balances>,
    #[serde(default, rename = "_links", deserialize_with = "opt_object")]
    pub links: Option<Links>,
}

impl Payment {
    pub(super) fn redirect_url(&self) -> Option<String> {
        self.links.as_ref()?.redirect.as_ref()?.href.clone()
    }
}

/// The 202 of captures, voids and refunds (`CaptureAcceptedResponse`, `VoidAcceptedResponse`,
/// `RefundAcceptedResponse`).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct ActionAccepted {
    #[serde(default, deserialize_with = "opt_string")]
    pub action_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub reference: Option<String>,
}

/// One element of `GET /payments/{id}/actions` (a JSON array, newest first).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Action {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "opt_string")]
    pub kind: Option<String>,
    /// Minor units of the payment's currency (actions carry no currency of their own).
    #[serde(default, deserialize_with = "opt_i64")]
    pub amount: Option<i64>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub approved: Option<bool>,
    #[serde(default, deserialize_with = "opt_string")]
    pub response_code: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub response_summary: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub reference: Option<String>,
    #[serde(default, deserialize_with = "opt_object")]
    pub processing: Option<Processing>,
}

/// `{"id": "file_..."}` from `POST /files`.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Created {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
}

/// The 201 `TokenResponse` of `POST /tokens`: only the `tok_...` is read.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Token {
    #[serde(default, deserialize_with = "opt_string")]
    pub token: Option<String>,
}

/// The error body (`ValidationError` / generic error).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct ErrorBody {
    #[serde(default, deserialize_with = "opt_string")]
    pub request_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub error_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub error_codes: Vec<String>,
}
