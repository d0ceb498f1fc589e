//! Webhooks (Razorpay docs, "Webhooks" and "Validate and Test Webhooks"): verify
//! `X-Razorpay-Signature` over the raw body, optionally check freshness, then classify by the
//! event name.
//!
//! The signature is the lowercase hex HMAC-SHA256 of the raw body bytes under the webhook
//! secret. Every configured secret is tried (rotation) and compared in constant time. Events
//! are classified by their **name**, never by which entities the payload carries (dispute
//! events carry a payment too, refund events carry a payment too), and the entity is a
//! snapshot: `payment.authorized` is `authorized` even when its entity already says
//! `captured`.
//!
//! **Event ids.** The event id given for deduplication is the `x-razorpay-event-id` header,
//! unique per event and the same on every redelivery (Razorpay's docs: deduplicate on it).
//! Without the header it is derived from the body, as `<event>:<entity id>:<created_at>` (the
//! entity the event is about: the payment of a payment event, the refund of a refund event,
//! the dispute of a dispute event).
//!
//! **Freshness.** The signature covers the body only, so the header can be altered: a
//! captured delivery replayed with another event id is not caught by deduplication. With
//! `webhook_tolerance_seconds`, an event whose signed `created_at` is further than that from
//! now, or has none, is rejected, so a captured delivery cannot be replayed later.

use super::disputes::dispute_stage;
use super::payments::entity_decline;
use super::wire::{non_empty, DisputeEntity, Envelope, OrderEntity, PaymentEntity, RefundEntity};
use super::{decode_signature, hmac_matches, money_from_wire, Razorpay};
use crate::error::{Error, Result};
use crate::types::*;

const SIGNATURE_HEADER: &str = "x-razorpay-signature";
const EVENT_ID_HEADER: &str = "x-razorpay-event-id";

/// A verified body that cannot be used.
fn unusable(message: impl Into<String>) -> Error {
    Error::invalid_request("body", message)
}

pub(super) fn handle(c: &Razorpay, req: &WebhookRequest) -> Result<WebhookNotification> {
    let now = (crate::http::now_ms() / 1000) as i64;
    handle_at(c, req, now)
}

/// [`handle`] at the time `now` (Unix seconds).
pub(super) fn handle_at(
    c: &Razorpay,
    req: &WebhookRequest,
    now: i64,
) -> Result<WebhookNotification> {
    verify_webhook(c, req)?;
    let envelope: Envelope = serde_json::from_slice(req.body.as_slice())
        .map_err(|_| unusable("the Razorpay webhook body is not a JSON event"))?;
    if let Some(tolerance) = c.webhook_tolerance_seconds {
        check_fresh(envelope.created_at, tolerance, now)?;
    }
    let event_type = non_empty(envelope.event.clone())
        .ok_or_else(|| unusable("the Razorpay webhook has no `event`"))?;
    let header_id = req
        .header(EVENT_ID_HEADER)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let event = classify(&envelope, event_type, header_id)?;
    Ok(WebhookNotification {
        connector: ConnectorName::Razorpay,
        events: vec![event],
        acknowledgement: WebhookAcknowledgement {
            status: 200,
            content_type: "text/plain".into(),
            body: "OK".into(),
        },
    })
}

/// Checks `X-Razorpay-Signature` against every configured secret, in constant time.
fn verify_webhook(c: &Razorpay, req: &WebhookRequest) -> Result<()> {
    if c.webhook_secrets.is_empty() {
        return Err(Error::configuration(
            "no Razorpay webhook secret is configured (webhook_secrets): webhooks cannot be verified",
        ));
    }
    let signature = req.header(SIGNATURE_HEADER).ok_or_else(|| {
        Error::webhook_verification_failed("the X-Razorpay-Signature header is missing")
    })?;
    if decode_signature(signature).is_none() {
        return Err(Error::webhook_verification_failed(
            "X-Razorpay-Signature is not 64 hexadecimal digits",
        ));
    }
    let mut verified = false;
    for secret in &c.webhook_secrets {
        // No early exit: every secret is checked.
        verified |= hmac_matches(secret.expose().as_bytes(), req.body.as_slice(), signature)?;
    }
    if verified {
        Ok(())
    } else {
        Err(Error::webhook_verification_failed(
            "X-Razorpay-Signature does not match the body under any configured webhook secret",
        ))
    }
}

/// Whether the signed `created_at` is within `tolerance` seconds of `now` (either way: a
/// timestamp from the future is as suspect as a stale one).
fn check_fresh(created_at: Option<i64>, tolerance: u64, now: i64) -> Result<()> {
    let created_at = created_at.filter(|t| *t > 0).ok_or_else(|| {
        Error::webhook_verification_failed(
            "the Razorpay webhook has no created_at, so its freshness cannot be checked \
             (webhook_tolerance_seconds is set)",
        )
    })?;
    let age = now.abs_diff(created_at);
    if age > tolerance {
        return Err(Error::webhook_verification_failed(format!(
            "the Razorpay webhook was created {age} seconds away from now, more than the \
             {tolerance} seconds of webhook_tolerance_seconds: a replay, or a very late retry"
        )));
    }
    Ok(())
}

/// The deduplication id of an event: the `x-razorpay-event-id` header, else
/// `<event>:<entity id>:<created_at>` from the body.
fn event_id(
    envelope: &Envelope,
    event_type: &str,
    entity_id: Option<&str>,
    header_id: Option<String>,
) -> Option<String> {
    header_id.or_else(|| {
        let at = envelope.created_at.filter(|t| *t > 0)?;
        Some(format!("{event_type}:{}:{at}", entity_id?))
    })
}

