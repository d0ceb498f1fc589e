//! Payloads published by Razorpay and its official SDKs (`tests/published/`, sources in
//! `tests/published/SOURCES.md`), byte for byte, through the connector's real parsing paths:
//! the flows' Step functions with the payload as the processor's answer, and the webhook
//! handler (signature verification included) for webhook bodies.

use super::*;

macro_rules! published {
    ($name:literal) => {
        include_str!(concat!("published/", $name))
    };
}

macro_rules! published_bytes {
    ($name:literal) => {
        include_bytes!(concat!("published/", $name))
    };
}

fn psync(
    c: &Razorpay,
    req: &PaymentGetRequest,
    answers: Vec<HttpResponse>,
) -> Result<PaymentResponse> {
    drive(|r| c.get_payment(req, &cx(), r), answers).1
}

fn psync_by_id(id: &str, capture_method: Option<CaptureMethod>, body: &str) -> PaymentResponse {
    let req = PaymentGetRequest {
        connector_transaction_id: Some(id.into()),
        capture_method,
        ..Default::default()
    };
    psync(&connector(), &req, vec![ok(body)]).unwrap()
}

fn authorize_on_order(method: PaymentMethod, order_id: &str) -> AuthorizeRequest {
    let mut req = authorize_request();
    req.payment_method = method;
    req.connector_order_id = Some(order_id.into());
    req
}

fn upi_collect() -> PaymentMethod {
    serde_json::from_value(json!({"type": "upi", "flow": "collect", "vpa": "success@razorpay"}))
        .unwrap()
}

/// The one event of a webhook signed with [`WEBHOOK_SECRET`].
fn webhook_event(body: &[u8]) -> WebhookEvent {
    let signature = sign(WEBHOOK_SECRET, body);
    let n = connector()
        .handle_webhook(&webhook(body, Some(&signature)))
        .unwrap();
    assert_eq!(n.acknowledgement.status, 200);
    assert_eq!(n.events.len(), 1);
    n.events.into_iter().next().unwrap()
}

fn payment_event(body: &[u8]) -> PaymentEvent {
    match webhook_event(body) {
        WebhookEvent::Payment(p) => p,
        other => panic!("expected a payment event, got {other:?}"),
    }
}

// ---- orders -----------------------------------------------------------------------------------

#[test]
fn published_orders() {
    let c = connector();
    let req = CreateOrderRequest::new_for_test();
    // Python SDK `fake_order.json`: `notes` is `[]`; Go SDK `fake_order.json`: `notes` is an object.
    for body in [
        published!("py_fake_order.json"),
        published!("go_fake_order.json"),
    ] {
        let (_, result) = drive(|r| c.create_order(&req, &cx(), r), vec![ok(body)]);
        let order = result.unwrap();
        assert_eq!(order.status, OrderStatus::Attempted);
        assert_eq!(order.connector_status.as_deref(), Some("attempted"));
        assert_eq!(order.connector_order_id, "fake_order_id");
        assert_eq!(order.merchant_reference.as_deref(), Some("12121"));
        assert_eq!(order.amount, Some(inr(500)));
    }
}

// ---- authorize --------------------------------------------------------------------------------

#[test]
fn published_create_json_answer_is_a_redirect() {
    // Ruby SDK `create_json_payment.json` (the "Create Payment Json" answer).
    let c = connector();
    let req = authorize_on_order(PaymentMethod::Card(card()), "order_DPzFe1Q1dEOKed");
    let (requests, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok(published!("rb_create_json_payment.json"))],
    );
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/create/json"
    );
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_FVmAstJWfsD3SO")
    );
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_DPzFe1Q1dEOKed")
    );
    match p.next_action {
        Some(NextAction::Redirect(r)) => {
            assert_eq!(
                r.url,
                "https://api.razorpay.com/v1/payments/FVmAtLUe9XZSGM/authorize"
            );
            assert_eq!(r.method, HttpMethod::Get);
        }
        other => panic!("expected a redirect, got {other:?}"),
    }
}

#[test]
fn published_otp_actions_are_handed_over() {
    // Python SDK `fake_otp_generate.json`: `next[]` with only native OTP actions, plus a
    // `metadata` object the connector does not read.
    let c = connector();
    let req = authorize_on_order(PaymentMethod::Card(card()), "order_DPzFe1Q1dEOKed");
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok(published!("py_fake_otp_generate.json"))],
    );
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_FVmAstJWfsD3SO")
    );
    match p.next_action {
        Some(NextAction::Sdk(s)) => {
            assert_eq!(s.action_type, "otp_submit");
            assert!(s.data.contains("otp_resend"), "{}", s.data);
        }
        other => panic!("expected the OTP actions, got {other:?}"),
    }
}

#[test]
fn published_upi_collect_answer_awaits_the_customer() {
    // Ruby SDK `fake_create_upi_payment.json`: the payment id alone.
    let c = connector();
    let req = authorize_on_order(upi_collect(), "order_DPzFe1Q1dEOKed");
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok(published!("rb_fake_create_upi_payment.json"))],
    );
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_FVmAstJWfsD3SO")
    );
    assert!(matches!(p.next_action, Some(NextAction::Await(_))));
}

#[test]
fn published_respawn_answer_is_an_invalid_request() {
    // Python SDK `fake_payment_json.json`: HTTP 200, `type: "respawn"`, `missing: ["vpa"]`, no
    // payment id. No payment was created; the request lacked a field.
    let c = connector();
    let req = authorize_on_order(upi_collect(), "order_IfCiyxcRYv1bbf");
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok(published!("py_fake_payment_json.json"))],
    );
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("payment_method.vpa"));
    assert!(e.message().contains("vpa"), "{}", e.message());
    // The order exists: it is named, so its payments can be looked up.
    assert_eq!(
        e.connector_order_id.as_deref(),
        Some("order_IfCiyxcRYv1bbf")
    );
    assert!(e.connector_transaction_id.is_none());
}

