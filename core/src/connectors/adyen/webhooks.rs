//! Standard notifications (spec §7).
//!
//! The body is `{"live": "...", "notificationItems": [{"NotificationRequestItem": {...}}]}`.
//! Every item carries its own signature in `additionalData.hmacSignature`: Base64 of
//! HMAC-SHA256, keyed with the hex-decoded HMAC key, over eight fields joined by `:`
//! (`pspReference:originalReference:merchantAccountCode:merchantReference:amount.value:
//! amount.currency:eventCode:success`, missing fields as empty strings, values as decoded).
//! Every item is verified; if any fails, the whole request is rejected with
//! `webhook_verification_failed` and nothing of it is returned.
//!
//! Mapping (§7.4, §7.5): payment events (`AUTHORISATION`, `AUTHORISATION_ADJUSTMENT`,
//! `RECURRING_CONTRACT`, `CAPTURE`, `CAPTURE_FAILED`, `CANCELLATION`, `OFFER_CLOSED`), refund
//! events (`REFUND`, `CANCEL_OR_REFUND`, `REFUND_FAILED`, `REFUNDED_REVERSED`) and the dispute
//! family; any other code is `Ignored`. `CAPTURE`, `CANCELLATION` and the refund and dispute
//! events name the payment in `originalReference` (their own `pspReference` is the
//! modification's, refund's or dispute's). The event id, for deduplication, is
//! `pspReference:eventCode:success`.

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::{amounts, object, payments, text, Adyen};
use crate::error::{Error, Result};
use crate::types::*;

type Item = Map<String, Value>;

impl Adyen {
    pub(super) fn verify_and_parse_webhook(
        &self,
        request: &WebhookRequest,
    ) -> Result<WebhookNotification> {
        let key = self.webhook_hmac_key.as_ref().ok_or_else(|| {
            Error::configuration(
                "Adyen webhook_hmac_key is not configured: notifications cannot be verified without it",
            )
        })?;
        let items = parse_items(request.body.as_slice())?;
        for (index, item) in items.iter().enumerate() {
            if !verify_item(key.expose(), item) {
                return Err(Error::webhook_verification_failed(format!(
                    "Adyen notification item {index}: the HMAC signature is missing or does not match"
                )));
            }
        }
        Ok(WebhookNotification {
            connector: ConnectorName::Adyen,
            events: items.iter().map(map_item).collect(),
            acknowledgement: acknowledgement(),
        })
    }
}

/// The answer Adyen expects: HTTP 200, `[accepted]`.
pub(super) fn acknowledgement() -> WebhookAcknowledgement {
    WebhookAcknowledgement {
        status: 200,
        content_type: "text/plain".to_string(),
        body: "[accepted]".to_string(),
    }
}

/// The notification items of an envelope. A body that is not an Adyen notification cannot be
/// verified, so it is a verification failure too.
fn parse_items(body: &[u8]) -> Result<Vec<Item>> {
    let not_notification =
        || Error::webhook_verification_failed("the body is not an Adyen standard notification");
    let envelope: Value = serde_json::from_slice(body).map_err(|_| not_notification())?;
    let items = envelope
        .get("notificationItems")
        .and_then(Value::as_array)
        .ok_or_else(not_notification)?;
    if items.is_empty() {
        return Err(Error::webhook_verification_failed(
            "the Adyen notification has no items to verify",
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, wrapper)| {
            wrapper
                .get("NotificationRequestItem")
                .and_then(Value::as_object)
                .cloned()
                .ok_or_else(|| {
                    Error::webhook_verification_failed(format!(
                        "Adyen notification item {index} has no NotificationRequestItem"
                    ))
                })
        })
        .collect()
}

/// A signed field as it enters the signing string: strings as they are, numbers and booleans
/// written out, anything missing as the empty string.
fn signed_field(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// The eight-field signing string of an item (spec §7.2).
pub(super) fn signing_string(item: &Item) -> String {
    let amount = item.get("amount");
    [
        signed_field(item.get("pspReference")),
        signed_field(item.get("originalReference")),
        signed_field(item.get("merchantAccountCode")),
        signed_field(item.get("merchantReference")),
        signed_field(amount.and_then(|a| a.get("value"))),
        signed_field(amount.and_then(|a| a.get("currency"))),
        signed_field(item.get("eventCode")),
        signed_field(item.get("success")),
    ]
    .join(":")
}

/// HMAC-SHA256 of `message` with `key`.
pub(super) fn hmac_sha256(key: &[u8], message: &[u8]) -> Option<[u8; 32]> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).ok()?;
    mac.update(message);
    Some(mac.finalize().into_bytes().into())
}