/// The id of the first entity of the payload that has one (for events this connector does not
/// map), in a stable order.
fn any_entity_id(envelope: &Envelope) -> Option<String> {
    let payload = envelope.payload.as_ref()?.as_object()?;
    payload.keys().find_map(|key| {
        envelope
            .entity::<super::wire::IdEntity>(key)
            .and_then(|e| non_empty(e.id))
    })
}

/// One event from the envelope, by its name.
fn classify(
    envelope: &Envelope,
    event_type: String,
    header_id: Option<String>,
) -> Result<WebhookEvent> {
    let occurred_at = envelope.created_at.map(|t| t.to_string());
    let payment_status = match event_type.as_str() {
        "payment.authorized" => Some(PaymentStatus::Authorized),
        "payment.captured" | "order.paid" => Some(PaymentStatus::Charged),
        "payment.failed" => Some(PaymentStatus::Failure),
        _ => None,
    };
    if let Some(status) = payment_status {
        let payment: PaymentEntity = envelope.entity("payment").ok_or_else(|| {
            unusable(format!(
                "the Razorpay `{event_type}` webhook has no payment entity"
            ))
        })?;
        let order: Option<OrderEntity> = envelope.entity("order");
        let id = non_empty(payment.id.clone()).ok_or_else(|| {
            unusable(format!(
                "the payment of the Razorpay `{event_type}` webhook has no id"
            ))
        })?;
        return Ok(WebhookEvent::Payment(PaymentEvent {
            event_id: event_id(envelope, &event_type, Some(&id), header_id),
            connector_transaction_id: id,
            connector_operation_id: None,
            merchant_reference: order.as_ref().and_then(|o| non_empty(o.receipt.clone())),
            connector_order_id: non_empty(payment.order_id.clone())
                .or_else(|| order.as_ref().and_then(|o| non_empty(o.id.clone()))),
            status,
            amount: money_from_wire(&payment.amount, payment.currency.as_deref())
                .map_err(unusable)?,
            decline: (status == PaymentStatus::Failure).then(|| entity_decline(&payment)),
            mandate_id: non_empty(payment.token_id.clone()),
            network_transaction_id: None,
            occurred_at,
            event_type,
        }));
    }

    let refund_status = match event_type.as_str() {
        "refund.created" => Some(RefundStatus::Pending),
        "refund.processed" => Some(RefundStatus::Success),
        "refund.failed" => Some(RefundStatus::Failure),
        _ => None,
    };
    if let Some(status) = refund_status {
        let refund: RefundEntity = envelope.entity("refund").ok_or_else(|| {
            unusable(format!(
                "the Razorpay `{event_type}` webhook has no refund entity"
            ))
        })?;
        let id = non_empty(refund.id.clone()).ok_or_else(|| {
            unusable(format!(
                "the refund of the Razorpay `{event_type}` webhook has no id"
            ))
        })?;
        let payment_id = non_empty(refund.payment_id.clone()).or_else(|| {
            envelope
                .entity::<PaymentEntity>("payment")
                .and_then(|p| non_empty(p.id))
        });
        return Ok(WebhookEvent::Refund(RefundEvent {
            event_id: event_id(envelope, &event_type, Some(&id), header_id),
            connector_refund_id: id,
            connector_transaction_id: payment_id,
            merchant_refund_reference: non_empty(refund.receipt.clone()),
            status,
            amount: money_from_wire(&refund.amount, refund.currency.as_deref())
                .map_err(unusable)?,
            reason: None,
            occurred_at,
            event_type,
        }));
    }

    let dispute_status = match event_type.as_str() {
        "payment.dispute.created" | "payment.dispute.action_required" => {
            Some(DisputeStatus::Opened)
        }
        "payment.dispute.under_review" => Some(DisputeStatus::Challenged),
        "payment.dispute.won" => Some(DisputeStatus::Won),
        "payment.dispute.lost" => Some(DisputeStatus::Lost),
        "payment.dispute.closed" => Some(DisputeStatus::Cancelled),
        _ => None,
    };
    if let Some(status) = dispute_status {
        let dispute: DisputeEntity = envelope.entity("dispute").ok_or_else(|| {
            unusable(format!(
                "the Razorpay `{event_type}` webhook has no dispute entity"
            ))
        })?;
        let id = non_empty(dispute.id.clone()).ok_or_else(|| {
            unusable(format!(
                "the dispute of the Razorpay `{event_type}` webhook has no id"
            ))
        })?;
        let payment_id = non_empty(dispute.payment_id.clone()).or_else(|| {
            envelope
                .entity::<PaymentEntity>("payment")
                .and_then(|p| non_empty(p.id))
        });
        return Ok(WebhookEvent::Dispute(DisputeEvent {
            event_id: event_id(envelope, &event_type, Some(&id), header_id),
            connector_dispute_id: id,
            connector_transaction_id: payment_id,
            status,
            // A dispute without a (known) phase is taken as a chargeback, the common case.
            stage: dispute
                .phase
                .as_deref()
                .and_then(dispute_stage)
                .unwrap_or(DisputeStage::Dispute),
            amount: money_from_wire(&dispute.amount, dispute.currency.as_deref())
                .map_err(unusable)?,
            reason_code: non_empty(dispute.reason_code.clone()),
            reason: non_empty(dispute.reason_description.clone()),
            respond_by: dispute.respond_by.map(|t| t.to_string()),
            connector_status: non_empty(dispute.status.clone()),
            occurred_at,
            event_type,
        }));
    }

    // refund.speed_changed, order.*, subscription.*, ...: nothing to map.
    let entity_id = any_entity_id(envelope);
    Ok(WebhookEvent::Ignored(IgnoredEvent {
        event_id: event_id(envelope, &event_type, entity_id.as_deref(), header_id),
        event_type,
    }))
}
