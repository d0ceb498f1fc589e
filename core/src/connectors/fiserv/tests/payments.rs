//! Authorize, setup_mandate, capture, void and PSync: request bodies and the answers of the
//! documentation, through the state table.

use serde_json::json;

use super::*;
use crate::connector::Connector;
use crate::connectors::fiserv::payments::{payment_outcome, MandateToken, Outcome};
use crate::connectors::fiserv::wire::Transaction;

fn authorize(capture: CaptureMethod, answer: HttpResponse) -> PaymentResponse {
    done(connector().authorize(&authorize_request(capture), &cx(), &[answer]))
}

fn capture_request(amount: i64) -> CaptureRequest {
    CaptureRequest {
        connector_transaction_id: "84356531338".into(),
        amount: usd(amount),
        authorized_amount: Some(usd(1204)),
        merchant_reference: Some("order-42-capture-1".into()),
        idempotency_key: None,
    }
}

fn void_request() -> VoidRequest {
    VoidRequest {
        connector_transaction_id: "84356531338".into(),
        merchant_reference: Some("order-42-void-1".into()),
        ..Default::default()
    }
}

fn psync(id: Option<&str>, order: Option<&str>) -> PaymentGetRequest {
    PaymentGetRequest {
        connector_transaction_id: id.map(str::to_string),
        connector_order_id: order.map(str::to_string),
        ..Default::default()
    }
}

fn outcome_of(kind: &str, state: &str, approval: &str, sale: Option<bool>) -> Outcome {
    let txn: Transaction = serde_json::from_str(&transaction(kind, state, approval, "1")).unwrap();
    payment_outcome(&txn, sale)
}

// ------------------------------------------------------------------------------ authorize

#[test]
fn authorize_body_follows_the_documented_charge() {
    let request =
        sent(connector().authorize(&authorize_request(CaptureMethod::Automatic), &cx(), &[]));
    assert_eq!(
        request.url,
        "https://connect-cert.fiservapis.com/ch/payments/v1/charges"
    );
    assert_eq!(
        body(&request),
        json!({
            "amount": {"total": 12.04, "currency": "USD"},
            "source": {"sourceType": "PaymentCard",
                       "card": {"cardData": "4005550000000019", "expirationMonth": "02",
                                "expirationYear": "2035", "securityCode": "123"}},
            "transactionDetails": {"captureFlag": true, "merchantTransactionId": "order-42-attempt-1"},
            "transactionInteraction": {"origin": "ECOM", "eciIndicator": "CHANNEL_ENCRYPTED",
                                       "posConditionCode": "CARD_NOT_PRESENT_ECOM"},
            "merchantDetails": {"merchantId": "100008000003683", "terminalId": "10000001"}
        })
    );
}

#[test]
fn manual_capture_is_a_pre_authorization_and_a_missing_cvv_is_left_out() {
    let mut req = authorize_request(CaptureMethod::Manual);
    if let PaymentMethod::Card(card) = &mut req.payment_method {
        card.cvc = None;
        card.expiry_month = 12;
    }
    let body = body(&sent(connector().authorize(&req, &cx(), &[])));
    assert_eq!(body["transactionDetails"]["captureFlag"], json!(false));
    assert_eq!(body["source"]["card"]["expirationMonth"], json!("12"));
    assert!(body["source"]["card"].get("securityCode").is_none());
}

#[test]
fn three_ds_is_refused_before_sending() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.authentication_type = AuthenticationType::ThreeDs;
    let e = failed(connector().authorize(&req, &cx(), &[]));
    assert_code(&e, ErrorCode::Unsupported);
    assert_eq!(e.field(), Some("authentication_type"));
    assert!(e.message().contains("3-D Secure is not supported"), "{e}");
}

#[test]
fn a_merchant_reference_longer_than_fiserv_takes_is_refused() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.merchant_reference = "r".repeat(129);
    let e = failed(connector().authorize(&req, &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("merchant_reference"));
}

#[test]
fn methods_commerce_hub_does_not_take_are_typed_unsupported_errors() {
    for method in [
        r#"{"type":"upi","flow":"collect","vpa":"success@razorpay"}"#,
        r#"{"type":"netbanking","bank_code":"HDFC"}"#,
        r#"{"type":"bank_redirect","method":"ideal","issuer":null}"#,
        r#"{"type":"ewallet","provider":"OVO","mobile_number":"+628123","cashtag":null}"#,
        r#"{"type":"encrypted_card","encrypted_card_number":"a","encrypted_expiry_month":"b","encrypted_expiry_year":"c"}"#,
    ] {
        let mut req = authorize_request(CaptureMethod::Automatic);
        req.payment_method = crate::json::from_json(method).unwrap();
        let e = failed(connector().authorize(&req, &cx(), &[]));
        assert_code(&e, ErrorCode::Unsupported);
        assert_eq!(e.field(), Some("payment_method"), "{method}");
    }
}

