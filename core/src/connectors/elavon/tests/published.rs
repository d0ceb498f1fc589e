//! Published Converge payloads (`tests/published/`, sources in `published/SOURCES.md`) through
//! the connector's real parsing paths: each fixture is the answer of the flow it belongs to, and
//! the test asserts what the payload means (status, ids, amounts, decline and error classes).
//! The fixtures are kept byte for byte as published; none is written here.

use super::super::search;
use super::super::wire::{self, Document, Outcome, TransStatus, TransactionType};
use super::*;
use crate::connector::Connector;
use crate::error::ErrorCode;

// ActiveMerchant, test/unit/gateways/elavon_test.rb (fixtures of its unit tests).
const AM_TRANSCRIPT_SALE: &str = include_str!("published/am_transcript_sale_approved.xml");
const AM_PURCHASE_AUTHONLY: &str = include_str!("published/am_purchase_approved_authonly.xml");
const AM_AUTHONLY: &str = include_str!("published/am_authonly_approved.xml");
const AM_SALE_JPY: &str = include_str!("published/am_sale_approved_multi_currency_jpy.xml");
const AM_COMPLETE: &str = include_str!("published/am_complete_approved_force.xml");
const AM_DELETE: &str = include_str!("published/am_delete_approved.xml");
const AM_RETURN: &str = include_str!("published/am_return_approved.xml");
const AM_VERIFY: &str = include_str!("published/am_verify_approved.xml");
const AM_GETTOKEN: &str = include_str!("published/am_gettoken_success.xml");
const AM_UPDATETOKEN: &str = include_str!("published/am_updatetoken_success.xml");
const AM_UPDATETOKEN_FAILED: &str = include_str!("published/am_updatetoken_failed.xml");
const AM_ERROR_5000: &str = include_str!("published/am_error_5000_card_invalid.xml");
const AM_ERROR_5004: &str = include_str!("published/am_error_5004_invalid_approval_code.xml");
const AM_ERROR_5040: &str = include_str!("published/am_error_5040_invalid_txn_id.xml");
const AM_ERROR_5091: &str = include_str!("published/am_error_5091_invalid_amount.xml");
const AM_ERROR_4025: &str = include_str!("published/am_error_4025_invalid_credentials.xml");
// poynt/ElavonConvergeProcessor (com.elavon.converge.model), sample documents.
const POYNT_QUERY_SETTLED_SALE: &str = include_str!("published/poynt_query_settled_sale.xml");
const POYNT_SEARCH_SETTLED: &str = include_str!("published/poynt_search_txnlist_settled.xml");
const POYNT_SEARCH_ERRORCODE0: &str = include_str!("published/poynt_search_txnlist_errorcode0.xml");
// Demo answers recorded in public integrations' source comments.
const CAPTURED_SALE_APPROVED: &str = include_str!("published/captured_sale_approved_2024.xml");
const CAPTURED_SALE_DECLINED: &str =
    include_str!("published/captured_sale_declined_invalid_card.xml");

const ALL: [(&str, &str); 21] = [
    ("am_transcript_sale_approved", AM_TRANSCRIPT_SALE),
    ("am_purchase_approved_authonly", AM_PURCHASE_AUTHONLY),
    ("am_authonly_approved", AM_AUTHONLY),
    ("am_sale_approved_multi_currency_jpy", AM_SALE_JPY),
    ("am_complete_approved_force", AM_COMPLETE),
    ("am_delete_approved", AM_DELETE),
    ("am_return_approved", AM_RETURN),
    ("am_verify_approved", AM_VERIFY),
    ("am_gettoken_success", AM_GETTOKEN),
    ("am_updatetoken_success", AM_UPDATETOKEN),
    ("am_updatetoken_failed", AM_UPDATETOKEN_FAILED),
    ("am_error_5000_card_invalid", AM_ERROR_5000),
    ("am_error_5004_invalid_approval_code", AM_ERROR_5004),
    ("am_error_5040_invalid_txn_id", AM_ERROR_5040),
    ("am_error_5091_invalid_amount", AM_ERROR_5091),
    ("am_error_4025_invalid_credentials", AM_ERROR_4025),
    ("poynt_query_settled_sale", POYNT_QUERY_SETTLED_SALE),
    ("poynt_search_txnlist_settled", POYNT_SEARCH_SETTLED),
    ("poynt_search_txnlist_errorcode0", POYNT_SEARCH_ERRORCODE0),
    ("captured_sale_approved_2024", CAPTURED_SALE_APPROVED),
    (
        "captured_sale_declined_invalid_card",
        CAPTURED_SALE_DECLINED,
    ),
];