#[test]
fn published_recurring_answer_is_pending() {
    // Python SDK `fake_create_recurring.json`: the three `razorpay_*` fields plus branding.
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
    req.connector_order_id = Some("order_Ia5nABHSOWXg0Q".into());
    let (requests, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![ok(published!("py_fake_create_recurring.json"))],
    );
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/create/recurring"
    );
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::Pending);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_Ia5nRCnwjqXGxv")
    );
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_Ia5nABHSOWXg0Q")
    );
    assert_eq!(p.mandate_id.as_deref(), Some("token_FHfn3rIiM1Z8nr"));
    assert_eq!(
        p.connector_customer_id.as_deref(),
        Some("cust_DtHaBuooGHTuyZ")
    );
}

// ---- psync and capture ------------------------------------------------------------------------

#[test]
fn published_payment_entities_through_psync() {
    // Python SDK `fake_payment.json`: `created`, no method, an empty `udf` object.
    let p = psync_by_id("fake_payment_id", None, published!("py_fake_payment.json"));
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(p.connector_status.as_deref(), Some("created"));
    assert!(p.next_action.is_none());
    assert_eq!(p.amount, Some(inr(500)));
    assert!(p.decline.is_none());

    // Python SDK `fake_captured_payment.json`.
    let p = psync_by_id(
        "pay_29QQoUBi66xm2f",
        None,
        published!("py_fake_captured_payment.json"),
    );
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.amount, Some(inr(500)));

    // Python SDK `fake_recurring_payment.json`: a captured mandate charge (tabs, `notes: {}`).
    let p = psync_by_id(
        "pay_9HyAXuAOPPJwOu",
        Some(CaptureMethod::Automatic),
        published!("py_fake_recurring_payment.json"),
    );
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.amount, Some(inr(1_000_000)));
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_9HyAXX0sJOJeEk")
    );
    assert_eq!(p.mandate_id.as_deref(), Some("token_9HxSVXc8OwlhPp"));
    assert_eq!(
        p.connector_customer_id.as_deref(),
        Some("cust_9HxSPHiY20NdYp")
    );

    // Ruby SDK `fake_refunded_payment.json`: `refunded` without `captured`: a refunded capture.
    let p = psync_by_id(
        "fake_payment_id",
        None,
        published!("rb_fake_refunded_payment.json"),
    );
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.connector_status.as_deref(), Some("refunded"));

    // Ruby SDK `fake_payment_expanded_details.json`: an authorized EMI payment, `order_id: null`.
    let body = published!("rb_fake_payment_expanded_details.json");
    for (capture_method, expected) in [
        (None, PaymentStatus::Authorized),
        (Some(CaptureMethod::Manual), PaymentStatus::Authorized),
        (Some(CaptureMethod::Automatic), PaymentStatus::Pending),
    ] {
        let p = psync_by_id("fake_payment_id", capture_method, body);
        assert_eq!(p.status, expected, "{capture_method:?}");
        assert_eq!(p.amount, Some(inr(200_000)));
        assert!(p.connector_order_id.is_none());
    }

    // Ruby SDK `fake_payment_expanded_details_card.json`: a failed card payment.
    let p = psync_by_id(
        "fake_payment_id",
        None,
        published!("rb_fake_payment_expanded_details_card.json"),
    );
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_H9o58N6qmLYQKC")
    );
    let d = p.decline.unwrap();
    assert_eq!(d.code.as_deref(), Some("BAD_REQUEST_ERROR"));
    assert_eq!(d.message.as_deref(), Some("Card issuer is invalid"));
    assert_eq!(d.reason.as_deref(), Some("incorrect_card_details"));
}

#[test]
fn published_capture_answer() {
    let c = connector();
    let req = CaptureRequest {
        connector_transaction_id: "pay_29QQoUBi66xm2f".into(),
        amount: inr(500),
        authorized_amount: Some(inr(500)),
        merchant_reference: None,
        idempotency_key: None,
    };
    let (requests, result) = drive(
        |r| c.capture(&req, &cx(), r),
        vec![ok(published!("py_fake_captured_payment.json"))],
    );
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/pay_29QQoUBi66xm2f/capture"
    );
    assert_eq!(
        body_json(&requests[0]),
        json!({"amount": 500, "currency": "INR"})
    );
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_29QQoUBi66xm2f")
    );
    assert_eq!(p.amount, Some(inr(500)));
}

#[test]
fn published_order_payments() {
    let c = connector();
    // Ruby SDK `order_payments.json`: one authorized card payment (items carry no `order_id`).
    let req = PaymentGetRequest {
        connector_order_id: Some("order_DBJOWzybf0sJbb".into()),
        capture_method: Some(CaptureMethod::Manual),
        ..Default::default()
    };
    let p = psync(&c, &req, vec![ok(published!("rb_order_payments.json"))]).unwrap();
    assert_eq!(p.status, PaymentStatus::Authorized);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_50sbkZA9AcyE5a")
    );
    assert_eq!(
        p.connector_order_id.as_deref(),
        Some("order_DBJOWzybf0sJbb")
    );
    assert_eq!(p.amount, Some(inr(5000)));

    // Go SDK `fake_order_payments.json`: a failed UPI collect (`failure@razorpay`).
    let req = PaymentGetRequest {
        connector_order_id: Some("fake_order_id".into()),
        ..Default::default()
    };
    let p = psync(
        &c,
        &req,
        vec![ok(published!("go_fake_order_payments.json"))],
    )
    .unwrap();
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(p.amount, Some(inr(100)));
    let d = p.decline.unwrap();
    assert_eq!(d.code.as_deref(), Some("BAD_REQUEST_ERROR"));
    assert_eq!(d.reason.as_deref(), Some("payment_failed"));
    assert!(d.message.unwrap().starts_with("Payment was unsuccessful"));
}

