//! Payments (`payments.rs`): authorize, get, capture, void and setup_mandate, requests and
//! answers.

use super::super::payments::{amount_string, query_payment_status};
use super::super::wire::{TransStatus, TransactionType};
use super::*;
use crate::connector::Connector;
use crate::error::ErrorCode;

// ---------------------------------------------------------------------------------------------
// Amounts
// ---------------------------------------------------------------------------------------------

#[test]
fn amounts_are_major_units_with_the_currency_exponent() {
    assert_eq!(amount_string(&usd(1000), "amount").unwrap(), "10.00");
    assert_eq!(amount_string(&usd(5), "amount").unwrap(), "0.05");
    assert_eq!(amount_string(&usd(0), "amount").unwrap(), "0.00");
    assert_eq!(
        amount_string(&Money::new(1000, Currency::JPY), "amount").unwrap(),
        "1000"
    );
    assert_eq!(
        amount_string(&Money::new(1500, Currency::KWD), "amount").unwrap(),
        "1.500"
    );
    // 11 characters at most: 99,999,999.99 fits, 100,000,000.00 does not.
    assert_eq!(
        amount_string(&usd(9_999_999_999), "amount").unwrap(),
        "99999999.99"
    );
    let e = amount_string(&usd(10_000_000_000), "amount").unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("amount"));
    assert!(amount_string(&usd(-1), "amount").is_err());
}

#[test]
fn a_single_currency_terminal_takes_only_its_currency() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.amount = Money::new(1000, Currency::EUR);
    let e = failed(connector().authorize(&req, &cx(), &[]));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("amount.currency"));
    // USD on the default terminal: no currency field is sent.
    let f = fields(&sent(connector().authorize(
        &authorize_request(CaptureMethod::Automatic),
        &cx(),
        &[],
    )));
    assert!(!f.contains_key("ssl_transaction_currency"));
    // A terminal configured for another currency.
    let cad = Currency::new("CAD").unwrap();
    let elavon = Elavon::new(&config().terminal_currency(cad), &sandbox_endpoint()).unwrap();
    req.amount = Money::new(1000, cad);
    let f = fields(&sent(elavon.authorize(&req, &cx(), &[])));
    assert_eq!(f["ssl_amount"], "10.00");
    assert!(!f.contains_key("ssl_transaction_currency"));
}

#[test]
fn a_multi_currency_terminal_gets_the_currency_and_its_exponent() {
    let elavon = multi_currency_connector();
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.amount = Money::new(1000, Currency::JPY);
    let f = fields(&sent(elavon.authorize(&req, &cx(), &[])));
    assert_eq!(f["ssl_amount"], "1000");
    assert_eq!(f["ssl_transaction_currency"], "JPY");
    req.amount = Money::new(1500, Currency::KWD);
    let f = fields(&sent(elavon.authorize(&req, &cx(), &[])));
    assert_eq!(f["ssl_amount"], "1.500");
    assert_eq!(f["ssl_transaction_currency"], "KWD");
    // The answer's amount is read in the answer's currency.
    let answer = "<txn><ssl_result>0</ssl_result><ssl_transaction_type>SALE</ssl_transaction_type><ssl_txn_id>T</ssl_txn_id><ssl_amount>1.500</ssl_amount><ssl_transaction_currency>KWD</ssl_transaction_currency></txn>";
    let p = done(elavon.authorize(&req, &cx(), &[response(answer)]));
    assert_eq!(p.amount, Some(Money::new(1500, Currency::KWD)));
}

// ---------------------------------------------------------------------------------------------
// Authorize
// ---------------------------------------------------------------------------------------------

#[test]
fn automatic_capture_is_a_ccsale_with_the_spec_fields() {
    let request =
        sent(connector().authorize(&authorize_request(CaptureMethod::Automatic), &cx(), &[]));
    assert_elavon_request(&request, "ccsale");
    assert!(!request.retry_safe, "Converge has no idempotency");
    let f = fields(&request);
    assert_eq!(f["ssl_amount"], "10.00");
    assert_eq!(f["ssl_card_number"], CARD_NUMBER);
    assert_eq!(f["ssl_exp_date"], "1230");
    assert_eq!(f["ssl_cvv2cvc2_indicator"], "1");
    assert_eq!(f["ssl_cvv2cvc2"], "123");
    assert_eq!(f["ssl_invoice_number"], "order-42");
    assert_eq!(f["ssl_avs_zip"], "30303");
    assert_eq!(f["ssl_avs_address"], "1 Peachtree St");
    assert_eq!(f["ssl_first_name"], "Jane");
    assert_eq!(f["ssl_last_name"], "Doe");
    assert!(!f.contains_key("ssl_token"));
    assert!(!f.contains_key("ssl_get_token"));
    // The PIN and the card number never show in the request's Debug or masked body.
    let debug = format!("{request:?}");
    assert!(!debug.contains(PIN) && !debug.contains(CARD_NUMBER));
    let masked = request.masked_body().unwrap();
    assert!(!masked.contains(PIN), "{masked}");
    assert!(!masked.contains(CARD_NUMBER), "{masked}");
}

