//! The connector as a whole (`mod.rs`): construction, URLs and auth, the support table,
//! amounts, secrets in renderings, and the flows through the client's driver.

use super::*;

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
            connector_refund_id: Some("rfnd_JnzyQwYOOBNJJu".into()),
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
        connector_refund_id: Some("rfnd_1?x=1".into()),
        ..Default::default()
    };
    assert_eq!(
        c.get_refund(&refund, &cx(), &[]).unwrap_err().field(),
        Some("connector_refund_id")
    );
}

#[test]
fn support_matrix() {
    for &flow in Flow::ALL {
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

// ---- hardening: no idempotency, references for the driver ------------------------------------

/// Every request of a flow, answered by `answers` (the last step's request included).
fn requests_of<T>(
    flow: impl FnMut(&[HttpResponse]) -> Result<Step<T>>,
    answers: Vec<HttpResponse>,
) -> Vec<HttpRequest> {
    drive(flow, answers).0
}

#[test]
fn no_write_is_retry_safe_or_carries_an_idempotency_key() {
    let c = connector();
    let mut writes = Vec::new();
    writes.extend(requests_of(
        |r| c.create_order(&CreateOrderRequest::new_for_test(), &cx(), r),
        vec![ok(ORDER)],
    ));
    writes.extend(requests_of(
        |r| c.authorize(&authorize_request(), &cx(), r),
        vec![ok(ORDER), ok(CREATE_JSON)],
    ));
    let mut mit = AuthorizeRequest::new(
        inr(2500),
        "renewal-9",
        PaymentMethod::Mandate(MandateReference {
            mandate_id: "token_FHfn3rIiM1Z8nr".into(),
            usage: MandateUsage::Subscription,
            network_transaction_id: None,
            connector_customer_id: Some("cust_DtHaBuooGHTuyZ".into()),
        }),
    );
    mit.customer = Some(customer());
    writes.extend(requests_of(
        |r| c.authorize(&mit, &cx(), r),
        vec![ok(ORDER), ok(r#"{"razorpay_payment_id": "pay_1"}"#)],
    ));
    writes.extend(requests_of(
        |r| c.setup_mandate(&setup_request(), &cx(), r),
        vec![ok(CUSTOMER), ok(MANDATE_ORDER), ok(CREATE_JSON)],
    ));
    let capture = CaptureRequest {
        connector_transaction_id: "pay_G8VQzjPLoAvm6D".into(),
        amount: inr(1000),
        authorized_amount: None,
        merchant_reference: None,
        idempotency_key: Some("idem-1".into()),
    };
    writes.extend(requests_of(
        |r| c.capture(&capture, &cx(), r),
        vec![ok(CAPTURED)],
    ));
    let refund = RefundRequest {
        connector_transaction_id: "pay_JRSS9bMrRMds3w".into(),
        amount: inr(100),
        // Without one, the key becomes the receipt (refunds.rs), a reference, not a dedup key.
        merchant_refund_reference: Some("rf-1".into()),
        reason: None,
        refundable_amount: None,
        idempotency_key: Some("idem-1".into()),
        metadata: Metadata::new(),
    };
    writes.extend(requests_of(
        |r| c.refund(&refund, &cx(), r),
        vec![ok(REFUND_PROCESSED)],
    ));
    let dispute = dispute_entity("open", "chargeback").to_string();
    writes.extend(requests_of(
        |r| {
            c.accept_dispute(
                &AcceptDisputeRequest {
                    connector_dispute_id: "disp_AHfqOvkldwsbqt".into(),
                    ..Default::default()
                },
                &cx(),
                r,
            )
        },
        vec![ok(&dispute)],
    ));
    let evidence = SubmitEvidenceRequest {
        connector_dispute_id: "disp_AHfqOvkldwsbqt".into(),
        documents: vec![EvidenceDocument {
            evidence_type: EvidenceType::Receipt,
            content: Bytes(b"%PDF-1.4".to_vec()),
            mime_type: "application/pdf".into(),
            file_name: None,
            connector_document_type: None,
        }],
        summary: None,
        idempotency_key: None,
    };
    writes.extend(requests_of(
        |r| c.submit_evidence(&evidence, &cx(), r),
        vec![ok(DOCUMENT), ok(&dispute)],
    ));
    writes.extend(requests_of(
        |r| {
            c.defend_dispute(
                &DefendDisputeRequest {
                    connector_dispute_id: "disp_AHfqOvkldwsbqt".into(),
                    ..Default::default()
                },
                &cx(),
                r,
            )
        },
        vec![ok(&dispute)],
    ));
    assert_eq!(writes.len(), 14);
    for w in &writes {
        assert_ne!(w.method, HttpMethod::Get, "{}", w.url);
        assert!(!w.retry_safe, "{} must not be retried automatically", w.url);
        for (name, value) in &w.headers {
            assert!(!name.to_ascii_lowercase().contains("idempotency"), "{name}");
            assert!(!value.contains("idem-1"), "{name}: {value}");
        }
        let body = w
            .body
            .as_ref()
            .map(|b| String::from_utf8_lossy(b.as_slice()).to_string());
        assert!(!body.unwrap_or_default().contains("idem-1"), "{}", w.url);
    }
}

#[test]
fn answers_never_claim_an_idempotency_key_was_used() {
    // Even an answer that echoes a key (as an emulator might) is not taken as deduplication.
    let c = connector();
    let mut order: Value = serde_json::from_str(ORDER).unwrap();
    order["idempotency_key"] = json!("idem-1");
    let (_, result) = drive(
        |r| c.create_order(&CreateOrderRequest::new_for_test(), &cx(), r),
        vec![ok(&order.to_string())],
    );
    assert_eq!(result.unwrap().idempotency_key, None);
    let mut captured: Value = serde_json::from_str(CAPTURED).unwrap();
    captured["idempotency_key"] = json!("idem-1");
    let get = PaymentGetRequest {
        connector_transaction_id: Some("pay_G8VQzjPLoAvm6D".into()),
        ..Default::default()
    };
    let (_, result) = drive(
        |r| c.get_payment(&get, &cx(), r),
        vec![ok(&captured.to_string())],
    );
    assert_eq!(result.unwrap().idempotency_key, None);
}

#[test]
fn references_name_what_a_call_may_already_have_done() {
    use crate::connector::FlowRequest;
    let c = connector();
    let refs = |request: FlowRequest, responses: &[HttpResponse]| c.references(&request, responses);

    // A two-step authorize: nothing before the order, the order after it.
    let auth: FlowRequest = authorize_request().into();
    assert_eq!(refs(auth.clone(), &[]), References::default());
    let after_order = refs(auth.clone(), &[ok(ORDER)]);
    assert_eq!(
        after_order.order_id.as_deref(),
        Some("order_EKwxwAgItmmXdp")
    );
    assert_eq!(after_order.transaction_id, None);
    // A failed order step created nothing.
    assert_eq!(refs(auth, &[status(500, "{}")]), References::default());
    // The merchant's own order.
    let mut own = authorize_request();
    own.connector_order_id = Some("order_OWN1".into());
    assert_eq!(
        refs(own.into(), &[]).order_id.as_deref(),
        Some("order_OWN1")
    );
    // setup_mandate: the customer is no reference; the order is.
    let setup: FlowRequest = setup_request().into();
    assert_eq!(refs(setup.clone(), &[ok(CUSTOMER)]), References::default());
    assert_eq!(
        refs(setup, &[ok(CUSTOMER), ok(MANDATE_ORDER)])
            .order_id
            .as_deref(),
        Some("order_1Aa00000000002")
    );
    // Capture and refund: the payment concerned.
    let capture = CaptureRequest {
        connector_transaction_id: "pay_G8VQzjPLoAvm6D".into(),
        amount: inr(1000),
        authorized_amount: None,
        merchant_reference: None,
        idempotency_key: None,
    };
    assert_eq!(
        refs(capture.into(), &[]).transaction_id.as_deref(),
        Some("pay_G8VQzjPLoAvm6D")
    );
    let refund = RefundRequest {
        connector_transaction_id: "pay_JRSS9bMrRMds3w".into(),
        amount: inr(100),
        merchant_refund_reference: None,
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    };
    let r = refs(refund.into(), &[]);
    assert_eq!(r.transaction_id.as_deref(), Some("pay_JRSS9bMrRMds3w"));
    assert_eq!(r.refund_id, None);
    // RSync: the refund.
    let rsync = RefundGetRequest {
        connector_refund_id: Some("rfnd_JnzyQwYOOBNJJu".into()),
        ..Default::default()
    };
    assert_eq!(
        refs(rsync.into(), &[]).refund_id.as_deref(),
        Some("rfnd_JnzyQwYOOBNJJu")
    );
    // CreateOrder before its answer: nothing known.
    assert_eq!(
        refs(CreateOrderRequest::new_for_test().into(), &[]),
        References::default()
    );
}

#[test]
fn webhook_tolerance_is_configurable() {
    let config: RazorpayConfig = serde_json::from_value(json!({
        "key_id": KEY_ID, "key_secret": KEY_SECRET, "webhook_secrets": [WEBHOOK_SECRET],
        "webhook_tolerance_seconds": 300
    }))
    .unwrap();
    assert_eq!(config.webhook_tolerance_seconds, Some(300));
    assert_eq!(
        RazorpayConfig::new(KEY_ID, KEY_SECRET).webhook_tolerance_seconds,
        None
    );
    let c = Razorpay::new(
        &config,
        &Endpoint::new(crate::Environment::Sandbox, None).unwrap(),
    )
    .unwrap();
    assert_eq!(c.webhook_tolerance_seconds, Some(300));
}