#[test]
fn the_documented_sale_is_charged_even_though_its_state_reads_authorized() {
    let r = authorize(CaptureMethod::Automatic, response(201, CHARGE_SUCCESS));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector, ConnectorName::Fiserv);
    assert_eq!(r.connector_status.as_deref(), Some("AUTHORIZED"));
    assert_eq!(r.connector_transaction_id.as_deref(), Some("84356531338"));
    assert_eq!(
        r.connector_order_id.as_deref(),
        Some("RKOrdID-525133851837")
    );
    assert_eq!(r.network_transaction_id.as_deref(), Some("0225MCC625628"));
    assert_eq!(r.amount, Some(usd(1204)));
    assert_eq!(
        r.request_id.as_deref(),
        Some("362866ac81864d7c9d1ff8b5aa6e98db")
    );
    assert_eq!(r.http_status, Some(201));
    assert_eq!(r.merchant_reference.as_deref(), Some("order-42-attempt-1"));
    assert!(r.decline.is_none());
    assert!(r.raw_response.is_some());
}

#[test]
fn an_approved_pre_authorization_is_authorized() {
    let r = authorize(CaptureMethod::Manual, response(201, CHARGE_SUCCESS));
    assert_eq!(r.status, PaymentStatus::Authorized);
}

#[test]
fn a_sale_answered_captured_is_charged() {
    let body = transaction("CHARGE", "CAPTURED", "APPROVED", "84356531338");
    let r = authorize(CaptureMethod::Automatic, response(201, &body));
    assert_eq!(r.status, PaymentStatus::Charged);
}

#[test]
fn the_documented_decline_is_a_failure_with_the_gateway_code() {
    let r = authorize(CaptureMethod::Automatic, response(201, CHARGE_DECLINED));
    assert_eq!(r.status, PaymentStatus::Failure);
    let decline = r.decline.expect("decline details");
    assert_eq!(decline.code.as_deref(), Some("006"));
    assert_eq!(decline.message.as_deref(), Some("DECLINED"));
    assert_eq!(decline.network_decline_code.as_deref(), Some("51"));
    assert_eq!(decline.reason.as_deref(), Some("Declined"));
    // The transaction id is never the decline code.
    assert_eq!(r.connector_transaction_id.as_deref(), Some("84356531338"));
    assert_eq!(r.connector_status.as_deref(), Some("DECLINED"));
}