#[test]
fn manual_capture_is_a_ccauthonly() {
    let request =
        sent(connector().authorize(&authorize_request(CaptureMethod::Manual), &cx(), &[]));
    assert_elavon_request(&request, "ccauthonly");
}

#[test]
fn user_values_are_escaped_trimmed_and_limited() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.merchant_reference = "  A&B <order> \"42\" with a very long tail 0123456789".into();
    req.customer = Some(Customer {
        id: Some("cust<&>1".into()),
        email: Some("o'brien&co@example.com".into()),
        first_name: Some("Zoë\u{7}".into()),
        last_name: Some("   ".into()),
        ..Default::default()
    });
    req.billing_address = Some(Address {
        line1: Some("</ssl_avs_address><ssl_amount>0.01</ssl_amount>".into()),
        postal_code: Some(" 30303 ".into()),
        ..Default::default()
    });
    let request = sent(connector().authorize(&req, &cx(), &[]));
    let xml = xml_of(&request);
    assert_eq!(xml.matches("<ssl_amount>").count(), 1, "{xml}");
    let f = fields(&request);
    assert_eq!(f["ssl_amount"], "10.00");
    // Trimmed, then cut to 25 characters.
    assert_eq!(f["ssl_invoice_number"], "A&B <order> \"42\" with a v");
    assert_eq!(f["ssl_invoice_number"].chars().count(), 25);
    assert_eq!(f["ssl_customer_code"], "cust<&>1");
    assert_eq!(f["ssl_email"], "o'brien&co@example.com");
    assert_eq!(
        f["ssl_avs_address"],
        "</ssl_avs_address><ssl_amount>0.01</ssl_amount>"
    );
    assert_eq!(f["ssl_avs_zip"], "30303");
    // A blank last name is left out, not sent empty; a control character is dropped.
    assert_eq!(f["ssl_first_name"], "Zoë");
    assert!(!f.contains_key("ssl_last_name"));
}

#[test]
fn a_card_without_cvc_sends_no_cvv_fields() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    let mut c = card();
    c.cvc = None;
    c.expiry_month = 6;
    c.expiry_year = 2031;
    req.payment_method = PaymentMethod::Card(c);
    let f = fields(&sent(connector().authorize(&req, &cx(), &[])));
    assert_eq!(f["ssl_exp_date"], "0631");
    assert!(!f.contains_key("ssl_cvv2cvc2"));
    assert!(!f.contains_key("ssl_cvv2cvc2_indicator"));
}

#[test]
fn three_ds_is_unsupported_before_sending() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.authentication_type = AuthenticationType::ThreeDs;
    let e = failed(connector().authorize(&req, &cx(), &[]));
    assert_eq!(e.code(), ErrorCode::Unsupported);
    assert!(e.message().contains("3-D Secure"));
}

#[test]
fn the_spec_approved_sale_is_charged() {
    let req = authorize_request(CaptureMethod::Automatic);
    let p = done(connector().authorize(&req, &cx(), &[response(APPROVED_SALE)]));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.connector, ConnectorName::Elavon);
    assert_eq!(p.connector_transaction_id.as_deref(), Some(TXN_ID));
    assert_eq!(p.connector_status.as_deref(), Some("APPROVAL"));
    assert_eq!(p.merchant_reference.as_deref(), Some("order-42"));
    assert_eq!(p.amount, Some(usd(1000)));
    assert_eq!(p.decline, None);
    assert_eq!(p.mandate_id, None);
    assert_eq!(p.http_status, Some(200));
    assert!(p.raw_response.unwrap().contains("APPROVAL"));
}