#[test]
fn published_psync_by_receipt() {
    // Python SDK `order_collection.json`, then `payment_collection.json` (two `created`
    // payments with the same timestamp: the first listed, the newest, is chosen).
    let c = connector();
    let req = PaymentGetRequest {
        merchant_reference: Some("12121".into()),
        ..Default::default()
    };
    let (requests, result) = drive(
        |r| c.get_payment(&req, &cx(), r),
        vec![
            ok(published!("py_order_collection.json")),
            ok(published!("py_payment_collection.json")),
        ],
    );
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/orders?receipt=12121&count=100"
    );
    assert_eq!(
        requests[1].url,
        "https://api.razorpay.com/v1/orders/fake_order_id/payments"
    );
    let p = result.unwrap();
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("pay_29QQoUBi66xm2f")
    );
    assert_eq!(p.connector_order_id.as_deref(), Some("fake_order_id"));
}

// ---- refunds ----------------------------------------------------------------------------------

#[test]
fn published_refunds() {
    let c = connector();
    // Python SDK `fake_refund.json`: processed (an optimum request processed at normal speed).
    let req = RefundRequest {
        connector_transaction_id: "pay_FIKOnlyii5QGNx".into(),
        amount: inr(300100),
        merchant_refund_reference: Some("#126".into()),
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    };
    let (_, result) = drive(
        |r| c.refund(&req, &cx(), r),
        vec![ok(published!("py_fake_refund.json"))],
    );
    let r = result.unwrap();
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(
        r.connector_refund_id.as_deref(),
        Some("rfnd_FP8DDKxqJif6ca")
    );
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_FIKOnlyii5QGNx")
    );
    assert_eq!(r.merchant_refund_reference.as_deref(), Some("#126"));
    assert_eq!(r.amount, Some(inr(300100)));

    // Ruby SDK `fake_refund.json`: no `status` at all: the refund exists, outcome pending.
    let req = RefundGetRequest {
        connector_refund_id: Some("fake_refund_id".into()),
        ..Default::default()
    };
    let (requests, result) = drive(
        |r| c.get_refund(&req, &cx(), r),
        vec![ok(published!("rb_fake_refund.json"))],
    );
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/refunds/fake_refund_id"
    );
    let r = result.unwrap();
    assert_eq!(r.status, RefundStatus::Pending);
    assert!(r.connector_status.is_none());
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_FFX5FdEYx8jPwA")
    );
    assert_eq!(r.amount, Some(inr(2000)));

    // Python SDK `refund_collection.json`: parsed, but no refund carries that receipt.
    let req = RefundGetRequest {
        connector_transaction_id: Some("fake_payment_id".into()),
        merchant_refund_reference: Some("#126".into()),
        ..Default::default()
    };
    let (requests, result) = drive(
        |r| c.get_refund(&req, &cx(), r),
        vec![ok(published!("py_refund_collection.json"))],
    );
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/fake_payment_id/refunds?count=100"
    );
    assert_eq!(result.unwrap_err().code(), ErrorCode::NotFound);
}

// ---- disputes ---------------------------------------------------------------------------------

#[test]
fn published_dispute_accept() {
    // Python SDK `dispute_accept.json`: `lost`, `amount_deducted` = `amount`, evidence all null.
    let c = connector();
    let req = AcceptDisputeRequest {
        connector_dispute_id: "disp_AHfqOvkldwsbqt".into(),
        idempotency_key: None,
    };
    let (_, result) = drive(
        |r| c.accept_dispute(&req, &cx(), r),
        vec![ok(published!("py_dispute_accept.json"))],
    );
    let d = result.unwrap();
    assert_eq!(d.status, DisputeStatus::Accepted);
    assert_eq!(d.connector_dispute_id, "disp_AHfqOvkldwsbqt");
    assert_eq!(d.connector_status.as_deref(), Some("lost"));
    assert_eq!(d.stage, Some(DisputeStage::PreArbitration));
    assert_eq!(d.amount, Some(inr(10000)));
}

/// Evidence for `disp_AHfqOvkldwsbqt`: one shipping proof and a summary.
fn contest_request() -> SubmitEvidenceRequest {
    SubmitEvidenceRequest {
        connector_dispute_id: "disp_AHfqOvkldwsbqt".into(),
        documents: vec![EvidenceDocument {
            evidence_type: EvidenceType::ShippingProof,
            content: Bytes(b"%PDF-1.4 evidence bytes".to_vec()),
            mime_type: "application/pdf".into(),
            file_name: None,
            connector_document_type: None,
        }],
        summary: Some("goods delivered".into()),
        idempotency_key: None,
    }
}

#[test]
fn published_dispute_contest_draft() {
    // Python SDK `document.json` (the upload), then `dispute_contest.json` (still `open`, with
    // `others[{type, document_ids}]`); then the Ruby SDK's `fake_dispute.json` (pre-arbitration).
    let c = connector();
    let req = contest_request();
    let cases = [
        (published!("py_dispute_contest.json"), DisputeStage::Dispute),
        (
            published!("rb_fake_dispute.json"),
            DisputeStage::PreArbitration,
        ),
    ];
    for (contest, stage) in cases {
        let (requests, result) = drive(
            |r| c.submit_evidence(&req, &cx(), r),
            vec![ok(published!("py_document.json")), ok(contest)],
        );
        assert_eq!(
            body_json(&requests[1]),
            json!({"action": "draft", "summary": "goods delivered", "shipping_proof": ["doc_EsyWjHrfzb59Re"]})
        );
        let d = result.unwrap();
        assert_eq!(d.status, DisputeStatus::Opened);
        assert_eq!(d.connector_status.as_deref(), Some("open"));
        assert_eq!(d.stage, Some(stage));
        assert_eq!(d.amount, Some(inr(10000)));
    }
}

