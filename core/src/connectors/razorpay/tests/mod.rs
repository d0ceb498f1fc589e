//! Unit tests of the Razorpay connector: Razorpay's published example payloads through the
//! parsers, the official webhook signature vector, and the step sequences of the multi-step
//! flows.

use std::collections::BTreeMap;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::*;
use crate::error::ErrorCode;
use crate::secret::CardNumber;

mod config;
mod disputes;
mod errors;
mod orders;
mod payments;
mod published;
mod refunds;
mod webhooks;
mod wire;

// ---- fixtures ---------------------------------------------------------------------------------

const KEY_ID: &str = "rzp_test_1DP5mmOlF5G5ag";
const KEY_SECRET: &str = "sEcReT_kEy_9f8e7d6c";
const WEBHOOK_SECRET: &str = "whsec_rotation_new_4711";
const PAN: &str = "4111111111111111";
const CVC: &str = "9371";

/// The order example of the Razorpay Python SDK docs (`documents/order.md`); `notes` is `[]`.
const ORDER: &str = r#"{"id": "order_EKwxwAgItmmXdp", "entity": "order", "amount": 50000, "amount_paid": 0, "amount_due": 50000,
 "currency": "INR", "receipt": "receipt#1", "offer_id": null, "status": "created", "attempts": 0,
 "notes": [], "created_at": 1582628071}"#;

/// The `create/json` answer (Razorpay Python SDK docs, `documents/payment.md`, "Create Payment Json").
const CREATE_JSON: &str = r#"{"razorpay_payment_id": "pay_FVmAstJWfsD3SO",
 "next": [{"action": "redirect", "url": "https://api.razorpay.com/v1/payments/FVmAtLUe9XZSGM/authorize"},
          {"action": "otp_generate", "url": "https://api.razorpay.com/v1/payments/pay_FVmAstJWfsD3SO/otp_generate?track_id=FVmAtLUe9XZSGM&key_id=<YOUR_KEY_ID>"}]}"#;

/// The captured payment returned by capture (Razorpay Python SDK docs, `documents/payment.md`).
const CAPTURED: &str = r#"{"id": "pay_G8VQzjPLoAvm6D", "entity": "payment", "amount": 1000, "currency": "INR", "status": "captured",
 "order_id": "order_G8VPOayFxWEU28", "invoice_id": null, "international": false, "method": "upi",
 "amount_refunded": 0, "refund_status": null, "captured": true, "description": "Purchase Shoes",
 "card_id": null, "bank": null, "wallet": null, "vpa": "gaurav.kumar@exampleupi",
 "email": "gaurav.kumar@example.com", "contact": "+919999999999", "customer_id": "cust_DitrYCFtCIokBO",
 "notes": [], "fee": 24, "tax": 4, "error_code": null, "error_description": null, "error_source": null,
 "error_step": null, "error_reason": null, "acquirer_data": {"rrn": "033814379298"}, "created_at": 1606985209}"#;

/// The processed (normal speed) refund (Razorpay Python SDK docs, `documents/refund.md`); `notes` is an object.
const REFUND_PROCESSED: &str = r##"{"id": "rfnd_JnzyQwYOOBNJJu", "entity": "refund", "amount": 100, "currency": "INR",
 "payment_id": "pay_JRSS9bMrRMds3w", "notes": {"notes_key_1": "Beam me up Scotty.", "notes_key_2": "Engage"},
 "receipt": "#Receipt No. 131", "acquirer_data": {"arn": null}, "created_at": 1656655960,
 "batch_id": null, "status": "processed", "speed_processed": "normal", "speed_requested": "normal"}"##;

