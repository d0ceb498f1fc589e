//! Xendit's objects as they come over the wire, parsed leniently: every field is optional,
//! `null` is the same as missing, unknown fields are ignored, and status values this connector
//! does not know are kept as text (never a parse failure).
//!
//! Shapes: the `PaymentRequest`, `Capture` and `Refund` models of the Xendit Node SDK
//! (`xendit/xendit-node`), and the `PaymentCallback` / `RefundCallback` objects of the Xendit
//! Python SDK docs (`docs/PaymentRequestApi.md`, `docs/RefundApi.md`).

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string, or a number/bool rendered as text; `null`, empty strings and other types are
/// `None`.
pub(super) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// A JSON amount (number or numeric string), kept as it came for exact conversion.
pub(super) fn opt_amount<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(v @ Value::Number(_)) | Some(v @ Value::String(_)) => Some(v),
        _ => None,
    })
}

/// A list, where `null` or a non-array is an empty list and unparseable items are skipped.
pub(super) use crate::connectors::lenient_vec;

/// An object read as `T`, or `None` for `null`, another type, or an object that is not a `T`.
pub(super) use crate::connectors::lenient_object;

/// The `status` of a payment request (Node SDK `PaymentRequestStatus`, plus `VERIFIED`, seen
/// in practice). A value this connector does not know is kept in `Other`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum PaymentRequestStatus {
    Pending,
    RequiresAction,
    Canceled,
    Succeeded,
    Verified,
    Failed,
    Voided,
    Unknown,
    AwaitingCapture,
    Expired,
    Other(String),
}

impl PaymentRequestStatus {
    pub fn parse(raw: &str) -> PaymentRequestStatus {
        match raw.to_ascii_uppercase().as_str() {
            "PENDING" => PaymentRequestStatus::Pending,
            "REQUIRES_ACTION" => PaymentRequestStatus::RequiresAction,
            // One L in the Payment Requests API; two Ls also read the same.
            "CANCELED" | "CANCELLED" => PaymentRequestStatus::Canceled,
            "SUCCEEDED" => PaymentRequestStatus::Succeeded,
            "VERIFIED" => PaymentRequestStatus::Verified,
            "FAILED" => PaymentRequestStatus::Failed,
            "VOIDED" => PaymentRequestStatus::Voided,
            "UNKNOWN" => PaymentRequestStatus::Unknown,
            "AWAITING_CAPTURE" => PaymentRequestStatus::AwaitingCapture,
            "EXPIRED" => PaymentRequestStatus::Expired,
            _ => PaymentRequestStatus::Other(raw.to_string()),
        }
    }
}

/// The `status` of a capture or a refund: `PENDING`, `SUCCEEDED`, `FAILED`, plus (refunds)
/// `CANCELLED` and `REQUIRES_ACTION`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum OperationStatus {
    Pending,
    RequiresAction,
    Succeeded,
    Failed,
    Cancelled,
    Other(String),
}

impl OperationStatus {
    pub fn parse(raw: &str) -> OperationStatus {
        match raw.to_ascii_uppercase().as_str() {
            "PENDING" => OperationStatus::Pending,
            "REQUIRES_ACTION" => OperationStatus::RequiresAction,
            "SUCCEEDED" => OperationStatus::Succeeded,
            "FAILED" => OperationStatus::Failed,
            // Two Ls for refunds; one L also reads the same.
            "CANCELLED" | "CANCELED" => OperationStatus::Cancelled,
            _ => OperationStatus::Other(raw.to_string()),
        }
    }
}

/// A payment request (`POST /payment_requests`, `GET /payment_requests/{id}`).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct PaymentRequest {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub reference_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub customer_id: Option<String>,
    #[serde(default, deserialize_with = "opt_amount")]
    pub amount: Option<Value>,
    #[serde(default, deserialize_with = "opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub capture_method: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub failure_code: Option<String>,
    #[serde(default, deserialize_with = "lenient_object")]
    pub payment_method: Option<PaymentMethodObject>,
    #[serde(default, deserialize_with = "lenient_vec")]
    pub actions: Vec<Action>,
}