fn txn_of(body: &str) -> wire::Txn {
    match wire::parse_document(body.as_bytes()).unwrap() {
        Document::Txn(t) => *t,
        Document::List(l) => panic!("expected a <txn>, got a list of {}", l.txn.len()),
    }
}

fn list_of(body: &str) -> wire::TxnList {
    match wire::parse_document(body.as_bytes()).unwrap() {
        Document::List(l) => l,
        Document::Txn(t) => panic!("expected a <txnlist>, got {t:?}"),
    }
}

fn get_by_id(id: &str) -> PaymentGetRequest {
    PaymentGetRequest {
        connector_transaction_id: Some(id.into()),
        ..Default::default()
    }
}

#[test]
fn every_published_payload_parses() {
    for (name, body) in ALL {
        let document = wire::parse_document(body.as_bytes());
        assert!(document.is_ok(), "{name}: {document:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// ccsale / ccauthonly
// ---------------------------------------------------------------------------------------------

#[test]
fn the_demo_transcript_sale_is_charged() {
    // The one-line body Converge's demo sent ActiveMerchant (its transcript test).
    let req = authorize_request(CaptureMethod::Automatic);
    let p = done(connector().authorize(&req, &cx(), &[response(AM_TRANSCRIPT_SALE)]));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("150920ED4-48E1CA31-F2C5-411B-9543-AEA81EFB81B9")
    );
    assert_eq!(p.connector_status.as_deref(), Some("APPROVAL"));
    assert_eq!(p.amount, Some(usd(10_000)));
    assert_eq!(
        p.network_transaction_id.as_deref(),
        Some("010012344309152309280000047554200000000000259849025923123443|A9151909286574590030VE")
    );
    // `<ssl_invoice_number></ssl_invoice_number>`: empty, so the request's reference is kept.
    assert_eq!(p.merchant_reference.as_deref(), Some("order-42"));
    assert_eq!(p.decline, None);
    assert_eq!(p.mandate_id, None);
}

#[test]
fn a_published_auth_only_is_authorized() {
    let req = authorize_request(CaptureMethod::Manual);
    let p = done(connector().authorize(&req, &cx(), &[response(AM_AUTHONLY)]));
    assert_eq!(p.status, PaymentStatus::Authorized);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("150920ED4-3EB7A2DF-A5A7-48E6-97B6-D98A9DC0BD59")
    );
    assert_eq!(p.amount, Some(usd(10_000)));
    assert_eq!(
        p.network_transaction_id.as_deref(),
        Some("010012312309152159540000047554200000000000259404025921123123|A9151759546571260030VE")
    );
}

#[test]
fn the_answer_type_decides_over_the_capture_asked_for() {
    // ActiveMerchant's "successful purchase" fixture reports AUTHONLY: what Converge did is an
    // authorization, whatever was asked for. Indented, with the declaration after spaces.
    for capture in [CaptureMethod::Automatic, CaptureMethod::Manual] {
        let req = authorize_request(capture);
        let p = done(connector().authorize(&req, &cx(), &[response(AM_PURCHASE_AUTHONLY)]));
        assert_eq!(p.status, PaymentStatus::Authorized);
        assert_eq!(
            p.connector_transaction_id.as_deref(),
            Some("180820AD3-27AEE6EF-8CA7-4811-8D1F-E420C3B5041E")
        );
        assert_eq!(p.amount, Some(usd(10_000)));
    }
}

#[test]
fn a_multi_currency_sale_reads_the_amount_in_its_currency() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.amount = Money::new(100, Currency::JPY);
    let p = done(multi_currency_connector().authorize(&req, &cx(), &[response(AM_SALE_JPY)]));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("180820ED3-1DD371B9-64DF-4902-B377-EBD095E6DAF0")
    );
    // `<ssl_amount>100</ssl_amount>` with `<ssl_transaction_currency>JPY`: no decimals.
    assert_eq!(p.amount, Some(Money::new(100, Currency::JPY)));
}

