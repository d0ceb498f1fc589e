//! Unit tests of the Razorpay connector: every payload of the spec (razorpay.md) through the
//! parsers, the official webhook signature vector, and the step sequences of the multi-step
//! flows.

use std::collections::BTreeMap;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::disputes::{contest_body, evidence_slot, file_name, EvidenceSlot};
use super::payments::card_expiry_end;
use super::*;
use crate::error::ErrorCode;
use crate::secret::CardNumber;

// ---- fixtures ---------------------------------------------------------------------------------

const KEY_ID: &str = "rzp_test_1DP5mmOlF5G5ag";
const KEY_SECRET: &str = "sEcReT_kEy_9f8e7d6c";
const WEBHOOK_SECRET: &str = "whsec_rotation_new_4711";
const PAN: &str = "4111111111111111";
const CVC: &str = "9371";

/// razorpay.md §3.1: the order example (from the Razorpay Python SDK docs); `notes` is `[]`.
const ORDER: &str = r#"{"id": "order_EKwxwAgItmmXdp", "entity": "order", "amount": 50000, "amount_paid": 0, "amount_due": 50000,
 "currency": "INR", "receipt": "receipt#1", "offer_id": null, "status": "created", "attempts": 0,
 "notes": [], "created_at": 1582628071}"#;

/// razorpay.md §3.2: the `create/json` answer.
const CREATE_JSON: &str = r#"{"razorpay_payment_id": "pay_FVmAstJWfsD3SO",
 "next": [{"action": "redirect", "url": "https://api.razorpay.com/v1/payments/FVmAtLUe9XZSGM/authorize"},
          {"action": "otp_generate", "url": "https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp_generate?track_id=FVmAtLUe9XZSGM&key_id=<YOUR_KEY_ID>"}]}"#;

/// razorpay.md §3.4: the captured payment returned by capture.
const CAPTURED: &str = r#"{"id": "pay_G8VQzjPLoAvm6D", "entity": "payment", "amount": 1000, "currency": "INR", "status": "captured",
 "order_id": "order_G8VPOayFxWEU28", "invoice_id": null, "international": false, "method": "upi",
 "amount_refunded": 0, "refund_status": null, "captured": true, "description": "Purchase Shoes",
 "card_id": null, "bank": null, "wallet": null, "vpa": "gaurav.kumar@exampleupi",
 "email": "gaurav.kumar@example.com", "contact": "+919999999999", "customer_id": "cust_DitrYCFtCIokBO",
 "notes": [], "fee": 24, "tax": 4, "error_code": null, "error_description": null, "error_source": null,
 "error_step": null, "error_reason": null, "acquirer_data": {"rrn": "033814379298"}, "created_at": 1606985209}"#;

/// razorpay.md §3.6: the processed (normal speed) refund; `notes` is an object.
const REFUND_PROCESSED: &str = r##"{"id": "rfnd_JnzyQwYOOBNJJu", "entity": "refund", "amount": 100, "currency": "INR",
 "payment_id": "pay_JRSS9bMrRMds3w", "notes": {"notes_key_1": "Beam me up Scotty.", "notes_key_2": "Engage"},
 "receipt": "#Receipt No. 131", "acquirer_data": {"arn": null}, "created_at": 1656655960,
 "batch_id": null, "status": "processed", "speed_processed": "normal", "speed_requested": "normal"}"##;

/// razorpay.md §3.6: the instant refund answer (`pending`, `speed_processed: instant`).
const REFUND_PENDING: &str = r##"{"id": "rfnd_JnzyQwYOOBNJJv", "entity": "refund", "amount": 100, "currency": "INR",
 "payment_id": "pay_JRSS9bMrRMds3w", "notes": [], "receipt": "#Receipt No. 132", "acquirer_data": {"arn": null},
 "created_at": 1656655961, "batch_id": null, "status": "pending", "speed_processed": "instant", "speed_requested": "optimum"}"##;

/// razorpay.md §5.6: the official "Payment Failed" webhook (netbanking).
const PAYMENT_FAILED_WEBHOOK: &str = r#"{"entity": "event", "account_id": "acc_BFQ7uQEaa7j2z7", "event": "payment.failed", "contains": ["payment"],
 "payload": {"payment": {"entity": {
   "id": "pay_DEAU825sJlCbGa", "entity": "payment", "amount": 50000, "currency": "INR", "status": "failed",
   "order_id": "order_DEATVTRRctwEGb", "invoice_id": null, "international": false, "method": "netbanking",
   "amount_refunded": 0, "refund_status": null, "captured": false, "description": null, "card_id": null,
   "bank": "HDFC", "wallet": null, "vpa": null, "email": "gaurav.kumar@example.com", "contact": "+919876543210",
   "notes": [], "fee": null, "tax": null,
   "error_code": "BAD_REQUEST_ERROR", "error_description": "Payment failed", "error_source": "bank",
   "error_step": "payment_authorization", "error_reason": "payment_failed",
   "acquirer_data": {"bank_transaction_id": null}, "created_at": 1567610214}}},
 "created_at": 1567610215}"#;

/// razorpay.md §5.6: the refund.processed webhook (illustrative).
const REFUND_PROCESSED_WEBHOOK: &str = r#"{"entity": "event", "account_id": "acc_BFQ7uQEaa7j2z7", "event": "refund.processed",
 "contains": ["refund", "payment"],
 "payload": {
   "refund": {"entity": {"id": "rfnd_JnzyQwYOOBNJJu", "entity": "refund", "amount": 100, "currency": "INR",
     "payment_id": "pay_JRSS9bMrRMds3w", "notes": [], "receipt": null, "acquirer_data": {"arn": null},
     "created_at": 1656655960, "batch_id": null, "status": "processed",
     "speed_processed": "normal", "speed_requested": "normal"}},
   "payment": {"entity": {"id": "pay_JRSS9bMrRMds3w", "entity": "payment", "amount": 100, "currency": "INR",
     "status": "refunded", "order_id": "order_JRSRzs0zQJ3nYq", "method": "card", "amount_refunded": 100,
     "refund_status": "full", "captured": true}}},
 "created_at": 1656655961}"#;

/// razorpay.md §3.9 / §5.5: a dispute entity with the documented fields.
fn dispute_entity(status: &str, phase: &str) -> Value {
    json!({
        "id": "disp_AHfqOvkldwsbqt", "entity": "dispute", "payment_id": "pay_EsyWjHrfzb59eR",
        "amount": 10000, "currency": "INR", "amount_deducted": 0,
        "reason_code": "processed_invalid_expired_card",
        "reason_description": "The transaction was processed with an expired card",
        "respond_by": 1590604200, "status": status, "phase": phase, "created_at": 1590059211,
        "evidence": {"amount": 10000, "summary": null, "shipping_proof": [], "billing_proof": [],
                     "cancellation_proof": [], "customer_communication": [], "proof_of_service": [],
                     "explanation_letter": [], "refund_confirmation": [], "access_activity_log": [],
                     "refund_cancellation_policy": [], "term_and_conditions": [], "others": [], "submitted_at": null}
    })
}

/// razorpay.md §3.9: the document upload answer.
const DOCUMENT: &str = r#"{"id": "doc_EsyWjHrfzb59Re", "entity": "document", "purpose": "dispute_evidence", "name": "doc_19_12_2020.jpg", "mime_type": "image/png", "size": 2863, "created_at": 1590604200}"#;

/// razorpay.md §4: the full error example (a declined OTP).
const ERROR_DECLINE: &str = r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": "Authentication failed due to incorrect otp",
           "field": null, "source": "customer", "step": "payment_authentication", "reason": "invalid_otp",
           "metadata": {"payment_id": "pay_EDNBKIP31Y4jl8", "order_id": "order_DBJKIP31Y4jl8"}}}"#;

/// razorpay.md §4: a minimal error (no source, step, reason or metadata).
const ERROR_MINIMAL: &str = r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": "The amount is invalid", "field": "amount"}}"#;

/// razorpay.md §4: bad credentials (HTTP 401, still BAD_REQUEST_ERROR).
const ERROR_AUTH: &str =
    r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": "Authentication failed"}}"#;

/// razorpay.md §4: the routing error, with no `error` object.
const ERROR_ROUTE: &str = r#"{"message": "no Route matched with those values"}"#;

/// razorpay.md §4: an unknown id.
const ERROR_NOT_FOUND: &str = r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": "The id provided does not exist", "source": "business", "step": "payment_initiation", "reason": "input_validation_failed", "metadata": {}, "field": null}}"#;

/// razorpay.md §5.4: the Razorpay Python SDK's fake `payment.authorized` body, byte-exact.
const SDK_WEBHOOK_BODY: &[u8] =
    include_bytes!("../../../../tests/vectors/razorpay/sdk_payment_authorized_webhook.json");

fn connector() -> Razorpay {
    let config = RazorpayConfig::new(KEY_ID, KEY_SECRET).webhook_secret(WEBHOOK_SECRET);
    Razorpay::new(
        &config,
        &Endpoint::new(crate::Environment::Sandbox, None).unwrap(),
    )
    .unwrap()
}

fn connector_at(base_url: &str) -> Razorpay {
    let config = RazorpayConfig::new(KEY_ID, KEY_SECRET);
    Razorpay::new(
        &config,
        &Endpoint::new(crate::Environment::Sandbox, Some(base_url)).unwrap(),
    )
    .unwrap()
}

fn cx() -> FlowContext {
    FlowContext::new("idem-1")
}

fn ok(body: &str) -> HttpResponse {
    HttpResponse::new(200, body.as_bytes().to_vec())
        .with_header("X-Razorpay-Request-Id", "req_abc123")
}

fn status(code: u16, body: &str) -> HttpResponse {
    HttpResponse::new(code, body.as_bytes().to_vec())
        .with_header("x-razorpay-request-id", "req_err42")
}

fn body_json(request: &HttpRequest) -> Value {
    serde_json::from_slice(request.body.as_ref().expect("a body").as_slice()).expect("a JSON body")
}

fn card() -> Card {
    let mut c = Card::new(CardNumber::new(PAN).unwrap(), 11, 2030);
    c.cvc = Some(Secret::new(CVC.to_string()));
    c.holder_name = Some("Gaurav Kumar".into());
    c
}

fn customer() -> Customer {
    Customer {
        id: Some("merchant-cust-7".into()),
        email: Some("gaurav.kumar@example.com".into()),
        phone: Some("+919000090000".into()),
        first_name: Some("Gaurav".into()),
        last_name: Some("Kumar".into()),
        ip_address: Some("203.0.113.9".into()),
    }
}

fn inr(paise: i64) -> Money {
    Money::new(paise, Currency::INR)
}

fn authorize_request() -> AuthorizeRequest {
    let mut r = AuthorizeRequest::new(inr(50000), "receipt#1", PaymentMethod::Card(card()));
    r.customer = Some(customer());
    r.return_url = Some("https://shop.example/return".into());
    r.metadata.insert("cart".into(), "42".into());
    r
}

/// Runs a flow against canned answers: returns the requests it asked for and its result.
fn drive<T>(
    mut flow: impl FnMut(&[HttpResponse]) -> Result<Step<T>>,
    answers: Vec<HttpResponse>,
) -> (Vec<HttpRequest>, Result<T>) {
    let mut answers = answers.into_iter();
    let mut responses = Vec::new();
    let mut requests = Vec::new();
    loop {
        match flow(&responses) {
            Ok(Step::Send(request)) => {
                requests.push(request);
                responses.push(
                    answers
                        .next()
                        .expect("the flow asked for more requests than answers were given"),
                );
            }
            Ok(Step::Done(result)) => {
                assert!(
                    answers.next().is_none(),
                    "the flow finished before using every answer"
                );
                return (requests, Ok(result));
            }
            Err(e) => return (requests, Err(e)),
        }
    }
}

fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn webhook(body: &[u8], signature: Option<&str>) -> WebhookRequest {
    let mut headers = BTreeMap::new();
    if let Some(s) = signature {
        headers.insert("X-Razorpay-Signature".to_string(), s.to_string());
    }
    headers.insert("x-razorpay-event-id".to_string(), "evt_KqX0001".to_string());
    headers.insert("Content-Type".to_string(), "application/json".to_string());
    WebhookRequest::new(headers, body.to_vec())
}

fn signed_webhook(body: &str) -> WebhookRequest {
    webhook(
        body.as_bytes(),
        Some(&sign(WEBHOOK_SECRET, body.as_bytes())),
    )
}

// ---- construction, URLs, auth ----------------------------------------------------------------

#[test]
fn base_url_auth_header_and_retry_safety() {
    let c = connector();
    let (requests, _) = drive(
        |r| c.create_order(&CreateOrderRequest::new_for_test(), &cx(), r),
        vec![ok(ORDER)],
    );
    let order = &requests[0];
    assert_eq!(order.url, "https://api.razorpay.com/v1/orders");
    assert_eq!(order.method, HttpMethod::Post);
    assert!(
        !order.retry_safe,
        "Razorpay has no idempotency header: POSTs are not retry-safe"
    );
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{KEY_ID}:{KEY_SECRET}"))
    );
    assert_eq!(order.headers.get("Authorization"), Some(&expected));
    assert_eq!(
        order.headers.get("Content-Type").map(String::as_str),
        Some("application/json")
    );

    let get = PaymentGetRequest {
        connector_transaction_id: Some("pay_FVmAstJWfsD3SO".into()),
        ..Default::default()
    };
    let (requests, _) = drive(|r| c.get_payment(&get, &cx(), r), vec![ok(CAPTURED)]);
    assert_eq!(requests[0].method, HttpMethod::Get);
    assert!(requests[0].retry_safe);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO"
    );
}

#[test]
fn base_url_override_joins_without_double_slashes() {
    for base in [
        "http://127.0.0.1:8080/razorpay",
        "http://127.0.0.1:8080/razorpay/",
    ] {
        let c = connector_at(base);
        let (requests, _) = drive(
            |r| c.create_order(&CreateOrderRequest::new_for_test(), &cx(), r),
            vec![ok(ORDER)],
        );
        assert_eq!(requests[0].url, "http://127.0.0.1:8080/razorpay/v1/orders");
        let refund = RefundGetRequest {
            connector_refund_id: "rfnd_JnzyQwYOOBNJJu".into(),
            ..Default::default()
        };
        let (requests, _) = drive(
            |r| c.get_refund(&refund, &cx(), r),
            vec![ok(REFUND_PROCESSED)],
        );
        assert_eq!(
            requests[0].url,
            "http://127.0.0.1:8080/razorpay/v1/refunds/rfnd_JnzyQwYOOBNJJu"
        );
    }
}

#[test]
fn configuration_is_checked() {
    let endpoint = Endpoint::new(crate::Environment::Live, None).unwrap();
    let bad = [
        RazorpayConfig::new("", KEY_SECRET),
        RazorpayConfig::new("rzp:test", KEY_SECRET),
        RazorpayConfig::new(KEY_ID, ""),
        RazorpayConfig::new(KEY_ID, KEY_SECRET).webhook_secret(""),
    ];
    for config in bad {
        let e = Razorpay::new(&config, &endpoint).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Configuration);
        assert!(!e.to_string().contains(KEY_SECRET));
    }
    // The same host serves test and live keys.
    let live = Razorpay::new(&RazorpayConfig::new("rzp_live_x", KEY_SECRET), &endpoint).unwrap();
    assert_eq!(live.urls.orders, "https://api.razorpay.com/v1/orders");
}

#[test]
fn ids_cannot_change_the_path() {
    let c = connector();
    let get = PaymentGetRequest {
        connector_transaction_id: Some("../orders/x".into()),
        ..Default::default()
    };
    let e = c.get_payment(&get, &cx(), &[]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("connector_transaction_id"));
    let refund = RefundGetRequest {
        connector_refund_id: "rfnd_1?x=1".into(),
        ..Default::default()
    };
    assert_eq!(
        c.get_refund(&refund, &cx(), &[]).unwrap_err().field(),
        Some("connector_refund_id")
    );
}

#[test]
fn support_matrix() {
    for flow in Flow::ALL {
        let s = support(flow);
        if flow == Flow::Void {
            assert!(!s.is_supported());
        } else {
            assert_eq!(s, Support::Synchronous, "{flow}");
        }
    }
    assert_eq!(
        crate::connectors::support(ConnectorName::Razorpay, Flow::Refund),
        Some(Support::Synchronous)
    );
}

// ---- amounts ---------------------------------------------------------------------------------

#[test]
fn two_decimal_currencies_map_one_to_one() {
    let c = connector();
    let mut req = CreateOrderRequest::new_for_test();
    req.amount = Money::new(1234, Currency::USD);
    let request = match c.create_order(&req, &cx(), &[]).unwrap() {
        Step::Send(r) => r,
        Step::Done(_) => panic!("expected a request"),
    };
    let body = body_json(&request);
    assert_eq!(body["amount"], 1234);
    assert_eq!(body["currency"], "USD");
}

#[test]
fn zero_and_three_decimal_currencies_are_rejected_before_sending() {
    let c = connector();
    for currency in [Currency::JPY, Currency::KWD, Currency::new("CLF").unwrap()] {
        let mut req = CreateOrderRequest::new_for_test();
        req.amount = Money::new(1000, currency);
        let e = c.create_order(&req, &cx(), &[]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidRequest);
        assert_eq!(e.field(), Some("amount.currency"));
        assert!(e.message().contains("unverified"), "{}", e.message());

        let mut auth = authorize_request();
        auth.amount = Money::new(1000, currency);
        assert_eq!(
            c.authorize(&auth, &cx(), &[]).unwrap_err().code(),
            ErrorCode::InvalidRequest
        );
        let refund = RefundRequest {
            connector_transaction_id: "pay_1".into(),
            amount: Money::new(1000, currency),
            merchant_refund_reference: None,
            reason: None,
            refundable_amount: None,
            idempotency_key: None,
            metadata: Metadata::new(),
        };
        assert_eq!(
            c.refund(&refund, &cx(), &[]).unwrap_err().code(),
            ErrorCode::InvalidRequest
        );
    }
}

// ---- create_order ----------------------------------------------------------------------------

impl CreateOrderRequest {
    fn new_for_test() -> CreateOrderRequest {
        let mut metadata = Metadata::new();
        metadata.insert("cart".into(), "42".into());
        CreateOrderRequest {
            amount: inr(50000),
            merchant_reference: "receipt#1".into(),
            capture_method: CaptureMethod::Automatic,
            customer: None,
            idempotency_key: None,
            metadata,
        }
    }
}

#[test]
fn create_order_request_and_spec_response() {
    let c = connector();
    let mut req = CreateOrderRequest::new_for_test();
    let (requests, result) = drive(|r| c.create_order(&req, &cx(), r), vec![ok(ORDER)]);
    let body = body_json(&requests[0]);
    assert_eq!(
        body,
        json!({"amount": 50000, "currency": "INR", "receipt": "receipt#1", "payment_capture": 1, "notes": {"cart": "42"}})
    );
    let order = result.unwrap();
    assert_eq!(order.status, OrderStatus::Created);
    assert_eq!(order.connector_order_id, "order_EKwxwAgItmmXdp");
    assert_eq!(order.merchant_reference.as_deref(), Some("receipt#1"));
    assert_eq!(order.amount, Some(inr(50000)));
    assert_eq!(order.request_id.as_deref(), Some("req_abc123"));
    assert_eq!(order.http_status, Some(200));

    req.capture_method = CaptureMethod::Manual;
    req.metadata.clear();
    let (requests, _) = drive(|r| c.create_order(&req, &cx(), r), vec![ok(ORDER)]);
    let body = body_json(&requests[0]);
    assert_eq!(body["payment_capture"], 0);
    assert!(body.get("notes").is_none());
}

#[test]
fn order_statuses_and_notes_shapes() {
    for (status, expected) in [
        ("attempted", OrderStatus::Attempted),
        ("paid", OrderStatus::Paid),
    ] {
        let body = json!({"id": "order_X1", "entity": "order", "amount": 100, "currency": "INR", "status": status,
                          "notes": {"k": "v"}, "receipt": null});
        let order = orders::parse_order(&ok(&body.to_string())).unwrap();
        assert_eq!(order.status, expected);
        assert_eq!(order.merchant_reference, None);
    }
    let e = orders::parse_order(&ok(r#"{"entity":"order","status":"created"}"#)).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
}

#[test]
fn long_receipts_are_rejected() {
    let c = connector();
    let mut req = CreateOrderRequest::new_for_test();
    req.merchant_reference = "r".repeat(41);
    let e = c.create_order(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.field(), Some("merchant_reference"));
    req.merchant_reference = "r".repeat(40);
    assert!(c.create_order(&req, &cx(), &[]).is_ok());
}

// ---- authorize -------------------------------------------------------------------------------

#[test]
fn authorize_with_an_order_is_one_exchange() {
    let c = connector();
    let mut req = authorize_request();
    req.connector_order_id = Some("order_DPzFe1Q1dEOKed".into());
    req.browser_info = Some(BrowserInfo {
        user_agent: Some("Mozilla/5.0".into()),
        accept_header: Some("text/html".into()),
        language: Some("en-IN".into()),
        color_depth: Some(24),
        screen_height: Some(900),
        screen_width: Some(1440),
        time_zone_offset_minutes: Some(-330),
        java_enabled: Some(false),
        javascript_enabled: Some(true),
        referer: Some("https://shop.example/checkout".into()),
    });
    let (requests, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(CREATE_JSON)]);
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        request.url,
        "https://api.razorpay.com/v1/payments/create/json"
    );
    assert!(!request.retry_safe);
    let body = body_json(request);
    assert_eq!(body["amount"], 50000);
    assert_eq!(body["currency"], "INR");
    assert_eq!(body["order_id"], "order_DPzFe1Q1dEOKed");
    assert_eq!(body["method"], "card");
    assert_eq!(
        body["card"],
        json!({"number": PAN, "expiry_month": 11, "expiry_year": 30, "cvv": CVC, "name": "Gaurav Kumar"})
    );
    assert!(
        body["card"]["expiry_month"].is_u64(),
        "expiry_month is an integer"
    );
    assert_eq!(body["email"], "gaurav.kumar@example.com");
    assert_eq!(body["contact"], "+919000090000");
    assert_eq!(
        body["authentication"],
        json!({"authentication_channel": "browser"})
    );
    assert_eq!(
        body["browser"],
        json!({"java_enabled": false, "javascript_enabled": true, "timezone_offset": -330,
               "color_depth": 24, "screen_width": 1440, "screen_height": 900})
    );
    assert_eq!(body["ip"], "203.0.113.9");
    assert_eq!(body["referer"], "https://shop.example/checkout");
    assert_eq!(body["user_agent"], "Mozilla/5.0");
    assert_eq!(body["callback_url"], "https://shop.example/return");
    assert_eq!(body["notes"], json!({"cart": "42"}));

    let payment = result.unwrap();
    assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("pay_FVmAstJWfsD3SO")
    );
    assert_eq!(
        payment.connector_order_id.as_deref(),
        Some("order_DPzFe1Q1dEOKed")
    );
    match payment.next_action {
        Some(NextAction::Redirect(r)) => {
            assert_eq!(
                r.url,
                "https://api.razorpay.com/v1/payments/FVmAtLUe9XZSGM/authorize"
            );
            assert_eq!(r.method, HttpMethod::Get);
        }
        other => panic!("expected a redirect, got {other:?}"),
    }
    assert_eq!(payment.request_id.as_deref(), Some("req_abc123"));
}

