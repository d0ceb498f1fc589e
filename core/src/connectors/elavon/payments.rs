//! Payments: authorize (`ccsale` / `ccauthonly`), get (`txnquery`), capture (`cccomplete`),
//! void (`ccdelete`) and setup_mandate (`ccverify` with `ssl_get_token=Y`).
//!
//! Converge developer docs, "Integration guide > Transaction types" (Credit card sale, Auth
//! only, Completion, Delete, Transaction query, Card verification) and "Generate token".

use super::errors::{self, decline_details, error_document, read_txn, unknown_document};
use super::wire::{self, Outcome, TransStatus, TransactionType, Txn, TxnRequest};
use super::xml::clean_text;
use super::{search, Elavon};
use crate::connector::single_exchange;
use crate::error::{Error, Result};
use crate::http::{HttpResponse, Step};
use crate::money::{Currency, Money};
use crate::types::*;

/// `ssl_amount` is at most 11 characters (Converge docs, "Credit card sale": "Number with 2
/// decimal places").
pub const MAX_AMOUNT_CHARS: usize = 11;

/// `ssl_invoice_number` is at most 25 characters; longer references are truncated.
pub const MAX_INVOICE_CHARS: usize = 25;

/// An amount as Converge writes it: major units with exactly the currency's ISO number of
/// decimals (USD 1000 → `10.00`, JPY 1000 → `1000`, KWD 1500 → `1.500`), computed with integer
/// arithmetic. Negative amounts and amounts longer than 11 characters are refused.
pub fn amount_string(money: &Money, field: &str) -> Result<String> {
    money.validate(field, true)?;
    let text = money.to_major_string();
    if text.len() > MAX_AMOUNT_CHARS {
        return Err(Error::invalid_request(
            field,
            format!("{money} is too large: Elavon's ssl_amount takes at most {MAX_AMOUNT_CHARS} characters"),
        ));
    }
    Ok(text)
}

/// An answer's `ssl_amount` as money, when it parses exactly in `currency`.
fn answer_money(txn: &Txn, currency: Option<Currency>) -> Option<Money> {
    Money::from_major_str(txn.ssl_amount.as_deref()?, currency?).ok()
}

/// `MMYY`.
fn exp_date(card: &Card) -> String {
    format!("{:02}{:02}", card.expiry_month, card.expiry_year % 100)
}

/// The cardholder's first and last names: from the billing address, else the customer, else
/// the card's holder name (last word as the last name).
fn names(
    billing: Option<&Address>,
    customer: Option<&Customer>,
    holder: Option<&str>,
) -> (Option<String>, Option<String>) {
    let pick = |first: Option<&String>, last: Option<&String>| {
        let first = first.and_then(|v| clean_text(v));
        let last = last.and_then(|v| clean_text(v));
        (first.is_some() || last.is_some()).then_some((first, last))
    };
    if let Some(found) = billing.and_then(|a| pick(a.first_name.as_ref(), a.last_name.as_ref())) {
        return found;
    }
    if let Some(found) = customer.and_then(|c| pick(c.first_name.as_ref(), c.last_name.as_ref())) {
        return found;
    }
    match holder.and_then(clean_text) {
        Some(name) => match name.rsplit_once(' ') {
            Some((first, last)) => (clean_text(first), clean_text(last)),
            None => (None, Some(name)),
        },
        None => (None, None),
    }
}

/// Puts the customer, billing and reference fields on a document.
fn add_customer_fields(
    txn: &mut TxnRequest,
    merchant_reference: &str,
    customer: Option<&Customer>,
    billing: Option<&Address>,
    holder: Option<&str>,
) {
    txn.ssl_invoice_number = search::invoice_number(merchant_reference);
    if let Some(c) = customer {
        txn.ssl_email = c.email.as_deref().and_then(clean_text);
        txn.ssl_customer_code = c.id.as_deref().and_then(clean_text);
    }
    if let Some(a) = billing {
        txn.ssl_avs_address = a.line1.as_deref().and_then(clean_text);
        txn.ssl_avs_zip = a.postal_code.as_deref().and_then(clean_text);
    }
    let (first, last) = names(billing, customer, holder);
    txn.ssl_first_name = first;
    txn.ssl_last_name = last;
}

/// Puts the card fields on a document.
fn add_card(txn: &mut TxnRequest, card: &Card) {
    txn.ssl_card_number = Some(card.number.expose().to_string());
    txn.ssl_exp_date = Some(exp_date(card));
    if let Some(cvc) = &card.cvc {
        txn.ssl_cvv2cvc2_indicator = Some("1");
        txn.ssl_cvv2cvc2 = Some(cvc.expose().trim().to_string());
    }
}

