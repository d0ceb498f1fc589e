//! Callbacks: verify `X-CALLBACK-TOKEN`, then classify by the event name.
//!
//! Xendit signs nothing: every callback carries the account's static callback verification
//! token in the `X-CALLBACK-TOKEN` header (Xendit docs, webhook "Getting Started"). The header
//! must equal one of the configured tokens (several during a rotation); the comparison is in
//! constant time over SHA-256 digests, so neither the content nor the length of a token leaks,
//! and every token is checked. A missing or empty header is rejected.
//!
//! Events (`PaymentCallback` / `RefundCallback` in the Xendit Python SDK docs):
//!
//! | event | unified | reference |
//! |---|---|---|
//! | `payment.succeeded` | payment `charged` | `data.payment_request_id` |
//! | `capture.succeeded` | payment `charged` (`partial_charged` when `captured_amount` < `authorized_amount`) | `data.payment_request_id` |
//! | `payment.awaiting_capture` | payment `authorized` | `data.payment_request_id` |
//! | `payment.failed` | payment `failure` with `failure_code` | `data.payment_request_id` |
//! | `capture.failed` | payment `capture_failed` | `data.payment_request_id` |
//! | `qr.payment` (legacy QRIS) | payment `charged` | `data.qr_id` |
//! | `refund.succeeded` / `refund.failed` | refund `success` / `failure` | `data.id`, payment `data.payment_id` |
//! | anything else, and every `api_version: "v3"` callback | ignored |
//!
//! The dedup key is `data.id` with the event name (`py-...:payment.succeeded`): the same
//! object can be the subject of several events.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::amounts::from_wire;
use super::wire::{Callback, PaymentCallbackData, Refund};
use super::Xendit;
use crate::error::{Error, Result};
use crate::types::*;

/// The header that carries the callback verification token.
pub const TOKEN_HEADER: &str = "x-callback-token";

/// A verified body that cannot be used.
fn unusable(message: impl Into<String>) -> Error {
    Error::invalid_request("body", message)
}

/// SHA-256 of a token, for the constant-time comparison.
pub(super) fn token_digest(token: &[u8]) -> [u8; 32] {
    Sha256::digest(token).into()
}

impl Xendit {
    pub(super) fn handle_callback(&self, req: &WebhookRequest) -> Result<WebhookNotification> {
        self.verify_callback(req)?;
        let callback: Callback = serde_json::from_slice(req.body.as_slice())
            .map_err(|_| unusable("the Xendit callback body is not a JSON event"))?;
        let event = classify(&callback)?;
        Ok(WebhookNotification {
            connector: ConnectorName::Xendit,
            events: vec![event],
            acknowledgement: WebhookAcknowledgement {
                status: 200,
                content_type: "text/plain".into(),
                body: "OK".into(),
            },
        })
    }

    /// Checks `X-CALLBACK-TOKEN` against every configured token, in constant time.
    fn verify_callback(&self, req: &WebhookRequest) -> Result<()> {
        if self.callback_token_digests.is_empty() {
            return Err(Error::configuration(
                "no Xendit callback token is configured (callback_tokens): callbacks cannot be verified",
            ));
        }
        let token = req.header(TOKEN_HEADER).ok_or_else(|| {
            Error::webhook_verification_failed("the X-CALLBACK-TOKEN header is missing")
        })?;
        if token.is_empty() {
            return Err(Error::webhook_verification_failed(
                "the X-CALLBACK-TOKEN header is empty",
            ));
        }
        let provided = token_digest(token.as_bytes());
        let mut verified = subtle::Choice::from(0u8);
        for expected in &self.callback_token_digests {
            // No early exit: every token is compared.
            verified |= expected.expose().ct_eq(&provided);
        }
        if bool::from(verified) {
            Ok(())
        } else {
            Err(Error::webhook_verification_failed(
                "X-CALLBACK-TOKEN matches no configured callback token",
            ))
        }
    }
}

/// The unified payment status of a payment or capture event, `None` for other events.
fn payment_event_status(event: &str) -> Option<PaymentStatus> {
    Some(match event {
        "payment.succeeded" | "capture.succeeded" | "qr.payment" => PaymentStatus::Charged,
        "payment.awaiting_capture" => PaymentStatus::Authorized,
        "payment.failed" => PaymentStatus::Failure,
        "capture.failed" => PaymentStatus::CaptureFailed,
        _ => return None,
    })
}

