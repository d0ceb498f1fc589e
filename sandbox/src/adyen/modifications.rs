//! `POST /v68/payments/{paymentPspReference}/captures|cancels|refunds` (Adyen API reference, "Capture — POST {checkout}/v68/payments/{paymentPspReference}/captures"-5.5):
//! `201 received` now, the outcome by webhook shortly after.

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::notifications::Notification;
use super::payments::{Payment, Status};
use super::testdata;
use super::{check_merchant, opt_str, parse_amount, Adyen, ApiError, ApiResult, State};
use crate::processor::{Context, Response};

const REFUND_REASONS: [&str; 5] = ["FRAUD", "CUSTOMER REQUEST", "RETURN", "DUPLICATE", "OTHER"];

fn unknown_payment() -> ApiError {
    ApiError::validation("167", "Original pspReference is not a known payment")
}

/// The modification's amount: present, positive and in the payment's currency.
fn modification_amount(body: &Map<String, Value>, payment: &Payment) -> Result<i64, ApiError> {
    let (value, currency) = parse_amount(body)?;
    if value == 0 {
        return Err(ApiError::validation("137", "Invalid amount specified"));
    }
    if currency != payment.currency {
        return Err(ApiError::validation(
            "137",
            "Invalid amount specified: the currency differs from the payment's",
        ));
    }
    Ok(value)
}

fn received(
    psp: &str,
    payment: &Payment,
    reference: &str,
    amount: Option<i64>,
    extra: Option<(&str, &str)>,
) -> Response {
    let mut body = json!({
        "merchantAccount": super::MERCHANT_ACCOUNT,
        "paymentPspReference": payment.psp,
        "reference": reference,
        "pspReference": psp,
        "status": "received",
    });
    if let Some(value) = amount {
        body["amount"] = json!({"value": value, "currency": payment.currency});
    }
    if let Some((k, v)) = extra {
        body[k] = json!(v);
    }
    Response::json(StatusCode::CREATED, &body)
}

fn notification(
    event_code: &'static str,
    psp: &str,
    payment: &Payment,
    reference: &str,
    value: i64,
    success: bool,
    reason: Option<&str>,
) -> Notification {
    Notification {
        event_code,
        psp_reference: psp.to_string(),
        original_reference: Some(payment.psp.clone()),
        merchant_reference: reference.to_string(),
        value,
        currency: payment.currency.clone(),
        success,
        reason: reason.map(str::to_string),
        payment_method: Some(payment.variant.clone()),
        additional_data: Vec::new(),
        operations: None,
    }
}

/// The modification's `reference`, defaulting to the payment's.
fn reference(body: &Map<String, Value>, payment: &Payment) -> Result<String, ApiError> {
    Ok(opt_str(body, "reference")?
        .filter(|r| !r.is_empty())
        .unwrap_or(&payment.reference)
        .to_string())
}

pub(super) fn capture(
    state: &mut State,
    adyen: &Adyen,
    payment_psp: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> ApiResult {
    check_merchant(body, "merchantAccount")?;
    let psp = state.new_psp();
    let payment = state
        .payments
        .get_mut(payment_psp)
        .ok_or_else(unknown_payment)?;
    let value = modification_amount(body, payment)?;
    let reference = reference(body, payment)?;
    if payment.status != Status::Authorised {
        return Err(ApiError::validation(
            "167",
            "Original payment is not authorised",
        ));
    }
    if !payment.manual_capture {
        return Err(ApiError::validation(
            "137",
            "Invalid amount specified: the payment was captured automatically",
        ));
    }
    if value > payment.capturable() {
        return Err(ApiError::validation(
            "137",
            "Invalid amount specified: more than the authorised amount left to capture",
        ));
    }
    let notifications = if testdata::capture_fails(&payment.holder) {
        // The capture is accepted, then rejected later by the scheme.
        vec![
            notification("CAPTURE", &psp, payment, &reference, value, true, None),
            notification(
                "CAPTURE_FAILED",
                &psp,
                payment,
                &reference,
                value,
                true,
                Some("Capture failed at the card scheme"),
            ),
        ]
    } else {
        payment.captured += value;
        vec![notification(
            "CAPTURE", &psp, payment, &reference, value, true, None,
        )]
    };
    let response = received(&psp, payment, &reference, Some(value), None);
    adyen.emit(ctx, &notifications);
    Ok(response)
}

pub(super) fn cancel(
    state: &mut State,
    adyen: &Adyen,
    payment_psp: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> ApiResult {
    check_merchant(body, "merchantAccount")?;
    let psp = state.new_psp();
    let payment = state
        .payments
        .get_mut(payment_psp)
        .ok_or_else(unknown_payment)?;
    let reference = reference(body, payment)?;
    // Accepted in every case; a cancel that cannot apply fails in the webhook.
    let failure = if payment.cancelled {
        Some("Payment already cancelled")
    } else if payment.status != Status::Authorised {
        Some("Payment is not authorised")
    } else if payment.captured > 0 {
        Some("Transaction already captured")
    } else {
        None
    };
    if failure.is_none() {
        payment.cancelled = true;
    }
    let value = payment.value;
    let n = notification(
        "CANCELLATION",
        &psp,
        payment,
        &reference,
        value,
        failure.is_none(),
        failure,
    );
    let response = received(&psp, payment, &reference, None, None);
    adyen.emit(ctx, &[n]);
    Ok(response)
}

pub(super) fn refund(
    state: &mut State,
    adyen: &Adyen,
    payment_psp: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> ApiResult {
    check_merchant(body, "merchantAccount")?;
    let psp = state.new_psp();
    let payment = state
        .payments
        .get_mut(payment_psp)
        .ok_or_else(unknown_payment)?;
    let value = modification_amount(body, payment)?;
    let reference = reference(body, payment)?;
    let reason = opt_str(body, "merchantRefundReason")?;
    if reason.is_some_and(|r| !REFUND_REASONS.contains(&r)) {
        return Err(ApiError::invalid("merchantRefundReason"));
    }
    if value > payment.refundable() {
        return Err(ApiError::validation(
            "137",
            "Invalid amount specified: more than the captured amount not yet refunded",
        ));
    }
    let notifications = if testdata::refund_fails(&payment.holder) {
        vec![
            notification("REFUND", &psp, payment, &reference, value, true, None),
            notification(
                "REFUND_FAILED",
                &psp,
                payment,
                &reference,
                value,
                true,
                Some("Refund failed at the card scheme"),
            ),
        ]
    } else {
        payment.refunded += value;
        vec![notification(
            "REFUND", &psp, payment, &reference, value, true, None,
        )]
    };
    let response = received(
        &psp,
        payment,
        &reference,
        Some(value),
        reason.map(|r| ("merchantRefundReason", r)),
    );
    adyen.emit(ctx, &notifications);
    Ok(response)
}