#[test]
fn published_dispute_under_review_after_defend() {
    // Python SDK `dispute.json`: `under_review`, with `gateway_dispute_id` and `comments`.
    let c = connector();
    let req = DefendDisputeRequest {
        connector_dispute_id: "disp_9GTZ2XXXXXXXXX".into(),
        reason_code: None,
        idempotency_key: None,
    };
    let (_, result) = drive(
        |r| c.defend_dispute(&req, &cx(), r),
        vec![ok(published!("py_dispute.json"))],
    );
    let d = result.unwrap();
    assert_eq!(d.status, DisputeStatus::Challenged);
    assert_eq!(d.connector_dispute_id, "disp_9GTZ2XXXXXXXXX");
    assert_eq!(d.stage, Some(DisputeStage::Dispute));
    assert_eq!(d.amount, Some(inr(5000)));
}

// ---- error bodies -----------------------------------------------------------------------------

#[test]
fn published_error_bodies() {
    let c = connector();
    // Python SDK `bad_request_error.json`: a minimal validation error on a payment: not a decline.
    let req = authorize_on_order(PaymentMethod::Card(card()), "order_DPzFe1Q1dEOKed");
    let (_, result) = drive(
        |r| c.authorize(&req, &cx(), r),
        vec![status(400, published!("py_bad_request_error.json"))],
    );
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("BAD_REQUEST_ERROR"));
    assert!(
        e.message().contains("The amount is invalid"),
        "{}",
        e.message()
    );
    assert!(e.message().contains("field: amount"), "{}", e.message());

    // Ruby SDK `error_customer.json` and `error_eligibility.json`: an id that does not exist.
    let req = PaymentGetRequest {
        connector_transaction_id: Some("pay_29QQoUBi66xm2f".into()),
        ..Default::default()
    };
    for body in [
        published!("rb_error_customer.json"),
        published!("rb_error_eligibility.json"),
    ] {
        let e = psync(&c, &req, vec![status(400, body)]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::NotFound, "{body}");
        assert_eq!(e.http_status, Some(400));
    }

    // Ruby SDK `document_error.json`: `source`/`step`/`reason` are the placeholder "NA"; the
    // request was wrong (an invalid file id), not Razorpay. Here as the answer to an evidence
    // upload.
    let evidence = SubmitEvidenceRequest {
        connector_dispute_id: "disp_AHfqOvkldwsbqt".into(),
        documents: vec![EvidenceDocument {
            evidence_type: EvidenceType::Receipt,
            content: Bytes(b"%PDF-1.4 evidence bytes".to_vec()),
            mime_type: "application/pdf".into(),
            file_name: None,
            connector_document_type: None,
        }],
        summary: None,
        idempotency_key: None,
    };
    let (_, result) = drive(
        |r| c.submit_evidence(&evidence, &cx(), r),
        vec![status(400, published!("rb_document_error.json"))],
    );
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert!(e.message().contains("Invalid file id"), "{}", e.message());

    // Go SDK `fake_order_bad_request.json`: explicit nulls for source, step and reason.
    let order = CreateOrderRequest::new_for_test();
    let (_, result) = drive(
        |r| c.create_order(&order, &cx(), r),
        vec![status(400, published!("go_fake_order_bad_request.json"))],
    );
    let e = result.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("BAD_REQUEST_ERROR"));
}

#[test]
fn published_python_sdk_payment_signature_vector() {
    // Python SDK `tests/test_client_utility.py`, `test_verify_payment_signature`: the checkout's
    // return signature of `fake_order_id|fake_payment_id` under the key secret `key_secret`.
    let config = RazorpayConfig::new(KEY_ID, "key_secret");
    let c = Razorpay::new(
        &config,
        &Endpoint::new(crate::Environment::Sandbox, None).unwrap(),
    )
    .unwrap();
    let signature = "b2335e3b0801106b84a7faff035df56ecffde06918c9ddd1f0fafbb37a51cc89";
    let req = PaymentGetRequest {
        redirect_result: Some(BTreeMap::from([
            ("razorpay_order_id".to_string(), "fake_order_id".to_string()),
            (
                "razorpay_payment_id".to_string(),
                "fake_payment_id".to_string(),
            ),
            ("razorpay_signature".to_string(), signature.to_string()),
        ])),
        connector_order_id: Some("fake_order_id".into()),
        ..Default::default()
    };
    // Verified: the payment is then looked up.
    match c.get_payment(&req, &cx(), &[]).unwrap() {
        Step::Send(r) => assert!(r.url.ends_with("/v1/payments/fake_payment_id"), "{}", r.url),
        Step::Done(p) => panic!("expected the payment lookup, got {p:?}"),
    }
    // The SDK's failing case: `test_signature`.
    let mut bad = req.clone();
    bad.redirect_result
        .as_mut()
        .unwrap()
        .insert("razorpay_signature".into(), "test_signature".into());
    assert_eq!(
        c.get_payment(&bad, &cx(), &[]).unwrap_err().field(),
        Some("redirect_result.razorpay_signature")
    );
}

// ---- webhooks ---------------------------------------------------------------------------------

