//! Refunds: a tagged refund of a captured payment (`POST /payments/v1/refunds`, full or
//! partial) and RSync (`POST /payments/v1/transaction-inquiry` with the **refund's** own
//! `transactionId`).
//!
//! | answer | refund status |
//! |---|---|
//! | `approvalStatus` `APPROVED` (or absent) with state `AUTHORIZED`, `APPROVED`, `CAPTURED`, `SETTLED`, `SUCCEEDED` | `success` |
//! | `approvalStatus` `DECLINED`, state `DECLINED` or `FAILED` | `failure` (with the gateway `responseCode`) |
//! | `approvalStatus` `PROCESSING_FAILED` / `VALIDATION_FAILED` | error (`processor_unavailable` / `invalid_request`) |
//! | `PENDING`, `WAITING`, `PROCESSING`, `VOIDED`, anything else | `pending` |

use super::payments::{
    approved_money, decline_details, merchant_transaction_id, not_found, read_inquiry,
    read_transaction, transaction_reference,
};
use super::wire::{
    Amount, PaymentRequest, ReferenceTransactionDetails, Transaction, TransactionDetails,
};
use super::{amounts, errors, Fiserv};
use crate::error::Result;
use crate::http::{FlowContext, HttpRequest, HttpResponse};
use crate::mask::mask_body;
use crate::types::*;

impl Fiserv {
    /// `POST /payments/v1/refunds` referencing the captured payment.
    pub(super) fn refund_request(
        &self,
        req: &RefundRequest,
        cx: &FlowContext,
    ) -> Result<HttpRequest> {
        let reference =
            transaction_reference("connector_transaction_id", &req.connector_transaction_id)?;
        let merchant_transaction_id = req
            .merchant_refund_reference
            .as_deref()
            .map(|r| merchant_transaction_id("merchant_refund_reference", r))
            .transpose()?;
        let body = PaymentRequest {
            amount: Some(Amount {
                total: amounts::total(&req.amount, "amount")?,
                currency: req.amount.currency.code(),
            }),
            transaction_details: merchant_transaction_id.map(|id| TransactionDetails {
                merchant_transaction_id: Some(id),
                ..Default::default()
            }),
            reference_transaction_details: Some(ReferenceTransactionDetails::transaction_id(
                reference,
            )),
            merchant_details: self.merchant(),
            ..Default::default()
        };
        self.post(&self.urls.refunds, &body, cx)
    }

    /// `POST /payments/v1/transaction-inquiry` by the refund's own `transactionId`, or by
    /// your `merchant_refund_reference` (sent as the refund's `merchantTransactionId`).
    pub(super) fn refund_inquiry_request(
        &self,
        req: &RefundGetRequest,
        cx: &FlowContext,
    ) -> Result<HttpRequest> {
        let reference = match (&req.connector_refund_id, &req.merchant_refund_reference) {
            (None, Some(reference)) => ReferenceTransactionDetails::merchant_transaction_id(
                merchant_transaction_id("merchant_refund_reference", reference)?,
            ),
            _ => ReferenceTransactionDetails::transaction_id(transaction_reference(
                "connector_refund_id",
                req.required_refund_id(ConnectorName::Fiserv)?,
            )?),
        };
        let body = PaymentRequest {
            reference_transaction_details: Some(reference),
            merchant_details: self.merchant(),
            ..Default::default()
        };
        self.post(&self.urls.inquiry, &body, cx)
    }
}

/// What a refund transaction means.
pub(super) enum RefundOutcome {
    Status(RefundStatus),
    Failed(String),
}

