//! Standard webhooks (Adyen docs, "Webhooks" > "Standard webhook structure" and "Verify HMAC
//! signatures"; Adyen API reference, Webhooks > `NotificationRequestItem`).
//!
//! The body is `{"live": "...", "notificationItems": [{"NotificationRequestItem": {...}}]}`.
//! Every item carries its own signature in `additionalData.hmacSignature`: Base64 of
//! HMAC-SHA256, keyed with the hex-decoded HMAC key, over eight fields joined by `:`
//! (`pspReference:originalReference:merchantAccountCode:merchantReference:amount.value:
//! amount.currency:eventCode:success`, missing fields as empty strings, values as decoded).
//!
//! **Order of work.** A body larger than [`MAX_WEBHOOK_BODY_BYTES`] is rejected before it is
//! parsed. Otherwise the envelope is split into its items without reading them, and each item
//! is read and verified in turn; the first item that does not verify rejects the whole request
//! with `webhook_verification_failed` (nothing of it is returned) without reading the items
//! after it. Events are built only once every item has verified.
//!
//! **What is signed.** Only the eight fields above. Everything else in an item (`eventDate`,
//! `reason`, `paymentMethod`, and every `additionalData` value such as `disputeStatus`,
//! `chargebackReasonCode`, `defensePeriodEndsAt`, `tokenization.storedPaymentMethodId`,
//! `refusalReasonRaw`, `networkTxReference`) is **unsigned**: anyone holding one genuine item can
//! change those values and it still verifies. So:
//! * the event's deduplication id is built from signed content only:
//!   `pspReference:eventCode:success`, plus `:originalReference` when the item has one. An
//!   edited copy of a delivered item is therefore a duplicate, never a new event. The flip side:
//!   a `CHARGEBACK` that Adyen sends again for the same dispute with a new `disputeStatus` has
//!   the same id as the first one (the new status is unsigned); a caller that tracks dispute
//!   statuses should compare the event's `connector_status` itself rather than drop the event;
//! * the unsigned values are still reported, as information: a dispute event's `status` and
//!   `connector_status` follow `disputeStatus`, `reason_code` and `respond_by` come from
//!   `additionalData`, a payment event's `mandate_id`, `network_transaction_id` and decline
//!   codes come from `additionalData`, and `reason` / `occurred_at` are the item's `reason` and
//!   `eventDate`. None of them is authenticated by the signature;
//! * the payment, refund and dispute ids, the amount, the event code and `success` (which drive
//!   the payment and refund statuses) are signed.
//!
//! Mapping (Adyen docs, "Webhook types and event codes"; "Dispute webhooks"): payment events
//! (`AUTHORISATION`, `AUTHORISATION_ADJUSTMENT`, `RECURRING_CONTRACT`, `CAPTURE`,
//! `CAPTURE_FAILED`, `CANCELLATION`, `OFFER_CLOSED`), refund events (`REFUND`,
//! `CANCEL_OR_REFUND`, `REFUND_FAILED`, `REFUNDED_REVERSED`) and the dispute family; any other
//! code is `Ignored`. `CAPTURE`, `CANCELLATION` and the refund and dispute events name the
//! payment in `originalReference` (their own `pspReference` is the modification's, refund's or
//! dispute's). An `AUTHORISATION` does not say how the payment is captured, so a successful one
//! is `authorized`.

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::wire::{NotificationAdditionalData, NotificationItemWrapper, NotificationRequestItem};
use super::{amounts, payments, Adyen};
use crate::error::{Error, Result};
use crate::types::*;

/// The largest notification body accepted, in bytes (2 MiB). Adyen sends one item per request
/// in practice and an item is well under 10 KB, so a legitimate batch stays far below this; a
/// larger body is rejected with `webhook_verification_failed` before any parsing (it cannot be
/// a genuine notification, and reading it would cost memory and time for nothing).
pub const MAX_WEBHOOK_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The envelope, with its items left unread until their turn.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, rename = "notificationItems", default)]
    items: Option<Vec<&'a RawValue>>,
}