#[test]
fn an_approved_auth_only_is_authorized() {
    let req = authorize_request(CaptureMethod::Manual);
    let answer = APPROVED_SALE.replace(
        "<ssl_transaction_type>SALE<",
        "<ssl_transaction_type>AUTHONLY<",
    );
    let p = done(connector().authorize(&req, &cx(), &[response(&answer)]));
    assert_eq!(p.status, PaymentStatus::Authorized);
    // An unknown type falls back on the capture method asked for.
    let answer = APPROVED_SALE.replace(
        "<ssl_transaction_type>SALE<",
        "<ssl_transaction_type>SOMETHING<",
    );
    let p = done(connector().authorize(&req, &cx(), &[response(&answer)]));
    assert_eq!(p.status, PaymentStatus::Authorized);
    let p = done(connector().authorize(
        &authorize_request(CaptureMethod::Automatic),
        &cx(),
        &[response(&answer)],
    ));
    assert_eq!(p.status, PaymentStatus::Charged);
}

#[test]
fn the_spec_declined_sale_is_a_failure_with_decline_details() {
    let req = authorize_request(CaptureMethod::Automatic);
    let p = done(connector().authorize(&req, &cx(), &[response(DECLINED_SALE)]));
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("011125A16-0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9")
    );
    let d = p.decline.unwrap();
    assert_eq!(d.code.as_deref(), Some("1"));
    assert_eq!(d.message.as_deref(), Some("DECLINED"));
    assert_eq!(d.network_decline_code, None);
}

#[test]
fn the_recorded_invalid_card_decline_keeps_the_issuer_code() {
    // The outcome one public integration recorded for amount 14.14 on the demo.
    let answer = "<txn><ssl_result>1</ssl_result><ssl_result_message>INVALID CARD</ssl_result_message><ssl_issuer_response>15</ssl_issuer_response><ssl_transaction_type>SALE</ssl_transaction_type><ssl_amount>14.14</ssl_amount></txn>";
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.amount = usd(1414);
    let p = done(connector().authorize(&req, &cx(), &[response(answer)]));
    assert_eq!(p.status, PaymentStatus::Failure);
    let d = p.decline.unwrap();
    assert_eq!(d.code.as_deref(), Some("1"));
    assert_eq!(d.message.as_deref(), Some("INVALID CARD"));
    assert_eq!(d.network_decline_code.as_deref(), Some("15"));
    assert_eq!(p.amount, Some(usd(1414)));
}

#[test]
fn an_approval_without_a_transaction_id_is_invalid_response() {
    let req = authorize_request(CaptureMethod::Automatic);
    let e = failed(connector().authorize(
        &req,
        &cx(),
        &[response("<txn><ssl_result>0</ssl_result><ssl_transaction_type>SALE</ssl_transaction_type></txn>")],
    ));
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
}

#[test]
fn an_authorize_takes_exactly_one_exchange() {
    let req = authorize_request(CaptureMethod::Automatic);
    let e = failed(connector().authorize(
        &req,
        &cx(),
        &[response(APPROVED_SALE), response(APPROVED_SALE)],
    ));
    assert_eq!(e.code(), ErrorCode::Internal);
}

#[test]
fn a_mandate_charge_sends_the_token_and_stored_credential_fields() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.billing_address = None;
    req.payment_method = PaymentMethod::Mandate(MandateReference {
        mandate_id: " 4421912014039990 ".into(),
        usage: MandateUsage::Unscheduled,
        network_transaction_id: Some("OAR123|PS2000ABC".into()),
        connector_customer_id: None,
    });
    let request = sent(connector().authorize(&req, &cx(), &[]));
    assert_elavon_request(&request, "ccsale");
    let f = fields(&request);
    assert_eq!(f["ssl_token"], "4421912014039990");
    assert_eq!(f["ssl_merchant_initiated_unscheduled"], "Y");
    assert_eq!(f["ssl_entry_mode"], "12");
    assert_eq!(f["ssl_oar_data"], "OAR123");
    assert_eq!(f["ssl_ps2000_data"], "PS2000ABC");
    assert!(!f.contains_key("ssl_card_number"));
    assert!(!f.contains_key("ssl_exp_date"));
    assert!(!f.contains_key("ssl_recurring_flag"));

    // A subscription is a recurring charge.
    req.payment_method = PaymentMethod::Mandate(MandateReference {
        mandate_id: "T1".into(),
        usage: MandateUsage::Subscription,
        network_transaction_id: None,
        connector_customer_id: None,
    });
    let f = fields(&sent(connector().authorize(&req, &cx(), &[])));
    assert_eq!(f["ssl_recurring_flag"], "1");
    assert!(!f.contains_key("ssl_merchant_initiated_unscheduled"));
    assert!(!f.contains_key("ssl_oar_data"));

    // Shopper-initiated with the saved card: no merchant-initiated flags.
    req.payment_method = PaymentMethod::Mandate(MandateReference {
        mandate_id: "T1".into(),
        usage: MandateUsage::CardOnFile,
        network_transaction_id: None,
        connector_customer_id: None,
    });
    let f = fields(&sent(connector().authorize(&req, &cx(), &[])));
    assert!(!f.contains_key("ssl_recurring_flag"));
    assert!(!f.contains_key("ssl_merchant_initiated_unscheduled"));
    assert!(!f.contains_key("ssl_entry_mode"));
}