#[test]
fn a_decline_whose_gateway_code_says_approval_carries_the_host_code() {
    // As Fiserv's own decline test answers: `responseCode` 000 beside the host's 51.
    let body = CHARGE_DECLINED.replace(r#""responseCode":"006""#, r#""responseCode":"000""#);
    assert_ne!(body, CHARGE_DECLINED);
    let r = authorize(CaptureMethod::Automatic, response(201, &body));
    assert_eq!(r.status, PaymentStatus::Failure);
    let decline = r.decline.expect("decline details");
    assert_eq!(decline.code.as_deref(), Some("51"));
    assert_eq!(decline.network_decline_code.as_deref(), Some("51"));
    // Without any gateway code, the host's is the code too.
    let body = CHARGE_DECLINED.replace(r#""responseCode":"006","#, "");
    assert_ne!(body, CHARGE_DECLINED);
    let r = authorize(CaptureMethod::Automatic, response(201, &body));
    assert_eq!(r.decline.and_then(|d| d.code).as_deref(), Some("51"));
}

#[test]
fn a_charge_declined_as_a_duplicate_is_a_conflict() {
    let body = CHARGE_DECLINED.replace(r#""responseCode":"006""#, r#""responseCode":"009""#);
    assert_ne!(body, CHARGE_DECLINED);
    let e = failed(connector().authorize(
        &authorize_request(CaptureMethod::Automatic),
        &cx(),
        &[response(201, &body)],
    ));
    assert_code(&e, ErrorCode::Conflict);
    assert_eq!(e.processor_code.as_deref(), Some("009"));
    assert_eq!(e.connector_transaction_id.as_deref(), Some("84356531338"));
    assert_eq!(e.flow, Some(Flow::Authorize));
    // Any other decline stays a result.
    let r = authorize(CaptureMethod::Automatic, response(201, CHARGE_DECLINED));
    assert_eq!(r.status, PaymentStatus::Failure);
}

#[test]
fn approval_failures_are_errors_with_their_class() {
    let processing = transaction("CHARGE", "DECLINED", "PROCESSING_FAILED", "1");
    let e = failed(connector().authorize(
        &authorize_request(CaptureMethod::Automatic),
        &cx(),
        &[response(201, &processing)],
    ));
    assert_code(&e, ErrorCode::ProcessorUnavailable);
    assert!(e.retryable);
    // Its codes say approval (000 / 00): the approval status is the code.
    assert_eq!(e.processor_code.as_deref(), Some("PROCESSING_FAILED"));
    assert_eq!(e.connector, Some(ConnectorName::Fiserv));
    assert_eq!(e.flow, Some(Flow::Authorize));
    let validation = transaction("CHARGE", "DECLINED", "VALIDATION_FAILED", "1");
    let e = failed(connector().authorize(
        &authorize_request(CaptureMethod::Automatic),
        &cx(),
        &[response(201, &validation)],
    ));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert!(!e.retryable);
}

#[test]
fn the_state_table() {
    use PaymentStatus::*;
    let cases: &[(&str, &str, &str, Option<bool>, Outcome)] = &[
        (
            "CHARGE",
            "AUTHORIZED",
            "APPROVED",
            Some(false),
            Outcome::Status(Authorized),
        ),
        (
            "CHARGE",
            "AUTHORIZED",
            "APPROVED",
            Some(true),
            Outcome::Status(Charged),
        ),
        (
            "CHARGE",
            "AUTHORIZED",
            "APPROVED",
            None,
            Outcome::Status(Authorized),
        ),
        (
            "CHARGE",
            "CAPTURED",
            "APPROVED",
            Some(false),
            Outcome::Status(Charged),
        ),
        (
            "CHARGE",
            "SETTLED",
            "APPROVED",
            None,
            Outcome::Status(Charged),
        ),
        (
            "CHARGE",
            "VOIDED",
            "APPROVED",
            None,
            Outcome::Status(Voided),
        ),
        (
            "CHARGE",
            "DECLINED",
            "DECLINED",
            Some(true),
            Outcome::Declined,
        ),
        (
            "CHARGE",
            "CHECKED",
            "APPROVED",
            None,
            Outcome::Status(Charged),
        ),
        (
            "CHARGE",
            "PENDING",
            "APPROVED",
            None,
            Outcome::Status(Pending),
        ),
        (
            "CHARGE",
            "WAITING",
            "APPROVED",
            None,
            Outcome::Status(Pending),
        ),
        (
            "CHARGE",
            "INITIALIZED",
            "APPROVED",
            None,
            Outcome::Status(Pending),
        ),
        (
            "CHARGE",
            "READY",
            "APPROVED",
            None,
            Outcome::Status(Pending),
        ),
        (
            "CHARGE",
            "COMPLETED_GET",
            "APPROVED",
            None,
            Outcome::Status(Pending),
        ),
        (
            "CHARGE",
            "TEMPLATE",
            "APPROVED",
            None,
            Outcome::Status(Pending),
        ),
        (
            "CHARGE",
            "SOMETHING_NEW",
            "APPROVED",
            None,
            Outcome::Status(Pending),
        ),
        (
            "CHARGE",
            "SUCCEEDED",
            "APPROVED",
            None,
            Outcome::Status(Charged),
        ),
        ("CHARGE", "FAILED", "APPROVED", None, Outcome::Declined),
        (
            "CHARGE",
            "PROCESSING",
            "APPROVED",
            None,
            Outcome::Status(Authorizing),
        ),
        (
            "CHARGE",
            "CREATED",
            "APPROVED",
            None,
            Outcome::Status(AuthenticationPending),
        ),
        (
            "CHARGE",
            "AUTHORIZED",
            "WAITING",
            Some(true),
            Outcome::Status(Pending),
        ),
        (
            "CHARGE",
            "AUTHORIZED",
            "DECLINED",
            Some(true),
            Outcome::Declined,
        ),
        (
            "CAPTURE",
            "CAPTURED",
            "APPROVED",
            None,
            Outcome::Status(Charged),
        ),
        (
            "CAPTURE",
            "AUTHORIZED",
            "APPROVED",
            None,
            Outcome::Status(Charged),
        ),
        (
            "CANCEL",
            "AUTHORIZED",
            "APPROVED",
            None,
            Outcome::Status(Voided),
        ),
        (
            "CANCEL",
            "VOIDED",
            "APPROVED",
            None,
            Outcome::Status(Voided),
        ),
        ("CANCEL", "DECLINED", "DECLINED", None, Outcome::Declined),
        (
            "charge",
            "authorized",
            "approved",
            Some(false),
            Outcome::Status(Authorized),
        ),
    ];
    for (kind, state, approval, sale, expected) in cases {
        assert_eq!(
            &outcome_of(kind, state, approval, *sale),
            expected,
            "{kind} {state} {approval} {sale:?}"
        );
    }
    assert_eq!(
        outcome_of("CHARGE", "AUTHORIZED", "PROCESSING_FAILED", None),
        Outcome::Failed("PROCESSING_FAILED".into())
    );
}

#[test]
fn unreadable_or_unexpected_answers() {
    let e = failed(connector().authorize(
        &authorize_request(CaptureMethod::Automatic),
        &cx(),
        &[response(201, "<html>")],
    ));
    assert_code(&e, ErrorCode::InvalidResponse);
    // Unknown fields and odd shapes never fail parsing.
    let odd = r#"{"gatewayResponse":{"transactionType":"CHARGE","transactionState":"AUTHORIZED","transactionProcessingDetails":{"transactionId":12345,"orderId":null},"newField":{"x":1}},"source":"ApplePay","paymentReceipt":{"approvedAmount":{"total":"12.04","currency":"USD"},"processorResponseDetails":null,"approvalStatus":"APPROVED"},"unknown":[1,2]}"#;
    let r = authorize(CaptureMethod::Manual, response(201, odd));
    assert_eq!(r.status, PaymentStatus::Authorized);
    assert_eq!(r.connector_transaction_id.as_deref(), Some("12345"));
    assert_eq!(r.amount, Some(usd(1204)));
    // An empty object is a pending answer without ids, not a crash.
    let r = authorize(CaptureMethod::Manual, response(201, "{}"));
    assert_eq!(r.status, PaymentStatus::Pending);
}

#[test]
fn documented_variants_of_the_envelope_are_read() {
    // CH docs `Payment-Token.md`, "PaymentToken Charges Request" response: ids at the top
    // level, the processor details flattened into the receipt.
    let body = r#"{"gatewayResponse":{"orderId":"R-3b83fca8-2f9c-4364-86ae-12c91f1fcf16","transactionType":"CHARGE","transactionState":"AUTHORIZED","transactionOrigin":"ECOM"},
      "transactionProcessingDetails":{"transactionDate":"2021-04-16","transactionTime":"2021-04-16T16:06:05Z","apiTraceId":"rrt-0bd552c12342d3448-b-ea-1142-12938318-7","clientRequestId":"30dd879c-ee2f-11db-8314-0800200c9a66","transactionId":"838916029301"},
      "paymentSource":"PaymentToken","card":{"last4":"0019","brand":"VISA","expirationMonth":"03","expirationYear":"30"},
      "paymentReceipt":{"approvedAmount":{"total":"1.00","currency":"USD"},"processorResponseDetails":null,"approvalStatus":"APPROVED","approvalCode":"OK7118","referenceNumber":"845366457890-TODO","schemeTransactionID":"019078743804756","processor":"fiserv","responseCode":"00","responseMessage":"APPROVAL","hostResponseCode":"54022","hostResponseMessage":"Approved","localTimestamp":"2021-04-16T16:06:05Z","bankAssociationDetails":{"associationResponseCode":"000","transactionTimestamp":"2021-04-16T16:06:05Z","transactionReferenceInformation":null}}}"#;
    let r = authorize(CaptureMethod::Automatic, response(201, body));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector_transaction_id.as_deref(), Some("838916029301"));
    assert_eq!(
        r.connector_order_id.as_deref(),
        Some("R-3b83fca8-2f9c-4364-86ae-12c91f1fcf16")
    );
    assert_eq!(r.network_transaction_id.as_deref(), Some("019078743804756"));
    assert_eq!(r.amount, Some(usd(100)));
}

// ------------------------------------------------------------------------------ mandates

fn setup_request(amount: i64) -> SetupMandateRequest {
    crate::json::from_json(&format!(
        r#"{{"amount":{{"minor_units":{amount},"currency":"USD"}},"merchant_reference":"mandate-1",
            "payment_method":{{"type":"card","number":"4005550000000019","expiry_month":2,"expiry_year":2035,"cvc":"123"}},
            "customer":{{"id":"cust-1"}},"usage":"subscription"}}"#
    ))
    .unwrap()
}