#[test]
fn authorize_without_an_order_creates_it_first() {
    let c = connector();
    let mut req = authorize_request();
    req.capture_method = CaptureMethod::Manual;

    // Step 0: the order.
    let first = match c.authorize(&req, &cx(), &[]).unwrap() {
        Step::Send(r) => r,
        Step::Done(_) => panic!("the order must be created first"),
    };
    assert_eq!(first.url, "https://api.razorpay.com/v1/orders");
    assert_eq!(
        body_json(&first),
        json!({"amount": 50000, "currency": "INR", "receipt": "receipt#1", "payment_capture": 0, "notes": {"cart": "42"}})
    );

    // Step 1: the payment, in the order just created.
    let responses = vec![ok(ORDER)];
    let second = match c.authorize(&req, &cx(), &responses).unwrap() {
        Step::Send(r) => r,
        Step::Done(_) => panic!("the payment comes after the order"),
    };
    assert_eq!(
        second.url,
        "https://api.razorpay.com/v1/payments/create/json"
    );
    assert_eq!(body_json(&second)["order_id"], "order_EKwxwAgItmmXdp");
    assert_eq!(
        body_json(&second)["authentication"],
        json!({"authentication_channel": "app"})
    );
    assert!(body_json(&second).get("browser").is_none());

    // Done.
    let responses = vec![ok(ORDER), ok(CREATE_JSON)];
    let payment = match c.authorize(&req, &cx(), &responses).unwrap() {
        Step::Done(p) => p,
        Step::Send(_) => panic!("two exchanges are enough"),
    };
    assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        payment.connector_order_id.as_deref(),
        Some("order_EKwxwAgItmmXdp")
    );
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("pay_FVmAstJWfsD3SO")
    );
    assert_eq!(payment.merchant_reference.as_deref(), Some("receipt#1"));
    assert_eq!(payment.amount, Some(inr(50000)));

    // A failed order step is an error, and no payment is attempted.
    let e = c
        .authorize(&req, &cx(), &[status(401, ERROR_AUTH)])
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Authentication);
}

#[test]
fn authorize_needs_the_phone_number_before_anything_is_sent() {
    let c = connector();
    let mut req = authorize_request();
    req.customer.as_mut().unwrap().phone = None;
    let e = c.authorize(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("customer.phone"));
    req.customer = None;
    assert_eq!(
        c.authorize(&req, &cx(), &[]).unwrap_err().field(),
        Some("customer.phone")
    );
}

#[test]
fn authorize_needs_the_email_before_anything_is_sent() {
    // Spec §3.2: `email` and `contact` are both required in practice.
    let c = connector();
    let mut req = authorize_request();
    req.customer.as_mut().unwrap().email = Some("  ".into());
    let e = c.authorize(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("customer.email"));
    let mut req = setup_request();
    req.customer.email = None;
    assert_eq!(
        c.setup_mandate(&req, &cx(), &[]).unwrap_err().field(),
        Some("customer.email")
    );
    let mut req = AuthorizeRequest::new(
        inr(2500),
        "renewal-9",
        PaymentMethod::Mandate(MandateReference {
            mandate_id: "token_FHfn3rIiM1Z8nr".into(),
            usage: MandateUsage::Subscription,
            network_transaction_id: None,
            connector_customer_id: Some("cust_DtHaBuooGHTuyZ".into()),
        }),
    );
    req.customer = Some(Customer {
        email: None,
        ..customer()
    });
    assert_eq!(
        c.authorize(&req, &cx(), &[]).unwrap_err().field(),
        Some("customer.email")
    );
}

#[test]
fn authorize_answer_without_next_is_invalid() {
    let c = connector();
    let mut req = authorize_request();
    req.connector_order_id = Some("order_1".into());
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok(r#"{"razorpay_payment_id": "pay_1"}"#)],
    );
    assert_eq!(result.unwrap_err().code(), ErrorCode::InvalidResponse);
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok("<html>oops</html>")],
    );
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert_eq!(e.http_status, Some(200));
    // Only an OTP action: handed over as an SDK action.
    let otp = r#"{"razorpay_payment_id": "pay_2", "next": [{"action": "otp_generate", "url": "https://api.razorpay.com/v1/payments/pay_2/otp_generate"}]}"#;
    let (_, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(otp)]);
    match result.unwrap().next_action {
        Some(NextAction::Sdk(s)) => {
            assert_eq!(s.action_type, "otp_generate");
            assert!(s.data.contains("otp_generate"));
        }
        other => panic!("expected an SDK action, got {other:?}"),
    }
}

#[test]
fn a_4xx_decline_is_a_result_not_an_error() {
    let c = connector();
    let mut req = authorize_request();
    req.connector_order_id = Some("order_DBJKIP31Y4jl8".into());
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![status(400, ERROR_DECLINE)],
    );
    let payment = result.expect("a decline is Ok(failure)");
    assert_eq!(payment.status, PaymentStatus::Failure);
    assert!(payment.is_declined());
    let decline = payment.decline.unwrap();
    assert_eq!(decline.code.as_deref(), Some("BAD_REQUEST_ERROR"));
    assert_eq!(
        decline.message.as_deref(),
        Some("Authentication failed due to incorrect otp")
    );
    assert_eq!(decline.reason.as_deref(), Some("invalid_otp"));
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("pay_EDNBKIP31Y4jl8")
    );
    assert_eq!(
        payment.connector_order_id.as_deref(),
        Some("order_DBJKIP31Y4jl8")
    );
    assert_eq!(payment.http_status, Some(400));
    assert_eq!(payment.request_id.as_deref(), Some("req_err42"));

    // The same body from issuer_bank / bank at the authorization step, and via PSync and capture.
    for source in ["issuer_bank", "bank"] {
        let body = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "Payment declined by bank",
                                    "source": source, "step": "payment_authorization", "reason": "payment_declined"}});
        let (_, result) = drive(
            |r| c.authorize(&req, &cx(), r),
            vec![status(400, &body.to_string())],
        );
        assert_eq!(result.unwrap().status, PaymentStatus::Failure);
    }
    let get = PaymentGetRequest {
        connector_transaction_id: Some("pay_EDNBKIP31Y4jl8".into()),
        ..Default::default()
    };
    let (_, result) = drive(
        |r| c.get_payment(&get, &cx(), r),
        vec![status(400, ERROR_DECLINE)],
    );
    assert_eq!(result.unwrap().status, PaymentStatus::Failure);
    let capture = CaptureRequest {
        connector_transaction_id: "pay_EDNBKIP31Y4jl8".into(),
        amount: inr(1000),
        authorized_amount: None,
        merchant_reference: None,
        idempotency_key: None,
    };
    let (_, result) = drive(
        |r| c.capture(&capture, &cx(), r),
        vec![status(400, ERROR_DECLINE)],
    );
    assert_eq!(result.unwrap().status, PaymentStatus::Failure);

    // A refund has no decline: the same body is an error there.
    let refund = RefundRequest {
        connector_transaction_id: "pay_EDNBKIP31Y4jl8".into(),
        amount: inr(100),
        merchant_refund_reference: None,
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    };
    let (_, result) = drive(
        |r| c.refund(&refund, &cx(), r),
        vec![status(400, ERROR_DECLINE)],
    );
    assert_eq!(result.unwrap_err().code(), ErrorCode::ProcessorError);
}

#[test]
fn validation_errors_from_razorpay_are_not_declines() {
    let c = connector();
    let mut req = authorize_request();
    req.connector_order_id = Some("order_1".into());
    let body = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "The contact field is required.",
                                "field": "contact", "source": "business", "step": "payment_initiation",
                                "reason": "input_validation_failed", "metadata": {}}});
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![status(400, &body.to_string())],
    );
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert!(e.message().contains("field: contact"), "{}", e.message());
    assert!(
        e.message().contains("input_validation_failed"),
        "{}",
        e.message()
    );

    // The card is refused at initiation (the customer's card, not the request): a decline.
    let body = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "International cards are not accepted",
                                "source": "customer", "step": "payment_initiation",
                                "reason": "international_transaction_not_allowed"}});
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![status(400, &body.to_string())],
    );
    assert_eq!(
        result.unwrap().decline.unwrap().reason.as_deref(),
        Some("international_transaction_not_allowed")
    );

    // A failure on the gateway's side is neither a decline nor the request's fault.
    let body = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": "Payment processing failed at the gateway",
                                "source": "gateway", "step": "payment_authorization", "reason": "gateway_technical_error"}});
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![status(400, &body.to_string())],
    );
    assert_eq!(result.unwrap_err().code(), ErrorCode::ProcessorError);
}

#[test]
fn mandate_charge_creates_an_order_then_a_recurring_payment() {
    let c = connector();
    let mut req = AuthorizeRequest::new(
        inr(2500),
        "renewal-9",
        PaymentMethod::Mandate(MandateReference {
            mandate_id: "token_FHfn3rIiM1Z8nr".into(),
            usage: MandateUsage::Subscription,
            network_transaction_id: None,
            connector_customer_id: Some("cust_DtHaBuooGHTuyZ".into()),
        }),
    );
    req.customer = Some(customer());
    let answer = r#"{"razorpay_payment_id": "pay_1Aa00000000001", "razorpay_order_id": "order_EKwxwAgItmmXdp",
                     "razorpay_signature": "9ef4dffbfd84f1318f6739a3ce19f9d85851857ae648f114332d8401e0949a3d"}"#;
    let (requests, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(ORDER), ok(answer)]);
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].url, "https://api.razorpay.com/v1/orders");
    assert_eq!(
        requests[1].url,
        "https://api.razorpay.com/v1/payments/create/recurring"
    );
    let body = body_json(&requests[1]);
    assert_eq!(body["order_id"], "order_EKwxwAgItmmXdp");
    assert_eq!(body["customer_id"], "cust_DtHaBuooGHTuyZ");
    assert_eq!(body["token"], "token_FHfn3rIiM1Z8nr");
    assert_eq!(body["recurring"], "1");
    assert_eq!(body["amount"], 2500);
    assert_eq!(body["contact"], "+919000090000");
    assert!(body.get("card").is_none());
    let payment = result.unwrap();
    assert_eq!(payment.status, PaymentStatus::Pending);
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("pay_1Aa00000000001")
    );
    assert_eq!(payment.mandate_id.as_deref(), Some("token_FHfn3rIiM1Z8nr"));
    assert_eq!(
        payment.connector_customer_id.as_deref(),
        Some("cust_DtHaBuooGHTuyZ")
    );

    // The customer id is required, and is checked before the order is created.
    if let PaymentMethod::Mandate(m) = &mut req.payment_method {
        m.connector_customer_id = None;
    }
    let e = c.authorize(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.field(), Some("payment_method.connector_customer_id"));
}

// ---- psync -----------------------------------------------------------------------------------

fn return_signature(order_id: &str, payment_id: &str) -> String {
    sign(KEY_SECRET, format!("{order_id}|{payment_id}").as_bytes())
}

fn redirect_result(payment_id: &str, order_id: &str, signature: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("razorpay_payment_id".to_string(), payment_id.to_string()),
        ("razorpay_order_id".to_string(), order_id.to_string()),
        ("razorpay_signature".to_string(), signature.to_string()),
    ])
}