#[test]
fn published_python_sdk_webhook_with_its_signature() {
    // Python SDK `fake_payment_authorized_webhook.json`, signed in `test_client_utility.py`.
    let body = published_bytes!("py_fake_payment_authorized_webhook.json");
    assert_eq!(body.as_slice(), SDK_WEBHOOK_BODY);
    let config = RazorpayConfig::new(KEY_ID, KEY_SECRET).webhook_secret("key_secret");
    let c = Razorpay::new(
        &config,
        &Endpoint::new(crate::Environment::Sandbox, None).unwrap(),
    )
    .unwrap();
    let signature = "d60e67fd884556c045e9be7dad57903e33efc7172c17c6e3ef77db42d2b366e9";
    let n = c.handle_webhook(&webhook(body, Some(signature))).unwrap();
    match &n.events[..] {
        [WebhookEvent::Payment(p)] => {
            assert_eq!(p.status, PaymentStatus::Authorized);
            assert_eq!(p.connector_transaction_id, "pay_6koWN7bvxujzxM");
            assert_eq!(p.amount, Some(inr(1_000_000)));
        }
        other => panic!("expected one payment event, got {other:?}"),
    }
}

#[test]
fn published_node_sdk_signature_vector() {
    // Node SDK `test/utils/razorpay-utils.spec.js`, `validateWebhookSignature`.
    let body = published_bytes!("node_webhook_signature_body.json");
    assert_eq!(body.as_slice(), br#"{"a":1,"b":2,"c":{"d":3}}"#);
    let signature = "2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc";
    assert!(hmac_matches(b"123456", body, signature).unwrap());
    let config = RazorpayConfig::new(KEY_ID, KEY_SECRET).webhook_secret("123456");
    let c = Razorpay::new(
        &config,
        &Endpoint::new(crate::Environment::Sandbox, None).unwrap(),
    )
    .unwrap();
    // The signature verifies; the body is no event, so it is unusable (not a verification failure).
    let e = c
        .handle_webhook(&webhook(body, Some(signature)))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    // The Node test's wrong signature, and one altered digit, fail verification.
    let mut altered = signature.to_string();
    altered.replace_range(0..1, "3");
    for wrong in ["sdfafds", altered.as_str()] {
        let e = c.handle_webhook(&webhook(body, Some(wrong))).unwrap_err();
        assert_eq!(e.code(), ErrorCode::WebhookVerificationFailed, "{wrong}");
    }
}

#[test]
fn published_docs_payment_webhooks() {
    // Razorpay docs `webhooks/payments.md` samples: event name → status, whatever the
    // snapshot's own `status`/`captured` say.
    struct Case {
        body: &'static [u8],
        event: &'static str,
        status: PaymentStatus,
        id: &'static str,
        order: &'static str,
        amount: i64,
        created_at: &'static str,
        mandate: Option<&'static str>,
    }
    let cases = [
        Case {
            body: published_bytes!("docs_webhook_payment_authorized_card.json"),
            event: "payment.authorized",
            status: PaymentStatus::Authorized,
            id: "pay_DESp9bgForNoUd",
            order: "order_DESoU0U4ikYA19",
            amount: 100,
            created_at: "1691735748",
            mandate: Some("token_MOfFlFTC1CBDOi"),
        },
        Case {
            body: published_bytes!("docs_webhook_payment_authorized_upi.json"),
            event: "payment.authorized",
            status: PaymentStatus::Authorized,
            id: "pay_DESyzxuld02Zul",
            order: "order_DESxiijbl9xjDB",
            amount: 100,
            created_at: "1567675356",
            mandate: None,
        },
        Case {
            body: published_bytes!("docs_webhook_payment_captured_netbanking.json"),
            event: "payment.captured",
            status: PaymentStatus::Charged,
            id: "pay_DESlfW9H8K9uqM",
            order: "order_DESlLckIVRkHWj",
            amount: 100,
            created_at: "1567674606",
            mandate: None,
        },
        Case {
            body: published_bytes!("docs_webhook_payment_failed_card.json"),
            event: "payment.failed",
            status: PaymentStatus::Failure,
            id: "pay_DESp9bgForNoUd",
            order: "order_DESoU0U4ikYA19",
            amount: 100,
            created_at: "1691735748",
            mandate: Some("token_MOfFlFTC1CBDOi"),
        },
        Case {
            body: published_bytes!("docs_webhook_payment_failed_wallet.json"),
            event: "payment.failed",
            status: PaymentStatus::Failure,
            id: "pay_Epiu9wz2hXBGsJ",
            order: "order_Epitst92Bya4gC",
            amount: 10000,
            created_at: "1589347099",
            mandate: None,
        },
        Case {
            body: published_bytes!("docs_webhook_payment_failed_upi.json"),
            event: "payment.failed",
            status: PaymentStatus::Failure,
            id: "pay_DESyzxuld02Zul",
            order: "order_DESxiijbl9xjDB",
            amount: 100,
            created_at: "1567675356",
            mandate: None,
        },
    ];
    for case in cases {
        let p = payment_event(case.body);
        assert_eq!(p.event_type, case.event);
        assert_eq!(p.status, case.status, "{}", case.event);
        assert_eq!(p.connector_transaction_id, case.id);
        assert_eq!(p.connector_order_id.as_deref(), Some(case.order));
        assert_eq!(p.amount, Some(inr(case.amount)));
        assert_eq!(p.mandate_id.as_deref(), case.mandate);
        assert_eq!(p.occurred_at.as_deref(), Some(case.created_at));
        // The delivery's `x-razorpay-event-id` header (see `signed`).
        assert_eq!(p.event_id.as_deref(), Some("evt_KqX0001"));
        assert_eq!(p.decline.is_some(), case.status == PaymentStatus::Failure);
    }

    // The failed card sample has empty `error_code`/`error_description`: no made-up details.
    let p = payment_event(published_bytes!("docs_webhook_payment_failed_card.json"));
    assert_eq!(p.decline, Some(DeclineDetails::default()));
    // The failed wallet sample: the issuer's decline.
    let p = payment_event(published_bytes!("docs_webhook_payment_failed_wallet.json"));
    let d = p.decline.unwrap();
    assert_eq!(d.code.as_deref(), Some("BAD_REQUEST_ERROR"));
    assert_eq!(d.message.as_deref(), Some("Payment failed"));
    assert_eq!(d.reason.as_deref(), Some("payment_failed"));
}

#[test]
fn published_docs_downtime_webhook_is_ignored() {
    // Razorpay docs `webhooks/payments.md`, "Payment Downtime Started" (netbanking): the
    // payload key is `payment.downtime`.
    match webhook_event(published_bytes!(
        "docs_webhook_payment_downtime_started_netbanking.json"
    )) {
        WebhookEvent::Ignored(i) => {
            assert_eq!(i.event_type, "payment.downtime.started");
            assert_eq!(i.event_id.as_deref(), Some("evt_KqX0001"));
        }
        other => panic!("expected an ignored event, got {other:?}"),
    }
}

#[test]
fn published_webhooks_fail_verification_when_altered() {
    // Every published webhook body, signed, then altered by one byte: rejected.
    let bodies: [&[u8]; 17] = [
        published_bytes!("docs_webhook_payment_authorized_card.json"),
        published_bytes!("docs_webhook_payment_authorized_upi.json"),
        published_bytes!("docs_webhook_payment_captured_netbanking.json"),
        published_bytes!("docs_webhook_payment_failed_card.json"),
        published_bytes!("docs_webhook_payment_failed_wallet.json"),
        published_bytes!("docs_webhook_payment_failed_upi.json"),
        published_bytes!("docs_webhook_payment_downtime_started_netbanking.json"),
        published_bytes!("docs_webhook_refund_created.json"),
        published_bytes!("docs_webhook_refund_processed.json"),
        published_bytes!("docs_webhook_refund_failed.json"),
        published_bytes!("docs_webhook_refund_speed_changed.json"),
        published_bytes!("docs_webhook_dispute_created.json"),
        published_bytes!("docs_webhook_dispute_won.json"),
        published_bytes!("docs_webhook_dispute_lost.json"),
        published_bytes!("docs_webhook_dispute_closed.json"),
        published_bytes!("docs_webhook_dispute_under_review.json"),
        published_bytes!("docs_webhook_dispute_action_required.json"),
    ];
    let c = connector();
    for body in bodies {
        let signature = sign(WEBHOOK_SECRET, body);
        let mut altered = body.to_vec();
        altered.push(b' ');
        let e = c
            .handle_webhook(&webhook(&altered, Some(&signature)))
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::WebhookVerificationFailed);
    }
}