// ---------------------------------------------------------------------------------------------
// PSync
// ---------------------------------------------------------------------------------------------

fn get_request() -> PaymentGetRequest {
    PaymentGetRequest {
        connector_transaction_id: Some(TXN_ID.into()),
        ..Default::default()
    }
}

#[test]
fn get_is_a_retry_safe_txnquery_by_id() {
    let request = sent(connector().get_payment(&get_request(), &cx(), &[]));
    assert_elavon_request(&request, "txnquery");
    assert!(request.retry_safe);
    let f = fields(&request);
    assert_eq!(f["ssl_txn_id"], TXN_ID);
    assert!(!f.contains_key("ssl_card_number"));
    assert!(!f.contains_key("ssl_amount"));
    // Without an id there is nothing to query.
    let e = failed(connector().get_payment(&PaymentGetRequest::default(), &cx(), &[]));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("connector_transaction_id"));
}

#[test]
fn the_spec_query_of_an_open_sale_is_charged() {
    let p = done(connector().get_payment(&get_request(), &cx(), &[response(QUERY_OPEN_SALE)]));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.connector_status.as_deref(), Some("OPN"));
    assert_eq!(p.connector_transaction_id.as_deref(), Some(TXN_ID));
    assert_eq!(p.amount, Some(usd(1000)));
}

#[test]
fn the_query_status_table() {
    use PaymentStatus::*;
    let sale = Some(TransactionType::Sale);
    let auth = Some(TransactionType::AuthOnly);
    for (tt, st, expected) in [
        (&sale, TransStatus::Stl, Charged),
        (&sale, TransStatus::Opn, Charged),
        (&sale, TransStatus::Pen, Pending),
        (&sale, TransStatus::Rev, Pending),
        (&sale, TransStatus::Pst, Failure),
        (&sale, TransStatus::Fpr, Failure),
        (&sale, TransStatus::Pre, Failure),
        (&auth, TransStatus::Stl, Authorized),
        (&auth, TransStatus::Opn, Authorized),
        (&auth, TransStatus::Pen, Pending),
        (&auth, TransStatus::Rev, Pending),
        (&auth, TransStatus::Pst, Failure),
        (&auth, TransStatus::Fpr, Failure),
        (&auth, TransStatus::Pre, Failure),
        (&Some(TransactionType::Force), TransStatus::Opn, Charged),
        (&Some(TransactionType::Delete), TransStatus::Opn, Voided),
        (&Some(TransactionType::Void), TransStatus::Opn, Voided),
        (
            &Some(TransactionType::Other("X".into())),
            TransStatus::Opn,
            Pending,
        ),
        (&sale, TransStatus::Other("NEW".into()), Pending),
    ] {
        assert_eq!(
            query_payment_status(tt.as_ref(), Some(&st)),
            expected,
            "{tt:?} {st:?}"
        );
    }
    assert_eq!(query_payment_status(sale.as_ref(), None), Charged);
    assert_eq!(query_payment_status(None, None), Pending);
}

#[test]
fn queried_failures_and_declines_carry_details() {
    let body = "<txn><ssl_txn_id>T</ssl_txn_id><ssl_transaction_type>SALE</ssl_transaction_type><ssl_trans_status>FPR</ssl_trans_status><ssl_result>0</ssl_result></txn>";
    let p = done(connector().get_payment(&get_request(), &cx(), &[response(body)]));
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(p.decline.unwrap().reason.as_deref(), Some("FPR"));
    let body = "<txn><ssl_txn_id>T</ssl_txn_id><ssl_transaction_type>SALE</ssl_transaction_type><ssl_trans_status>OPN</ssl_trans_status><ssl_result>1</ssl_result><ssl_result_message>DECLINED</ssl_result_message></txn>";
    let p = done(connector().get_payment(&get_request(), &cx(), &[response(body)]));
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(p.decline.unwrap().message.as_deref(), Some("DECLINED"));
}