/// The `payment_method` of a payment request or callback.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct PaymentMethodObject {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub reusability: Option<String>,
    #[serde(default, deserialize_with = "lenient_object")]
    pub ewallet: Option<EwalletObject>,
}

impl PaymentMethodObject {
    /// The saved payment method's id: `id` when the method is `MULTIPLE_USE`.
    pub fn reusable_id(&self) -> Option<String> {
        let reusable = self
            .reusability
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case("MULTIPLE_USE"));
        if reusable {
            self.id.clone()
        } else {
            None
        }
    }

    /// The e-wallet's channel code (`OVO`, `DANA`, ...), for e-wallet payments.
    pub fn ewallet_channel(&self) -> Option<&str> {
        self.ewallet.as_ref()?.channel_code.as_deref()
    }
}

/// `payment_method.ewallet`.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct EwalletObject {
    #[serde(default, deserialize_with = "opt_string")]
    pub channel_code: Option<String>,
}

/// One element of `actions[]` (`PaymentRequestAction`): every key is present, values may be
/// null.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Action {
    #[serde(default, deserialize_with = "opt_string")]
    pub action: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub url_type: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub method: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub qr_code: Option<String>,
}

/// A capture (`POST /payment_requests/{id}/captures`).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Capture {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub payment_request_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub reference_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "opt_amount")]
    pub authorized_amount: Option<Value>,
    #[serde(default, deserialize_with = "opt_amount")]
    pub captured_amount: Option<Value>,
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub failure_code: Option<String>,
}

/// A refund (`POST /refunds`, `GET /refunds/{id}`), and the `data` of a refund callback
/// (which names the payment `payment_id`).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Refund {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub payment_request_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub payment_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub invoice_id: Option<String>,
    #[serde(default, deserialize_with = "opt_amount")]
    pub amount: Option<Value>,
    #[serde(default, deserialize_with = "opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub reference_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub failure_code: Option<String>,
}

impl Refund {
    /// The refunded payment: `payment_request_id` (API answers), else `payment_id`
    /// (callbacks), else `invoice_id`.
    pub fn payment_reference(&self) -> Option<String> {
        self.payment_request_id
            .clone()
            .or_else(|| self.payment_id.clone())
            .or_else(|| self.invoice_id.clone())
    }
}

/// The error body: `{"error_code", "message", "errors": [...]}`.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct ErrorBody {
    #[serde(default, deserialize_with = "opt_string")]
    pub error_code: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub message: Option<String>,
    #[serde(default)]
    pub errors: Option<Value>,
}

/// A callback: `{"event", "business_id", "created", "api_version", "data"}`.
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct Callback {
    #[serde(default, deserialize_with = "opt_string")]
    pub event: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub created: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub api_version: Option<String>,
    #[serde(default)]
    pub data: Option<Value>,
}

/// The `data` of a payment or capture callback (`PaymentCallbackData`; a capture callback
/// carries the `Capture` fields).
#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct PaymentCallbackData {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub payment_request_id: Option<String>,
    /// The legacy QRIS `qr.payment` callback names its QR code `qr_id`.
    #[serde(default, deserialize_with = "opt_string")]
    pub qr_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub reference_id: Option<String>,
    #[serde(default, deserialize_with = "opt_amount")]
    pub amount: Option<Value>,
    #[serde(default, deserialize_with = "opt_amount")]
    pub authorized_amount: Option<Value>,
    #[serde(default, deserialize_with = "opt_amount")]
    pub captured_amount: Option<Value>,
    #[serde(default, deserialize_with = "opt_string")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub failure_code: Option<String>,
    #[serde(default, deserialize_with = "lenient_object")]
    pub payment_method: Option<PaymentMethodObject>,
    #[serde(default, deserialize_with = "opt_string")]
    pub updated: Option<String>,
}
