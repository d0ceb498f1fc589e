//! The refunds service (refunds are created through the payments service).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::*;
use super::payments::DeclineDetails;
use crate::money::Money;

/// Why a refund is made (mapped to the processor's reason enum where it has one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefundReason {
    Fraud,
    CustomerRequest,
    Return,
    Duplicate,
    Other,
}

/// Refund a captured payment, fully or partially.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    /// The processor's payment id.
    pub connector_transaction_id: String,
    /// Amount to refund.
    pub amount: Money,
    /// Your reference for this refund.
    #[serde(default)]
    pub merchant_refund_reference: Option<String>,
    #[serde(default)]
    pub reason: Option<RefundReason>,
    /// The captured amount still refundable, when known: a refund above it is rejected before
    /// sending.
    #[serde(default)]
    pub refundable_amount: Option<Money>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    #[serde(default)]
    pub metadata: Metadata,
}

/// Get a refund's current status (RSync).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundGetRequest {
    /// The processor's refund id.
    #[serde(default)]
    pub connector_refund_id: Option<String>,
    /// The processor's payment id, for processors that look refunds up under the payment.
    #[serde(default)]
    pub connector_transaction_id: Option<String>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// Your reference for the refund, to find a refund whose call failed without an id
    /// (Razorpay, Xendit and Checkout.com: among the payment's refunds or actions, so
    /// `connector_transaction_id` is needed too; Elavon: a `txnquery` search for the return
    /// with that invoice number; Fiserv: the transaction inquiry by `merchantTransactionId`;
    /// Adyen cannot). Used
    /// when `connector_refund_id` is not given; a `not_found` error means the processor holds
    /// no such refund.
    #[serde(default)]
    pub merchant_refund_reference: Option<String>,
}

/// The processor's answer to refund and rsync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RefundResponse {
    /// Unified refund status.
    pub status: RefundStatus,
    pub connector: ConnectorName,
    /// The processor's refund id.
    #[serde(default)]
    pub connector_refund_id: Option<String>,
    /// The processor's payment id.
    #[serde(default)]
    pub connector_transaction_id: Option<String>,
    /// The processor's own refund status.
    #[serde(default)]
    pub connector_status: Option<String>,
    #[serde(default)]
    pub merchant_refund_reference: Option<String>,
    #[serde(default)]
    pub amount: Option<Money>,
    /// Why the refund failed, when status is `failure`.
    #[serde(default)]
    pub failure: Option<DeclineDetails>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub http_status: Option<u16>,
    /// The processor's raw answer, with card data and secrets masked.
    #[serde(default)]
    pub raw_response: Option<String>,
}

impl RefundResponse {
    pub fn new(connector: ConnectorName, status: RefundStatus) -> RefundResponse {
        RefundResponse {
            status,
            connector,
            connector_refund_id: None,
            connector_transaction_id: None,
            connector_status: None,
            merchant_refund_reference: None,
            amount: None,
            failure: None,
            idempotency_key: None,
            request_id: None,
            http_status: None,
            raw_response: None,
        }
    }
}

impl RefundGetRequest {
    /// `connector_refund_id`, for processors that look refunds up only by their own id.
    pub fn required_refund_id(&self, connector: ConnectorName) -> crate::Result<&str> {
        self.connector_refund_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                crate::Error::invalid_request(
                    "connector_refund_id",
                    format!("is required: {connector} looks a refund up by its own id only"),
                )
            })
    }
}
