//! Refunds: `ccreturn` (full or partial) and RSync (`txnquery` with the refund's own
//! `ssl_txn_id`).
//!
//! Converge developer docs, "Integration guide > Transaction types" (Return, Transaction
//! query). A return issues a new `ssl_txn_id`: that is the refund id.

use super::errors::{decline_details, error_document, read_txn, unknown_document};
use super::payments::query;
use super::search;
use super::wire::{Outcome, TransStatus, TransactionType, Txn};
use super::xml::clean_text;
use super::Elavon;
use crate::connector::single_exchange;
use crate::error::{Error, Result};
use crate::http::{HttpResponse, Step};
use crate::money::{Currency, Money};
use crate::types::*;

fn refund_response(response: &HttpResponse, txn: &Txn, status: RefundStatus) -> RefundResponse {
    let mut r = RefundResponse::new(ConnectorName::Elavon, status);
    r.connector_refund_id = txn.ssl_txn_id.clone();
    r.http_status = Some(response.status);
    r.raw_response = Some(response.masked_body());
    r
}

fn answer_money(txn: &Txn, currency: Option<Currency>) -> Option<Money> {
    Money::from_major_str(txn.ssl_amount.as_deref()?, currency?).ok()
}

// ---------------------------------------------------------------------------------------------
// Refund
// ---------------------------------------------------------------------------------------------

pub(super) fn refund(
    elavon: &Elavon,
    req: &RefundRequest,
    idempotency_key: &str,
    responses: &[HttpResponse],
) -> Result<Step<RefundResponse>> {
    let id = clean_text(&req.connector_transaction_id)
        .ok_or_else(|| Error::invalid_request("connector_transaction_id", "must not be empty"))?;
    single_exchange(
        responses,
        || {
            let mut txn = elavon.txn("ccreturn");
            let (amount, currency) = elavon.wire_amount(&req.amount, "amount")?;
            txn.ssl_amount = Some(amount);
            txn.ssl_transaction_currency = currency;
            txn.ssl_txn_id = Some(id.clone());
            // What the return can be found by after an uncertain outcome (`refunds.get` with
            // `merchant_refund_reference`): your reference, else the call's idempotency key.
            txn.ssl_invoice_number = search::invoice_number(
                req.merchant_refund_reference
                    .as_deref()
                    .unwrap_or(idempotency_key),
            );
            elavon.post(&txn, false)
        },
        |response| parse_refund(elavon, req, &id, response),
    )
}

/// The refund status of a `ccreturn` answer: `0` with type `RETURN` is a success, `0` with any
/// other type pending, `1` a decline, anything else pending.
pub fn refund_status(txn: &Txn) -> RefundStatus {
    match txn.ssl_result.as_deref() {
        Some("0") => match txn.transaction_type() {
            Some(TransactionType::Return) => RefundStatus::Success,
            _ => RefundStatus::Pending,
        },
        Some("1") => RefundStatus::Failure,
        _ => RefundStatus::Pending,
    }
}