// ---- refund and dispute webhooks (Razorpay docs, `webhooks/refunds.md`, `webhooks/disputes.md`) --

fn refund_event(body: &[u8]) -> RefundEvent {
    match webhook_event(body) {
        WebhookEvent::Refund(r) => r,
        other => panic!("expected a refund event, got {other:?}"),
    }
}

fn dispute_event(body: &[u8]) -> DisputeEvent {
    match webhook_event(body) {
        WebhookEvent::Dispute(d) => d,
        other => panic!("expected a dispute event, got {other:?}"),
    }
}

#[test]
fn published_docs_refund_webhooks() {
    // The three samples carry the same refund (₹500 of a ₹5,000 netbanking payment): the
    // status comes from the event name, not from the snapshot's `status` (the `refund.created`
    // sample's refund already says `processed`).
    let cases = [
        (
            published_bytes!("docs_webhook_refund_created.json").as_slice(),
            "refund.created",
            RefundStatus::Pending,
        ),
        (
            published_bytes!("docs_webhook_refund_processed.json").as_slice(),
            "refund.processed",
            RefundStatus::Success,
        ),
        (
            published_bytes!("docs_webhook_refund_failed.json").as_slice(),
            "refund.failed",
            RefundStatus::Failure,
        ),
    ];
    for (body, event, status) in cases {
        let r = refund_event(body);
        assert_eq!(r.event_type, event);
        assert_eq!(r.status, status, "{event}");
        // The refund's id, and the refunded payment as the transaction (not the other way).
        assert_eq!(r.connector_refund_id, "rfnd_FS8TWyPrCsa0OB");
        assert_eq!(
            r.connector_transaction_id.as_deref(),
            Some("pay_FPoJKWQQ8lK13n")
        );
        // The refund's amount in paise, not the payment's (500000) nor its refunded total (190000).
        assert_eq!(r.amount, Some(inr(50000)));
        // `receipt: null`: no merchant reference.
        assert!(r.merchant_refund_reference.is_none());
        assert!(r.reason.is_none());
        assert_eq!(r.occurred_at.as_deref(), Some("1597734071"));
        assert_eq!(r.event_id.as_deref(), Some("evt_KqX0001"));
    }

    // Without the `x-razorpay-event-id` header the dedup id is derived from the body: the
    // refund's id, per event, so the three events of one refund stay distinct.
    let c = connector();
    let mut ids = Vec::new();
    for (body, event) in [
        (
            published!("docs_webhook_refund_created.json"),
            "refund.created",
        ),
        (
            published!("docs_webhook_refund_processed.json"),
            "refund.processed",
        ),
    ] {
        let mut req = signed_webhook(body);
        req.headers.remove("x-razorpay-event-id");
        let n = c.handle_webhook(&req).unwrap();
        match &n.events[..] {
            [WebhookEvent::Refund(r)] => ids.push(r.event_id.clone()),
            other => panic!("expected one refund event, got {other:?}"),
        }
        assert_eq!(
            ids.last().unwrap().as_deref(),
            Some(format!("{event}:rfnd_FS8TWyPrCsa0OB:1597734071").as_str())
        );
    }
}

