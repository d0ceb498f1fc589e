//! Webhooks (`webhooks.rs`): signature verification and the event mapping.

use super::*;

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
            // The dedup id is the delivery's `x-razorpay-event-id`.
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

// ---- hardening: dedup ids from the signed body, freshness ------------------------------------

fn with_event_header(body: &str, event_id: Option<&str>) -> WebhookRequest {
    let mut req = signed_webhook(body);
    req.headers.remove("x-razorpay-event-id");
    if let Some(id) = event_id {
        req.headers
            .insert("X-Razorpay-Event-Id".to_string(), id.to_string());
    }
    req
}

fn event_id_of(n: &WebhookNotification) -> Option<String> {
    match &n.events[..] {
        [WebhookEvent::Payment(p)] => p.event_id.clone(),
        [WebhookEvent::Refund(r)] => r.event_id.clone(),
        [WebhookEvent::Dispute(d)] => d.event_id.clone(),
        [WebhookEvent::Ignored(i)] => i.event_id.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_dedup_id_is_the_event_id_header_else_derived_from_the_body() {
    let c = connector();
    // The header, as Razorpay's docs say: unique per event, the same on a redelivery.
    let first = c
        .handle_webhook(&with_event_header(PAYMENT_FAILED_WEBHOOK, Some("evt_A")))
        .unwrap();
    assert_eq!(event_id_of(&first).as_deref(), Some("evt_A"));
    let padded = c
        .handle_webhook(&with_event_header(PAYMENT_FAILED_WEBHOOK, Some(" evt_A ")))
        .unwrap();
    assert_eq!(event_id_of(&padded).as_deref(), Some("evt_A"));
    // Without it (or with an empty one): derived from the body.
    let n = c
        .handle_webhook(&with_event_header(PAYMENT_FAILED_WEBHOOK, None))
        .unwrap();
    assert_eq!(
        event_id_of(&n).as_deref(),
        Some("payment.failed:pay_DEAU825sJlCbGa:1567610215")
    );
    let n = c
        .handle_webhook(&with_event_header(PAYMENT_FAILED_WEBHOOK, Some(" ")))
        .unwrap();
    assert_eq!(
        event_id_of(&n).as_deref(),
        Some("payment.failed:pay_DEAU825sJlCbGa:1567610215")
    );
    // Another event of the same payment is another id.
    let captured = PAYMENT_FAILED_WEBHOOK.replace("\"payment.failed\"", "\"payment.captured\"");
    let n = c
        .handle_webhook(&with_event_header(&captured, None))
        .unwrap();
    assert_ne!(event_id_of(&n), event_id_of(&first));
    // Dispute events: the dispute's id.
    let n = c
        .handle_webhook(&with_event_header(
            &dispute_webhook("payment.dispute.created", "chargeback"),
            None,
        ))
        .unwrap();
    assert!(event_id_of(&n)
        .unwrap()
        .starts_with("payment.dispute.created:disp_AHfqOvkldwsbqt:"));
    // Unmapped events: the first entity that has an id.
    let body = json!({"entity": "event", "event": "order.notified", "created_at": 1700000000,
                      "payload": {"order": {"entity": {"id": "order_N1"}}}});
    let n = c
        .handle_webhook(&with_event_header(&body.to_string(), None))
        .unwrap();
    assert_eq!(
        event_id_of(&n).as_deref(),
        Some("order.notified:order_N1:1700000000")
    );
    // A body without created_at and no header: no id.
    let body = json!({"entity": "event", "event": "payment.captured",
                      "payload": {"payment": {"entity": {"id": "pay_1", "amount": 100, "currency": "INR"}}}});
    let n = c
        .handle_webhook(&with_event_header(&body.to_string(), None))
        .unwrap();
    assert_eq!(event_id_of(&n), None);
}

fn tolerant(seconds: u64) -> Razorpay {
    let config = RazorpayConfig::new(KEY_ID, KEY_SECRET)
        .webhook_secret(WEBHOOK_SECRET)
        .webhook_tolerance_seconds(seconds);
    Razorpay::new(
        &config,
        &Endpoint::new(crate::Environment::Sandbox, None).unwrap(),
    )
    .unwrap()
}

#[test]
fn freshness_is_checked_when_a_tolerance_is_set() {
    use crate::connectors::razorpay::webhooks::handle_at;
    let created = 1567610215; // created_at of PAYMENT_FAILED_WEBHOOK
    let c = tolerant(300);
    let req = signed_webhook(PAYMENT_FAILED_WEBHOOK);
    for now in [created, created + 300, created - 300] {
        assert!(handle_at(&c, &req, now).is_ok(), "now = {now}");
    }
    for now in [created + 301, created - 301, created + 86_400 * 365] {
        let e = handle_at(&c, &req, now).unwrap_err();
        assert_eq!(
            e.code(),
            ErrorCode::WebhookVerificationFailed,
            "now = {now}"
        );
    }
    // Through the connector (the real clock): an event of 2019 is stale.
    let e = c.handle_webhook(&req).unwrap_err();
    assert_eq!(e.code(), ErrorCode::WebhookVerificationFailed);
    // No created_at, or 0: rejected when a tolerance is set...
    for body in [
        json!({"entity": "event", "event": "payment.captured", "created_at": 0,
               "payload": {"payment": {"entity": {"id": "pay_1"}}}}),
        json!({"entity": "event", "event": "payment.captured",
               "payload": {"payment": {"entity": {"id": "pay_1"}}}}),
        json!({"entity": "event", "event": "payment.captured", "created_at": "soon",
               "payload": {"payment": {"entity": {"id": "pay_1"}}}}),
    ] {
        let req = signed_webhook(&body.to_string());
        let e = handle_at(&c, &req, created).unwrap_err();
        assert_eq!(e.code(), ErrorCode::WebhookVerificationFailed, "{body}");
        assert!(e.message().contains("created_at"), "{}", e.message());
        // ...and accepted without one (the default).
        assert!(connector().handle_webhook(&req).is_ok());
    }
    // The signature is checked before freshness: a forged body says nothing about time.
    let forged = webhook(PAYMENT_FAILED_WEBHOOK.as_bytes(), Some(&"0".repeat(64)));
    let e = handle_at(&c, &forged, created).unwrap_err();
    assert!(e.message().contains("Signature"), "{}", e.message());
}

#[test]
fn webhook_with_a_broken_amount_is_unusable() {
    let c = connector();
    let body = PAYMENT_FAILED_WEBHOOK.replace("\"amount\": 50000", "\"amount\": -50000");
    let e = c.handle_webhook(&signed_webhook(&body)).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidRequest);
    assert!(e.message().contains("amount"), "{}", e.message());
}