fn parse_refund(
    elavon: &Elavon,
    req: &RefundRequest,
    id: &str,
    response: &HttpResponse,
) -> Result<RefundResponse> {
    let txn = read_txn(response, false, None)?;
    match txn.outcome() {
        Outcome::Error => return Err(error_document(response, &txn, false)),
        Outcome::Unknown => return Err(unknown_document(response, &txn)),
        Outcome::Approved | Outcome::Declined => {}
    }
    let status = refund_status(&txn);
    let mut r = refund_response(response, &txn, status);
    r.connector_status = txn.ssl_result_message.clone();
    r.connector_transaction_id = Some(id.to_string());
    r.merchant_refund_reference = req.merchant_refund_reference.clone();
    let currency = elavon.answer_currency(&txn, Some(req.amount.currency));
    r.amount = answer_money(&txn, currency).or(Some(req.amount));
    if txn.outcome() == Outcome::Declined {
        r.failure = Some(decline_details(&txn));
    }
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// RSync
// ---------------------------------------------------------------------------------------------

pub(super) fn get_refund(
    elavon: &Elavon,
    req: &RefundGetRequest,
    now_ms: u64,
    responses: &[HttpResponse],
) -> Result<Step<RefundResponse>> {
    let Some(id) = req.connector_refund_id.as_deref() else {
        return refund_by_invoice(elavon, req, now_ms, responses);
    };
    let id = clean_text(id)
        .ok_or_else(|| Error::invalid_request("connector_refund_id", "must not be empty"))?;
    single_exchange(
        responses,
        || query(elavon, &id),
        |response| parse_get_refund(elavon, req, &id, response),
    )
}

/// RSync by your `merchant_refund_reference` (the return's `ssl_invoice_number`): a
/// `txnquery` search for the `RETURN` made under it (`search.rs`).
fn refund_by_invoice(
    elavon: &Elavon,
    req: &RefundGetRequest,
    now_ms: u64,
    responses: &[HttpResponse],
) -> Result<Step<RefundResponse>> {
    let invoice = req
        .merchant_refund_reference
        .as_deref()
        .and_then(search::invoice_number)
        .ok_or_else(|| Error::invalid_request("connector_refund_id", "is required"))?;
    single_exchange(
        responses,
        || search::request(elavon, now_ms, None),
        |response| {
            let txn = search::find(response, &invoice, "return", |t| {
                *t == TransactionType::Return
            })?;
            let id = txn.ssl_txn_id.clone().unwrap_or_default();
            let mut r = queried_refund(elavon, req, &id, response, txn)?;
            r.merchant_refund_reference = req.merchant_refund_reference.clone();
            Ok(r)
        },
    )
}

/// The unified status of a queried refund (Converge docs, "Transaction query"): only a
/// `RETURN` is a refund; its `ssl_trans_status` decides.
pub fn query_refund_status(
    transaction_type: Option<&TransactionType>,
    status: Option<&TransStatus>,
) -> RefundStatus {
    if transaction_type != Some(&TransactionType::Return) {
        return RefundStatus::Pending;
    }
    match status {
        Some(TransStatus::Stl) => RefundStatus::Success,
        Some(TransStatus::Rev) => RefundStatus::ManualReview,
        Some(s) if s.is_failed() => RefundStatus::Failure,
        _ => RefundStatus::Pending,
    }
}

fn parse_get_refund(
    elavon: &Elavon,
    req: &RefundGetRequest,
    id: &str,
    response: &HttpResponse,
) -> Result<RefundResponse> {
    let txn = read_txn(response, true, Some(id))?;
    queried_refund(elavon, req, id, response, txn)
}

/// A refund from a `txnquery` result.
fn queried_refund(
    elavon: &Elavon,
    req: &RefundGetRequest,
    id: &str,
    response: &HttpResponse,
    txn: Txn,
) -> Result<RefundResponse> {
    let outcome = txn.outcome();
    if outcome == Outcome::Error {
        return Err(error_document(response, &txn, true));
    }
    let transaction_type = txn.transaction_type();
    let trans_status = txn.trans_status();
    if outcome == Outcome::Unknown && transaction_type.is_none() && trans_status.is_none() {
        return Err(unknown_document(response, &txn));
    }
    // A declined return failed; another transaction (the payment, when its id was queried)
    // says nothing of the refund (spec §6.6: any other type is pending).
    let is_return = transaction_type
        .as_ref()
        .is_none_or(|t| *t == TransactionType::Return);
    let status = if outcome == Outcome::Declined && is_return {
        RefundStatus::Failure
    } else {
        query_refund_status(transaction_type.as_ref(), trans_status.as_ref())
    };
    let mut r = refund_response(response, &txn, status);
    if r.connector_refund_id.is_none() {
        r.connector_refund_id = Some(id.to_string());
    }
    r.connector_status = txn.ssl_trans_status.clone();
    r.connector_transaction_id = req.connector_transaction_id.clone();
    let currency = elavon.answer_currency(&txn, None);
    r.amount = answer_money(&txn, currency);
    if status == RefundStatus::Failure {
        r.failure = Some(crate::types::DeclineDetails {
            code: txn.ssl_result.clone(),
            message: txn.ssl_result_message.clone(),
            reason: txn.ssl_trans_status.clone(),
            network_decline_code: txn.ssl_issuer_response.clone(),
            network_advice_code: None,
        });
    }
    Ok(r)
}