/// The unified refund status of a refund transaction.
pub(super) fn refund_outcome(txn: &Transaction) -> RefundOutcome {
    let approval = txn.approval_status();
    let state = txn.state();
    match approval.as_deref() {
        Some("PROCESSING_FAILED") | Some("VALIDATION_FAILED") => {
            return RefundOutcome::Failed(approval.unwrap_or_default())
        }
        Some("DECLINED") => return RefundOutcome::Status(RefundStatus::Failure),
        Some("WAITING") => return RefundOutcome::Status(RefundStatus::Pending),
        _ => {}
    }
    let approved_or_silent = matches!(approval.as_deref(), None | Some("APPROVED"));
    let status = match state.as_deref() {
        Some("DECLINED") | Some("FAILED") => RefundStatus::Failure,
        Some("AUTHORIZED") | Some("APPROVED") | Some("CAPTURED") | Some("SETTLED")
        | Some("SUCCEEDED")
            if approved_or_silent =>
        {
            RefundStatus::Success
        }
        None if approval.as_deref() == Some("APPROVED") => RefundStatus::Success,
        _ => RefundStatus::Pending,
    };
    RefundOutcome::Status(status)
}

/// The refund response of a refund transaction.
fn refund_response(
    response: &HttpResponse,
    txn: &Transaction,
    payment_id: Option<&str>,
    currency: Option<&str>,
) -> Result<RefundResponse> {
    let request_id = txn.api_trace_id().or_else(|| response.request_id());
    let status = match refund_outcome(txn) {
        RefundOutcome::Status(status) => status,
        RefundOutcome::Failed(approval) => {
            return Err(errors::approval_error(
                response,
                &approval,
                txn.processor_details(),
                request_id,
            ))
        }
    };
    let mut r = RefundResponse::new(ConnectorName::Fiserv, status);
    r.connector_refund_id = txn.transaction_id();
    r.connector_transaction_id = payment_id.map(|id| id.trim().to_string());
    r.connector_status = txn.state().or_else(|| txn.approval_status());
    r.merchant_refund_reference = txn.merchant_transaction_id();
    r.amount = approved_money(txn, currency);
    if status == RefundStatus::Failure {
        r.failure = Some(decline_details(txn));
    }
    r.request_id = request_id;
    r.http_status = Some(response.status);
    r.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(r)
}

/// The answer to refund.
pub(super) fn parse_refund(response: &HttpResponse, req: &RefundRequest) -> Result<RefundResponse> {
    let txn = read_transaction(response)?;
    let mut r = refund_response(
        response,
        &txn,
        Some(&req.connector_transaction_id),
        Some(req.amount.currency.code()),
    )?;
    if r.merchant_refund_reference.is_none() {
        r.merchant_refund_reference = req.merchant_refund_reference.clone();
    }
    Ok(r)
}

/// The answer to RSync: the refund's element of the inquiry array (the one with the queried
/// id, else the `REFUND` transaction). Only a `REFUND` element (or one that names no type)
/// is a refund: another transaction (the payment's charge, when its id was queried) reports
/// the payment's state, not the refund's, and is not read as one (spec §5.6, §10.2).
pub(super) fn parse_refund_inquiry(
    response: &HttpResponse,
    req: &RefundGetRequest,
) -> Result<RefundResponse> {
    let transactions = read_inquiry(response)?;
    let refunds: Vec<_> = transactions
        .iter()
        .filter(|t| t.transaction_type().is_none_or(|kind| kind == "REFUND"))
        .collect();
    let id = req.connector_refund_id.as_deref().map(str::trim);
    let refund = refunds
        .iter()
        .find(|t| id.is_some_and(|id| t.has_id(id)))
        .or_else(|| {
            refunds
                .iter()
                .find(|t| t.transaction_type().as_deref() == Some("REFUND"))
        })
        .or(match refunds.as_slice() {
            [only] => Some(only),
            _ => None,
        })
        .copied()
        .ok_or_else(|| not_found(response, "refund"))?;
    let mut r = refund_response(
        response,
        refund,
        req.connector_transaction_id.as_deref(),
        None,
    )?;
    if r.connector_refund_id.is_none() {
        r.connector_refund_id = id.map(str::to_string);
    }
    if r.merchant_refund_reference.is_none() {
        r.merchant_refund_reference = req.merchant_refund_reference.clone();
    }
    Ok(r)
}