#[test]
fn return_signature_is_verified_against_the_requests_order() {
    let c = connector();
    let sig = return_signature("order_G8VPOayFxWEU28", "pay_G8VQzjPLoAvm6D");
    assert!(c
        .return_signature_valid("order_G8VPOayFxWEU28", "pay_G8VQzjPLoAvm6D", &sig)
        .unwrap());

    let req = PaymentGetRequest {
        redirect_result: Some(redirect_result(
            "pay_G8VQzjPLoAvm6D",
            "order_G8VPOayFxWEU28",
            &sig,
        )),
        connector_order_id: Some("order_G8VPOayFxWEU28".into()),
        capture_method: Some(CaptureMethod::Automatic),
        ..Default::default()
    };
    let (requests, result) = drive(|r| c.get_payment(&req, &cx(), r), vec![ok(CAPTURED)]);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/pay_G8VQzjPLoAvm6D"
    );
    assert_eq!(result.unwrap().status, PaymentStatus::Charged);

    // Forged: a signature made for another order, even when the return names that order.
    let forged_sig = return_signature("order_ATTACKER", "pay_G8VQzjPLoAvm6D");
    let forged = PaymentGetRequest {
        redirect_result: Some(redirect_result(
            "pay_G8VQzjPLoAvm6D",
            "order_ATTACKER",
            &forged_sig,
        )),
        connector_order_id: Some("order_G8VPOayFxWEU28".into()),
        ..Default::default()
    };
    let e = c.get_payment(&forged, &cx(), &[]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("redirect_result.razorpay_signature"));

    // Garbage, truncated and other-key signatures.
    for bad in [
        "zz",
        &sig[..63],
        &sign("another_secret", b"order_G8VPOayFxWEU28|pay_G8VQzjPLoAvm6D"),
    ] {
        let req = PaymentGetRequest {
            redirect_result: Some(redirect_result(
                "pay_G8VQzjPLoAvm6D",
                "order_G8VPOayFxWEU28",
                bad,
            )),
            connector_order_id: Some("order_G8VPOayFxWEU28".into()),
            ..Default::default()
        };
        assert_eq!(
            c.get_payment(&req, &cx(), &[]).unwrap_err().field(),
            Some("redirect_result.razorpay_signature")
        );
    }
    // Swapped payment id.
    let req = PaymentGetRequest {
        redirect_result: Some(redirect_result("pay_OTHER", "order_G8VPOayFxWEU28", &sig)),
        connector_order_id: Some("order_G8VPOayFxWEU28".into()),
        ..Default::default()
    };
    assert!(c.get_payment(&req, &cx(), &[]).is_err());

    // Without the order id of the request, the return cannot be verified.
    let req = PaymentGetRequest {
        redirect_result: Some(redirect_result(
            "pay_G8VQzjPLoAvm6D",
            "order_G8VPOayFxWEU28",
            &sig,
        )),
        ..Default::default()
    };
    assert_eq!(
        c.get_payment(&req, &cx(), &[]).unwrap_err().field(),
        Some("connector_order_id")
    );
}

#[test]
fn unsigned_return_falls_back_to_the_merchants_own_ids() {
    let c = connector();
    let req = PaymentGetRequest {
        redirect_result: Some(BTreeMap::from([
            ("error[code]".to_string(), "BAD_REQUEST_ERROR".to_string()),
            (
                "razorpay_payment_id".to_string(),
                "pay_FROM_RETURN".to_string(),
            ),
        ])),
        connector_transaction_id: Some("pay_DEAU825sJlCbGa".into()),
        ..Default::default()
    };
    let (requests, _) = drive(|r| c.get_payment(&req, &cx(), r), vec![ok(CAPTURED)]);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/pay_DEAU825sJlCbGa"
    );

    let only_return = PaymentGetRequest {
        redirect_result: Some(BTreeMap::from([(
            "razorpay_payment_id".to_string(),
            "pay_X".to_string(),
        )])),
        ..Default::default()
    };
    assert_eq!(
        c.get_payment(&only_return, &cx(), &[]).unwrap_err().code(),
        ErrorCode::InvalidRequest
    );
}

fn payment_entity(status: &str, captured: bool) -> String {
    json!({"id": "pay_X1", "entity": "payment", "amount": 1000, "currency": "INR", "status": status,
           "order_id": "order_X1", "captured": captured, "customer_id": "cust_DtHaBuooGHTuyZ",
           "token_id": "token_FHfn3rIiM1Z8nr", "notes": [], "error_code": null, "created_at": 1595449871})
    .to_string()
}

#[test]
fn psync_status_mapping() {
    let c = connector();
    let cases = [
        (
            "created",
            false,
            Some(CaptureMethod::Automatic),
            PaymentStatus::Pending,
        ),
        (
            "authorized",
            false,
            Some(CaptureMethod::Manual),
            PaymentStatus::Authorized,
        ),
        (
            "authorized",
            false,
            Some(CaptureMethod::Automatic),
            PaymentStatus::Pending,
        ),
        ("authorized", false, None, PaymentStatus::Authorized),
        (
            "captured",
            true,
            Some(CaptureMethod::Manual),
            PaymentStatus::Charged,
        ),
        ("refunded", false, None, PaymentStatus::AutoRefunded),
        ("refunded", true, None, PaymentStatus::Charged),
    ];
    for (raw, captured, capture_method, expected) in cases {
        let req = PaymentGetRequest {
            connector_transaction_id: Some("pay_X1".into()),
            capture_method,
            ..Default::default()
        };
        let (_, result) = drive(
            |r| c.get_payment(&req, &cx(), r),
            vec![ok(&payment_entity(raw, captured))],
        );
        let p = result.unwrap();
        assert_eq!(p.status, expected, "{raw} / {capture_method:?}");
        assert_eq!(p.connector_status.as_deref(), Some(raw));
        assert_eq!(p.mandate_id.as_deref(), Some("token_FHfn3rIiM1Z8nr"));
        assert_eq!(
            p.connector_customer_id.as_deref(),
            Some("cust_DtHaBuooGHTuyZ")
        );
        assert_eq!(p.connector_order_id.as_deref(), Some("order_X1"));
        assert_eq!(p.amount, Some(inr(1000)));
        assert!(p.decline.is_none());
    }
    let req = PaymentGetRequest {
        connector_transaction_id: Some("pay_X1".into()),
        ..Default::default()
    };
    let (_, result) = drive(
        |r| c.get_payment(&req, &cx(), r),
        vec![ok(&payment_entity("teleported", false))],
    );
    assert_eq!(result.unwrap_err().code(), ErrorCode::InvalidResponse);
}

#[test]
fn psync_of_a_failed_payment_carries_the_decline() {
    // The payment entity of the official payment.failed sample, as GET /v1/payments/{id} returns it.
    let envelope: Value = serde_json::from_str(PAYMENT_FAILED_WEBHOOK).unwrap();
    let entity = envelope["payload"]["payment"]["entity"].to_string();
    let c = connector();
    let req = PaymentGetRequest {
        connector_transaction_id: Some("pay_DEAU825sJlCbGa".into()),
        ..Default::default()
    };
    let (_, result) = drive(|r| c.get_payment(&req, &cx(), r), vec![ok(&entity)]);
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::Failure);
    let d = p.decline.unwrap();
    assert_eq!(d.code.as_deref(), Some("BAD_REQUEST_ERROR"));
    assert_eq!(d.message.as_deref(), Some("Payment failed"));
    assert_eq!(d.reason.as_deref(), Some("payment_failed"));
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_DEATVTRRctwEGb")
    );
}

#[test]
fn psync_by_order_picks_the_deciding_payment() {
    let c = connector();
    let req = PaymentGetRequest {
        connector_order_id: Some("order_G8VPOayFxWEU28".into()),
        capture_method: Some(CaptureMethod::Automatic),
        ..Default::default()
    };
    let failed_later = json!({"id": "pay_LATE_FAIL", "entity": "payment", "amount": 1000, "currency": "INR",
                              "status": "failed", "captured": false, "created_at": 1606985300,
                              "error_code": "BAD_REQUEST_ERROR", "error_description": "Payment failed"});
    let captured: Value = serde_json::from_str(CAPTURED).unwrap();
    let failed_earlier = json!({"id": "pay_EARLY_FAIL", "entity": "payment", "status": "failed", "created_at": 1606985000});
    let collection = json!({"entity": "collection", "count": 3, "items": [failed_later, captured, failed_earlier]});
    let (requests, result) = drive(
        |r| c.get_payment(&req, &cx(), r),
        vec![ok(&collection.to_string())],
    );
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/orders/order_G8VPOayFxWEU28/payments"
    );
    assert!(requests[0].retry_safe);
    let p = result.unwrap();
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_G8VQzjPLoAvm6D")
    );
    assert_eq!(p.status, PaymentStatus::Charged);

    // Only failed attempts: the latest one.
    let collection = json!({"entity": "collection", "count": 2, "items": [
        {"id": "pay_A", "status": "failed", "created_at": 10}, {"id": "pay_B", "status": "failed", "created_at": 20}]});
    let (_, result) = drive(
        |r| c.get_payment(&req, &cx(), r),
        vec![ok(&collection.to_string())],
    );
    let p = result.unwrap();
    assert_eq!(p.connector_transaction_id.as_deref(), Some("pay_B"));
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_G8VPOayFxWEU28")
    );

    let empty = r#"{"entity": "collection", "count": 0, "items": []}"#;
    let (_, result) = drive(|r| c.get_payment(&req, &cx(), r), vec![ok(empty)]);
    assert_eq!(result.unwrap_err().code(), ErrorCode::NotFound);
}

// ---- capture / void --------------------------------------------------------------------------

#[test]
fn capture_sends_amount_and_currency_and_reads_the_payment() {
    let c = connector();
    let req = CaptureRequest {
        connector_transaction_id: "pay_G8VQzjPLoAvm6D".into(),
        amount: inr(1000),
        authorized_amount: Some(inr(1000)),
        merchant_reference: None,
        idempotency_key: None,
    };
    let (requests, result) = drive(|r| c.capture(&req, &cx(), r), vec![ok(CAPTURED)]);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/pay_G8VQzjPLoAvm6D/capture"
    );
    assert!(!requests[0].retry_safe);
    assert_eq!(
        body_json(&requests[0]),
        json!({"amount": 1000, "currency": "INR"})
    );
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_G8VQzjPLoAvm6D")
    );
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_G8VPOayFxWEU28")
    );
    assert_eq!(
        p.connector_customer_id.as_deref(),
        Some("cust_DitrYCFtCIokBO")
    );
    assert_eq!(p.amount, Some(inr(1000)));
}

#[test]
fn partial_capture_is_rejected_before_sending() {
    let c = connector();
    let req = CaptureRequest {
        connector_transaction_id: "pay_G8VQzjPLoAvm6D".into(),
        amount: inr(600),
        authorized_amount: Some(inr(1000)),
        merchant_reference: None,
        idempotency_key: None,
    };
    let e = c.capture(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("amount"));
    assert!(
        e.message().contains("exactly the authorized amount"),
        "{}",
        e.message()
    );
}

#[test]
fn void_is_unsupported_with_the_reason() {
    let c = connector();
    let req = VoidRequest {
        connector_transaction_id: "pay_1".into(),
        ..Default::default()
    };
    let e = c.void(&req, &cx(), &[]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unsupported);
    assert_eq!(e.flow, Some(Flow::Void));
    assert!(e.message().contains("5 days"), "{}", e.message());
}

