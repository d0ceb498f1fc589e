//! Modifications: capture (`/payments/{psp}/captures`), cancel (`/payments/{psp}/cancels`) and
//! refund (`/payments/{psp}/refunds`). Adyen answers each with HTTP 201 and
//! `"status": "received"`: accepted, with the outcome to come by webhook (`CAPTURE`,
//! `CANCELLATION`, `REFUND`, ...). So a capture is `pending`, a cancel `void_initiated` and a
//! refund `pending`. The answer's `pspReference` is the modification's own reference; the
//! payment's is `paymentPspReference`.

use serde_json::{Map, Value};

use super::{amounts, errors, object, text, Adyen};
use crate::error::Result;
use crate::http::HttpResponse;
use crate::mask::mask_body;
use crate::types::*;

impl Adyen {
    pub(super) fn capture_body(&self, req: &CaptureRequest) -> Result<Value> {
        let mut body = Map::new();
        body.insert(
            "merchantAccount".into(),
            self.merchant_account.clone().into(),
        );
        body.insert("amount".into(), amounts::to_adyen(&req.amount, "amount")?);
        if let Some(reference) = &req.merchant_reference {
            body.insert("reference".into(), reference.clone().into());
        }
        Ok(Value::Object(body))
    }

    pub(super) fn void_body(&self, req: &VoidRequest) -> Value {
        let mut body = Map::new();
        body.insert(
            "merchantAccount".into(),
            self.merchant_account.clone().into(),
        );
        if let Some(reference) = &req.merchant_reference {
            body.insert("reference".into(), reference.clone().into());
        }
        Value::Object(body)
    }

    pub(super) fn refund_body(&self, req: &RefundRequest) -> Result<Value> {
        let mut body = Map::new();
        body.insert(
            "merchantAccount".into(),
            self.merchant_account.clone().into(),
        );
        body.insert("amount".into(), amounts::to_adyen(&req.amount, "amount")?);
        if let Some(reference) = &req.merchant_refund_reference {
            body.insert("reference".into(), reference.clone().into());
        }
        if let Some(reason) = req.reason {
            body.insert("merchantRefundReason".into(), refund_reason(reason).into());
        }
        Ok(Value::Object(body))
    }
}

/// `merchantRefundReason` is an enum at Adyen; free text is refused.
pub(super) fn refund_reason(reason: RefundReason) -> &'static str {
    match reason {
        RefundReason::Fraud => "FRAUD",
        RefundReason::CustomerRequest => "CUSTOMER REQUEST",
        RefundReason::Return => "RETURN",
        RefundReason::Duplicate => "DUPLICATE",
        RefundReason::Other => "OTHER",
    }
}

/// The fields every modification answer has.
struct Received {
    status: String,
    psp_reference: Option<String>,
    payment_psp_reference: Option<String>,
    reference: Option<String>,
    amount: Option<crate::money::Money>,
}

fn read_received(response: &HttpResponse, flow: Flow) -> Result<Received> {
    let body = errors::success_object(response, flow)?;
    let status = text(&body, "status").ok_or_else(|| {
        errors::invalid_response(response, flow, "a modification answer without status")
    })?;
    Ok(Received {
        status,
        psp_reference: text(&body, "pspReference"),
        payment_psp_reference: text(&body, "paymentPspReference"),
        reference: text(&body, "reference"),
        amount: amounts::from_adyen(object(&body, "amount")),
    })
}

/// A capture or cancel answer: `pending` / `void_initiated` until the webhook arrives.
pub(super) fn parse_payment_modification(
    response: &HttpResponse,
    payment_psp_reference: &str,
    flow: Flow,
) -> Result<PaymentResponse> {
    let received = read_received(response, flow)?;
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
    let received = read_received(response, Flow::Refund)?;
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
