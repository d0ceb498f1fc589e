//! Error documents, transport failures and hostile answers into unified errors (`errors.rs`).

use super::super::errors::error_code_class;
use super::*;
use crate::connector::Connector;
use crate::error::ErrorCode;

fn error_doc(code: &str, name: &str, message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<txn>\n  <errorCode>{code}</errorCode>\n  <errorName>{name}</errorName>\n  <errorMessage>{message}</errorMessage>\n</txn>"
    )
}

fn sale_error(body: &str, status: u16) -> Error {
    let req = authorize_request(CaptureMethod::Automatic);
    failed(connector().authorize(
        &req,
        &cx(),
        &[HttpResponse::new(status, body.as_bytes().to_vec())],
    ))
}

#[test]
fn every_code_of_the_table_has_its_class() {
    use ErrorCode::*;
    for (code, class) in [
        ("3000", ProcessorUnavailable),
        ("3001", ProcessorUnavailable),
        ("3002", ProcessorUnavailable),
        ("3003", ProcessorUnavailable),
        ("4000", Authentication),
        ("4002", Authentication),
        ("4003", Authentication),
        ("4005", InvalidRequest),
        ("4006", InvalidRequest),
        ("4007", InvalidRequest),
        ("4009", InvalidRequest),
        ("4010", InvalidRequest),
        ("4013", Authentication),
        ("4019", Authentication),
        ("4014", Authentication),
        ("4016", Authentication),
        ("4017", ProcessorUnavailable),
        ("4018", InvalidRequest),
        ("4022", ProcessorUnavailable),
        ("4025", Authentication),
        ("5000", InvalidRequest),
        ("5004", InvalidRequest),
        ("5040", NotFound),
        ("5091", InvalidRequest),
        (" 4025 ", Authentication),
        ("9999", ProcessorError),
    ] {
        assert_eq!(error_code_class(code), class, "{code}");
    }
}

#[test]
fn the_spec_error_document_is_an_invalid_request() {
    let e = sale_error(ERROR_5000, 200);
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("5000"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("The Credit Card Number supplied in the authorization request appears to be invalid.")
    );
    assert!(e.message().contains("Credit Card Number Invalid"));
    assert_eq!(e.http_status, Some(200));
    assert!(!e.retryable);
}

#[test]
fn bad_credentials_are_an_authentication_error() {
    let e = sale_error(
        &error_doc(
            "4025",
            "Invalid Credentials",
            "The credentials supplied in the authorization request are invalid.",
        ),
        200,
    );
    assert_eq!(e.code(), ErrorCode::Authentication);
    assert_eq!(e.processor_code.as_deref(), Some("4025"));
}

#[test]
fn codes_decide_not_messages() {
    // A merchant-customised message does not change the class.
    let e = sale_error(&error_doc("4025", "Custom", "Something else entirely"), 200);
    assert_eq!(e.code(), ErrorCode::Authentication);
    // Only the code and no name or message.
    let e = sale_error("<txn><errorCode>4009</errorCode></txn>", 200);
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.processor_message, None);
}

#[test]
fn an_error_document_with_a_transaction_id_reports_it() {
    let body = "<txn><errorCode>5040</errorCode><errorName>Invalid Transaction ID</errorName><errorMessage>The transaction ID is invalid for this transaction type.</errorMessage><ssl_txn_id>ABC</ssl_txn_id></txn>";
    let e = sale_error(body, 200);
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert_eq!(e.request_id.as_deref(), Some("ABC"));
}

#[test]
fn transient_error_codes_are_retryable_only_for_queries() {
    let unavailable = error_doc("4022", "System Unavailable", "The system is unavailable.");
    // A sale is not deduplicated: resending it could charge twice.
    let e = sale_error(&unavailable, 200);
    assert_eq!(e.code(), ErrorCode::ProcessorUnavailable);
    assert!(!e.retryable);
    // A query only reads.
    let get = PaymentGetRequest {
        connector_transaction_id: Some(TXN_ID.into()),
        ..Default::default()
    };
    let e = failed(connector().get_payment(&get, &cx(), &[response(&unavailable)]));
    assert_eq!(e.code(), ErrorCode::ProcessorUnavailable);
    assert!(e.retryable);
}

#[test]
fn http_5xx_and_non_xml_bodies_are_processor_unavailable() {
    let e = sale_error("<html><body>Bad Gateway</body></html>", 502);
    assert_eq!(e.code(), ErrorCode::ProcessorUnavailable);
    assert_eq!(e.http_status, Some(502));
    assert!(e.message().contains("Bad Gateway"), "{}", e.message());
    // Even an approval-looking body with a 5xx.
    let e = sale_error(APPROVED_SALE, 500);
    assert_eq!(e.code(), ErrorCode::ProcessorUnavailable);
    // A 200 with a non-XML body.
    let e = sale_error("Service temporarily unavailable", 200);
    assert_eq!(e.code(), ErrorCode::ProcessorUnavailable);
    assert!(e.message().contains("Service temporarily unavailable"));
    assert!(!e.retryable);
    // The HTML answer of the old `process.do` endpoint.
    let e = sale_error("<html><head><title>Converge</title></head></html>", 200);
    assert_eq!(e.code(), ErrorCode::ProcessorUnavailable);
    // Error pages with an HTML DOCTYPE or HTML entities are pages too, not hostile XML.
    for page in [
        "<!DOCTYPE html><html><body>Down for maintenance</body></html>",
        "<!doctype HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"><HTML><BODY>403</BODY></HTML>",
        "<html lang=\"en\"><body>Service&nbsp;unavailable</body></html>",
        "<?xml version=\"1.0\"?><!-- proxy --><html><body>&nbsp;</body></html>",
    ] {
        let e = sale_error(page, 200);
        assert_eq!(e.code(), ErrorCode::ProcessorUnavailable, "{page}");
        let e = sale_error(page, 403);
        assert_eq!(e.code(), ErrorCode::ProcessorUnavailable, "{page}");
    }
}

#[test]
fn hostile_answers_are_invalid_response() {
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><txn><ssl_result>0</ssl_result><ssl_txn_id>&lol2;</ssl_txn_id></txn>"#;
    let e = sale_error(laughs, 200);
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert!(e.message().contains("DOCTYPE"), "{}", e.message());
    assert!(!e.message().contains("lollol"));
    let e = sale_error("<txn><ssl_result>&ext;</ssl_result></txn>", 200);
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    let huge = format!(
        "<txn><ssl_result>0</ssl_result><x>{}</x></txn>",
        "A".repeat(super::super::xml::MAX_RESPONSE_BYTES)
    );
    let e = sale_error(&huge, 200);
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
}

#[test]
fn a_document_with_neither_result_nor_error_is_invalid_response() {
    let e = sale_error("<txn><ssl_txn_id>X1</ssl_txn_id></txn>", 200);
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert_eq!(e.request_id.as_deref(), Some("X1"));
    // A field holding markup instead of text is not a Converge document.
    let e = sale_error("<txn><ssl_result><b>0</b></ssl_result></txn>", 200);
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
}

#[test]
fn card_numbers_in_processor_text_are_masked() {
    let body = error_doc(
        "5000",
        "Credit Card Number Invalid",
        "Card 4111111111111111 is invalid",
    );
    let e = sale_error(&body, 200);
    assert!(!e.to_string().contains("4111111111111111"));
    assert!(!format!("{e:?}").contains("4111111111111111"));
}