// ---- refunds ---------------------------------------------------------------------------------

#[test]
fn refund_request_and_statuses() {
    let c = connector();
    let mut metadata = Metadata::new();
    metadata.insert("notes_key_1".into(), "Beam me up Scotty.".into());
    let req = RefundRequest {
        connector_transaction_id: "pay_JRSS9bMrRMds3w".into(),
        amount: inr(100),
        merchant_refund_reference: Some("#Receipt No. 131".into()),
        reason: Some(RefundReason::CustomerRequest),
        refundable_amount: None,
        idempotency_key: None,
        metadata,
    };
    let (requests, result) = drive(|r| c.refund(&req, &cx(), r), vec![ok(REFUND_PROCESSED)]);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/pay_JRSS9bMrRMds3w/refund"
    );
    assert!(!requests[0].retry_safe);
    assert_eq!(
        body_json(&requests[0]),
        json!({"amount": 100, "speed": "normal", "receipt": "#Receipt No. 131", "notes": {"notes_key_1": "Beam me up Scotty."}})
    );
    let r = result.unwrap();
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(
        r.connector_refund_id.as_deref(),
        Some("rfnd_JnzyQwYOOBNJJu")
    );
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_JRSS9bMrRMds3w")
    );
    assert_eq!(
        r.merchant_refund_reference.as_deref(),
        Some("#Receipt No. 131")
    );
    assert_eq!(r.amount, Some(inr(100)));
    assert_eq!(r.connector_status.as_deref(), Some("processed"));

    let (_, result) = drive(|r| c.refund(&req, &cx(), r), vec![ok(REFUND_PENDING)]);
    assert_eq!(result.unwrap().status, RefundStatus::Pending);

    for (raw, expected) in [
        ("created", RefundStatus::Pending),
        ("failed", RefundStatus::Failure),
    ] {
        let body = json!({"id": "rfnd_1", "entity": "refund", "status": raw, "payment_id": "pay_1", "notes": []});
        let (_, result) = drive(|r| c.refund(&req, &cx(), r), vec![ok(&body.to_string())]);
        assert_eq!(result.unwrap().status, expected);
    }
}

#[test]
fn rsync_reads_the_refund() {
    let c = connector();
    let req = RefundGetRequest {
        connector_refund_id: "rfnd_JnzyQwYOOBNJJu".into(),
        ..Default::default()
    };
    let (requests, result) = drive(|r| c.get_refund(&req, &cx(), r), vec![ok(REFUND_PENDING)]);
    assert_eq!(requests[0].method, HttpMethod::Get);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/refunds/rfnd_JnzyQwYOOBNJJu"
    );
    assert_eq!(result.unwrap().status, RefundStatus::Pending);
    let (_, result) = drive(
        |r| c.get_refund(&req, &cx(), r),
        vec![status(400, ERROR_NOT_FOUND)],
    );
    assert_eq!(result.unwrap_err().code(), ErrorCode::NotFound);
}

// ---- setup_mandate ---------------------------------------------------------------------------

fn setup_request() -> SetupMandateRequest {
    SetupMandateRequest {
        amount: inr(100),
        merchant_reference: "mandate-1".into(),
        payment_method: PaymentMethod::Card(card()),
        customer: customer(),
        usage: MandateUsage::Unscheduled,
        idempotency_key: None,
        billing_address: None,
        browser_info: None,
        return_url: Some("https://shop.example/mandate-return".into()),
        authentication_type: AuthenticationType::Auto,
        connector_order_id: None,
        metadata: Metadata::new(),
    }
}

const CUSTOMER: &str = r#"{"id": "cust_1Aa00000000003", "entity": "customer", "name": "Gaurav Kumar",
  "email": "Gaurav.Kumar@example.com", "contact": "9000000000", "gstin": null,
  "notes": {"notes_key_1": "Tea, Earl Grey, Hot"}, "created_at": 1582033731}"#;

const MANDATE_ORDER: &str = r#"{"id":"order_1Aa00000000002","entity":"order","amount":100,"amount_paid":0,"amount_due":100,
  "currency":"INR","receipt":"mandate-1","method":"card","description":null,"customer_id":"cust_1Aa00000000003",
  "token":{"max_amount":5000,"expire_at":2709971120,"frequency":"monthly"},"offer_id":null,"status":"created",
  "attempts":0,"notes":[],"created_at":1565172642}"#;

#[test]
fn setup_mandate_steps_customer_order_payment() {
    let c = connector();
    let req = setup_request();
    let (requests, result) = drive(
        |r| c.setup_mandate(&req, &cx(), r),
        vec![ok(CUSTOMER), ok(MANDATE_ORDER), ok(CREATE_JSON)],
    );
    assert_eq!(requests.len(), 3);

    assert_eq!(requests[0].url, "https://api.razorpay.com/v1/customers");
    assert_eq!(
        body_json(&requests[0]),
        json!({"name": "Gaurav Kumar", "email": "gaurav.kumar@example.com", "contact": "+919000090000",
               "fail_existing": "0", "notes": {"merchant_customer_id": "merchant-cust-7"}})
    );

    assert_eq!(requests[1].url, "https://api.razorpay.com/v1/orders");
    let order = body_json(&requests[1]);
    assert_eq!(order["customer_id"], "cust_1Aa00000000003");
    assert_eq!(order["method"], "card");
    assert_eq!(order["amount"], 100);
    assert_eq!(order["payment_capture"], 1);
    assert_eq!(order["token"]["max_amount"], DEFAULT_MANDATE_MAX_AMOUNT);
    assert_eq!(order["token"]["frequency"], DEFAULT_MANDATE_FREQUENCY);
    // The card expires end of November 2030: 2030-11-30T23:59:59Z.
    assert_eq!(order["token"]["expire_at"], 1922313599);

    assert_eq!(
        requests[2].url,
        "https://api.razorpay.com/v1/payments/create/json"
    );
    let payment = body_json(&requests[2]);
    assert_eq!(payment["order_id"], "order_1Aa00000000002");
    assert_eq!(payment["customer_id"], "cust_1Aa00000000003");
    assert_eq!(payment["recurring"], "1");
    assert_eq!(payment["card"]["number"], PAN);
    assert_eq!(
        payment["callback_url"],
        "https://shop.example/mandate-return"
    );

    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert!(matches!(p.next_action, Some(NextAction::Redirect(_))));
    assert_eq!(
        p.connector_customer_id.as_deref(),
        Some("cust_1Aa00000000003")
    );
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_1Aa00000000002")
    );
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_FVmAstJWfsD3SO")
    );
    // The token id arrives with PSync once the customer has authenticated.
    assert_eq!(p.mandate_id, None);
}

#[test]
fn setup_mandate_with_an_order_skips_the_order_step() {
    let c = connector();
    let mut req = setup_request();
    req.connector_order_id = Some("order_GIVEN1".into());
    let (requests, result) = drive(
        |r| c.setup_mandate(&req, &cx(), r),
        vec![ok(CUSTOMER), ok(CREATE_JSON)],
    );
    assert_eq!(requests.len(), 2);
    assert_eq!(body_json(&requests[1])["order_id"], "order_GIVEN1");
    assert_eq!(
        result.unwrap().connector_order_id.as_deref(),
        Some("order_GIVEN1")
    );
}

#[test]
fn setup_mandate_checks_and_declines() {
    let c = connector();
    let mut req = setup_request();
    req.amount = inr(0);
    assert_eq!(
        c.setup_mandate(&req, &cx(), &[]).unwrap_err().field(),
        Some("amount")
    );
    let mut req = setup_request();
    req.customer.phone = None;
    assert_eq!(
        c.setup_mandate(&req, &cx(), &[]).unwrap_err().field(),
        Some("customer.phone")
    );

    // A declined authorization payment is a failure response, with the customer kept.
    let req = setup_request();
    let (_, result) = drive(
        |r| c.setup_mandate(&req, &cx(), r),
        vec![ok(CUSTOMER), ok(MANDATE_ORDER), status(400, ERROR_DECLINE)],
    );
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(
        p.connector_customer_id.as_deref(),
        Some("cust_1Aa00000000003")
    );

    // Configured mandate limits.
    let mut config = RazorpayConfig::new(KEY_ID, KEY_SECRET);
    config.mandate_max_amount = Some(500_000);
    config.mandate_frequency = Some("monthly".into());
    let c = Razorpay::new(
        &config,
        &Endpoint::new(crate::Environment::Sandbox, None).unwrap(),
    )
    .unwrap();
    let (requests, _) = drive(
        |r| c.setup_mandate(&req, &cx(), r),
        vec![ok(CUSTOMER), ok(MANDATE_ORDER), ok(CREATE_JSON)],
    );
    let order = body_json(&requests[1]);
    assert_eq!(order["token"]["max_amount"], 500_000);
    assert_eq!(order["token"]["frequency"], "monthly");
}

#[test]
fn card_expiry_end_is_the_last_second_of_the_month() {
    let mut c = card();
    c.expiry_month = 12;
    c.expiry_year = 2029;
    assert_eq!(card_expiry_end(&c), 1893455999); // 2029-12-31T23:59:59Z
    c.expiry_month = 2;
    c.expiry_year = 2028;
    assert_eq!(card_expiry_end(&c), 1835481599); // 2028-02-29T23:59:59Z (leap year)
}

// ---- disputes --------------------------------------------------------------------------------

fn evidence(evidence_type: EvidenceType, mime: &str, name: Option<&str>) -> EvidenceDocument {
    EvidenceDocument {
        evidence_type,
        content: Bytes(b"%PDF-1.4 evidence bytes".to_vec()),
        mime_type: mime.into(),
        file_name: name.map(str::to_string),
        connector_document_type: None,
    }
}

#[test]
fn accept_dispute() {
    let c = connector();
    let req = AcceptDisputeRequest {
        connector_dispute_id: "disp_AHfqOvkldwsbqt".into(),
        idempotency_key: None,
    };
    let mut lost = dispute_entity("lost", "chargeback");
    lost["amount_deducted"] = json!(10000);
    let (requests, result) = drive(
        |r| c.accept_dispute(&req, &cx(), r),
        vec![ok(&lost.to_string())],
    );
    assert_eq!(requests[0].method, HttpMethod::Post);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/disputes/disp_AHfqOvkldwsbqt/accept"
    );
    assert!(!requests[0].retry_safe);
    let d = result.unwrap();
    assert_eq!(d.status, DisputeStatus::Accepted);
    assert_eq!(d.connector_status.as_deref(), Some("lost"));
    assert_eq!(d.stage, Some(DisputeStage::Dispute));
    assert_eq!(d.amount, Some(inr(10000)));
    assert_eq!(d.connector_dispute_id, "disp_AHfqOvkldwsbqt");
}