#[test]
fn a_recorded_demo_sale_is_charged() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.amount = usd(500);
    let p = done(connector().authorize(&req, &cx(), &[response(CAPTURED_SALE_APPROVED)]));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("240624O2C-D0116F3A-3CD8-4B6E-A93F-108CB2B62F44")
    );
    assert_eq!(p.amount, Some(usd(500)));
    assert_eq!(
        p.network_transaction_id.as_deref(),
        Some("010011433606241445380000047554200000000000042576417614114336|W7541765313966924021A")
    );
    // `<ssl_avs_response> </ssl_avs_response>`: a blank value reads as absent.
    assert_eq!(txn_of(CAPTURED_SALE_APPROVED).ssl_avs_response, None);
}

#[test]
fn a_recorded_demo_decline_is_a_failure_with_the_issuer_code() {
    // Amount 14.14 on the demo: ssl_result 1, INVALID CARD, issuer code 15, approval code of
    // six spaces, and a token generated anyway.
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.amount = usd(1414);
    let p = done(connector().authorize(&req, &cx(), &[response(CAPTURED_SALE_DECLINED)]));
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("220721A44-ABDECD5E-C236-44F6-BD7A-035BB9854484")
    );
    assert_eq!(p.connector_status.as_deref(), Some("INVALID CARD"));
    let d = p.decline.unwrap();
    assert_eq!(d.code.as_deref(), Some("1"));
    assert_eq!(d.message.as_deref(), Some("INVALID CARD"));
    assert_eq!(d.network_decline_code.as_deref(), Some("15"));
    assert_eq!(p.amount, Some(usd(1414)));
    // A declined sale creates no mandate, whatever token came with it.
    assert_eq!(p.mandate_id, None);
    assert_eq!(txn_of(CAPTURED_SALE_DECLINED).ssl_approval_code, None);
}

#[test]
fn published_authorize_errors_have_their_classes() {
    let req = authorize_request(CaptureMethod::Automatic);
    let e = failed(connector().authorize(&req, &cx(), &[response(AM_ERROR_5000)]));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("5000"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("The Credit Card Number supplied in the authorization request appears to be invalid.")
    );
    assert!(!e.retryable);
    let e = failed(connector().authorize(&req, &cx(), &[response(AM_ERROR_4025)]));
    assert_eq!(e.code(), ErrorCode::Authentication);
    assert_eq!(e.processor_code.as_deref(), Some("4025"));
    assert!(!e.retryable);
}

// ---------------------------------------------------------------------------------------------
// cccomplete, ccdelete, ccreturn
// ---------------------------------------------------------------------------------------------

const AM_AUTH_ID: &str = "110820ED4-23CA2F2B-A88C-40E1-AC46-9219F800A520";

#[test]
fn a_published_completion_is_charged_under_the_auth_id() {
    let req = CaptureRequest {
        connector_transaction_id: AM_AUTH_ID.into(),
        amount: usd(10_000),
        authorized_amount: Some(usd(10_000)),
        merchant_reference: None,
        idempotency_key: None,
    };
    let p = done(connector().capture(&req, &cx(), &[response(AM_COMPLETE)]));
    assert_eq!(p.status, PaymentStatus::Charged);
    // The FORCE answer kept the authorization's ssl_txn_id: no separate operation id.
    assert_eq!(p.connector_transaction_id.as_deref(), Some(AM_AUTH_ID));
    assert_eq!(p.connector_operation_id, None);
    assert_eq!(p.amount, Some(usd(10_000)));
    let e = failed(connector().capture(&req, &cx(), &[response(AM_ERROR_5004)]));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("5004"));
}

#[test]
fn a_published_delete_is_voided_with_its_new_id() {
    let req = VoidRequest {
        connector_transaction_id: AM_AUTH_ID.into(),
        ..Default::default()
    };
    let p = done(connector().void(&req, &cx(), &[response(AM_DELETE)]));
    assert_eq!(p.status, PaymentStatus::Voided);
    assert_eq!(p.connector_transaction_id.as_deref(), Some(AM_AUTH_ID));
    assert_eq!(
        p.connector_operation_id.as_deref(),
        Some("180820AD3-2E02E02D-A1FB-4926-A957-3930D3F7B869")
    );
    // Voiding twice: 5040, the transaction is not there to void.
    let e = failed(connector().void(&req, &cx(), &[response(AM_ERROR_5040)]));
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert_eq!(e.processor_code.as_deref(), Some("5040"));
}