/// The item's signature as Adyen computes it (Base64).
#[cfg(test)]
pub(super) fn item_signature(key: &[u8], item: &Item) -> Option<String> {
    hmac_sha256(key, signing_string(item).as_bytes())
        .map(|mac| base64::engine::general_purpose::STANDARD.encode(mac))
}

/// Whether the item's `hmacSignature` is the HMAC of its fields. Missing, empty, non-Base64 or
/// wrong-length signatures are simply not verified; the comparison is constant-time.
pub(super) fn verify_item(key: &[u8], item: &Item) -> bool {
    let Some(signature) = object(item, "additionalData")
        .and_then(|a| a.get("hmacSignature"))
        .and_then(Value::as_str)
    else {
        return false;
    };
    let Ok(provided) =
        base64::engine::general_purpose::STANDARD.decode(signature.trim().as_bytes())
    else {
        return false;
    };
    let Some(expected) = hmac_sha256(key, signing_string(item).as_bytes()) else {
        return false;
    };
    provided.len() == expected.len() && bool::from(provided.as_slice().ct_eq(expected.as_slice()))
}

/// The unified event of one verified item.
pub(super) fn map_item(item: &Item) -> WebhookEvent {
    let event_code = text(item, "eventCode").unwrap_or_default();
    let success_text = signed_field(item.get("success"));
    let success = success_text.eq_ignore_ascii_case("true");
    let psp_reference = text(item, "pspReference");
    let original_reference = text(item, "originalReference");
    // The spec's suggested dedup key (pspReference + eventCode + success), plus the dispute
    // status where there is one: a dispute's CHARGEBACK comes again with each new status
    // (Undefended, then Accepted, Won, Lost, Expired) and none of them is a duplicate.
    let dispute_status = object(item, "additionalData")
        .and_then(|a| a.get("disputeStatus"))
        .and_then(Value::as_str);
    let event_id = Some(match dispute_status.filter(|s| !s.is_empty()) {
        Some(status) => format!(
            "{}:{}:{}:{}",
            psp_reference.as_deref().unwrap_or(""),
            event_code,
            success_text,
            status
        ),
        None => format!(
            "{}:{}:{}",
            psp_reference.as_deref().unwrap_or(""),
            event_code,
            success_text
        ),
    });
    let ignored = || {
        WebhookEvent::Ignored(IgnoredEvent {
            event_type: event_code.clone(),
            event_id: event_id.clone(),
        })
    };

    let Some(psp) = psp_reference.clone() else {
        return ignored();
    };
    let outcome = |ok: PaymentStatus, failed: PaymentStatus| if success { ok } else { failed };
    // Events about the payment itself name it in `pspReference`; modifications of it (capture,
    // cancellation, adjustment) in `originalReference`, their own reference being the operation's.
    let own = |status: PaymentStatus| Some((psp.clone(), None, status));
    let modification = |status: PaymentStatus| {
        Some((
            original_reference.clone().unwrap_or_else(|| psp.clone()),
            Some(psp.clone()),
            status,
        ))
    };
    use PaymentStatus::*;
    let payment = match event_code.as_str() {
        "AUTHORISATION" | "RECURRING_CONTRACT" => own(outcome(Authorized, Failure)),
        "OFFER_CLOSED" => own(Expired),
        "AUTHORISATION_ADJUSTMENT" => modification(outcome(Authorized, Failure)),
        "CAPTURE" => modification(outcome(Charged, CaptureFailed)),
        "CAPTURE_FAILED" => modification(CaptureFailed),
        "CANCELLATION" => modification(outcome(Voided, VoidFailed)),
        _ => None,
    };
    if let Some((transaction_id, operation_id, status)) = payment {
        return WebhookEvent::Payment(payment_event(
            item,
            event_code.clone(),
            event_id,
            transaction_id,
            operation_id,
            status,
        ));
    }

    let refund_status = match event_code.as_str() {
        "REFUND" | "CANCEL_OR_REFUND" => Some(if success {
            RefundStatus::Success
        } else {
            RefundStatus::Failure
        }),
        "REFUND_FAILED" | "REFUNDED_REVERSED" => Some(RefundStatus::Failure),
        _ => None,
    };
    if let Some(status) = refund_status {
        return WebhookEvent::Refund(RefundEvent {
            event_type: event_code.clone(),
            event_id,
            connector_refund_id: psp,
            connector_transaction_id: original_reference,
            merchant_refund_reference: text(item, "merchantReference"),
            status,
            amount: amounts::from_adyen(object(item, "amount")),
            reason: text(item, "reason"),
            occurred_at: text(item, "eventDate"),
        });
    }

    let additional = object(item, "additionalData");
    let dispute_status = additional.and_then(|a| text(a, "disputeStatus"));
    match dispute_mapping(&event_code, dispute_status.as_deref()) {
        Some((stage, status)) => WebhookEvent::Dispute(DisputeEvent {
            event_type: event_code.clone(),
            event_id,
            connector_dispute_id: psp,
            connector_transaction_id: original_reference,
            status,
            stage,
            amount: amounts::from_adyen(object(item, "amount")),
            reason_code: additional
                .and_then(|a| text(a, "chargebackReasonCode"))
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty()),
            reason: text(item, "reason"),
            respond_by: additional.and_then(|a| text(a, "defensePeriodEndsAt")),
            connector_status: dispute_status,
            occurred_at: text(item, "eventDate"),
        }),
        None => ignored(),
    }
}