#[test]
fn published_docs_refund_speed_changed_is_ignored() {
    // Informational (an instant refund fell back to normal speed). The sample's `created_at`
    // sits inside `payload`, not at the top level.
    match webhook_event(published_bytes!("docs_webhook_refund_speed_changed.json")) {
        WebhookEvent::Ignored(i) => {
            assert_eq!(i.event_type, "refund.speed_changed");
            assert_eq!(i.event_id.as_deref(), Some("evt_KqX0001"));
        }
        other => panic!("expected an ignored event, got {other:?}"),
    }
}

#[test]
fn published_docs_dispute_webhooks() {
    struct Case {
        body: &'static [u8],
        event: &'static str,
        status: DisputeStatus,
        stage: DisputeStage,
        dispute: &'static str,
        payment: &'static str,
        amount: i64,
        reason_code: &'static str,
        connector_status: &'static str,
        created_at: &'static str,
    }
    let cases = [
        Case {
            body: published_bytes!("docs_webhook_dispute_created.json"),
            event: "payment.dispute.created",
            status: DisputeStatus::Opened,
            stage: DisputeStage::Dispute,
            dispute: "disp_EsIAlDcoUr8CaQ",
            payment: "pay_EFtmUsbwpXwBHI",
            amount: 39000,
            reason_code: "processed_invalid_expired_card",
            connector_status: "open",
            created_at: "1589907977",
        },
        Case {
            // The payment snapshot is `authorized` (not captured): irrelevant to the dispute.
            body: published_bytes!("docs_webhook_dispute_won.json"),
            event: "payment.dispute.won",
            status: DisputeStatus::Won,
            stage: DisputeStage::Dispute,
            dispute: "disp_EsIUyp8XlaZOUt",
            payment: "pay_EsIStomuIwFQ6U",
            amount: 130000,
            reason_code: "non_matching_account_number",
            connector_status: "won",
            created_at: "1589909172",
        },
        Case {
            body: published_bytes!("docs_webhook_dispute_lost.json"),
            event: "payment.dispute.lost",
            status: DisputeStatus::Lost,
            stage: DisputeStage::Dispute,
            dispute: "disp_EsIAlDcoUr8CaQ",
            payment: "pay_EFtmUsbwpXwBHI",
            amount: 39000,
            reason_code: "processed_invalid_expired_card",
            connector_status: "lost",
            created_at: "1589908238",
        },
        Case {
            // Phase `fraud`: a pre-dispute closed without a chargeback decision.
            body: published_bytes!("docs_webhook_dispute_closed.json"),
            event: "payment.dispute.closed",
            status: DisputeStatus::Cancelled,
            stage: DisputeStage::PreDispute,
            dispute: "disp_EsIMubKldQtcu5",
            payment: "pay_EsIKS2bpFiWghA",
            amount: 10000,
            reason_code: "goods_or_services_not_received_or_partially_received",
            connector_status: "closed",
            created_at: "1589908856",
        },
        Case {
            body: published_bytes!("docs_webhook_dispute_under_review.json"),
            event: "payment.dispute.under_review",
            status: DisputeStatus::Challenged,
            stage: DisputeStage::Dispute,
            dispute: "disp_EsIUyp8XlaZOUt",
            payment: "pay_EsIStomuIwFQ6U",
            amount: 130000,
            reason_code: "non_matching_account_number",
            connector_status: "under_review",
            created_at: "1589909172",
        },
        Case {
            // Evidence insufficient: open again. The sample puts `evidence` beside `entity`.
            body: published_bytes!("docs_webhook_dispute_action_required.json"),
            event: "payment.dispute.action_required",
            status: DisputeStatus::Opened,
            stage: DisputeStage::Dispute,
            dispute: "disp_EsIAlDcoUr8CaQ",
            payment: "pay_EFtmUsbwpXwBHI",
            amount: 390000,
            reason_code: "processed_invalid_expired_card",
            connector_status: "open",
            created_at: "1589907977",
        },
    ];
    for case in cases {
        let d = dispute_event(case.body);
        assert_eq!(d.event_type, case.event);
        assert_eq!(d.status, case.status, "{}", case.event);
        assert_eq!(d.stage, case.stage, "{}", case.event);
        // The dispute's id, and the disputed payment as the transaction.
        assert_eq!(d.connector_dispute_id, case.dispute);
        assert_eq!(d.connector_transaction_id.as_deref(), Some(case.payment));
        // The disputed amount in paise, not the payment's.
        assert_eq!(d.amount, Some(inr(case.amount)), "{}", case.event);
        assert_eq!(d.reason_code.as_deref(), Some(case.reason_code));
        // No `reason_description` in the samples.
        assert!(d.reason.is_none());
        assert_eq!(d.respond_by.as_deref(), Some("1590431400"));
        assert_eq!(d.connector_status.as_deref(), Some(case.connector_status));
        assert_eq!(d.occurred_at.as_deref(), Some(case.created_at));
        assert_eq!(d.event_id.as_deref(), Some("evt_KqX0001"));
    }
}

// ---- refund answers and errors (Razorpay API reference, `api/refunds/*.md`) ---------------------

fn refund_request(payment: &str, paise: i64) -> RefundRequest {
    RefundRequest {
        connector_transaction_id: payment.into(),
        amount: inr(paise),
        merchant_refund_reference: None,
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    }
}

fn refund_with(answer: HttpResponse) -> Result<RefundResponse> {
    let c = connector();
    let req = refund_request("pay_29QQoUBi66xm2f", 500100);
    drive(|r| c.refund(&req, &cx(), r), vec![answer]).1
}

