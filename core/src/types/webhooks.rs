//! Incoming webhooks: one verified request parsed into typed events.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::*;
use super::payments::DeclineDetails;
use crate::money::Money;

/// An incoming webhook request, exactly as received: headers and the raw body bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookRequest {
    /// Request headers (names are matched case-insensitively).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The raw body bytes, never re-serialized.
    pub body: Bytes,
}

impl WebhookRequest {
    pub fn new(headers: BTreeMap<String, String>, body: impl Into<Vec<u8>>) -> Self {
        WebhookRequest {
            headers,
            body: Bytes(body.into()),
        }
    }

    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A verified webhook: its events, and the answer to send back to the processor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WebhookNotification {
    pub connector: ConnectorName,
    /// The events in the request (processors that batch may send several).
    pub events: Vec<WebhookEvent>,
    /// What to answer the processor with once the events are stored.
    pub acknowledgement: WebhookAcknowledgement,
}

/// The HTTP answer a processor expects for a webhook it delivered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WebhookAcknowledgement {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

/// One event from a webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WebhookEvent {
    Payment(PaymentEvent),
    Refund(RefundEvent),
    Dispute(DisputeEvent),
    /// An event type this library does not map; kept for logging.
    Ignored(IgnoredEvent),
}

crate::tagged_union!(WebhookEvent, "kind", {
    "payment" => Payment(PaymentEvent),
    "refund" => Refund(RefundEvent),
    "dispute" => Dispute(DisputeEvent),
    "ignored" => Ignored(IgnoredEvent),
});

/// A payment changed state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PaymentEvent {
    /// The processor's event type (e.g. Adyen `AUTHORISATION`, Razorpay `payment.captured`).
    pub event_type: String,
    /// A key to deduplicate deliveries of this event.
    #[serde(default)]
    pub event_id: Option<String>,
    /// The payment the event is about.
    pub connector_transaction_id: String,
    /// The operation's own reference (a capture's or cancellation's), when it has one.
    #[serde(default)]
    pub connector_operation_id: Option<String>,
    #[serde(default)]
    pub merchant_reference: Option<String>,
    #[serde(default)]
    pub connector_order_id: Option<String>,
    pub status: PaymentStatus,
    #[serde(default)]
    pub amount: Option<Money>,
    #[serde(default)]
    pub decline: Option<DeclineDetails>,
    #[serde(default)]
    pub mandate_id: Option<String>,
    #[serde(default)]
    pub network_transaction_id: Option<String>,
    /// When the event happened, as the processor wrote it.
    #[serde(default)]
    pub occurred_at: Option<String>,
}

/// A refund changed state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RefundEvent {
    pub event_type: String,
    #[serde(default)]
    pub event_id: Option<String>,
    pub connector_refund_id: String,
    /// The refunded payment.
    #[serde(default)]
    pub connector_transaction_id: Option<String>,
    #[serde(default)]
    pub merchant_refund_reference: Option<String>,
    pub status: RefundStatus,
    #[serde(default)]
    pub amount: Option<Money>,
    /// The processor's reason text, for failures.
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub occurred_at: Option<String>,
}

/// A dispute was opened or changed state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DisputeEvent {
    pub event_type: String,
    #[serde(default)]
    pub event_id: Option<String>,
    pub connector_dispute_id: String,
    /// The disputed payment.
    #[serde(default)]
    pub connector_transaction_id: Option<String>,
    pub status: DisputeStatus,
    pub stage: DisputeStage,
    #[serde(default)]
    pub amount: Option<Money>,
    /// The scheme's reason code.
    #[serde(default)]
    pub reason_code: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// The deadline to respond, as the processor wrote it.
    #[serde(default)]
    pub respond_by: Option<String>,
    /// The processor's own dispute status.
    #[serde(default)]
    pub connector_status: Option<String>,
    #[serde(default)]
    pub occurred_at: Option<String>,
}

/// An event this library does not map to a payment, refund or dispute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IgnoredEvent {
    pub event_type: String,
    #[serde(default)]
    pub event_id: Option<String>,
}