fn payment_event(
    item: &Item,
    event_type: String,
    event_id: Option<String>,
    connector_transaction_id: String,
    connector_operation_id: Option<String>,
    status: PaymentStatus,
) -> PaymentEvent {
    let additional = object(item, "additionalData");
    let unsuccessful = matches!(
        status,
        PaymentStatus::Failure | PaymentStatus::CaptureFailed | PaymentStatus::VoidFailed
    );
    let decline = unsuccessful.then(|| DeclineDetails {
        code: additional.and_then(|a| text(a, "refusalReasonCode")),
        message: text(item, "reason"),
        reason: None,
        network_decline_code: additional.and_then(payments::network_decline_code),
        network_advice_code: additional
            .and_then(|a| text(a, "merchantAdviceCode"))
            .and_then(|v| payments::code_part(&v)),
    });
    PaymentEvent {
        event_type,
        event_id,
        connector_transaction_id,
        connector_operation_id,
        merchant_reference: text(item, "merchantReference"),
        connector_order_id: None,
        status,
        amount: amounts::from_adyen(object(item, "amount")),
        decline,
        mandate_id: additional.and_then(payments::mandate_id),
        network_transaction_id: additional.and_then(|a| text(a, "networkTxReference")),
        occurred_at: text(item, "eventDate"),
    }
}

/// The stage and status of a dispute event, refined by `additionalData.disputeStatus`
/// (spec §7.5). `None` for codes that are not dispute state changes this library maps.
pub(super) fn dispute_mapping(
    event_code: &str,
    dispute_status: Option<&str>,
) -> Option<(DisputeStage, DisputeStatus)> {
    let is = |value: &str| dispute_status.is_some_and(|s| s.eq_ignore_ascii_case(value));
    let mapped = match event_code {
        "NOTIFICATION_OF_CHARGEBACK" | "REQUEST_FOR_INFORMATION" => {
            (DisputeStage::PreDispute, DisputeStatus::Opened)
        }
        "CHARGEBACK" => {
            let status = if is("Undefended") || is("Pending") || is("Unresponded") {
                DisputeStatus::Opened
            } else if is("Responded") {
                DisputeStatus::Challenged
            } else if is("Expired") {
                DisputeStatus::Expired
            } else if is("Accepted") {
                DisputeStatus::Accepted
            } else if is("Won") {
                DisputeStatus::Won
            } else {
                // `Lost`, absent, or a value not known yet: a chargeback debits the merchant.
                DisputeStatus::Lost
            };
            (DisputeStage::Dispute, status)
        }
        "CHARGEBACK_REVERSED" => (
            DisputeStage::Dispute,
            if is("Pending") {
                DisputeStatus::Challenged
            } else {
                DisputeStatus::Won
            },
        ),
        "DISPUTE_DEFENSE_PERIOD_ENDED" => (DisputeStage::Dispute, DisputeStatus::Expired),
        "SECOND_CHARGEBACK" | "PREARBITRATION_LOST" => {
            (DisputeStage::PreArbitration, DisputeStatus::Lost)
        }
        "PREARBITRATION_WON" => (
            DisputeStage::PreArbitration,
            if is("Pending") {
                DisputeStatus::Opened
            } else {
                DisputeStatus::Won
            },
        ),
        _ => return None,
    };
    Some(mapped)
}
