//! Webhooks (Checkout.com docs "Set up your webhook receiver"; event pages such as
//! `payment_captured` and `dispute_evidence_submitted`).
//!
//! **Verification.** `Cko-Signature` is the hex HMAC-SHA256 of the **raw body** under the
//! webhook's signature key (its UTF-8 bytes). Every configured key is tried (rotation), the
//! hex is accepted in either case, and the comparison is constant-time. A missing or
//! malformed header, or a body changed by a single byte, is `webhook_verification_failed`;
//! nothing of an unverified body is returned.
//!
//! **Events.** Both payload formats (legacy `created_on`, and Workflows `timestamp`) have
//! `{id, type, data}`; the event `id` (`evt_...`) is the dedup key. Events are classified by
//! their `type`:
//!
//! | `type` | event | unified |
//! |---|---|---|
//! | `payment_approved` | payment | `authorized` |
//! | `payment_pending` | payment | `authentication_pending` |
//! | `payment_captured` | payment | `charged` |
//! | `payment_paid` (alternative payment methods: the payment completed) | payment | `charged`, as the `Paid` status |
//! | `payment_capture_pending` | payment | `pending` |
//! | `payment_capture_declined` | payment | `capture_failed` |
//! | `payment_declined` | payment | `failure` |
//! | `payment_expired` | payment | `expired` |
//! | `payment_voided` | payment | `voided` |
//! | `payment_void_declined` | payment | `void_failed` |
//! | `payment_canceled` / `payment_cancelled` | payment | `voided` when it had been authorized (`balances.total_authorized` > 0), else `failure` |
//! | `payment_authentication_failed`, `authentication_failed`, `authentication_expired` | payment | `authentication_failed` |
//! | `card_verified` | payment | `charged`, with the `source.id` as mandate id |
//! | `card_verification_declined` | payment | `failure` |
//! | `payment_refunded` / `payment_refund_pending` / `payment_refund_declined` | refund (`data.action_id` is the refund id) | `success` / `pending` / `failure` |
//! | `payment_retrieval` | dispute | `opened`, stage `pre_dispute` |
//! | `payment_chargeback`, `dispute_received`, `dispute_evidence_required` | dispute | `opened` |
//! | `dispute_evidence_submitted`, `dispute_evidence_acknowledged_by_scheme` | dispute | `challenged` |
//! | `dispute_accepted` | dispute | `accepted` |
//! | `dispute_canceled`, `dispute_resolved` | dispute | `cancelled` |
//! | `dispute_expired` | dispute | `expired` |
//! | `dispute_won` / `dispute_lost` | dispute | `won` / `lost` |
//! | `dispute_arbitration_won` / `dispute_arbitration_lost` | dispute | `won` / `lost`, stage `pre_arbitration` |
//! | anything else (`payment_risk_matched`, `authentication_started`, ...) | ignored | |

use serde::Deserialize;
use serde_json::Value;

use super::payments::decline_details;
use super::wire::{opt_i64, opt_object, opt_string, Balances, Processing, Source};
use super::{decode_signature, hmac_matches, money_from_wire, Checkout};
use crate::error::{Error, Result};
use crate::types::*;

const SIGNATURE_HEADER: &str = "cko-signature";

/// The event envelope.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default, deserialize_with = "opt_string")]
    id: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    created_on: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    timestamp: Option<String>,
    #[serde(default)]
    data: Option<Value>,
}

/// The `data` of payment, refund and dispute events.
#[derive(Clone, Debug, Default, Deserialize)]
struct EventData {
    #[serde(default, deserialize_with = "opt_string")]
    id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    action_id: Option<String>,
    #[serde(default, deserialize_with = "opt_i64")]
    amount: Option<i64>,
    #[serde(default, deserialize_with = "opt_string")]
    currency: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    reference: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    response_code: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    response_summary: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    scheme_id: Option<String>,
    #[serde(default, deserialize_with = "opt_object")]
    processing: Option<Processing>,
    #[serde(default, deserialize_with = "opt_object")]
    source: Option<Source>,
    #[serde(default, deserialize_with = "opt_object")]
    balances: Option<Balances>,
    // Disputes.
    #[serde(default, deserialize_with = "opt_string")]
    payment_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    category: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    reason_code: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    evidence_required_by: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    resolved_reason: Option<String>,
}