/// Verifies every item of a notification, then maps each to its event.
pub(super) fn handle(c: &Adyen, request: &WebhookRequest) -> Result<WebhookNotification> {
    let key = c.webhook_hmac_key.as_ref().ok_or_else(|| {
        Error::configuration(
            "Adyen webhook_hmac_key is not configured: notifications cannot be verified without it",
        )
    })?;
    let body = request.body.as_slice();
    if body.len() > MAX_WEBHOOK_BODY_BYTES {
        return Err(Error::webhook_verification_failed(format!(
            "the notification body is {} bytes, over the {MAX_WEBHOOK_BODY_BYTES}-byte limit: \
             not read",
            body.len()
        )));
    }
    let items = verified_items(key.expose(), body)?;
    let events = items
        .iter()
        .enumerate()
        .map(|(index, item)| map_item(item, index))
        .collect::<Result<Vec<_>>>()?;
    Ok(WebhookNotification {
        connector: ConnectorName::Adyen,
        events,
        acknowledgement: acknowledgement(),
    })
}

/// The answer Adyen expects: HTTP 200, `[accepted]`.
pub(super) fn acknowledgement() -> WebhookAcknowledgement {
    WebhookAcknowledgement {
        status: 200,
        content_type: "text/plain".to_string(),
        body: "[accepted]".to_string(),
    }
}

/// The items of an envelope, each read and verified before the next one is read. A body that
/// is not an Adyen notification cannot be verified, so it is a verification failure too.
fn verified_items(key: &[u8], body: &[u8]) -> Result<Vec<NotificationRequestItem>> {
    let not_notification =
        || Error::webhook_verification_failed("the body is not an Adyen standard notification");
    let envelope: Envelope<'_> = serde_json::from_slice(body).map_err(|_| not_notification())?;
    let raw_items = envelope.items.ok_or_else(not_notification)?;
    if raw_items.is_empty() {
        return Err(Error::webhook_verification_failed(
            "the Adyen notification has no items to verify",
        ));
    }
    let mut items = Vec::with_capacity(raw_items.len());
    for (index, raw) in raw_items.into_iter().enumerate() {
        let item = serde_json::from_str::<NotificationItemWrapper>(raw.get())
            .ok()
            .and_then(|wrapper| wrapper.item)
            .ok_or_else(|| {
                Error::webhook_verification_failed(format!(
                    "Adyen notification item {index} has no NotificationRequestItem"
                ))
            })?;
        if !verify_item(key, &item) {
            return Err(Error::webhook_verification_failed(format!(
                "Adyen notification item {index}: the HMAC signature is missing or does not match"
            )));
        }
        items.push(item);
    }
    Ok(items)
}