#[test]
fn submit_evidence_uploads_each_document_then_contests_as_draft() {
    let c = connector();
    let req = SubmitEvidenceRequest {
        connector_dispute_id: "disp_AHfqOvkldwsbqt".into(),
        documents: vec![
            evidence(
                EvidenceType::ShippingProof,
                "application/pdf",
                Some("awb \"123\".pdf"),
            ),
            evidence(EvidenceType::Receipt, "image/png", None),
            evidence(EvidenceType::Other, "application/pdf", None),
        ],
        summary: Some("Goods were delivered on time.".into()),
        idempotency_key: None,
    };
    let doc = |id: &str| ok(&DOCUMENT.replace("doc_EsyWjHrfzb59Re", id));
    let open = dispute_entity("open", "chargeback").to_string();
    let (requests, result) = drive(
        |r| c.submit_evidence(&req, &cx(), r),
        vec![doc("doc_A1"), doc("doc_B2"), doc("doc_C3"), ok(&open)],
    );
    assert_eq!(requests.len(), 4);
    for (i, upload) in requests[..3].iter().enumerate() {
        assert_eq!(upload.method, HttpMethod::Post);
        assert_eq!(upload.url, "https://api.razorpay.com/v1/documents");
        assert!(!upload.retry_safe);
        let content_type = upload.headers.get("Content-Type").unwrap();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .expect("multipart");
        assert!(boundary.len() >= 30);
        let body = String::from_utf8(upload.body.as_ref().unwrap().0.clone()).unwrap();
        assert!(body.starts_with(&format!("--{boundary}\r\n")));
        assert!(body.ends_with(&format!("\r\n--{boundary}--\r\n")));
        assert!(body.contains(
            "Content-Disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n"
        ));
        assert!(body.contains("%PDF-1.4 evidence bytes"));
        let expected_type = if i == 1 {
            "image/png"
        } else {
            "application/pdf"
        };
        assert!(
            body.contains(&format!("Content-Type: {expected_type}\r\n\r\n")),
            "{body}"
        );
        if i == 0 {
            // Quotes cannot break the header.
            assert!(
                body.contains("name=\"file\"; filename=\"awb _123_.pdf\"\r\n"),
                "{body}"
            );
        }
        if i == 1 {
            assert!(body.contains("filename=\"evidence-2.png\""), "{body}");
        }
    }
    let contest = &requests[3];
    assert_eq!(contest.method, HttpMethod::Patch);
    assert_eq!(
        contest.url,
        "https://api.razorpay.com/v1/disputes/disp_AHfqOvkldwsbqt/contest"
    );
    assert_eq!(
        body_json(contest),
        json!({"action": "draft", "summary": "Goods were delivered on time.",
               "shipping_proof": ["doc_A1"], "billing_proof": ["doc_B2"],
               "others": [{"type": "other", "document_ids": ["doc_C3"]}]})
    );
    let d = result.unwrap();
    assert_eq!(d.status, DisputeStatus::Opened);
    assert_eq!(d.connector_status.as_deref(), Some("open"));

    // A failed upload stops the flow with its error.
    let (requests, result) = drive(
        |r| c.submit_evidence(&req, &cx(), r),
        vec![doc("doc_A1"), status(400, ERROR_MINIMAL)],
    );
    assert_eq!(requests.len(), 2);
    assert_eq!(result.unwrap_err().code(), ErrorCode::InvalidRequest);
}

#[test]
fn submit_evidence_checks_before_uploading() {
    let c = connector();
    let mut req = SubmitEvidenceRequest {
        connector_dispute_id: "disp_1".into(),
        documents: vec![evidence(EvidenceType::Receipt, "application/pdf", None)],
        summary: Some("x".repeat(1001)),
        idempotency_key: None,
    };
    assert_eq!(
        c.submit_evidence(&req, &cx(), &[]).unwrap_err().field(),
        Some("summary")
    );
    req.summary = None;
    req.documents[0].mime_type = "application/pdf\r\nX-Evil: 1".into();
    assert_eq!(
        c.submit_evidence(&req, &cx(), &[]).unwrap_err().field(),
        Some("documents[0].mime_type")
    );
}

#[test]
fn evidence_slots() {
    let mut doc = evidence(EvidenceType::CancellationPolicy, "application/pdf", None);
    assert_eq!(
        evidence_slot(&doc),
        EvidenceSlot::Array("refund_cancellation_policy")
    );
    doc.evidence_type = EvidenceType::ServiceDocumentation;
    assert_eq!(evidence_slot(&doc), EvidenceSlot::Array("proof_of_service"));
    doc.connector_document_type = Some("term_and_conditions".into());
    assert_eq!(
        evidence_slot(&doc),
        EvidenceSlot::Array("term_and_conditions")
    );
    doc.connector_document_type = Some("receipt_signed_by_customer".into());
    assert_eq!(
        evidence_slot(&doc),
        EvidenceSlot::Other("receipt_signed_by_customer".into())
    );
    let body = contest_body(
        "draft",
        None,
        &[doc.clone(), doc],
        &["doc_1".into(), "doc_2".into()],
    );
    assert_eq!(
        body,
        json!({"action": "draft", "others": [{"type": "receipt_signed_by_customer", "document_ids": ["doc_1", "doc_2"]}]})
    );
    let unnamed = evidence(EvidenceType::Other, "application/x-strange", Some("  "));
    assert_eq!(file_name(&unnamed, 4), "evidence-5.bin");
}

#[test]
fn defend_submits_the_contest() {
    let c = connector();
    let req = DefendDisputeRequest {
        connector_dispute_id: "disp_AHfqOvkldwsbqt".into(),
        reason_code: None,
        idempotency_key: None,
    };
    let under_review = dispute_entity("under_review", "pre_arbitration").to_string();
    let (requests, result) = drive(
        |r| c.defend_dispute(&req, &cx(), r),
        vec![ok(&under_review)],
    );
    assert_eq!(requests[0].method, HttpMethod::Patch);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/disputes/disp_AHfqOvkldwsbqt/contest"
    );
    assert_eq!(body_json(&requests[0]), json!({"action": "submit"}));
    let d = result.unwrap();
    assert_eq!(d.status, DisputeStatus::Challenged);
    assert_eq!(d.stage, Some(DisputeStage::PreArbitration));
}

#[test]
fn dispute_status_and_stage_tables() {
    use super::disputes::{dispute_stage, dispute_status};
    assert_eq!(dispute_status("open"), Some(DisputeStatus::Opened));
    assert_eq!(
        dispute_status("under_review"),
        Some(DisputeStatus::Challenged)
    );
    assert_eq!(dispute_status("won"), Some(DisputeStatus::Won));
    assert_eq!(dispute_status("lost"), Some(DisputeStatus::Lost));
    assert_eq!(dispute_status("closed"), Some(DisputeStatus::Cancelled));
    assert_eq!(dispute_stage("fraud"), Some(DisputeStage::PreDispute));
    assert_eq!(dispute_stage("retrieval"), Some(DisputeStage::PreDispute));
    assert_eq!(dispute_stage("chargeback"), Some(DisputeStage::Dispute));
    assert_eq!(
        dispute_stage("pre_arbitration"),
        Some(DisputeStage::PreArbitration)
    );
    assert_eq!(
        dispute_stage("arbitration"),
        Some(DisputeStage::PreArbitration)
    );
}

// ---- errors ----------------------------------------------------------------------------------

fn refund_error(response: HttpResponse) -> Error {
    let c = connector();
    let req = RefundGetRequest {
        connector_refund_id: "rfnd_1".into(),
        ..Default::default()
    };
    drive(|r| c.get_refund(&req, &cx(), r), vec![response])
        .1
        .unwrap_err()
}

#[test]
fn error_shapes_are_classified() {
    // 401: authentication, although the code says BAD_REQUEST_ERROR.
    let e = refund_error(status(401, ERROR_AUTH));
    assert_eq!(e.code(), ErrorCode::Authentication);
    assert_eq!(e.http_status, Some(401));
    assert_eq!(e.processor_code.as_deref(), Some("BAD_REQUEST_ERROR"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("Authentication failed")
    );
    assert_eq!(e.request_id.as_deref(), Some("req_err42"));
    assert!(!e.retryable);

    // Minimal error: invalid_request, with the processor's field in the message.
    let e = refund_error(status(400, ERROR_MINIMAL));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(
        e.processor_message.as_deref(),
        Some("The amount is invalid")
    );
    assert!(e.message().contains("field: amount"), "{}", e.message());

    // Unknown id.
    let e = refund_error(status(400, ERROR_NOT_FOUND));
    assert_eq!(e.code(), ErrorCode::NotFound);

    // Gateway and server errors: retryable.
    for (http, code) in [
        (502, "GATEWAY_ERROR"),
        (500, "SERVER_ERROR"),
        (400, "GATEWAY_ERROR"),
    ] {
        let body = json!({"error": {"code": code, "description": "Gateway timed out"}});
        let e = refund_error(status(http, &body.to_string()));
        assert_eq!(e.code(), ErrorCode::ProcessorUnavailable, "{http} {code}");
        assert!(e.retryable);
        assert_eq!(e.processor_code.as_deref(), Some(code));
    }
    let e = refund_error(status(503, "<html>Service Unavailable</html>"));
    assert_eq!(e.code(), ErrorCode::ProcessorUnavailable);
    assert!(e.retryable);

    // The bare routing error.
    let e = refund_error(status(404, ERROR_ROUTE));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(
        e.processor_message.as_deref(),
        Some("no Route matched with those values")
    );

    // Throttling.
    assert_eq!(
        refund_error(status(429, "{}")).code(),
        ErrorCode::RateLimited
    );

    // A non-JSON 2xx.
    let e = refund_error(ok("Service temporarily unavailable"));
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert_eq!(e.request_id.as_deref(), Some("req_abc123"));

    // An error body with everything optional missing or null.
    let e = refund_error(status(
        400,
        r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": null, "metadata": null}}"#,
    ));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
}

#[test]
fn error_messages_never_echo_card_numbers() {
    let body = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": format!("Invalid card number {PAN}"), "field": "card[number]"}});
    let e = refund_error(status(400, &body.to_string()));
    for rendering in [
        format!("{e:?}"),
        e.to_string(),
        serde_json::to_string(&e).unwrap(),
    ] {
        assert!(!rendering.contains(PAN), "{rendering}");
    }
}

// ---- webhooks --------------------------------------------------------------------------------

#[test]
fn official_signature_vector() {
    assert_eq!(SDK_WEBHOOK_BODY.len(), 971);
    assert_eq!(SDK_WEBHOOK_BODY.last(), Some(&b'\n'));
    assert_eq!(
        hex::encode(Sha256::digest(SDK_WEBHOOK_BODY)),
        "9cc0236491299f34a154292eaed46d94b010f44b22095c034f884ca6a1862bef"
    );
    let signature = "d60e67fd884556c045e9be7dad57903e33efc7172c17c6e3ef77db42d2b366e9";
    assert!(hmac_matches(b"key_secret", SDK_WEBHOOK_BODY, signature).unwrap());

    let config = RazorpayConfig::new(KEY_ID, KEY_SECRET).webhook_secret("key_secret");
    let c = Razorpay::new(
        &config,
        &Endpoint::new(crate::Environment::Sandbox, None).unwrap(),
    )
    .unwrap();
    let n = c
        .handle_webhook(&webhook(SDK_WEBHOOK_BODY, Some(signature)))
        .unwrap();
    assert_eq!(n.connector, ConnectorName::Razorpay);
    assert_eq!(n.acknowledgement.status, 200);
    match &n.events[..] {
        [WebhookEvent::Payment(p)] => {
            assert_eq!(p.event_type, "payment.authorized");
            // By the event name: the entity is a snapshot that already says "captured".
            assert_eq!(p.status, PaymentStatus::Authorized);
            assert_eq!(p.connector_transaction_id, "pay_6koWN7bvxujzxM");
            assert_eq!(
                p.connector_order_id.as_deref(),
                Some("order_100000000order")
            );
            assert_eq!(p.amount, Some(inr(1000000)));
            assert_eq!(p.event_id.as_deref(), Some("evt_KqX0001"));
            assert_eq!(p.occurred_at.as_deref(), Some("1400826760"));
            assert!(p.decline.is_none());
        }
        other => panic!("expected one payment event, got {other:?}"),
    }

    // Without the trailing newline the signature does not match.
    let trimmed = &SDK_WEBHOOK_BODY[..SDK_WEBHOOK_BODY.len() - 1];
    let e = c
        .handle_webhook(&webhook(trimmed, Some(signature)))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::WebhookVerificationFailed);
}