/// A verified body that cannot be used.
fn unusable(message: impl Into<String>) -> Error {
    Error::invalid_request("body", message)
}

pub(super) fn handle(c: &Checkout, req: &WebhookRequest) -> Result<WebhookNotification> {
    verify(c, req)?;
    let envelope: Envelope = serde_json::from_slice(req.body.as_slice())
        .map_err(|_| unusable("the Checkout.com webhook body is not a JSON event"))?;
    let event_type = envelope
        .kind
        .clone()
        .ok_or_else(|| unusable("the Checkout.com webhook has no `type`"))?;
    let event = classify(&envelope, event_type)?;
    Ok(WebhookNotification {
        connector: ConnectorName::Checkout,
        events: vec![event],
        acknowledgement: WebhookAcknowledgement {
            status: 200,
            content_type: "text/plain".into(),
            body: "OK".into(),
        },
    })
}

/// Checks `Cko-Signature` against every configured key, in constant time.
fn verify(c: &Checkout, req: &WebhookRequest) -> Result<()> {
    if c.webhook_secrets.is_empty() {
        return Err(Error::configuration(
            "no Checkout.com webhook signature key is configured (webhook_secrets): webhooks cannot be verified",
        ));
    }
    let signature = req
        .header(SIGNATURE_HEADER)
        .ok_or_else(|| Error::webhook_verification_failed("the Cko-Signature header is missing"))?;
    let provided = decode_signature(signature).ok_or_else(|| {
        Error::webhook_verification_failed("Cko-Signature is not 64 hexadecimal digits")
    })?;
    let mut verified = false;
    for secret in &c.webhook_secrets {
        // No early exit: every key is checked.
        verified |= hmac_matches(secret.expose().as_bytes(), req.body.as_slice(), &provided)?;
    }
    if verified {
        Ok(())
    } else {
        Err(Error::webhook_verification_failed(
            "Cko-Signature does not match the body under any configured webhook secret",
        ))
    }
}

enum Kind {
    Payment(PaymentStatus),
    Refund(RefundStatus),
    Dispute(DisputeStatus, DisputeStage),
    Ignored,
}

fn kind_of(event_type: &str, data: &EventData) -> Kind {
    use DisputeStage::{Dispute, PreArbitration, PreDispute};
    match event_type.to_ascii_lowercase().as_str() {
        "payment_approved" => Kind::Payment(PaymentStatus::Authorized),
        "payment_pending" => Kind::Payment(PaymentStatus::AuthenticationPending),
        // `payment_paid`: an alternative payment method's payment completed (the `Paid` status).
        "payment_captured" | "payment_paid" => Kind::Payment(PaymentStatus::Charged),
        "payment_capture_pending" => Kind::Payment(PaymentStatus::Pending),
        "payment_capture_declined" => Kind::Payment(PaymentStatus::CaptureFailed),
        "payment_declined" => Kind::Payment(PaymentStatus::Failure),
        "payment_expired" => Kind::Payment(PaymentStatus::Expired),
        "payment_voided" => Kind::Payment(PaymentStatus::Voided),
        "payment_void_declined" => Kind::Payment(PaymentStatus::VoidFailed),
        "payment_canceled" | "payment_cancelled" => {
            let authorized = data
                .balances
                .as_ref()
                .and_then(|b| b.total_authorized)
                .is_some_and(|a| a > 0);
            Kind::Payment(if authorized {
                PaymentStatus::Voided
            } else {
                PaymentStatus::Failure
            })
        }
        "payment_authentication_failed" | "authentication_failed" | "authentication_expired" => {
            Kind::Payment(PaymentStatus::AuthenticationFailed)
        }
        "card_verified" => Kind::Payment(PaymentStatus::Charged),
        "card_verification_declined" => Kind::Payment(PaymentStatus::Failure),
        "payment_refunded" => Kind::Refund(RefundStatus::Success),
        "payment_refund_pending" => Kind::Refund(RefundStatus::Pending),
        "payment_refund_declined" => Kind::Refund(RefundStatus::Failure),
        "payment_retrieval" => Kind::Dispute(DisputeStatus::Opened, PreDispute),
        "payment_chargeback" | "dispute_received" | "dispute_evidence_required" => {
            Kind::Dispute(DisputeStatus::Opened, Dispute)
        }
        "dispute_evidence_submitted" | "dispute_evidence_acknowledged_by_scheme" => {
            Kind::Dispute(DisputeStatus::Challenged, Dispute)
        }
        "dispute_accepted" => Kind::Dispute(DisputeStatus::Accepted, Dispute),
        "dispute_canceled" | "dispute_cancelled" | "dispute_resolved" => {
            Kind::Dispute(DisputeStatus::Cancelled, Dispute)
        }
        "dispute_expired" => Kind::Dispute(DisputeStatus::Expired, Dispute),
        "dispute_won" => Kind::Dispute(DisputeStatus::Won, Dispute),
        "dispute_lost" => Kind::Dispute(DisputeStatus::Lost, Dispute),
        "dispute_arbitration_won" => Kind::Dispute(DisputeStatus::Won, PreArbitration),
        "dispute_arbitration_lost" => Kind::Dispute(DisputeStatus::Lost, PreArbitration),
        _ => Kind::Ignored,
    }
}