/// The eight-field signing string of an item (Adyen docs, "Verify HMAC signatures" > "Standard
/// webhooks").
pub(super) fn signing_string(item: &NotificationRequestItem) -> String {
    fn field(v: Option<&String>) -> &str {
        v.map(String::as_str).unwrap_or("")
    }
    let amount = item.amount.as_ref();
    [
        field(item.psp_reference.as_ref()),
        field(item.original_reference.as_ref()),
        field(item.merchant_account_code.as_ref()),
        field(item.merchant_reference.as_ref()),
        field(amount.and_then(|a| a.value.as_ref())),
        field(amount.and_then(|a| a.currency.as_ref())),
        field(item.event_code.as_ref()),
        field(item.success.as_ref()),
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
pub(super) fn item_signature(key: &[u8], item: &NotificationRequestItem) -> Option<String> {
    hmac_sha256(key, signing_string(item).as_bytes())
        .map(|mac| base64::engine::general_purpose::STANDARD.encode(mac))
}

/// Whether the item's `hmacSignature` is the HMAC of its signed fields. Missing, empty,
/// non-Base64 or wrong-length signatures are simply not verified; the comparison is
/// constant-time.
pub(super) fn verify_item(key: &[u8], item: &NotificationRequestItem) -> bool {
    let Some(signature) = item
        .additional_data
        .as_ref()
        .and_then(|a| a.hmac_signature.as_deref())
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

/// The deduplication id of an item, from signed fields only:
/// `pspReference:eventCode:success`, plus `:originalReference` when there is one.
pub(super) fn event_id(item: &NotificationRequestItem) -> String {
    let field = |v: &Option<String>| v.as_deref().unwrap_or("").to_string();
    let mut id = format!(
        "{}:{}:{}",
        field(&item.psp_reference),
        field(&item.event_code),
        field(&item.success)
    );
    if let Some(original) = item.original_reference.as_deref().filter(|o| !o.is_empty()) {
        id.push(':');
        id.push_str(original);
    }
    id
}

/// The unified event of one verified item. An item of a mapped event whose (signed) amount
/// cannot be read is `invalid_response`.
pub(super) fn map_item(item: &NotificationRequestItem, index: usize) -> Result<WebhookEvent> {
    let event_code = item.event_code.clone().unwrap_or_default();
    let success = item
        .success
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("true"));
    let psp_reference = item.psp_reference.clone().filter(|p| !p.is_empty());
    let original_reference = item.original_reference.clone().filter(|o| !o.is_empty());
    let event_id = Some(event_id(item));
    let ignored = || {
        WebhookEvent::Ignored(IgnoredEvent {
            event_type: event_code.clone(),
            event_id: event_id.clone(),
        })
    };
    let Some(psp) = psp_reference else {
        return Ok(ignored());
    };
    let amount = || {
        amounts::from_adyen(item.amount.as_ref()).map_err(|why| {
            Error::invalid_response(format!(
                "Adyen notification item {index} ({event_code}) has {why}"
            ))
        })
    };
    let no_additional = NotificationAdditionalData::default();
    let additional = item.additional_data.as_ref().unwrap_or(&no_additional);

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
    if let Some((connector_transaction_id, connector_operation_id, status)) = payment {
        let unsuccessful = matches!(status, Failure | CaptureFailed | VoidFailed);
        // Unsigned: the decline codes, the token and the network reference.
        let decline = unsuccessful.then(|| DeclineDetails {
            code: additional.refusal_reason_code.clone(),
            message: item.reason.clone(),
            reason: None,
            network_decline_code: payments::network_decline_code(
                additional.refusal_code_raw.as_deref(),
                additional.refusal_reason_raw.as_deref(),
            ),
            network_advice_code: additional
                .merchant_advice_code
                .as_deref()
                .and_then(payments::code_part),
        });
        return Ok(WebhookEvent::Payment(PaymentEvent {
            event_type: event_code.clone(),
            event_id,
            connector_transaction_id,
            connector_operation_id,
            merchant_reference: item.merchant_reference.clone().filter(|r| !r.is_empty()),
            connector_order_id: None,
            status,
            amount: amount()?,
            decline,
            mandate_id: additional
                .stored_payment_method_id
                .clone()
                .or_else(|| additional.recurring_detail_reference.clone()),
            network_transaction_id: additional.network_tx_reference.clone(),
            occurred_at: item.event_date.clone(),
        }));
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
        return Ok(WebhookEvent::Refund(RefundEvent {
            event_type: event_code.clone(),
            event_id,
            connector_refund_id: psp,
            connector_transaction_id: original_reference,
            merchant_refund_reference: item.merchant_reference.clone().filter(|r| !r.is_empty()),
            status,
            amount: amount()?,
            // Unsigned.
            reason: item.reason.clone(),
            occurred_at: item.event_date.clone(),
        }));
    }

    // Unsigned: disputeStatus refines the status; the reason code and deadline are information.
    let dispute_status = additional.dispute_status.clone();
    match dispute_mapping(&event_code, dispute_status.as_deref()) {
        Some((stage, status)) => Ok(WebhookEvent::Dispute(DisputeEvent {
            event_type: event_code.clone(),
            event_id,
            connector_dispute_id: psp,
            connector_transaction_id: original_reference,
            status,
            stage,
            amount: amount()?,
            reason_code: additional
                .chargeback_reason_code
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string),
            reason: item.reason.clone(),
            respond_by: additional.defense_period_ends_at.clone(),
            connector_status: dispute_status,
            occurred_at: item.event_date.clone(),
        })),
        None => Ok(ignored()),
    }
}

/// The stage and status of a dispute event, refined by `additionalData.disputeStatus` (Adyen
/// docs, "Dispute webhooks"; the `disputeStatus` values of the Webhooks API reference). `None`
/// for codes that are not dispute state changes this library maps. `disputeStatus` is not
/// covered by the HMAC signature.
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