#[test]
fn webhook_verification_failures() {
    let c = connector();
    let body = PAYMENT_FAILED_WEBHOOK.as_bytes();
    let good = sign(WEBHOOK_SECRET, body);

    let mut tampered = body.to_vec();
    let i = tampered.iter().position(|b| *b == b'5').unwrap();
    tampered[i] = b'6';
    let other_secret = sign("some_other_secret", body);
    let cases: Vec<(Vec<u8>, Option<String>)> = vec![
        (tampered, Some(good.clone())),
        (body.to_vec(), Some(other_secret)),
        (body.to_vec(), None),
        (body.to_vec(), Some("not-a-signature".into())),
        (body.to_vec(), Some(String::new())),
        (body.to_vec(), Some(good[..62].to_string())),
        (body.to_vec(), Some(format!("{good}00"))),
        (body.to_vec(), Some(format!("sha256={good}"))),
    ];
    for (body, signature) in cases {
        let e = c
            .handle_webhook(&webhook(&body, signature.as_deref()))
            .unwrap_err();
        assert_eq!(
            e.code(),
            ErrorCode::WebhookVerificationFailed,
            "{signature:?}"
        );
        assert!(!e.message().contains(WEBHOOK_SECRET));
    }
    assert!(c.handle_webhook(&webhook(body, Some(&good))).is_ok());

    // No secret configured: a configuration error, never "verified".
    let unconfigured = Razorpay::new(
        &RazorpayConfig::new(KEY_ID, KEY_SECRET),
        &Endpoint::new(crate::Environment::Sandbox, None).unwrap(),
    )
    .unwrap();
    let e = unconfigured
        .handle_webhook(&webhook(body, Some(&good)))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Configuration);
}

#[test]
fn webhook_secret_rotation_accepts_either_secret() {
    let config = RazorpayConfig::new(KEY_ID, KEY_SECRET)
        .webhook_secret("new_secret_2")
        .webhook_secret("old_secret_1");
    let c = Razorpay::new(
        &config,
        &Endpoint::new(crate::Environment::Sandbox, None).unwrap(),
    )
    .unwrap();
    let body = REFUND_PROCESSED_WEBHOOK.as_bytes();
    for secret in ["new_secret_2", "old_secret_1"] {
        assert!(
            c.handle_webhook(&webhook(body, Some(&sign(secret, body))))
                .is_ok(),
            "{secret}"
        );
    }
    let e = c
        .handle_webhook(&webhook(body, Some(&sign("retired_secret_0", body))))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::WebhookVerificationFailed);
}

#[test]
fn payment_failed_webhook() {
    let c = connector();
    let n = c
        .handle_webhook(&signed_webhook(PAYMENT_FAILED_WEBHOOK))
        .unwrap();
    match &n.events[..] {
        [WebhookEvent::Payment(p)] => {
            assert_eq!(p.event_type, "payment.failed");
            assert_eq!(p.status, PaymentStatus::Failure);
            assert_eq!(p.connector_transaction_id, "pay_DEAU825sJlCbGa");
            assert_eq!(
                p.connector_order_id.as_deref(),
                Some("order_DEATVTRRctwEGb")
            );
            let d = p.decline.as_ref().unwrap();
            assert_eq!(d.code.as_deref(), Some("BAD_REQUEST_ERROR"));
            assert_eq!(d.message.as_deref(), Some("Payment failed"));
            assert_eq!(d.reason.as_deref(), Some("payment_failed"));
            assert_eq!(p.amount, Some(inr(50000)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn refund_processed_webhook() {
    let c = connector();
    let n = c
        .handle_webhook(&signed_webhook(REFUND_PROCESSED_WEBHOOK))
        .unwrap();
    match &n.events[..] {
        [WebhookEvent::Refund(r)] => {
            assert_eq!(r.event_type, "refund.processed");
            assert_eq!(r.status, RefundStatus::Success);
            assert_eq!(r.connector_refund_id, "rfnd_JnzyQwYOOBNJJu");
            assert_eq!(
                r.connector_transaction_id.as_deref(),
                Some("pay_JRSS9bMrRMds3w")
            );
            assert_eq!(r.merchant_refund_reference, None);
            assert_eq!(r.amount, Some(inr(100)));
            assert_eq!(r.event_id.as_deref(), Some("evt_KqX0001"));
        }
        other => panic!("{other:?}"),
    }
    for (event, expected) in [
        ("refund.created", RefundStatus::Pending),
        ("refund.failed", RefundStatus::Failure),
    ] {
        let body =
            REFUND_PROCESSED_WEBHOOK.replace("\"refund.processed\"", &format!("\"{event}\""));
        match &c.handle_webhook(&signed_webhook(&body)).unwrap().events[..] {
            [WebhookEvent::Refund(r)] => assert_eq!(r.status, expected),
            other => panic!("{other:?}"),
        }
    }
}

fn dispute_webhook(event: &str, phase: &str) -> String {
    let payment: Value = serde_json::from_str(CAPTURED).unwrap();
    json!({"entity": "event", "account_id": "acc_BFQ7uQEaa7j2z7", "event": event, "contains": ["payment", "dispute"],
           "payload": {"payment": {"entity": payment}, "dispute": {"entity": dispute_entity("open", phase)}},
           "created_at": 1590059212})
    .to_string()
}

#[test]
fn dispute_webhooks_are_classified_by_name() {
    let c = connector();
    let cases = [
        ("payment.dispute.created", DisputeStatus::Opened),
        ("payment.dispute.action_required", DisputeStatus::Opened),
        ("payment.dispute.under_review", DisputeStatus::Challenged),
        ("payment.dispute.won", DisputeStatus::Won),
        ("payment.dispute.lost", DisputeStatus::Lost),
        ("payment.dispute.closed", DisputeStatus::Cancelled),
    ];
    for (event, expected) in cases {
        let n = c
            .handle_webhook(&signed_webhook(&dispute_webhook(event, "chargeback")))
            .unwrap();
        match &n.events[..] {
            // Not a payment event, although the payload carries a payment.
            [WebhookEvent::Dispute(d)] => {
                assert_eq!(d.status, expected, "{event}");
                assert_eq!(d.event_type, event);
                assert_eq!(d.connector_dispute_id, "disp_AHfqOvkldwsbqt");
                assert_eq!(
                    d.connector_transaction_id.as_deref(),
                    Some("pay_EsyWjHrfzb59eR")
                );
                assert_eq!(d.stage, DisputeStage::Dispute);
                assert_eq!(d.amount, Some(inr(10000)));
                assert_eq!(
                    d.reason_code.as_deref(),
                    Some("processed_invalid_expired_card")
                );
                assert_eq!(d.respond_by.as_deref(), Some("1590604200"));
                assert_eq!(d.connector_status.as_deref(), Some("open"));
            }
            other => panic!("{event}: {other:?}"),
        }
    }
    let n = c
        .handle_webhook(&signed_webhook(&dispute_webhook(
            "payment.dispute.created",
            "retrieval",
        )))
        .unwrap();
    assert!(
        matches!(&n.events[..], [WebhookEvent::Dispute(d)] if d.stage == DisputeStage::PreDispute)
    );
}

#[test]
fn order_paid_other_events_and_lenient_fields() {
    let c = connector();
    let payment: Value = serde_json::from_str(CAPTURED).unwrap();
    let order: Value = serde_json::from_str(ORDER).unwrap();
    let body = json!({"entity": "event", "event": "order.paid", "contains": ["payment", "order"],
                      "payload": {"payment": {"entity": payment}, "order": {"entity": order}}, "created_at": 1606985210});
    match &c
        .handle_webhook(&signed_webhook(&body.to_string()))
        .unwrap()
        .events[..]
    {
        [WebhookEvent::Payment(p)] => {
            assert_eq!(p.status, PaymentStatus::Charged);
            // The payment id, not the order id.
            assert_eq!(p.connector_transaction_id, "pay_G8VQzjPLoAvm6D");
            assert_eq!(
                p.connector_order_id.as_deref(),
                Some("order_G8VPOayFxWEU28")
            );
            assert_eq!(p.merchant_reference.as_deref(), Some("receipt#1"));
        }
        other => panic!("{other:?}"),
    }

    // payment.captured with null/missing optional fields and object notes.
    let body = r#"{"event": "payment.captured", "payload": {"payment": {"entity": {"id": "pay_Z", "amount": "700",
                   "currency": null, "status": "captured", "notes": {"a": "b"}, "token_id": "token_T", "error_code": null}}}}"#;
    match &c.handle_webhook(&signed_webhook(body)).unwrap().events[..] {
        [WebhookEvent::Payment(p)] => {
            assert_eq!(p.status, PaymentStatus::Charged);
            assert_eq!(p.mandate_id.as_deref(), Some("token_T"));
            assert_eq!(p.amount, None);
            assert_eq!(p.occurred_at, None);
        }
        other => panic!("{other:?}"),
    }

    // Unknown and informational events are ignored, not failures.
    for event in [
        "refund.speed_changed",
        "subscription.charged",
        "payment.dispute.something_new",
        "order.notified",
    ] {
        let body = json!({"entity": "event", "event": event, "payload": {}, "created_at": 1});
        match &c
            .handle_webhook(&signed_webhook(&body.to_string()))
            .unwrap()
            .events[..]
        {
            [WebhookEvent::Ignored(i)] => {
                assert_eq!(i.event_type, event);
                assert_eq!(i.event_id.as_deref(), Some("evt_KqX0001"));
            }
            other => panic!("{other:?}"),
        }
    }

    // A verified body that is not an event.
    let e = c.handle_webhook(&signed_webhook("not json")).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    let e = c
        .handle_webhook(&signed_webhook(
            r#"{"event": "payment.captured", "payload": {}}"#,
        ))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
}

// ---- secrets in renderings -------------------------------------------------------------------

#[test]
fn no_card_data_or_secret_in_debug_output() {
    let c = connector();
    let mut req = authorize_request();
    req.connector_order_id = Some("order_1".into());
    let request = match c.authorize(&req, &cx(), &[]).unwrap() {
        Step::Send(r) => r,
        Step::Done(_) => panic!("expected a request"),
    };
    // The body does carry them (they go on the wire)...
    let body = String::from_utf8(request.body.clone().unwrap().0).unwrap();
    assert!(body.contains(PAN) && body.contains(CVC));
    // ...but no rendering does.
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{KEY_ID}:{KEY_SECRET}"));
    let renderings = [
        format!("{request:?}"),
        format!("{req:?}"),
        request.masked_body().unwrap(),
        format!("{c:?}"),
        format!(
            "{:?}",
            RazorpayConfig::new(KEY_ID, KEY_SECRET).webhook_secret(WEBHOOK_SECRET)
        ),
        serde_json::to_string(
            &RazorpayConfig::new(KEY_ID, KEY_SECRET).webhook_secret(WEBHOOK_SECRET),
        )
        .unwrap(),
    ];
    for r in &renderings {
        for secret in [PAN, CVC, KEY_SECRET, WEBHOOK_SECRET, basic.as_str()] {
            assert!(!r.contains(secret), "`{secret}` leaked in {r}");
        }
    }

    // Errors of every kind.
    let mut bad = req.clone();
    bad.customer = None;
    let errors = [
        c.authorize(&bad, &cx(), &[]).unwrap_err(),
        refund_error(status(401, ERROR_AUTH)),
        c.handle_webhook(&webhook(b"{}", Some("00"))).unwrap_err(),
        c.get_payment(
            &PaymentGetRequest {
                redirect_result: Some(redirect_result("pay_1", "order_1", &"0".repeat(64))),
                connector_order_id: Some("order_1".into()),
                ..Default::default()
            },
            &cx(),
            &[],
        )
        .unwrap_err(),
    ];
    for e in &errors {
        for r in [format!("{e:?}"), e.to_string()] {
            for secret in [PAN, CVC, KEY_SECRET, WEBHOOK_SECRET] {
                assert!(!r.contains(secret), "`{secret}` leaked in {r}");
            }
        }
    }

    // Setup mandate and multipart requests too.
    let setup = setup_request();
    for responses in [
        vec![],
        vec![ok(CUSTOMER)],
        vec![ok(CUSTOMER), ok(MANDATE_ORDER)],
    ] {
        if let Step::Send(r) = c.setup_mandate(&setup, &cx(), &responses).unwrap() {
            let rendering = format!("{r:?} {}", r.masked_body().unwrap_or_default());
            assert!(
                !rendering.contains(PAN)
                    && !rendering.contains(CVC)
                    && !rendering.contains(KEY_SECRET)
            );
        }
    }
}

// ---- through the client's driver ---------------------------------------------------------------

/// A transport that answers from a script and records what it was sent.
struct Scripted {
    answers: std::sync::Mutex<std::collections::VecDeque<HttpResponse>>,
    sent: std::sync::Mutex<Vec<(HttpMethod, String)>>,
}

impl Scripted {
    fn new(answers: Vec<HttpResponse>) -> std::sync::Arc<Scripted> {
        std::sync::Arc::new(Scripted {
            answers: std::sync::Mutex::new(answers.into()),
            sent: Default::default(),
        })
    }
}

impl crate::transport::HttpTransport for Scripted {
    fn send<'a>(
        &'a self,
        request: &'a HttpRequest,
        _timeout: std::time::Duration,
    ) -> crate::transport::SendFuture<'a> {
        self.sent
            .lock()
            .unwrap()
            .push((request.method, request.url.clone()));
        let answer = self
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .expect("an answer for every request");
        Box::pin(async move { Ok(answer) })
    }
}