#[test]
fn a_query_without_result_but_with_a_status_is_read() {
    let body = "<txn>\n\t<ssl_transaction_type>AUTHONLY</ssl_transaction_type>\n\t<ssl_trans_status>STL</ssl_trans_status>\n</txn>";
    let p = done(connector().get_payment(&get_request(), &cx(), &[response(body)]));
    assert_eq!(p.status, PaymentStatus::Authorized);
    // The queried id is kept when the answer has none.
    assert_eq!(p.connector_transaction_id.as_deref(), Some(TXN_ID));
    assert_eq!(p.amount, None);
}

#[test]
fn a_query_list_answer_is_read() {
    let body = format!(
        "<txnlist><ssl_txn_count>1</ssl_txn_count><txn><ssl_txn_id>{TXN_ID}</ssl_txn_id><ssl_transaction_type>AUTHONLY</ssl_transaction_type><ssl_trans_status>OPN</ssl_trans_status><ssl_result>0</ssl_result><ssl_amount>10.00</ssl_amount></txn></txnlist>"
    );
    let p = done(connector().get_payment(&get_request(), &cx(), &[response(&body)]));
    assert_eq!(p.status, PaymentStatus::Authorized);
    assert_eq!(p.amount, Some(usd(1000)));
    let other = "<txnlist><ssl_txn_count>1</ssl_txn_count><txn><ssl_txn_id>SOMEONE-ELSE</ssl_txn_id><ssl_transaction_type>SALE</ssl_transaction_type></txn></txnlist>";
    let e = failed(connector().get_payment(&get_request(), &cx(), &[response(other)]));
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
}

#[test]
fn querying_an_unknown_id_is_not_found() {
    let body = "<txn><errorCode>5040</errorCode><errorName>Invalid Transaction ID</errorName><errorMessage>The transaction ID is invalid for this transaction type.</errorMessage></txn>";
    let e = failed(connector().get_payment(&get_request(), &cx(), &[response(body)]));
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert_eq!(e.processor_code.as_deref(), Some("5040"));
}

// ---------------------------------------------------------------------------------------------
// Capture
// ---------------------------------------------------------------------------------------------

fn capture_request(amount: i64, authorized: Option<i64>) -> CaptureRequest {
    CaptureRequest {
        connector_transaction_id: TXN_ID.into(),
        amount: usd(amount),
        authorized_amount: authorized.map(usd),
        merchant_reference: None,
        idempotency_key: None,
    }
}

const FORCE_ANSWER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<txn>
  <ssl_result>0</ssl_result>
  <ssl_result_message>APPROVAL</ssl_result_message>
  <ssl_transaction_type>FORCE</ssl_transaction_type>
  <ssl_txn_id>011125A15-5E0B9C3A-2D4F-4E61-9C1A-7B2D3E4F5A6B</ssl_txn_id>
  <ssl_amount>10.00</ssl_amount>
</txn>"#;

#[test]
fn capture_is_a_cccomplete_of_the_auth() {
    let request = sent(connector().capture(&capture_request(1000, None), &cx(), &[]));
    assert_elavon_request(&request, "cccomplete");
    assert!(!request.retry_safe);
    let f = fields(&request);
    assert_eq!(f["ssl_txn_id"], TXN_ID);
    assert_eq!(f["ssl_amount"], "10.00");
    assert!(!f.contains_key("ssl_card_number"));
}

#[test]
fn a_full_capture_is_charged_and_a_partial_one_partially() {
    let p = done(connector().capture(
        &capture_request(1000, Some(1000)),
        &cx(),
        &[response(FORCE_ANSWER)],
    ));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.connector_transaction_id.as_deref(), Some(TXN_ID));
    // The completion kept the authorisation's id: no separate operation id.
    assert_eq!(p.connector_operation_id, None);
    assert_eq!(p.amount, Some(usd(1000)));

    let partial = FORCE_ANSWER
        .replace("<ssl_amount>10.00<", "<ssl_amount>6.00<")
        .replace(TXN_ID, "011125A17-NEW");
    let p = done(connector().capture(
        &capture_request(600, Some(1000)),
        &cx(),
        &[response(&partial)],
    ));
    assert_eq!(p.status, PaymentStatus::PartialCharged);
    assert_eq!(p.connector_transaction_id.as_deref(), Some(TXN_ID));
    assert_eq!(p.connector_operation_id.as_deref(), Some("011125A17-NEW"));
    assert_eq!(p.amount, Some(usd(600)));
    let f = fields(&sent(connector().capture(
        &capture_request(600, Some(1000)),
        &cx(),
        &[],
    )));
    assert_eq!(f["ssl_amount"], "6.00");
}