/// CH docs `Payment-Token.md`, "Tokenization with Charges Request" response (merchant
/// address fields trimmed).
const TOKENIZED_CHARGE: &str = r#"{"gatewayResponse":{"transactionType":"CHARGE","transactionState":"AUTHORIZED","transactionOrigin":"ECOM","transactionProcessingDetails":{"transactionTimestamp":"2021-06-20T23:42:48Z","orderId":"RKOrdID-525133851837","apiTraceId":"362866ac81864d7c9d1ff8b5aa6e98db","clientRequestId":"4345791","transactionId":"84356531338"}},
  "source":{"sourceType":"PaymentCard","card":{"bin":"40055500","last4":"0019","scheme":"VISA","expirationMonth":"10","expirationYear":"2030"}},
  "paymentTokens":[{"tokenData":"8519371934460009","tokenSource":"TRANSARMOR","tokenResponseCode":"000","tokenResponseDescription":"SUCCESS"},{"tokenData":"8519371934460010","tokenSource":"CHASE","tokenResponseCode":"000","tokenResponseDescription":"SUCCESS"}],
  "paymentReceipt":{"approvedAmount":{"total":12.04,"currency":"USD"},"merchantName":"Merchant Name","processorResponseDetails":{"approvalStatus":"APPROVED","approvalCode":"OK5882","schemeTransactionId":"0225MCC625628","processor":"fiserv","responseCode":"000000","responseMessage":"APPROVAL","hostResponseCode":"00","hostResponseMessage":"APPROVAL","localTimestamp":"2021-06-20T23:42:48Z","bankAssociationDetails":{"associationResponseCode":"000","transactionTimestamp":"2021-06-20T23:42:48Z"}}},
  "transactionDetails":{"captureFlag":true,"merchantInvoiceNumber":"123456789012"}}"#;