/// The instant refund answer (Razorpay Python SDK docs, `documents/refund.md`) (`pending`, `speed_processed: instant`).
const REFUND_PENDING: &str = r##"{"id": "rfnd_JnzyQwYOOBNJJv", "entity": "refund", "amount": 100, "currency": "INR",
 "payment_id": "pay_JRSS9bMrRMds3w", "notes": [], "receipt": "#Receipt No. 132", "acquirer_data": {"arn": null},
 "created_at": 1656655961, "batch_id": null, "status": "pending", "speed_processed": "instant", "speed_requested": "optimum"}"##;

/// The official "Payment Failed" webhook sample (netbanking; Razorpay docs, "Webhooks > Payments").
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

/// A refund.processed webhook: the documented refund entity in the documented envelope.
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

/// A dispute entity with the documented fields (Razorpay API reference, "Disputes > Dispute Entity").
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

/// The document upload answer (Razorpay Python SDK docs, `documents/document.md`).
const DOCUMENT: &str = r#"{"id": "doc_EsyWjHrfzb59Re", "entity": "document", "purpose": "dispute_evidence", "name": "doc_19_12_2020.jpg", "mime_type": "image/png", "size": 2863, "created_at": 1590604200}"#;

/// The full error example of Razorpay docs, "Errors" (a declined OTP).
const ERROR_DECLINE: &str = r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": "Authentication failed due to incorrect otp",
           "field": null, "source": "customer", "step": "payment_authentication", "reason": "invalid_otp",
           "metadata": {"payment_id": "pay_EDNBKIP31Y4jl8", "order_id": "order_DBJKIP31Y4jl8"}}}"#;

/// Razorpay docs, "Errors": a minimal error (no source, step, reason or metadata).
const ERROR_MINIMAL: &str = r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": "The amount is invalid", "field": "amount"}}"#;

/// Razorpay docs, "Errors": bad credentials (HTTP 401, still BAD_REQUEST_ERROR).
const ERROR_AUTH: &str =
    r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": "Authentication failed"}}"#;

/// A routing error, with no `error` object.
const ERROR_ROUTE: &str = r#"{"message": "no Route matched with those values"}"#;

/// An unknown id.
const ERROR_NOT_FOUND: &str = r#"{"error": {"code": "BAD_REQUEST_ERROR", "description": "The id provided does not exist", "source": "business", "step": "payment_initiation", "reason": "input_validation_failed", "metadata": {}, "field": null}}"#;

/// The Razorpay Python SDK's (`tests/test_client_utility.py`) fake `payment.authorized` body, byte-exact.
const SDK_WEBHOOK_BODY: &[u8] =
    include_bytes!("../../../../../tests/vectors/razorpay/sdk_payment_authorized_webhook.json");

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

fn setup_request() -> SetupMandateRequest {
    SetupMandateRequest {
        return_url: Some("https://shop.example/mandate-return".into()),
        ..SetupMandateRequest::new(
            inr(100),
            "mandate-1",
            PaymentMethod::Card(card()),
            customer(),
        )
    }
}

const CUSTOMER: &str = r#"{"id": "cust_1Aa00000000003", "entity": "customer", "name": "Gaurav Kumar",
  "email": "Gaurav.Kumar@example.com", "contact": "9000000000", "gstin": null,
  "notes": {"notes_key_1": "Tea, Earl Grey, Hot"}, "created_at": 1582033731}"#;

const MANDATE_ORDER: &str = r#"{"id":"order_1Aa00000000002","entity":"order","amount":100,"amount_paid":0,"amount_due":100,
  "currency":"INR","receipt":"mandate-1","method":"card","description":null,"customer_id":"cust_1Aa00000000003",
  "token":{"max_amount":5000,"expire_at":2709971120,"frequency":"monthly"},"offer_id":null,"status":"created",
  "attempts":0,"notes":[],"created_at":1565172642}"#;

fn refund_error(response: HttpResponse) -> Error {
    let c = connector();
    let req = RefundGetRequest {
        connector_refund_id: Some("rfnd_1".into()),
        ..Default::default()
    };
    drive(|r| c.get_refund(&req, &cx(), r), vec![response])
        .1
        .unwrap_err()
}