#[test]
fn capture_declines_and_errors() {
    let declined = "<txn><ssl_result>1</ssl_result><ssl_result_message>DECLINED</ssl_result_message><ssl_transaction_type>FORCE</ssl_transaction_type></txn>";
    let p = done(connector().capture(&capture_request(1000, None), &cx(), &[response(declined)]));
    assert_eq!(p.status, PaymentStatus::CaptureFailed);
    assert_eq!(p.decline.unwrap().message.as_deref(), Some("DECLINED"));
    assert_eq!(p.connector_transaction_id.as_deref(), Some(TXN_ID));
    let e = failed(connector().capture(
        &capture_request(1000, None),
        &cx(),
        &[response(
            "<txn><errorCode>5040</errorCode><errorName>Invalid Transaction ID</errorName></txn>",
        )],
    ));
    assert_eq!(e.code(), ErrorCode::NotFound);
}

// ---------------------------------------------------------------------------------------------
// Void
// ---------------------------------------------------------------------------------------------

fn void_request() -> VoidRequest {
    VoidRequest {
        connector_transaction_id: TXN_ID.into(),
        ..Default::default()
    }
}

#[test]
fn void_is_a_ccdelete_without_amount() {
    let mut req = void_request();
    req.amount = Some(usd(1000));
    let request = sent(connector().void(&req, &cx(), &[]));
    assert_elavon_request(&request, "ccdelete");
    assert!(!request.retry_safe);
    let f = fields(&request);
    assert_eq!(f["ssl_txn_id"], TXN_ID);
    assert!(!f.contains_key("ssl_amount"));
}

#[test]
fn an_approved_delete_is_voided_with_the_new_id() {
    let answer = "<txn><ssl_result>0</ssl_result><ssl_result_message>APPROVAL</ssl_result_message><ssl_transaction_type>DELETE</ssl_transaction_type><ssl_txn_id>011125A18-DELETE-ID</ssl_txn_id></txn>";
    let p = done(connector().void(&void_request(), &cx(), &[response(answer)]));
    assert_eq!(p.status, PaymentStatus::Voided);
    assert_eq!(p.connector_transaction_id.as_deref(), Some(TXN_ID));
    assert_eq!(
        p.connector_operation_id.as_deref(),
        Some("011125A18-DELETE-ID")
    );
}

#[test]
fn void_declines_and_errors() {
    let declined =
        "<txn><ssl_result>1</ssl_result><ssl_result_message>DECLINED</ssl_result_message></txn>";
    let p = done(connector().void(&void_request(), &cx(), &[response(declined)]));
    assert_eq!(p.status, PaymentStatus::VoidFailed);
    assert!(p.decline.is_some());
    // Voiding twice.
    let twice = "<txn><errorCode>5040</errorCode><errorName>Invalid Transaction ID</errorName><errorMessage>The transaction ID is invalid for this transaction type.</errorMessage></txn>";
    let e = failed(connector().void(&void_request(), &cx(), &[response(twice)]));
    assert_eq!(e.code(), ErrorCode::NotFound);
    // Settlement in progress.
    let settling = "<txn><errorCode>4018</errorCode><errorName>Void Failed</errorName><errorMessage>Settlement is in progress, Void failed.</errorMessage></txn>";
    let e = failed(connector().void(&void_request(), &cx(), &[response(settling)]));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
}

// ---------------------------------------------------------------------------------------------
// SetupMandate
// ---------------------------------------------------------------------------------------------

fn setup_request(amount: i64) -> SetupMandateRequest {
    SetupMandateRequest::new(
        usd(amount),
        "setup-1",
        PaymentMethod::Card(card()),
        Customer {
            id: Some("shopper-42".into()),
            email: Some("jane@example.com".into()),
            ..Default::default()
        },
    )
}