#[test]
fn setup_mandate_is_a_charge_that_creates_a_token() {
    let request = sent(connector().setup_mandate(&setup_request(100), &cx(), &[]));
    assert!(request.url.ends_with("/ch/payments/v1/charges"));
    let body = body(&request);
    assert_eq!(body["amount"], json!({"total": 1.00, "currency": "USD"}));
    assert_eq!(
        body["transactionDetails"],
        json!({"captureFlag": true, "createToken": true, "authorizationTypeIndicator": "INITIAL",
               "merchantTransactionId": "mandate-1"})
    );
    assert_eq!(
        body["storedCredentials"],
        json!({"scheduled": true, "initiator": "CARD_HOLDER", "sequence": "FIRST"})
    );
    assert_eq!(body["source"]["sourceType"], json!("PaymentCard"));
}

#[test]
fn setup_mandate_returns_the_transarmor_token_with_the_expiry_as_mandate_id() {
    let r = done(connector().setup_mandate(
        &setup_request(1204),
        &cx(),
        &[response(201, TOKENIZED_CHARGE)],
    ));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(
        r.mandate_id.as_deref(),
        Some("TRANSARMOR:022035:8519371934460009")
    );
    assert_eq!(r.network_transaction_id.as_deref(), Some("0225MCC625628"));
}

#[test]
fn the_stored_credentials_example_returns_the_token_in_the_source() {
    // CH docs `Stored-Credentials.md` response (abridged).
    let body = r#"{"gatewayResponse":{"orderId":"R-3b83fca8-2f9c-4364-86ae-12c91f1fcf16","transactionType":"CHARGES","transactionState":"AUTHORIZED","transactionOrigin":"ECOM","transactionProcessingDetails":{"transactionTime":"2016-04-16T16:06:05Z","apiTraceId":"rrt-0bd552c12342d3448-b-ea-1142-12938318-7","clientRequestId":"30dd879c-ee2f-11db-8314-0800200c9a66","transactionId":"838916029301"}},
      "source":{"sourceType":"PaymentCard","tokenData":"1234123412340019","tokenSource":"TRANSARMOR","card":{"nameOnCard":"Jane Smith","expirationMonth":"05","expirationYear":"2025","bin":"400555","last4":"0019"}},
      "transactionDetails":{"captureFlag":true,"createToken":true,"authorizationTypeIndicator":"INITIAL"},
      "paymentReceipt":{"approvedAmount":{"total":12.04,"currency":"USD"},"processorResponseDetails":{"approvalStatus":"APPROVED","approvalCode":"OK3483","schemeTransactionId":"019078743804756","processor":"fiserv","responseCode":"00000","responseMessage":"APPROVAL","hostResponseCode":"00","hostResponseMessage":"APPROVAL"}},
      "storedCredentials":{"scheduled":true,"initiator":"CARD_HOLDER","sequence":"FIRST","schemeReferenceTransactionId":"54231235467"}}"#;
    let r = done(connector().setup_mandate(&setup_request(1204), &cx(), &[response(201, body)]));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(
        r.mandate_id.as_deref(),
        Some("TRANSARMOR:022035:1234123412340019")
    );
}

#[test]
fn a_declined_setup_has_no_mandate() {
    let r = done(connector().setup_mandate(
        &setup_request(1204),
        &cx(),
        &[response(201, CHARGE_DECLINED)],
    ));
    assert_eq!(r.status, PaymentStatus::Failure);
    assert!(r.mandate_id.is_none());
    assert_eq!(r.decline.unwrap().code.as_deref(), Some("006"));
}