#[test]
fn a_published_return_is_a_success_and_an_excess_is_refused() {
    let req = RefundRequest {
        connector_transaction_id: AM_AUTH_ID.into(),
        amount: usd(10_000),
        merchant_refund_reference: Some("refund-1".into()),
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    };
    let r = done(connector().refund(&req, &cx(), &[response(AM_RETURN)]));
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(
        r.connector_refund_id.as_deref(),
        Some("180820AD3-4BACDE38-63F3-427D-BFC1-1B3EB046056B")
    );
    assert_eq!(r.connector_transaction_id.as_deref(), Some(AM_AUTH_ID));
    assert_eq!(r.amount, Some(usd(10_000)));
    assert_eq!(r.failure, None);
    let e = failed(connector().refund(&req, &cx(), &[response(AM_ERROR_5091)]));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("5091"));
}

// ---------------------------------------------------------------------------------------------
// txnquery
// ---------------------------------------------------------------------------------------------

#[test]
fn the_sdk_sample_query_of_a_settled_sale_is_charged() {
    // Self-closing empty elements (`<ssl_cvv2_response />`) and ssl_trans_status STL.
    let id = "231017A15-67ADEA9E-4E0D-410A-B11C-61B0BE82DEB9";
    let p =
        done(connector().get_payment(&get_by_id(id), &cx(), &[response(POYNT_QUERY_SETTLED_SALE)]));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.connector_transaction_id.as_deref(), Some(id));
    assert_eq!(p.connector_status.as_deref(), Some("STL"));
    assert_eq!(p.amount, Some(usd(1000)));
    assert_eq!(p.merchant_reference, None);
}

#[test]
fn the_sdk_sample_search_list_is_read_entry_by_id() {
    // Seven settled entries without ssl_result, cash and card, sales and a return.
    let list = list_of(POYNT_SEARCH_SETTLED);
    assert_eq!(list.ssl_txn_count.as_deref(), Some("7"));
    assert_eq!(list.txn.len(), 7);
    let card_sale = "050218A15-6679F35F-3A37-479A-A4A0-8D971F50B0B9";
    let p = done(connector().get_payment(
        &get_by_id(card_sale),
        &cx(),
        &[response(POYNT_SEARCH_SETTLED)],
    ));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.connector_transaction_id.as_deref(), Some(card_sale));
    assert_eq!(p.connector_status.as_deref(), Some("STL"));
    assert_eq!(p.amount, Some(usd(500)));
    let cash_sale = "050218A15-722AEDBF-F290-4458-8221-F9C69FC5904F";
    let p = done(connector().get_payment(
        &get_by_id(cash_sale),
        &cx(),
        &[response(POYNT_SEARCH_SETTLED)],
    ));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.amount, Some(usd(2000)));
    // The settled RETURN is a successful refund.
    let refund_id = "050218A15-D835AEBE-0034-4B4E-A2BE-AC9153786045";
    let req = RefundGetRequest {
        connector_refund_id: Some(refund_id.into()),
        connector_transaction_id: Some(card_sale.into()),
        ..Default::default()
    };
    let r = done(connector().get_refund(&req, &cx(), &[response(POYNT_SEARCH_SETTLED)]));
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(r.connector_refund_id.as_deref(), Some(refund_id));
    assert_eq!(r.connector_status.as_deref(), Some("STL"));
    assert_eq!(r.amount, Some(usd(500)));
    // An id the list does not hold is not taken from another entry.
    let e = failed(connector().get_payment(
        &get_by_id(TXN_ID),
        &cx(),
        &[response(POYNT_SEARCH_SETTLED)],
    ));
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
}

#[test]
fn search_entries_without_ssl_result_count_as_approved_by_their_status() {
    // Search answers carry no ssl_result: a settled (or open-batch) entry is an approved one.
    for entry in list_of(POYNT_SEARCH_SETTLED).txn {
        assert_eq!(entry.ssl_result, None);
        assert_eq!(entry.outcome(), Outcome::Unknown);
        assert_eq!(entry.trans_status(), Some(TransStatus::Stl));
        assert!(search::is_approved(&entry), "{:?}", entry.ssl_txn_id);
    }
    // Lookups by reference need the invoice number, which none of these entries has.
    let req = PaymentGetRequest {
        merchant_reference: Some("order-42".into()),
        ..Default::default()
    };
    let e = failed(connector().get_payment(&req, &cx(), &[response(POYNT_SEARCH_SETTLED)]));
    assert_eq!(e.code(), ErrorCode::NotFound);
}