const VERIFY_ANSWER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<txn>
  <ssl_result>0</ssl_result>
  <ssl_result_message>APPROVAL</ssl_result_message>
  <ssl_transaction_type>CARDVERIFICATION</ssl_transaction_type>
  <ssl_txn_id>011125A19-VERIFY</ssl_txn_id>
  <ssl_approval_code>123456</ssl_approval_code>
  <ssl_token>4421912014039990</ssl_token>
  <ssl_token_response>SUCCESS</ssl_token_response>
  <ssl_add_token_response>Card Added</ssl_add_token_response>
  <ssl_oar_data>010012345678901234567890</ssl_oar_data>
  <ssl_ps2000_data>A1234567890123456789</ssl_ps2000_data>
</txn>"#;

/// A search that finds no earlier setup under the reference.
const NO_EARLIER: &str = "<txnlist><ssl_txn_count>0</ssl_txn_count></txnlist>";

fn no_earlier() -> HttpResponse {
    response(NO_EARLIER)
}

#[test]
fn a_zero_amount_setup_is_a_ccverify_that_gets_a_token() {
    // First, a search for an earlier setup under the same reference.
    let search = sent(connector().setup_mandate(&setup_request(0), &cx(), &[]));
    assert_elavon_request(&search, "txnquery");
    assert!(search.retry_safe);
    assert!(fields(&search).contains_key("ssl_search_start_date"));
    // Narrowed to the card: its last four digits.
    assert_eq!(fields(&search)["ssl_card_suffix"], "9990");
    assert!(!fields(&search).contains_key("ssl_card_number"));
    let request = sent(connector().setup_mandate(&setup_request(0), &cx(), &[no_earlier()]));
    assert_elavon_request(&request, "ccverify");
    assert!(!request.retry_safe);
    let f = fields(&request);
    assert_eq!(f["ssl_get_token"], "Y");
    assert_eq!(f["ssl_add_token"], "Y");
    assert_eq!(f["ssl_first_name"], "Jane");
    assert_eq!(f["ssl_last_name"], "Doe");
    assert_eq!(f["ssl_card_number"], CARD_NUMBER);
    assert_eq!(f["ssl_customer_code"], "shopper-42");
    assert!(!f.contains_key("ssl_amount"));
    // Without names the token is generated but not added to Card Manager.
    let mut req = setup_request(0);
    let mut c = card();
    c.holder_name = None;
    req.payment_method = PaymentMethod::Card(c);
    let f = fields(&sent(connector().setup_mandate(
        &req,
        &cx(),
        &[no_earlier()],
    )));
    assert_eq!(f["ssl_get_token"], "Y");
    assert!(!f.contains_key("ssl_add_token"));
}

#[test]
fn a_positive_amount_setup_is_a_tokenising_sale() {
    let request = sent(connector().setup_mandate(&setup_request(100), &cx(), &[no_earlier()]));
    assert_elavon_request(&request, "ccsale");
    let f = fields(&request);
    assert_eq!(f["ssl_amount"], "1.00");
    assert_eq!(f["ssl_get_token"], "Y");
}

#[test]
fn a_verified_card_with_a_token_is_a_mandate() {
    let p = done(connector().setup_mandate(
        &setup_request(0),
        &cx(),
        &[no_earlier(), response(VERIFY_ANSWER)],
    ));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.mandate_id.as_deref(), Some("4421912014039990"));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("011125A19-VERIFY")
    );
    assert_eq!(
        p.network_transaction_id.as_deref(),
        Some("010012345678901234567890|A1234567890123456789")
    );
    assert_eq!(p.amount, Some(usd(0)));
    assert_eq!(p.merchant_reference.as_deref(), Some("setup-1"));
}

#[test]
fn a_setup_without_token_or_declined_has_no_mandate() {
    let no_token = VERIFY_ANSWER.replace(
        "<ssl_token_response>SUCCESS<",
        "<ssl_token_response>Failed<",
    );
    let p = done(connector().setup_mandate(
        &setup_request(0),
        &cx(),
        &[no_earlier(), response(&no_token)],
    ));
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(p.mandate_id, None);
    assert_eq!(p.decline.unwrap().code.as_deref(), Some("Failed"));
    let declined = "<txn><ssl_result>1</ssl_result><ssl_result_message>DECLINED</ssl_result_message><ssl_transaction_type>CARDVERIFICATION</ssl_transaction_type></txn>";
    let p = done(connector().setup_mandate(
        &setup_request(0),
        &cx(),
        &[no_earlier(), response(declined)],
    ));
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(p.mandate_id, None);
    assert_eq!(p.decline.unwrap().message.as_deref(), Some("DECLINED"));
}

