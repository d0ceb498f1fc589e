//! Modifications: capture (`/payments/{paymentPspReference}/captures`), cancel
//! (`/payments/{paymentPspReference}/cancels`) and refund
//! (`/payments/{paymentPspReference}/refunds`) (Adyen API reference, Checkout API >
//! Modifications). Adyen answers each with HTTP 201 and `"status": "received"`: accepted, with
//! the outcome to come by webhook (`CAPTURE`, `CANCELLATION`, `REFUND`, ...). So a capture is
//! `pending`, a cancel `void_initiated` and a refund `pending`. The answer's `pspReference` is
//! the modification's own reference; the payment's is `paymentPspReference`.
//!
//! Every error after sending carries the payment's reference (and a refund's own reference when
//! the answer named it) when the call may have had an effect ([`Error::with_references`]).

use super::wire::{self, ModificationResponse};
use super::{amounts, errors, Adyen};
use crate::connector::single_exchange;
use crate::error::{Error, Result};
use crate::http::{FlowContext, HttpResponse, Step};
use crate::mask::mask_body;
use crate::types::*;

/// Capture: `POST /payments/{psp}/captures`, answered `201 received` (`pending`).
pub(super) fn capture(
    c: &Adyen,
    req: &CaptureRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    single_exchange(
        responses,
        || {
            let body = wire::CaptureRequest {
                merchant_account: &c.merchant_account,
                amount: amounts::to_adyen(&req.amount, "amount")?,
                reference: req.merchant_reference.as_deref(),
            };
            let url = c
                .urls
                .modification(&req.connector_transaction_id, "captures");
            c.checkout_post(url, &body, cx)
        },
        |r| parse_payment_modification(r, &req.connector_transaction_id, Flow::Capture),
    )
}

/// Void: `POST /payments/{psp}/cancels`, answered `201 received` (`void_initiated`).
pub(super) fn void(
    c: &Adyen,
    req: &VoidRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    single_exchange(
        responses,
        || {
            let body = wire::CancelRequest {
                merchant_account: &c.merchant_account,
                reference: req.merchant_reference.as_deref(),
            };
            let url = c
                .urls
                .modification(&req.connector_transaction_id, "cancels");
            c.checkout_post(url, &body, cx)
        },
        |r| parse_payment_modification(r, &req.connector_transaction_id, Flow::Void),
    )
}

/// Refund: `POST /payments/{psp}/refunds`, answered `201 received` (refund `pending`).
pub(super) fn refund(
    c: &Adyen,
    req: &RefundRequest,
    cx: &FlowContext,
    responses: &[HttpResponse],
) -> Result<Step<RefundResponse>> {
    single_exchange(
        responses,
        || {
            let body = wire::RefundRequest {
                merchant_account: &c.merchant_account,
                amount: amounts::to_adyen(&req.amount, "amount")?,
                reference: req.merchant_refund_reference.as_deref(),
                merchant_refund_reason: req.reason.map(merchant_refund_reason),
            };
            let url = c
                .urls
                .modification(&req.connector_transaction_id, "refunds");
            c.checkout_post(url, &body, cx)
        },
        |r| parse_refund(r, &req.connector_transaction_id),
    )
}

/// `merchantRefundReason` is an enum at Adyen; free text is refused.
pub(super) fn merchant_refund_reason(reason: RefundReason) -> wire::MerchantRefundReason {
    match reason {
        RefundReason::Fraud => wire::MerchantRefundReason::Fraud,
        RefundReason::CustomerRequest => wire::MerchantRefundReason::CustomerRequest,
        RefundReason::Return => wire::MerchantRefundReason::Return,
        RefundReason::Duplicate => wire::MerchantRefundReason::Duplicate,
        RefundReason::Other => wire::MerchantRefundReason::Other,
    }
}

/// The fields every modification answer has, read and checked.
struct Received {
    status: String,
    psp_reference: Option<String>,
    payment_psp_reference: Option<String>,
    reference: Option<String>,
    amount: Option<crate::money::Money>,
}

/// Reads a modification answer. Errors carry the payment's reference (and, for a refund, the
/// refund's own reference the answer names) when the call may have had an effect.
fn read_received(
    response: &HttpResponse,
    flow: Flow,
    payment_psp_reference: &str,
) -> Result<Received> {
    let reconcile = |e: Error| {
        if !errors::may_have_had_effect(response) {
            return e;
        }
        let refs = errors::references(response);
        let payment = refs
            .payment_psp_reference
            .as_deref()
            .unwrap_or(payment_psp_reference);
        // A 2xx refund answer's own pspReference is the refund's id.
        let refund = refs
            .psp_reference
            .as_deref()
            .filter(|_| flow == Flow::Refund && response.is_success());
        e.with_references(None, Some(payment), refund)
    };
    let body: ModificationResponse = errors::success_body(response).map_err(reconcile)?;
    let status = body.status.ok_or_else(|| {
        reconcile(errors::invalid_response(
            response,
            "a modification answer without status",
        ))
    })?;
    let amount = amounts::from_adyen(body.amount.as_ref())
        .map_err(|why| reconcile(errors::invalid_response(response, &why)))?;
    Ok(Received {
        status,
        psp_reference: body.psp_reference,
        payment_psp_reference: body.payment_psp_reference,
        reference: body.reference,
        amount,
    })
}

/// A capture or cancel answer: `pending` / `void_initiated` until the webhook arrives.
pub(super) fn parse_payment_modification(
    response: &HttpResponse,
    payment_psp_reference: &str,
    flow: Flow,
) -> Result<PaymentResponse> {
    let received = read_received(response, flow, payment_psp_reference)?;
    let status = if flow == Flow::Void {
        PaymentStatus::VoidInitiated
    } else {
        PaymentStatus::Pending
    };
    let mut payment = PaymentResponse::new(ConnectorName::Adyen, status);
    payment.connector_status = Some(received.status);
    payment.connector_transaction_id = received
        .payment_psp_reference
        .or_else(|| Some(payment_psp_reference.to_string()));
    payment.connector_operation_id = received.psp_reference.clone();
    payment.merchant_reference = received.reference;
    payment.amount = received.amount;
    payment.http_status = Some(response.status);
    payment.request_id = errors::header_psp_reference(response).or(received.psp_reference);
    payment.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(payment)
}

/// A refund answer: `pending`, with the refund's own `pspReference` as its id.
pub(super) fn parse_refund(
    response: &HttpResponse,
    payment_psp_reference: &str,
) -> Result<RefundResponse> {
    let received = read_received(response, Flow::Refund, payment_psp_reference)?;
    let mut refund = RefundResponse::new(ConnectorName::Adyen, RefundStatus::Pending);
    refund.connector_status = Some(received.status);
    refund.connector_refund_id = received.psp_reference.clone();
    refund.connector_transaction_id = received
        .payment_psp_reference
        .or_else(|| Some(payment_psp_reference.to_string()));
    refund.merchant_refund_reference = received.reference;
    refund.amount = received.amount;
    refund.http_status = Some(response.status);
    refund.request_id = errors::header_psp_reference(response).or(received.psp_reference);
    refund.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(refund)
}