fn scripted_client(answers: Vec<HttpResponse>) -> (crate::Client, std::sync::Arc<Scripted>) {
    let transport = Scripted::new(answers);
    let mut options = crate::TransportOptions::default();
    options.retry.max_backoff_ms = 1;
    options.retry.initial_backoff_ms = 1;
    let config = crate::ClientConfig::new(
        RazorpayConfig::new(KEY_ID, KEY_SECRET).webhook_secret(WEBHOOK_SECRET),
    )
    .base_url("http://127.0.0.1:9/razorpay")
    .transport(options);
    (
        crate::Client::with_transport(config, transport.clone()).unwrap(),
        transport,
    )
}

#[tokio::test]
async fn the_client_drives_the_order_pre_step() {
    let (client, transport) = scripted_client(vec![ok(ORDER), ok(CREATE_JSON)]);
    let payment = client
        .payments()
        .authorize(authorize_request())
        .await
        .unwrap();
    assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        payment.connector_order_id.as_deref(),
        Some("order_EKwxwAgItmmXdp")
    );
    assert!(payment.idempotency_key.is_some());
    assert_eq!(
        *transport.sent.lock().unwrap(),
        vec![
            (
                HttpMethod::Post,
                "http://127.0.0.1:9/razorpay/v1/orders".to_string()
            ),
            (
                HttpMethod::Post,
                "http://127.0.0.1:9/razorpay/v1/payments/create/json".to_string()
            ),
        ]
    );
}

#[tokio::test]
async fn the_client_retries_reads_but_not_payments() {
    let unavailable = || {
        status(
            503,
            r#"{"error": {"code": "SERVER_ERROR", "description": "down"}}"#,
        )
    };
    // A PSync GET is retried after a 5xx.
    let (client, transport) = scripted_client(vec![unavailable(), ok(CAPTURED)]);
    let get = PaymentGetRequest {
        connector_transaction_id: Some("pay_G8VQzjPLoAvm6D".into()),
        ..Default::default()
    };
    assert_eq!(
        client.payments().get(get).await.unwrap().status,
        PaymentStatus::Charged
    );
    assert_eq!(transport.sent.lock().unwrap().len(), 2);

    // A capture POST is not: it could act twice.
    let (client, transport) = scripted_client(vec![unavailable()]);
    let capture = CaptureRequest {
        connector_transaction_id: "pay_G8VQzjPLoAvm6D".into(),
        amount: inr(1000),
        authorized_amount: None,
        merchant_reference: None,
        idempotency_key: None,
    };
    let e = client.payments().capture(capture).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ProcessorUnavailable);
    assert_eq!(e.connector, Some(ConnectorName::Razorpay));
    assert_eq!(e.flow, Some(Flow::Capture));
    assert_eq!(transport.sent.lock().unwrap().len(), 1);

    // Void never reaches the network.
    let (client, transport) = scripted_client(vec![]);
    let e = client
        .payments()
        .void(VoidRequest {
            connector_transaction_id: "pay_1".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unsupported);
    assert!(transport.sent.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_client_verifies_webhooks() {
    let (client, _) = scripted_client(vec![]);
    let n = client
        .webhooks()
        .verify_and_parse(&signed_webhook(PAYMENT_FAILED_WEBHOOK))
        .unwrap();
    assert!(
        matches!(&n.events[..], [WebhookEvent::Payment(p)] if p.status == PaymentStatus::Failure)
    );
    let e = client
        .webhooks()
        .verify_and_parse(&webhook(PAYMENT_FAILED_WEBHOOK.as_bytes(), None))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::WebhookVerificationFailed);
}

// ---- UPI, netbanking and wallets ---------------------------------------------------------------

fn method_request(method: Value) -> AuthorizeRequest {
    let mut req = authorize_request();
    req.connector_order_id = Some("order_DPzFe1Q1dEOKed".into());
    req.payment_method = serde_json::from_value(method).unwrap();
    req
}

#[test]
fn upi_netbanking_and_wallet_bodies() {
    let c = connector();
    let cases = [
        (
            json!({"type": "upi", "flow": "collect", "vpa": "success@razorpay"}),
            json!({"method": "upi", "upi": {"flow": "collect", "vpa": "success@razorpay"}}),
        ),
        (
            json!({"type": "upi", "flow": "intent"}),
            json!({"method": "upi", "upi": {"flow": "intent"}}),
        ),
        (
            json!({"type": "netbanking", "bank_code": "HDFC"}),
            json!({"method": "netbanking", "bank": "HDFC"}),
        ),
        (
            json!({"type": "ewallet", "provider": "mobikwik"}),
            json!({"method": "wallet", "wallet": "mobikwik"}),
        ),
    ];
    for (method, expected) in cases {
        let req = method_request(method.clone());
        let (requests, _) = drive(
            |r| c.authorize(&req, &cx(), r),
            vec![ok(
                r#"{"razorpay_payment_id":"pay_1","next":[{"action":"poll","url":"https://api.razorpay.com/v1/payments/pay_1"}]}"#,
            )],
        );
        assert_eq!(
            requests[0].url,
            "https://api.razorpay.com/v1/payments/create/json"
        );
        assert!(!requests[0].retry_safe);
        let body = body_json(&requests[0]);
        for (key, value) in expected.as_object().unwrap() {
            assert_eq!(&body[key], value, "{method}: {key}");
        }
        assert_eq!(body["order_id"], "order_DPzFe1Q1dEOKed");
        assert_eq!(body["amount"], 50000);
        assert_eq!(body["email"], "gaurav.kumar@example.com");
        assert!(body.get("card").is_none());
    }
}

#[test]
fn upi_and_redirect_method_answers_are_pending_with_the_right_next_action() {
    let c = connector();
    // Netbanking / wallet: a redirect to the bank's or wallet's page.
    let req = method_request(json!({"type": "netbanking", "bank_code": "HDFC"}));
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok(
            r#"{"razorpay_payment_id":"pay_NB1","next":[{"action":"redirect","url":"https://api.razorpay.com/v1/payments/pay_NB1/authorize"}]}"#,
        )],
    );
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert!(
        matches!(p.next_action, Some(NextAction::Redirect(ref r)) if r.url.ends_with("/pay_NB1/authorize"))
    );
    // UPI intent: the opaque upi:// link, unchanged.
    let intent = "upi://pay?pa=success@razorpay&pn=Shop&tr=EZV123&am=500.00&cu=INR&mc=5411";
    let req = method_request(json!({"type": "upi", "flow": "intent"}));
    let answer = json!({"razorpay_payment_id": "pay_UPI2", "next": [{"action": "intent", "url": intent}, {"action": "poll", "url": "https://api.razorpay.com/v1/payments/pay_UPI2"}]}).to_string();
    let (_, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(&answer)]);
    assert_eq!(
        result.unwrap().next_action,
        Some(NextAction::DeepLink(DeepLinkAction { url: intent.into() }))
    );
    // `create/upi` style answers: a `link`, or the payment id alone.
    let answer = json!({"razorpay_payment_id": "pay_UPI3", "link": intent}).to_string();
    let (_, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(&answer)]);
    assert!(matches!(
        result.unwrap().next_action,
        Some(NextAction::DeepLink(_))
    ));
    // UPI collect: approval in the UPI app, polled; honestly pending.
    let req = method_request(json!({"type": "upi", "flow": "collect", "vpa": "success@razorpay"}));
    for answer in [
        r#"{"razorpay_payment_id":"pay_UPI1","next":[{"action":"poll","url":"https://api.razorpay.com/v1/payments/pay_UPI1"}]}"#,
        r#"{"razorpay_payment_id":"pay_UPI1"}"#,
    ] {
        let (_, result) = drive(|r| c.authorize(&req, &cx(), r), vec![ok(answer)]);
        let p = result.unwrap();
        assert_eq!(p.status, PaymentStatus::AuthenticationPending);
        assert_eq!(p.connector_transaction_id.as_deref(), Some("pay_UPI1"));
        assert!(matches!(p.next_action, Some(NextAction::Await(_))));
    }
    // Unknown action kinds are kept, not failed on.
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok(
            r#"{"razorpay_payment_id":"pay_UPI1","next":[{"action":"something_new","url":"https://x"}]}"#,
        )],
    );
    assert!(
        matches!(result.unwrap().next_action, Some(NextAction::Sdk(ref s)) if s.action_type == "something_new")
    );
}

#[test]
fn methods_razorpay_does_not_take_are_unsupported_and_redirects_need_a_return_url() {
    let c = connector();
    for method in [
        json!({"type": "apple_pay", "token": "tok"}),
        json!({"type": "bank_redirect", "method": "ideal"}),
        json!({"type": "encrypted_card", "encrypted_card_number": "a", "encrypted_expiry_month": "b", "encrypted_expiry_year": "c"}),
    ] {
        let req = method_request(method.clone());
        let (requests, result) = drive(|r| c.authorize(&req, &cx(), r), vec![]);
        assert!(requests.is_empty());
        let e = result.unwrap_err();
        assert_eq!(e.code, ErrorCode::Unsupported, "{method}");
        assert_eq!(e.field.as_deref(), Some("payment_method"));
    }
    let mut req = method_request(json!({"type": "netbanking", "bank_code": "HDFC"}));
    req.return_url = None;
    let (requests, result) = drive(|r| c.authorize(&req, &cx(), r), vec![]);
    assert!(requests.is_empty());
    assert_eq!(result.unwrap_err().field.as_deref(), Some("return_url"));
}