/// The unified refund status of a refund event, `None` for other events.
fn refund_event_status(event: &str) -> Option<RefundStatus> {
    Some(match event {
        "refund.succeeded" => RefundStatus::Success,
        "refund.failed" => RefundStatus::Failure,
        _ => return None,
    })
}

fn dedup_id(data_id: Option<&str>, event: &str) -> Option<String> {
    data_id.map(|id| format!("{id}:{event}"))
}

/// One event from a callback, by its name.
fn classify(callback: &Callback) -> Result<WebhookEvent> {
    // A callback without an event name (as Xendit's older products send: invoices, virtual
    // accounts) is none of this API's events: ignored, with an empty event type.
    let event_type = callback.event.clone().unwrap_or_default();
    let data = callback.data.as_ref().filter(|d| d.is_object());
    let data_id = data
        .and_then(|d| d.get("id"))
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let event_id = dedup_id(data_id, &event_type);
    let is_v3 = callback
        .api_version
        .as_deref()
        .is_some_and(|v| v.eq_ignore_ascii_case("v3"));
    if is_v3 {
        // The v3 Payments API has its own event names and shapes; not this API's.
        return Ok(WebhookEvent::Ignored(IgnoredEvent {
            event_type,
            event_id,
        }));
    }

    if let Some(status) = payment_event_status(&event_type) {
        let data: PaymentCallbackData = data
            .and_then(|d| serde_json::from_value(d.clone()).ok())
            .ok_or_else(|| {
            unusable(format!(
                "the Xendit `{event_type}` callback has no payment data"
            ))
        })?;
        let is_capture = event_type.starts_with("capture.");
        let payment_id = data
            .payment_request_id
            .clone()
            .or_else(|| data.qr_id.clone())
            .or_else(|| (!is_capture).then(|| data.id.clone()).flatten())
            .ok_or_else(|| {
                unusable(format!(
                    "the Xendit `{event_type}` callback names no payment request"
                ))
            })?;
        let amount = if is_capture {
            from_wire(
                data.captured_amount.as_ref().or(data.amount.as_ref()),
                data.currency.as_deref(),
            )
        } else {
            from_wire(data.amount.as_ref(), data.currency.as_deref())
        };
        // A capture callback carries the Capture object: a capture that leaves part of the
        // authorization uncaptured is `partial_charged`, as in the capture answer.
        let authorized = from_wire(data.authorized_amount.as_ref(), data.currency.as_deref());
        let status = match (status, amount, authorized) {
            (PaymentStatus::Charged, Some(captured), Some(authorized))
                if is_capture && captured.minor_units < authorized.minor_units =>
            {
                PaymentStatus::PartialCharged
            }
            (status, _, _) => status,
        };
        let decline = matches!(
            status,
            PaymentStatus::Failure | PaymentStatus::CaptureFailed
        )
        .then(|| DeclineDetails {
            code: data.failure_code.clone(),
            ..DeclineDetails::default()
        });
        return Ok(WebhookEvent::Payment(PaymentEvent {
            event_id,
            connector_transaction_id: payment_id,
            connector_operation_id: if is_capture { data.id.clone() } else { None },
            merchant_reference: data.reference_id.clone(),
            connector_order_id: None,
            status,
            amount,
            decline,
            mandate_id: data.payment_method.as_ref().and_then(|m| m.reusable_id()),
            network_transaction_id: None,
            occurred_at: callback.created.clone().or(data.updated.clone()),
            event_type,
        }));
    }

    if let Some(status) = refund_event_status(&event_type) {
        let refund: Refund = data
            .and_then(|d| serde_json::from_value(d.clone()).ok())
            .ok_or_else(|| {
                unusable(format!(
                    "the Xendit `{event_type}` callback has no refund data"
                ))
            })?;
        let id = refund.id.clone().ok_or_else(|| {
            unusable(format!(
                "the refund of the Xendit `{event_type}` callback has no id"
            ))
        })?;
        return Ok(WebhookEvent::Refund(RefundEvent {
            event_id,
            connector_refund_id: id,
            connector_transaction_id: refund.payment_reference(),
            merchant_refund_reference: refund.reference_id.clone(),
            status,
            amount: from_wire(refund.amount.as_ref(), refund.currency.as_deref()),
            reason: if status == RefundStatus::Failure {
                refund.failure_code.clone()
            } else {
                None
            },
            occurred_at: callback.created.clone(),
            event_type,
        }));
    }

    Ok(WebhookEvent::Ignored(IgnoredEvent {
        event_type,
        event_id,
    }))
}