#[test]
fn a_setup_made_again_under_its_reference_fetches_the_token_and_verifies_nothing() {
    // The earlier call verified the card and its answer was lost: the search finds it.
    let earlier = "<txnlist><ssl_txn_count>2</ssl_txn_count>\
        <txn><ssl_txn_id>011125A19-DECLINED</ssl_txn_id><ssl_transaction_type>CARDVERIFICATION</ssl_transaction_type>\
        <ssl_result>1</ssl_result><ssl_invoice_number>setup-1</ssl_invoice_number><ssl_txn_time>12/06/2026 08:58:00 AM</ssl_txn_time></txn>\
        <txn><ssl_txn_id>011125A19-VERIFY</ssl_txn_id><ssl_transaction_type>CARDVERIFICATION</ssl_transaction_type>\
        <ssl_trans_status>OPN</ssl_trans_status><ssl_result>0</ssl_result><ssl_result_message>APPROVAL</ssl_result_message>\
        <ssl_amount>0.00</ssl_amount><ssl_invoice_number>setup-1</ssl_invoice_number>\
        <ssl_txn_time>12/06/2026 08:57:00 AM</ssl_txn_time></txn></txnlist>";
    let token = sent(connector().setup_mandate(&setup_request(0), &cx(), &[response(earlier)]));
    assert_elavon_request(&token, "ccgettoken");
    assert!(token.retry_safe);
    let f = fields(&token);
    assert_eq!(f["ssl_verify"], "N");
    assert_eq!(f["ssl_card_number"], CARD_NUMBER);
    assert!(!f.contains_key("ssl_get_token"));
    let answer = "<txn><ssl_result>0</ssl_result><ssl_result_message>APPROVAL</ssl_result_message>\
        <ssl_transaction_type>GETTOKEN</ssl_transaction_type><ssl_token>7421912014039990</ssl_token>\
        <ssl_token_response>SUCCESS</ssl_token_response></txn>";
    let p = done(connector().setup_mandate(
        &setup_request(0),
        &cx(),
        &[response(earlier), response(answer)],
    ));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.mandate_id.as_deref(), Some("7421912014039990"));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("011125A19-VERIFY")
    );
    assert_eq!(p.amount, Some(usd(0)));
    // A token answer without a token is not a mandate.
    let e = failed(connector().setup_mandate(
        &setup_request(0),
        &cx(),
        &[response(earlier), response(DECLINED_SALE)],
    ));
    assert_eq!(e.code(), ErrorCode::InvalidResponse);

    // A positive amount looks for an earlier sale, not a verification: the earlier list has
    // none, so the card is sold (once).
    let request = sent(connector().setup_mandate(&setup_request(100), &cx(), &[response(earlier)]));
    assert_elavon_request(&request, "ccsale");
    // A search that fails is the call's error: nothing was sent that could act.
    let e = failed(connector().setup_mandate(&setup_request(0), &cx(), &[response(ERROR_5000)]));
    assert_ne!(e.code(), ErrorCode::NotFound);
}

#[test]
fn a_setup_needs_a_card() {
    let mut req = setup_request(0);
    req.payment_method = PaymentMethod::Mandate(MandateReference {
        mandate_id: "T".into(),
        usage: MandateUsage::Unscheduled,
        network_transaction_id: None,
        connector_customer_id: None,
    });
    let e = failed(connector().setup_mandate(&req, &cx(), &[]));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("payment_method"));
}

#[test]
fn methods_other_than_cards_and_tokens_are_unsupported_before_sending() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.payment_method = PaymentMethod::ApplePay(ApplePay {
        token: Secret::new("{\"data\":\"...\"}".to_string()),
    });
    let e = failed(connector().authorize(&req, &cx(), &[]));
    assert_eq!(e.code(), ErrorCode::Unsupported);
    assert_eq!(e.field(), Some("payment_method"));
    assert_eq!(e.flow, Some(Flow::Authorize));
    assert!(e.message().contains("Elavon"), "{}", e.message());
    req.payment_method = PaymentMethod::Netbanking(Netbanking {
        bank_code: "HDFC".into(),
    });
    let e = failed(connector().authorize(&req, &cx(), &[]));
    assert_eq!(e.code(), ErrorCode::Unsupported);
    let mut setup = setup_request(0);
    setup.payment_method = PaymentMethod::GooglePay(GooglePay {
        token: Secret::new("tok".to_string()),
    });
    let e = failed(connector().setup_mandate(&setup, &cx(), &[]));
    assert_eq!(e.code(), ErrorCode::Unsupported);
    assert_eq!(e.flow, Some(Flow::SetupMandate));
}