#[test]
fn error_code_zero_in_a_search_entry_is_no_error() {
    // The older SDK sample: approved entries with `<errorCode>0</errorCode>`, and the count
    // after the entries.
    let list = list_of(POYNT_SEARCH_ERRORCODE0);
    assert_eq!(list.ssl_txn_count.as_deref(), Some("21"));
    assert_eq!(list.txn.len(), 2);
    for entry in &list.txn {
        assert_eq!(entry.error_code.as_deref(), Some("0"));
        assert_ne!(entry.outcome(), Outcome::Error);
    }
    // Neither a type, a status nor a result: the entry cannot be mapped, but it is not reported
    // as a processor error "0".
    let id = "311017A15-62B81D35-08C7-4CB0-B903-37BB8196F314";
    let e = failed(connector().get_payment(
        &get_by_id(id),
        &cx(),
        &[response(POYNT_SEARCH_ERRORCODE0)],
    ));
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert_eq!(e.processor_code, None);
}

// ---------------------------------------------------------------------------------------------
// ccverify, ccgettoken, ccupdatetoken
// ---------------------------------------------------------------------------------------------

fn setup_request() -> SetupMandateRequest {
    SetupMandateRequest::new(
        usd(0),
        "setup-1",
        PaymentMethod::Card(card()),
        Customer::default(),
    )
}

#[test]
fn a_published_verification_without_token_creates_no_mandate() {
    // The search (the SDK sample list, no entry under "setup-1") finds no earlier setup, so
    // the card is verified; ActiveMerchant's verification answer carries no token.
    let p = done(connector().setup_mandate(
        &setup_request(),
        &cx(),
        &[response(POYNT_SEARCH_SETTLED), response(AM_VERIFY)],
    ));
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(p.mandate_id, None);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("180820ED4-85DA9146-51AB-4FEC-8004-91C607047E5C")
    );
    assert_eq!(
        p.decline.unwrap().reason.as_deref(),
        Some("token_not_created")
    );
    assert_eq!(
        p.network_transaction_id.as_deref(),
        Some("010012309508182257450000047554200000000000093964023122123095|A8181857455011610042VE")
    );
}

#[test]
fn a_published_token_answer_gives_the_token() {
    // GETTOKEN: ssl_result 0, an empty ssl_txn_id and ssl_result_message, the token.
    let txn = txn_of(AM_GETTOKEN);
    assert_eq!(txn.outcome(), Outcome::Approved);
    assert_eq!(txn.transaction_type(), Some(TransactionType::GetToken));
    assert_eq!(txn.ssl_txn_id, None);
    assert_eq!(txn.ssl_result_message, None);
    assert_eq!(txn.token(), Some("4421912014039990"));
    assert_eq!(txn.ssl_add_token_response.as_deref(), Some("Card Updated"));
    // Through the recovery path of setup_mandate: the first answer is scaffolding (a search
    // that finds the earlier verification), the second the published token answer.
    let earlier = "<txnlist><ssl_txn_count>1</ssl_txn_count><txn>\
        <ssl_txn_id>EARLIER-VERIFY</ssl_txn_id><ssl_transaction_type>CARDVERIFICATION</ssl_transaction_type>\
        <ssl_trans_status>OPN</ssl_trans_status><ssl_invoice_number>setup-1</ssl_invoice_number>\
        </txn></txnlist>";
    let p = done(connector().setup_mandate(
        &setup_request(),
        &cx(),
        &[response(earlier), response(AM_GETTOKEN)],
    ));
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.mandate_id.as_deref(), Some("4421912014039990"));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("EARLIER-VERIFY")
    );
}

#[test]
fn published_token_updates_read_their_token_response() {
    let ok = txn_of(AM_UPDATETOKEN);
    assert_eq!(ok.outcome(), Outcome::Approved);
    assert_eq!(ok.token(), Some("4421912014039990"));
    let failed = txn_of(AM_UPDATETOKEN_FAILED);
    assert_eq!(failed.outcome(), Outcome::Declined);
    assert_eq!(failed.ssl_token_response.as_deref(), Some("Failed"));
    assert_eq!(failed.token(), None);
}