/// Puts a saved card (a Converge token) and the stored-credential fields on a document
/// (Converge docs, "Merchant managed card tokens"; the stored-credential fields as
/// ActiveMerchant's Elavon gateway sends them).
fn add_mandate(txn: &mut TxnRequest, mandate: &MandateReference) -> Result<()> {
    txn.ssl_token =
        Some(clean_text(&mandate.mandate_id).ok_or_else(|| {
            Error::invalid_request("payment_method.mandate_id", "must not be empty")
        })?);
    match mandate.usage {
        // Merchant-initiated, at irregular times.
        MandateUsage::Unscheduled => {
            txn.ssl_merchant_initiated_unscheduled = Some("Y");
            txn.ssl_entry_mode = Some("12");
        }
        // Merchant-initiated, on a schedule: `1` = recurring.
        MandateUsage::Subscription => {
            txn.ssl_recurring_flag = Some("1");
            txn.ssl_entry_mode = Some("12");
        }
        // Shopper-initiated with the saved card: no merchant-initiated flags.
        MandateUsage::CardOnFile => {}
    }
    if let Some(id) = &mandate.network_transaction_id {
        let (oar, ps2000) = wire::split_network_transaction_id(id);
        txn.ssl_oar_data = oar.as_deref().and_then(clean_text);
        txn.ssl_ps2000_data = ps2000.as_deref().and_then(clean_text);
    }
    Ok(())
}

/// A payment response with the fields every Converge answer gives.
fn payment_response(
    response: &HttpResponse,
    txn: &Txn,
    status: PaymentStatus,
    connector_status: Option<String>,
) -> PaymentResponse {
    let mut p = PaymentResponse::new(ConnectorName::Elavon, status);
    p.connector_status = connector_status;
    p.connector_transaction_id = txn.ssl_txn_id.clone();
    p.merchant_reference = txn.ssl_invoice_number.clone();
    p.network_transaction_id = txn.network_transaction_id();
    p.http_status = Some(response.status);
    p.raw_response = Some(response.masked_body());
    p
}