#[test]
fn a_zero_amount_setup_is_an_account_verification_that_creates_a_token() {
    let request = sent(connector().setup_mandate(&setup_request(0), &cx(), &[]));
    assert_eq!(
        request.url,
        "https://connect-cert.fiservapis.com/ch/payments-vas/v1/accounts/verification"
    );
    assert_eq!(
        body(&request),
        json!({
            "source": {"sourceType": "PaymentCard",
                       "card": {"cardData": "4005550000000019", "expirationMonth": "02",
                                "expirationYear": "2035", "securityCode": "123"}},
            "transactionDetails": {"createToken": true, "merchantTransactionId": "mandate-1"},
            "merchantDetails": {"merchantId": "100008000003683", "terminalId": "10000001"}
        })
    );
    // CH docs `Verification.md`, "PaymentToken Request" response: VERIFIED, the token in the
    // source, the processor details at the top level.
    let answer = r#"{"gatewayResponse":{"transactionType":"VERIFICATION","transactionState":"VERIFIED","transactionProcessingDetails":{"transactionTime":"2021-06-20T23:42:48Z","orderId":"RKOrdID-525133851837","apiTraceId":"362866ac81864d7c9d1ff8b5aa6e98db","clientRequestId":"4345791","transactionId":"84356531338"}},
      "source":{"sourceType":"PaymentToken","tokenSource":"TRANSARMOR","tokenData":"8519371934460009","card":{"bin":"40055500","last4":"0019","scheme":"VISA","expirationMonth":"10","expirationYear":"30"}},
      "processorResponseDetails":{"approvalStatus":"APPROVED","approvalCode":"OK5882","schemeTransactionId":"0225MCC625628","processor":"fiserv","responseCode":"000000","responseMessage":"APPROVAL","hostResponseCode":"00","hostResponseMessage":"APPROVAL","localTimestamp":"2021.02.25 14:14:38 (CET)","bankAssociationDetails":{"associationResponseCode":"000","transactionTimestamp":"2021.02.25 14:14:38 (CET)"}},
      "transactionDetails":{"merchantInvoiceNumber":"123456789012"}}"#;
    let r = done(connector().setup_mandate(&setup_request(0), &cx(), &[response(201, answer)]));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector_status.as_deref(), Some("VERIFIED"));
    assert_eq!(
        r.mandate_id.as_deref(),
        Some("TRANSARMOR:022035:8519371934460009")
    );
    // The card-request example of the same page (no token: tokenization not enabled).
    let without_token = answer.replace(
        r#""sourceType":"PaymentToken","tokenSource":"TRANSARMOR","tokenData":"8519371934460009","#,
        r#""sourceType":"PaymentCard","#,
    );
    let r =
        done(connector().setup_mandate(&setup_request(0), &cx(), &[response(201, &without_token)]));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert!(r.mandate_id.is_none());
}

#[test]
fn a_mandate_is_charged_with_the_payment_token_source() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.payment_method = crate::json::from_json(
        r#"{"type":"mandate","mandate_id":"TRANSARMOR:022035:8519371934460009","usage":"unscheduled","network_transaction_id":"0225MCC625628"}"#,
    )
    .unwrap();
    let body = body(&sent(connector().authorize(&req, &cx(), &[])));
    assert_eq!(
        body["source"],
        json!({"sourceType": "PaymentToken", "tokenData": "8519371934460009",
               "tokenSource": "TRANSARMOR",
               "card": {"expirationMonth": "02", "expirationYear": "2035"}})
    );
    assert_eq!(
        body["storedCredentials"],
        json!({"scheduled": false, "initiator": "MERCHANT", "sequence": "SUBSEQUENT",
               "schemeReferenceTransactionId": "0225MCC625628"})
    );
    assert_eq!(
        body["transactionDetails"]["authorizationTypeIndicator"],
        json!("INITIAL")
    );
}

#[test]
fn mandate_ids_round_trip_and_malformed_ones_are_refused() {
    let token = MandateToken::decode("TRANSARMOR:122030:ab:cd").unwrap();
    assert_eq!(
        (
            token.source.as_str(),
            token.month.as_str(),
            token.year.as_str(),
            token.data.as_str()
        ),
        ("TRANSARMOR", "12", "2030", "ab:cd")
    );
    assert_eq!(token.encode(), "TRANSARMOR:122030:ab:cd");
    for bad in [
        "8519371934460009",
        "TRANSARMOR:132030:x",
        "TRANSARMOR:12203:x",
        ":122030:x",
        "TRANSARMOR:122030:",
    ] {
        let e = MandateToken::decode(bad)
            .err()
            .unwrap_or_else(|| panic!("{bad}"));
        assert_eq!(e.field(), Some("payment_method.mandate_id"));
    }
}

// ------------------------------------------------------------------------------ capture