/// One event from the envelope, by its type.
fn classify(envelope: &Envelope, event_type: String) -> Result<WebhookEvent> {
    let event_id = envelope.id.clone();
    let occurred_at = envelope
        .created_on
        .clone()
        .or_else(|| envelope.timestamp.clone());
    let data: EventData = match &envelope.data {
        Some(v @ Value::Object(_)) => serde_json::from_value(v.clone()).unwrap_or_default(),
        _ => EventData::default(),
    };
    let amount = money_from_wire(data.amount, data.currency.as_deref());
    let missing = |what: &str| {
        unusable(format!(
            "the Checkout.com `{event_type}` webhook has no {what}"
        ))
    };
    Ok(match kind_of(&event_type, &data) {
        Kind::Payment(status) => {
            let id = data.id.clone().ok_or_else(|| missing("data.id"))?;
            let decline = match status {
                PaymentStatus::Failure => Some(decline_details(
                    data.response_code.as_deref(),
                    data.response_summary.as_deref(),
                    data.processing.as_ref(),
                )),
                PaymentStatus::CaptureFailed | PaymentStatus::VoidFailed
                    if data.response_code.is_some() =>
                {
                    Some(decline_details(
                        data.response_code.as_deref(),
                        data.response_summary.as_deref(),
                        data.processing.as_ref(),
                    ))
                }
                _ => None,
            };
            let verification = event_type.eq_ignore_ascii_case("card_verified");
            WebhookEvent::Payment(PaymentEvent {
                event_id,
                connector_transaction_id: id,
                connector_operation_id: data.action_id.clone(),
                merchant_reference: data.reference.clone(),
                connector_order_id: None,
                status,
                amount,
                decline,
                mandate_id: verification
                    .then(|| data.source.as_ref().and_then(|s| s.id.clone()))
                    .flatten(),
                network_transaction_id: data.scheme_id.clone(),
                occurred_at,
                event_type,
            })
        }
        Kind::Refund(status) => {
            let refund_id = data
                .action_id
                .clone()
                .ok_or_else(|| missing("data.action_id (the refund id)"))?;
            WebhookEvent::Refund(RefundEvent {
                event_id,
                connector_refund_id: refund_id,
                connector_transaction_id: data.id.clone(),
                merchant_refund_reference: data.reference.clone(),
                status,
                amount,
                reason: (status == RefundStatus::Failure)
                    .then(|| {
                        data.response_summary
                            .clone()
                            .or_else(|| data.response_code.clone())
                    })
                    .flatten(),
                occurred_at,
                event_type,
            })
        }
        Kind::Dispute(status, stage) => {
            let id = data.id.clone().ok_or_else(|| missing("data.id"))?;
            WebhookEvent::Dispute(DisputeEvent {
                event_id,
                connector_dispute_id: id,
                connector_transaction_id: data.payment_id.clone(),
                status,
                stage,
                amount,
                reason_code: data.reason_code.clone(),
                reason: data.category.clone().or(data.resolved_reason.clone()),
                respond_by: data.evidence_required_by.clone(),
                connector_status: data.status.clone(),
                occurred_at,
                event_type,
            })
        }
        Kind::Ignored => WebhookEvent::Ignored(IgnoredEvent {
            event_type,
            event_id,
        }),
    })
}