#[test]
fn published_docs_refund_answers() {
    // "Create an Instant Refund", success: `optimum` requested, processed at `normal` speed;
    // UTF-8 `…` in the notes.
    let r = refund_with(ok(published!("docs_refund_create_instant.json"))).unwrap();
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(r.connector_status.as_deref(), Some("processed"));
    assert_eq!(
        r.connector_refund_id.as_deref(),
        Some("rfnd_FP8R8EGjGbPkVb")
    );
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_29QQoUBi66xm2f")
    );
    assert_eq!(
        r.merchant_refund_reference.as_deref(),
        Some("Receipt No. 31")
    );
    assert_eq!(r.amount, Some(inr(500100)));

    // "Fetch Refund With ID", success: processed (`speed_processed: optimum`), with an ARN.
    let c = connector();
    let req = RefundGetRequest {
        connector_refund_id: Some("rfnd_DfjjhJC6eDvUAi".into()),
        ..Default::default()
    };
    let (requests, result) = drive(
        |r| c.get_refund(&req, &cx(), r),
        vec![ok(published!("docs_refund_fetch.json"))],
    );
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/refunds/rfnd_DfjjhJC6eDvUAi"
    );
    let r = result.unwrap();
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(
        r.connector_refund_id.as_deref(),
        Some("rfnd_DfjjhJC6eDvUAi")
    );
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_EpkFDYRirena0f")
    );
    assert!(r.merchant_refund_reference.is_none());
    assert_eq!(r.amount, Some(inr(6000)));
}

#[test]
fn published_docs_normal_refund_answer() {
    // "Create a Normal Refund", success, as published: `receipt` twice ("Receipt No. 31",
    // then null) and `currency: ""`. The refund was created and processed.
    let r = refund_with(ok(published!("docs_refund_create_normal.json"))).unwrap();
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(
        r.connector_refund_id.as_deref(),
        Some("rfnd_FP8QHiV938haTz")
    );
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_29QQoUBi66xm2f")
    );
    // No currency: no amount is made up.
    assert!(r.amount.is_none());
}

#[test]
fn published_docs_refund_errors() {
    // "Create a Normal Refund", failure: a validation error on `amount`.
    let e = refund_with(status(
        400,
        published!("docs_refund_create_normal_error.json"),
    ))
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("BAD_REQUEST_ERROR"));
    assert!(e.message().contains("at least"), "{}", e.message());
    assert!(e.message().contains("field: amount"), "{}", e.message());
    // The refunded payment is named, to list its refunds before refunding again.
    assert_eq!(
        e.connector_transaction_id.as_deref(),
        Some("pay_29QQoUBi66xm2f")
    );

    // "Create an Instant Refund", failure: a malformed payment id is a bad request, not an
    // unknown one.
    let e = refund_with(status(
        400,
        published!("docs_refund_create_instant_error.json"),
    ))
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert!(e.message().contains("is not a valid id"), "{}", e.message());

    // "Handle Refund Errors": the bank does not refund payments older than 6 months; no
    // source, step or reason.
    let e = refund_with(status(
        400,
        published!("docs_refund_error_payment_too_old.json"),
    ))
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert_eq!(e.http_status, Some(400));
    assert!(
        e.message().contains("more than 6 months old"),
        "{}",
        e.message()
    );

    // Ruby SDK `error_eligibility_check.json`: "Amount is required." with `"NA"` placeholders.
    let e = refund_with(status(400, published!("rb_error_eligibility_check.json"))).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert!(
        e.message().contains("Amount is required."),
        "{}",
        e.message()
    );

    // "Fetch Refund With ID", failure: the URL is wrong (`"NA"` placeholders): a request error,
    // not an unknown refund.
    let e = refund_error(status(400, published!("docs_refund_fetch_error.json")));
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert!(
        e.message().contains("requested URL was not found"),
        "{}",
        e.message()
    );
}

#[test]
fn published_ruby_refund_collection_for_payment() {
    // Ruby SDK `refund_collection_for_payment.json`: two refunds without `status` or `receipt`.
    let c = connector();
    let body = published!("rb_refund_collection_for_payment.json");
    let req = RefundGetRequest {
        connector_transaction_id: Some("fake_payment_id".into()),
        merchant_refund_reference: Some("Receipt No. 31".into()),
        ..Default::default()
    };
    let (requests, result) = drive(|r| c.get_refund(&req, &cx(), r), vec![ok(body)]);
    assert_eq!(
        requests[0].url,
        "https://api.razorpay.com/v1/payments/fake_payment_id/refunds?count=100"
    );
    // Neither refund carries that receipt: nothing was refunded under it.
    assert_eq!(result.unwrap_err().code(), ErrorCode::NotFound);

    // The same list asked for another payment: its refunds are not that payment's.
    let req = RefundGetRequest {
        connector_transaction_id: Some("pay_29QQoUBi66xm2f".into()),
        merchant_refund_reference: Some("Receipt No. 31".into()),
        ..Default::default()
    };
    let (_, result) = drive(|r| c.get_refund(&req, &cx(), r), vec![ok(body)]);
    assert_eq!(result.unwrap_err().code(), ErrorCode::InvalidResponse);
}

#[test]
fn published_go_dispute_after_evidence_draft() {
    // Go SDK `fake_dispute.json`: `open`, `pre_arbitration`, evidence summary saved.
    let c = connector();
    let req = contest_request();
    let (_, result) = drive(
        |r| c.submit_evidence(&req, &cx(), r),
        vec![
            ok(published!("py_document.json")),
            ok(published!("go_fake_dispute.json")),
        ],
    );
    let d = result.unwrap();
    assert_eq!(d.status, DisputeStatus::Opened);
    assert_eq!(d.connector_dispute_id, "disp_AHfqOvkldwsbqt");
    assert_eq!(d.connector_status.as_deref(), Some("open"));
    assert_eq!(d.stage, Some(DisputeStage::PreArbitration));
    assert_eq!(d.amount, Some(inr(10000)));
}