#[test]
fn capture_posts_to_charges_with_the_reference_transaction() {
    let request = sent(connector().capture(&capture_request(1204), &cx(), &[]));
    assert!(request.url.ends_with("/ch/payments/v1/charges"));
    assert_eq!(
        body(&request),
        json!({
            "amount": {"total": 12.04, "currency": "USD"},
            "transactionDetails": {"captureFlag": true, "merchantTransactionId": "order-42-capture-1"},
            "referenceTransactionDetails": {"referenceTransactionId": "84356531338"},
            "merchantDetails": {"merchantId": "100008000003683", "terminalId": "10000001"}
        })
    );
    let partial = body(&sent(connector().capture(
        &capture_request(500),
        &cx(),
        &[],
    )));
    assert_eq!(partial["amount"]["total"], json!(5.0));
    let text = body_text(&sent(connector().capture(
        &capture_request(500),
        &cx(),
        &[],
    )));
    assert!(text.contains(r#""total":5.00"#), "{text}");
}

#[test]
fn a_capture_is_charged_and_keeps_the_payment_id() {
    let answer = transaction("CAPTURE", "CAPTURED", "APPROVED", "cap-1");
    let r = done(connector().capture(&capture_request(1204), &cx(), &[response(201, &answer)]));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector_transaction_id.as_deref(), Some("84356531338"));
    assert_eq!(r.connector_operation_id.as_deref(), Some("cap-1"));
    assert_eq!(r.merchant_reference.as_deref(), Some("order-42-capture-1"));
}

#[test]
fn a_declined_capture_is_a_failure_and_an_unknown_reference_an_error() {
    let answer = transaction("CAPTURE", "DECLINED", "DECLINED", "cap-1");
    let r = done(connector().capture(&capture_request(1204), &cx(), &[response(201, &answer)]));
    assert_eq!(r.status, PaymentStatus::Failure);
    assert!(r.decline.is_some());
    let unknown = r#"{"error":[{"type":"GATEWAY","code":"801","field":"referenceTransactionDetails.referenceTransactionId","message":"Invalid transaction id or not found"}]}"#;
    let e = failed(connector().capture(&capture_request(1204), &cx(), &[response(400, unknown)]));
    assert_code(&e, ErrorCode::NotFound);
    assert_eq!(e.processor_code.as_deref(), Some("801"));
    assert_eq!(e.flow, Some(Flow::Capture));
}

// ------------------------------------------------------------------------------ void

#[test]
fn void_posts_a_cancel_with_the_reversal_reason() {
    let request = sent(connector().void(&void_request(), &cx(), &[]));
    assert_eq!(
        request.url,
        "https://connect-cert.fiservapis.com/ch/payments/v1/cancels"
    );
    assert_eq!(
        body(&request),
        json!({
            "transactionDetails": {"merchantTransactionId": "order-42-void-1", "reversalReasonCode": "VOID"},
            "referenceTransactionDetails": {"referenceTransactionId": "84356531338"},
            "merchantDetails": {"merchantId": "100008000003683", "terminalId": "10000001"}
        })
    );
}

#[test]
fn the_documented_cancel_answer_is_voided() {
    // CH docs `Cancel.md`: an approved CANCEL in state AUTHORIZED, HTTP 200 in the OAS.
    for status in [200, 201] {
        let answer = transaction("CANCEL", "AUTHORIZED", "APPROVED", "void-1");
        let r = done(connector().void(&void_request(), &cx(), &[response(status, &answer)]));
        assert_eq!(r.status, PaymentStatus::Voided);
        assert_eq!(r.connector_transaction_id.as_deref(), Some("84356531338"));
        assert_eq!(r.connector_operation_id.as_deref(), Some("void-1"));
    }
    let voided = transaction("CANCEL", "VOIDED", "APPROVED", "void-1");
    let r = done(connector().void(&void_request(), &cx(), &[response(200, &voided)]));
    assert_eq!(r.status, PaymentStatus::Voided);
}

#[test]
fn an_approved_cancel_is_voided_whatever_its_state() {
    for state in [
        "AUTHORIZED",
        "PENDING",
        "CHECKED",
        "CAPTURED",
        "PROCESSING",
        "NEW_STATE",
    ] {
        let answer = transaction("CANCEL", state, "APPROVED", "void-1");
        let r = done(connector().void(&void_request(), &cx(), &[response(201, &answer)]));
        assert_eq!(r.status, PaymentStatus::Voided, "{state}");
    }
}

#[test]
fn a_declined_cancel_is_void_failed() {
    let answer = transaction("CANCEL", "DECLINED", "DECLINED", "void-1");
    let r = done(connector().void(&void_request(), &cx(), &[response(201, &answer)]));
    assert_eq!(r.status, PaymentStatus::VoidFailed);
    assert!(r.decline.is_some());
}

// ------------------------------------------------------------------------------ psync

#[test]
fn psync_queries_the_transaction_inquiry_by_transaction_id_or_order_id() {
    let request = sent(connector().get_payment(&psync(Some("84356531338"), None), &cx(), &[]));
    assert!(request.url.ends_with("/ch/payments/v1/transaction-inquiry"));
    assert_eq!(
        body(&request),
        json!({
            "referenceTransactionDetails": {"referenceTransactionId": "84356531338"},
            "merchantDetails": {"merchantId": "100008000003683", "terminalId": "10000001"}
        })
    );
    let by_order = body(&sent(connector().get_payment(
        &psync(None, Some("RKOrdID-525133851837")),
        &cx(),
        &[],
    )));
    assert_eq!(
        by_order["referenceTransactionDetails"],
        json!({"referenceOrderId": "RKOrdID-525133851837"})
    );
    // By your reference (the payment's merchantTransactionId), after a call that returned no id.
    let by_reference = PaymentGetRequest {
        merchant_reference: Some(" order-42-attempt-1 ".into()),
        ..Default::default()
    };
    let request = body(&sent(connector().get_payment(&by_reference, &cx(), &[])));
    assert_eq!(
        request["referenceTransactionDetails"],
        json!({"referenceMerchantTransactionId": "order-42-attempt-1"})
    );
    let long = PaymentGetRequest {
        merchant_reference: Some("x".repeat(129)),
        ..Default::default()
    };
    let e = failed(connector().get_payment(&long, &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    // Nothing under it: not_found.
    let e = failed(connector().get_payment(&by_reference, &cx(), &[response(201, "[]")]));
    assert_code(&e, ErrorCode::NotFound);
}

#[test]
fn the_documented_inquiry_answer_is_charged_with_a_string_total() {
    let r = done(connector().get_payment(
        &psync(Some("95f6b8c8ec024e1183a8e998406656ce"), None),
        &cx(),
        &[response(201, INQUIRY)],
    ));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("95f6b8c8ec024e1183a8e998406656ce")
    );
    assert_eq!(
        r.connector_order_id.as_deref(),
        Some("CHG01586b6416dddd4425ae764daee6c3ac8a")
    );
    assert_eq!(r.amount, Some(usd(69000)));
    assert_eq!(
        r.request_id.as_deref(),
        Some("aa829dcb83cd49f485141168e051b8d1")
    );
}

#[test]
fn an_empty_inquiry_is_not_found() {
    let e =
        failed(connector().get_payment(&psync(Some("nope"), None), &cx(), &[response(201, "[]")]));
    assert_code(&e, ErrorCode::NotFound);
    assert_eq!(e.flow, Some(Flow::Psync));
}

#[test]
fn psync_picks_the_queried_transaction_and_its_follow_ups() {
    let charge = transaction("CHARGE", "AUTHORIZED", "APPROVED", "pay-1");
    let capture = transaction("CAPTURE", "CAPTURED", "APPROVED", "cap-1");
    let refund = transaction("REFUND", "CAPTURED", "APPROVED", "ref-1");
    let cancel = transaction("CANCEL", "AUTHORIZED", "APPROVED", "void-1");
    let run = |req: PaymentGetRequest, items: &[&str]| {
        let body = format!("[{}]", items.join(","));
        done(connector().get_payment(&req, &cx(), &[response(201, &body)]))
    };
    // The authorization alone.
    let mut manual = psync(Some("pay-1"), None);
    manual.capture_method = Some(CaptureMethod::Manual);
    assert_eq!(
        run(manual.clone(), &[&charge]).status,
        PaymentStatus::Authorized
    );
    // A sale (the request's capture mode) reads AUTHORIZED but is charged.
    let mut auto = psync(Some("pay-1"), None);
    auto.capture_method = Some(CaptureMethod::Automatic);
    assert_eq!(run(auto, &[&charge]).status, PaymentStatus::Charged);
    // The order's transactions: the capture settles the payment, the refund does not change it.
    let r = run(
        psync(None, Some("RKOrdID-525133851837")),
        &[&refund, &charge, &capture],
    );
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector_transaction_id.as_deref(), Some("pay-1"));
    let r = run(manual.clone(), &[&capture, &charge]);
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector_transaction_id.as_deref(), Some("pay-1"));
    let r = run(manual, &[&charge, &cancel]);
    assert_eq!(r.status, PaymentStatus::Voided);
}

#[test]
fn a_declined_payment_reads_as_a_failure_in_psync() {
    let declined = format!("[{CHARGE_DECLINED}]");
    let r = done(connector().get_payment(
        &psync(Some("84356531338"), None),
        &cx(),
        &[response(201, &declined)],
    ));
    assert_eq!(r.status, PaymentStatus::Failure);
    assert_eq!(r.decline.unwrap().code.as_deref(), Some("006"));
}
