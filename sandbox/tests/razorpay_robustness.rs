//! Every Razorpay endpoint answers odd input with a 4xx in Razorpay's shapes: never a 5xx
//! (a panic would be answered 500), never an echo of a card number.

mod razorpay_common;

use razorpay_common::*;
use reqwest::Method;
use serde_json::{json, Map, Value};

fn odd_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(-1),
        json!(0),
        json!(1.5),
        json!(1e30),
        json!(i64::MAX),
        json!(""),
        json!("4111111111111111"),
        json!("x".repeat(5000)),
        json!([]),
        json!([1, {"a": null}]),
        json!({}),
        json!({"a": {"b": [1, 2]}}),
    ]
}

/// Every field name any endpoint reads.
const FIELDS: [&str; 28] = [
    "amount",
    "currency",
    "receipt",
    "notes",
    "payment_capture",
    "partial_payment",
    "first_payment_min_amount",
    "customer_id",
    "method",
    "token",
    "order_id",
    "card",
    "email",
    "contact",
    "callback_url",
    "authentication",
    "recurring",
    "description",
    "speed",
    "otp",
    "name",
    "fail_existing",
    "action",
    "summary",
    "shipping_proof",
    "others",
    "gstin",
    "billing_proof",
];

#[tokio::test]
async fn odd_bodies_on_every_endpoint_get_a_4xx() {
    let r = start().await;
    let (order, payment_id) = r.authorized_payment(10_000, false).await;
    let captured = r.authorized_payment(10_000, true).await.1;
    let dispute = r
        .control(
            Method::POST,
            "/_sandbox/disputes",
            Some(json!({"processor": "razorpay", "payment_id": captured})),
        )
        .await
        .json()["dispute_id"]
        .as_str()
        .unwrap()
        .to_string();
    let pending_order = r.order(10_000, false).await;
    let created = r
        .post_ok(
            "/v1/payments/create/json",
            &r.card_payment(&pending_order, VISA),
        )
        .await;
    let pending = created["razorpay_payment_id"].as_str().unwrap().to_string();

    let endpoints: Vec<(Method, String, Value)> = vec![
        (
            Method::POST,
            "/v1/orders".into(),
            json!({"amount": 1000, "currency": "INR"}),
        ),
        (Method::POST, "/v1/customers".into(), json!({"name": "A"})),
        (
            Method::POST,
            "/v1/payments/create/json".into(),
            r.card_payment(&order, VISA),
        ),
        (
            Method::POST,
            "/v1/payments/create/recurring".into(),
            json!({"amount": 10_000, "currency": "INR", "order_id": order["id"], "token": "token_X", "customer_id": "cust_X"}),
        ),
        (
            Method::POST,
            format!("/v1/payments/{payment_id}/capture"),
            json!({"amount": 10_000, "currency": "INR"}),
        ),
        (
            Method::POST,
            format!("/v1/payments/{captured}/refund"),
            json!({"amount": 1}),
        ),
        (
            Method::PATCH,
            format!("/v1/disputes/{dispute}/contest"),
            json!({"action": "draft"}),
        ),
        (
            Method::POST,
            format!("/v1/payments/{pending}/otp/submit"),
            json!({"otp": "1"}),
        ),
    ];
    for (method, path, base) in &endpoints {
        for field in FIELDS {
            for value in odd_values() {
                let mut body: Map<String, Value> = base.as_object().unwrap().clone();
                body.insert(field.to_string(), value.clone());
                let reply = r
                    .call(method.clone(), path, Some(&Value::Object(body)))
                    .await;
                assert!(
                    reply.status < 500,
                    "{method} {path} with {field} = {value}: {} {}",
                    reply.status,
                    reply.text
                );
                if reply.status >= 400 {
                    let error = reply.json();
                    assert_eq!(
                        error["error"]["code"], "BAD_REQUEST_ERROR",
                        "{method} {path}: {error}"
                    );
                    assert!(
                        !reply.text.contains("4111111111111111"),
                        "{method} {path} with {field}: {}",
                        reply.text
                    );
                }
            }
        }
        // Whole bodies that are not objects, or not JSON at all.
        for raw in ["null", "[]", "\"x\"", "42", "{", "\u{0}", ""] {
            let auth = r.auth();
            let reply = r
                .send(
                    method.clone(),
                    &r.url(path),
                    &[
                        ("Authorization", auth.as_str()),
                        ("Content-Type", "application/json"),
                    ],
                    Some(raw.as_bytes().to_vec()),
                )
                .await;
            assert!(
                reply.status < 500,
                "{method} {path} with {raw:?}: {}",
                reply.text
            );
        }
        // Form bodies with odd keys.
        let auth = r.auth();
        for form in [
            "a[b]=1&a=2",
            "[]=1",
            "card[number][x]=1&amount[]=3",
            "notes[=1&notes]=2",
            "%ff=%fe",
        ] {
            let reply = r
                .send(
                    method.clone(),
                    &r.url(path),
                    &[
                        ("Authorization", auth.as_str()),
                        ("Content-Type", "application/x-www-form-urlencoded"),
                    ],
                    Some(form.as_bytes().to_vec()),
                )
                .await;
            assert!(
                reply.status < 500,
                "{method} {path} with {form:?}: {}",
                reply.text
            );
        }
    }

    // The card object's own fields.
    for field in ["number", "name", "expiry_month", "expiry_year", "cvv"] {
        for value in odd_values() {
            let mut body = r.card_payment(&order, VISA);
            body["card"][field] = value.clone();
            let reply = r.post("/v1/payments/create/json", &body).await;
            assert!(reply.status < 500, "card.{field} = {value}: {}", reply.text);
        }
    }
    // The order's token object.
    let customer = r.post_ok("/v1/customers", &json!({"name": "T"})).await["id"].clone();
    for field in ["max_amount", "expire_at", "frequency"] {
        for value in odd_values() {
            let body = json!({"amount": 100, "currency": "INR", "customer_id": customer, "method": "card",
                              "token": {field: value}});
            let reply = r.post("/v1/orders", &body).await;
            assert!(
                reply.status < 500,
                "token.{field} = {value}: {}",
                reply.text
            );
        }
    }

    // Multipart bodies that are broken in every way.
    let auth = r.auth();
    for (content_type, body) in [
        ("multipart/form-data", b"--x\r\n".to_vec()),
        ("multipart/form-data; boundary=", b"--\r\n".to_vec()),
        ("multipart/form-data; boundary=x", b"--x".to_vec()),
        ("multipart/form-data; boundary=x", b"--x\r\n".to_vec()),
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF".to_vec()),
        ("multipart/form-data; boundary=x", b"--x \t".to_vec()),
        ("multipart/form-data; boundary=\"x", b"--x--".to_vec()),
        ("multipart/form-data; boundary=x", vec![0xff, 0xfe, b'-', b'-', b'x']),
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''%E2%82%AC.pdf\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--x\r\nContent-Disposition: form-data; name=purpose\r\n\r\ndispute_evidence\r\n--x--".to_vec()),
    ] {
        let reply = r
            .send(
                Method::POST,
                &r.url("/v1/documents"),
                &[("Authorization", auth.as_str()), ("Content-Type", content_type)],
                Some(body),
            )
            .await;
        assert!(reply.status < 500, "{content_type}: {}", reply.text);
    }

    // Paths: odd ids and segments everywhere.
    for path in [
        "/v1/payments/%00",
        "/v1/payments/pay_X/refunds/",
        "/v1/orders//payments",
        "/v1/",
        "/v1/payments/create",
        "/v1/payments/%F0%9F%92%B3/authorize",
        "/v1/customers/x/tokens",
        "/v1/documents/doc_x",
        "/_sandbox/",
        "/_sandbox/disputes/x/resolve",
        "/_sandbox/payments/x/authorize_late",
        "/_sandbox/expire_authorizations",
    ] {
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            let reply = r
                .call(method.clone(), path, Some(&json!({"payment_id": 7})))
                .await;
            assert!(reply.status < 500, "{method} {path}: {}", reply.text);
        }
    }
}