/// The approval's `ssl_txn_id`, which an approval must carry.
fn approved_txn_id(response: &HttpResponse, txn: &Txn) -> Result<String> {
    txn.ssl_txn_id.clone().ok_or_else(|| {
        errors::invalid_response(
            response,
            "Elavon approved the transaction but sent no ssl_txn_id",
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Authorize
// ---------------------------------------------------------------------------------------------

pub(super) fn authorize(
    elavon: &Elavon,
    req: &AuthorizeRequest,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    single_exchange(
        responses,
        || build_authorize(elavon, req),
        |response| parse_authorize(elavon, req, response),
    )
}

fn build_authorize(elavon: &Elavon, req: &AuthorizeRequest) -> Result<crate::http::HttpRequest> {
    if req.authentication_type == AuthenticationType::ThreeDs {
        return Err(Error::unsupported(
            ConnectorName::Elavon,
            Flow::Authorize,
            "the Converge XML API takes no 3-D Secure; use authentication_type auto or no_three_ds",
        ));
    }
    let transaction_type = match req.capture_method {
        CaptureMethod::Automatic => "ccsale",
        CaptureMethod::Manual => "ccauthonly",
    };
    let mut txn = elavon.txn(transaction_type);
    let (amount, currency) = elavon.wire_amount(&req.amount, "amount")?;
    txn.ssl_amount = Some(amount);
    txn.ssl_transaction_currency = currency;
    let holder = match &req.payment_method {
        PaymentMethod::Card(card) => {
            add_card(&mut txn, card);
            card.holder_name.as_deref()
        }
        PaymentMethod::Mandate(mandate) => {
            add_mandate(&mut txn, mandate)?;
            None
        }
        // Wallet tokens, network tokens, bank and wallet methods: the Converge XML API takes
        // cards and Converge card tokens only.
        other => {
            return Err(Error::unsupported_payment_method(
                ConnectorName::Elavon,
                Flow::Authorize,
                other,
            ))
        }
    };
    add_customer_fields(
        &mut txn,
        &req.merchant_reference,
        req.customer.as_ref(),
        req.billing_address.as_ref(),
        holder,
    );
    elavon.post(&txn, false)
}

fn parse_authorize(
    elavon: &Elavon,
    req: &AuthorizeRequest,
    response: &HttpResponse,
) -> Result<PaymentResponse> {
    let txn = read_txn(response, false, None)?;
    let currency = elavon.answer_currency(&txn, Some(req.amount.currency));
    match txn.outcome() {
        Outcome::Error => Err(error_document(response, &txn, false)),
        Outcome::Unknown => Err(unknown_document(response, &txn)),
        Outcome::Declined => {
            let mut p = payment_response(
                response,
                &txn,
                PaymentStatus::Failure,
                txn.ssl_result_message.clone(),
            );
            p.decline = Some(decline_details(&txn));
            p.amount = answer_money(&txn, currency);
            Ok(p)
        }
        Outcome::Approved => {
            approved_txn_id(response, &txn)?;
            let status = match txn.transaction_type() {
                Some(TransactionType::AuthOnly) => PaymentStatus::Authorized,
                Some(TransactionType::Sale | TransactionType::Force) => PaymentStatus::Charged,
                // Any other type: what was asked for.
                _ => match req.capture_method {
                    CaptureMethod::Automatic => PaymentStatus::Charged,
                    CaptureMethod::Manual => PaymentStatus::Authorized,
                },
            };
            let mut p = payment_response(response, &txn, status, txn.ssl_result_message.clone());
            p.amount = answer_money(&txn, currency);
            p.mandate_id = txn.token().map(str::to_string);
            if p.merchant_reference.is_none() {
                p.merchant_reference = Some(req.merchant_reference.clone());
            }
            Ok(p)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// PSync
// ---------------------------------------------------------------------------------------------

pub(super) fn get_payment(
    elavon: &Elavon,
    req: &PaymentGetRequest,
    now_ms: u64,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    if let (None, Some(reference)) = (&req.connector_transaction_id, &req.merchant_reference) {
        return payment_by_invoice(elavon, reference, now_ms, responses);
    }
    let id = req
        .connector_transaction_id
        .as_deref()
        .and_then(clean_text)
        .ok_or_else(|| {
            Error::invalid_request(
                "connector_transaction_id",
                "Elavon looks payments up by their ssl_txn_id, or by merchant_reference",
            )
        })?;
    single_exchange(
        responses,
        || query(elavon, &id),
        |response| parse_get_payment(elavon, &id, response),
    )
}

/// PSync by your `merchant_reference` (the `ssl_invoice_number`): a `txnquery` search for the
/// sale, auth-only or verification made under it (`search.rs`).
fn payment_by_invoice(
    elavon: &Elavon,
    reference: &str,
    now_ms: u64,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    let invoice = search::invoice_number(reference)
        .ok_or_else(|| Error::invalid_request("merchant_reference", "must not be empty"))?;
    single_exchange(
        responses,
        || search::request(elavon, now_ms, None),
        |response| {
            let txn = search::find(response, &invoice, "payment", |t| {
                matches!(
                    t,
                    TransactionType::Sale
                        | TransactionType::AuthOnly
                        | TransactionType::CardVerification
                        | TransactionType::GetToken
                )
            })?;
            let id = txn.ssl_txn_id.clone().unwrap_or_default();
            queried_payment(elavon, &id, response, txn)
        },
    )
}

/// A `txnquery` by `ssl_txn_id` (retry-safe: it only reads).
pub(super) fn query(elavon: &Elavon, txn_id: &str) -> Result<crate::http::HttpRequest> {
    let mut txn = elavon.txn("txnquery");
    txn.ssl_txn_id = Some(txn_id.to_string());
    elavon.post(&txn, true)
}

/// The unified status of a queried payment (Converge docs, "Transaction query":
/// `ssl_trans_status` with the transaction type).
pub fn query_payment_status(
    transaction_type: Option<&TransactionType>,
    status: Option<&TransStatus>,
) -> PaymentStatus {
    use PaymentStatus::*;
    match status {
        Some(s) if s.is_failed() => return Failure,
        Some(s) if !s.is_through() => return Pending,
        _ => {}
    }
    // Open batch, settled, or no status given with an approved result.
    match transaction_type {
        // An approved sale waiting for (or past) settlement.
        Some(TransactionType::Sale | TransactionType::Force) => Charged,
        // Integrations disagree on a settled auth-only; without a known completion it is
        // still only authorized.
        Some(TransactionType::AuthOnly) => Authorized,
        Some(TransactionType::Delete | TransactionType::Void) => Voided,
        Some(TransactionType::CardVerification | TransactionType::GetToken) => Charged,
        Some(TransactionType::Return | TransactionType::Other(_)) | None => Pending,
    }
}

fn parse_get_payment(
    elavon: &Elavon,
    id: &str,
    response: &HttpResponse,
) -> Result<PaymentResponse> {
    let txn = read_txn(response, true, Some(id))?;
    queried_payment(elavon, id, response, txn)
}

/// A payment from a `txnquery` result.
fn queried_payment(
    elavon: &Elavon,
    id: &str,
    response: &HttpResponse,
    txn: Txn,
) -> Result<PaymentResponse> {
    let currency = elavon.answer_currency(&txn, None);
    let outcome = txn.outcome();
    if outcome == Outcome::Error {
        return Err(error_document(response, &txn, true));
    }
    let status_text = txn.ssl_trans_status.clone();
    let trans_status = txn.trans_status();
    let transaction_type = txn.transaction_type();
    if outcome == Outcome::Unknown && trans_status.is_none() && transaction_type.is_none() {
        return Err(unknown_document(response, &txn));
    }
    let mut p = if outcome == Outcome::Declined {
        let mut p = payment_response(response, &txn, PaymentStatus::Failure, status_text);
        p.decline = Some(decline_details(&txn));
        p
    } else {
        let status = query_payment_status(transaction_type.as_ref(), trans_status.as_ref());
        let mut p = payment_response(response, &txn, status, status_text);
        if status == PaymentStatus::Failure {
            p.decline = Some(DeclineDetails {
                code: txn.ssl_result.clone(),
                message: txn.ssl_result_message.clone(),
                reason: txn.ssl_trans_status.clone(),
                network_decline_code: txn.ssl_issuer_response.clone(),
                network_advice_code: None,
            });
        }
        p
    };
    if p.connector_transaction_id.is_none() {
        p.connector_transaction_id = Some(id.to_string());
    }
    p.amount = answer_money(&txn, currency);
    Ok(p)
}

// ---------------------------------------------------------------------------------------------
// Capture
// ---------------------------------------------------------------------------------------------

pub(super) fn capture(
    elavon: &Elavon,
    req: &CaptureRequest,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    let id = clean_text(&req.connector_transaction_id)
        .ok_or_else(|| Error::invalid_request("connector_transaction_id", "must not be empty"))?;
    single_exchange(
        responses,
        || {
            let mut txn = elavon.txn("cccomplete");
            let (amount, currency) = elavon.wire_amount(&req.amount, "amount")?;
            txn.ssl_amount = Some(amount);
            txn.ssl_transaction_currency = currency;
            txn.ssl_txn_id = Some(id.clone());
            elavon.post(&txn, false)
        },
        |response| parse_capture(elavon, req, &id, response),
    )
}

fn parse_capture(
    elavon: &Elavon,
    req: &CaptureRequest,
    id: &str,
    response: &HttpResponse,
) -> Result<PaymentResponse> {
    let txn = read_txn(response, false, None)?;
    let currency = elavon.answer_currency(&txn, Some(req.amount.currency));
    let mut p = match txn.outcome() {
        Outcome::Error => return Err(error_document(response, &txn, false)),
        Outcome::Unknown => return Err(unknown_document(response, &txn)),
        Outcome::Declined => {
            let mut p = payment_response(
                response,
                &txn,
                PaymentStatus::CaptureFailed,
                txn.ssl_result_message.clone(),
            );
            p.decline = Some(decline_details(&txn));
            p
        }
        Outcome::Approved => {
            approved_txn_id(response, &txn)?;
            let partial = req
                .authorized_amount
                .is_some_and(|authorized| req.amount.minor_units < authorized.minor_units);
            let status = if partial {
                PaymentStatus::PartialCharged
            } else {
                PaymentStatus::Charged
            };
            payment_response(response, &txn, status, txn.ssl_result_message.clone())
        }
    };
    operation_ids(&mut p, id);
    p.amount = answer_money(&txn, currency).or(Some(req.amount));
    Ok(p)
}

/// The payment keeps its id; the operation's own `ssl_txn_id`, when Converge issued a new one,
/// is the operation id.
fn operation_ids(p: &mut PaymentResponse, payment_id: &str) {
    let returned = p.connector_transaction_id.take();
    p.connector_operation_id = returned.filter(|r| r != payment_id);
    p.connector_transaction_id = Some(payment_id.to_string());
}

// ---------------------------------------------------------------------------------------------
// Void
// ---------------------------------------------------------------------------------------------

pub(super) fn void(
    elavon: &Elavon,
    req: &VoidRequest,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    let id = clean_text(&req.connector_transaction_id)
        .ok_or_else(|| Error::invalid_request("connector_transaction_id", "must not be empty"))?;
    single_exchange(
        responses,
        || {
            // `ccdelete` takes no amount.
            let mut txn = elavon.txn("ccdelete");
            txn.ssl_txn_id = Some(id.clone());
            elavon.post(&txn, false)
        },
        |response| parse_void(&id, response),
    )
}

fn parse_void(id: &str, response: &HttpResponse) -> Result<PaymentResponse> {
    let txn = read_txn(response, false, None)?;
    let mut p = match txn.outcome() {
        Outcome::Error => return Err(error_document(response, &txn, false)),
        Outcome::Unknown => return Err(unknown_document(response, &txn)),
        Outcome::Declined => {
            let mut p = payment_response(
                response,
                &txn,
                PaymentStatus::VoidFailed,
                txn.ssl_result_message.clone(),
            );
            p.decline = Some(decline_details(&txn));
            p
        }
        Outcome::Approved => payment_response(
            response,
            &txn,
            PaymentStatus::Voided,
            txn.ssl_result_message.clone(),
        ),
    };
    operation_ids(&mut p, id);
    Ok(p)
}

// ---------------------------------------------------------------------------------------------
// SetupMandate
// ---------------------------------------------------------------------------------------------

/// SetupMandate, made safe to call again under the same `merchant_reference`: Converge has no
/// idempotency, so the first request is a `txnquery` search of the card's recent transactions
/// (by its last four digits) for an approved verification (or sale, for a positive amount)
/// already made under that reference (`search.rs`). Without one,
/// the card is verified (or sold) and tokenised; with one (an earlier call whose answer was
/// lost), only the card's token is fetched (`ccgettoken` without verification: a card has one
/// token per merchant, Converge docs "Tokenization"), so the card is not verified, or charged,
/// twice.
pub(super) fn setup_mandate(
    elavon: &Elavon,
    req: &SetupMandateRequest,
    now_ms: u64,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    // Everything that can be checked is checked before the first request.
    let setup = build_setup_mandate(elavon, req)?;
    let invoice = search::invoice_number(&req.merchant_reference)
        .ok_or_else(|| Error::invalid_request("merchant_reference", "must not be empty"))?;
    let sale = req.amount.minor_units > 0;
    let earlier = |search: &HttpResponse| {
        search::find_approved(search, &invoice, |t| {
            if sale {
                *t == TransactionType::Sale
            } else {
                matches!(
                    t,
                    TransactionType::CardVerification | TransactionType::GetToken
                )
            }
        })
    };
    match responses {
        // Narrowed to the card's transactions, so a busy terminal's days stay a short list.
        [] => Ok(Step::Send(search::request(
            elavon,
            now_ms,
            card_suffix(req).as_deref(),
        )?)),
        [search] => match earlier(search)? {
            Some(_) => Ok(Step::Send(token_request(elavon, req)?)),
            None => Ok(Step::Send(setup)),
        },
        [search, answer] => match earlier(search)? {
            Some(txn) => parse_recovered_mandate(elavon, req, &txn, answer).map(Step::Done),
            None => parse_setup_mandate(elavon, req, answer).map(Step::Done),
        },
        _ => Err(Error::internal(
            "elavon setup_mandate: more responses than requests",
        )),
    }
}

/// The last four digits of the setup's card number.
fn card_suffix(req: &SetupMandateRequest) -> Option<String> {
    let PaymentMethod::Card(card) = &req.payment_method else {
        return None;
    };
    let digits: Vec<char> = card
        .number
        .expose()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    (digits.len() >= 4).then(|| digits[digits.len() - 4..].iter().collect())
}

/// `ccgettoken` without verification: the card's token, and no transaction (retry-safe: the
/// card keeps its token).
fn token_request(elavon: &Elavon, req: &SetupMandateRequest) -> Result<crate::http::HttpRequest> {
    let PaymentMethod::Card(card) = &req.payment_method else {
        return Err(Error::internal("elavon setup_mandate: not a card"));
    };
    let mut txn = elavon.txn("ccgettoken");
    add_card(&mut txn, card);
    txn.ssl_verify = Some("N");
    elavon.post(&txn, true)
}

/// The mandate of an earlier setup found by the search (`earlier`), with the token of the
/// `ccgettoken` answer.
fn parse_recovered_mandate(
    elavon: &Elavon,
    req: &SetupMandateRequest,
    earlier: &Txn,
    response: &HttpResponse,
) -> Result<PaymentResponse> {
    let txn = read_txn(response, true, None)?;
    if txn.outcome() == Outcome::Error {
        return Err(error_document(response, &txn, true));
    }
    let token = txn.token().map(str::to_string).ok_or_else(|| {
        errors::invalid_response(
            response,
            "Elavon answered the token request for an earlier verified card without a token",
        )
    })?;
    let mut p = payment_response(
        response,
        earlier,
        PaymentStatus::Charged,
        earlier.ssl_result_message.clone(),
    );
    p.mandate_id = Some(token);
    let currency = elavon.answer_currency(earlier, Some(req.amount.currency));
    p.amount = answer_money(earlier, currency).or(Some(req.amount));
    Ok(p)
}

fn build_setup_mandate(
    elavon: &Elavon,
    req: &SetupMandateRequest,
) -> Result<crate::http::HttpRequest> {
    if req.authentication_type == AuthenticationType::ThreeDs {
        return Err(Error::unsupported(
            ConnectorName::Elavon,
            Flow::SetupMandate,
            "the Converge XML API takes no 3-D Secure; use authentication_type auto or no_three_ds",
        ));
    }
    let card = match &req.payment_method {
        PaymentMethod::Card(card) => card,
        PaymentMethod::Mandate(_) => {
            return Err(Error::invalid_request(
                "payment_method",
                "a mandate is set up from a card",
            ))
        }
        other => {
            return Err(Error::unsupported_payment_method(
                ConnectorName::Elavon,
                Flow::SetupMandate,
                other,
            ))
        }
    };
    // A zero amount is a card verification (`ccverify`); a positive one is a sale that also
    // tokenises the card.
    let mut txn = if req.amount.minor_units == 0 {
        // Checks the currency is one the terminal takes; ccverify itself carries no amount.
        elavon.wire_amount(&req.amount, "amount")?;
        elavon.txn("ccverify")
    } else {
        let mut txn = elavon.txn("ccsale");
        let (amount, currency) = elavon.wire_amount(&req.amount, "amount")?;
        txn.ssl_amount = Some(amount);
        txn.ssl_transaction_currency = currency;
        txn
    };
    add_card(&mut txn, card);
    add_customer_fields(
        &mut txn,
        &req.merchant_reference,
        Some(&req.customer),
        req.billing_address.as_ref(),
        card.holder_name.as_deref(),
    );
    txn.ssl_get_token = Some("Y");
    // Storing the token in Card Manager needs the cardholder's first and last names.
    if txn.ssl_first_name.is_some() && txn.ssl_last_name.is_some() {
        txn.ssl_add_token = Some("Y");
    }
    elavon.post(&txn, false)
}

fn parse_setup_mandate(
    elavon: &Elavon,
    req: &SetupMandateRequest,
    response: &HttpResponse,
) -> Result<PaymentResponse> {
    let txn = read_txn(response, false, None)?;
    let currency = elavon.answer_currency(&txn, Some(req.amount.currency));
    let mut p = match txn.outcome() {
        Outcome::Error => return Err(error_document(response, &txn, false)),
        Outcome::Unknown => return Err(unknown_document(response, &txn)),
        Outcome::Declined => {
            let mut p = payment_response(
                response,
                &txn,
                PaymentStatus::Failure,
                txn.ssl_result_message.clone(),
            );
            p.decline = Some(decline_details(&txn));
            p
        }
        Outcome::Approved => {
            approved_txn_id(response, &txn)?;
            match txn.token() {
                Some(token) => {
                    let mut p = payment_response(
                        response,
                        &txn,
                        PaymentStatus::Charged,
                        txn.ssl_result_message.clone(),
                    );
                    p.mandate_id = Some(token.to_string());
                    p
                }
                // Verified, but no token: no mandate was created.
                None => {
                    let mut p = payment_response(
                        response,
                        &txn,
                        PaymentStatus::Failure,
                        txn.ssl_result_message.clone(),
                    );
                    p.decline = Some(DeclineDetails {
                        code: txn.ssl_token_response.clone(),
                        message: Some(
                            "the card was verified but Elavon returned no token".to_string(),
                        ),
                        reason: Some("token_not_created".to_string()),
                        network_decline_code: None,
                        network_advice_code: None,
                    });
                    p
                }
            }
        }
    };
    p.amount = answer_money(&txn, currency).or(Some(req.amount));
    if p.merchant_reference.is_none() {
        p.merchant_reference = Some(req.merchant_reference.clone());
    }
    Ok(p)
}
