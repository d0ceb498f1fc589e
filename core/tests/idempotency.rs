//! Caller-supplied idempotency keys are bound to the request they first came with: the same key
//! with different parameters is a `conflict` error before anything is sent.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use connector_service::connectors::adyen::AdyenConfig;
use connector_service::transport::SendFuture;
use connector_service::*;

/// Answers every request with an authorised Adyen payment, counting the requests.
#[derive(Default)]
struct Authorises {
    sent: AtomicUsize,
}

impl HttpTransport for Authorises {
    fn send<'a>(&'a self, _request: &'a HttpRequest, _timeout: Duration) -> SendFuture<'a> {
        self.sent.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {
            Ok(HttpResponse::new(
                200,
                br#"{"pspReference":"V4HZ4RBFJGXXGN82","resultCode":"Authorised"}"#.to_vec(),
            ))
        })
    }
}

fn client() -> (Client, Arc<Authorises>) {
    let transport = Arc::new(Authorises::default());
    let config =
        ClientConfig::new(AdyenConfig::new("key", "Merchant")).base_url("http://processor.test");
    (
        Client::with_transport(config, transport.clone()).unwrap(),
        transport,
    )
}

fn authorize(number: &str, cvc: &str, minor_units: i64, key: Option<&str>) -> AuthorizeRequest {
    let mut card = Card::new(CardNumber::new(number).unwrap(), 3, 2030);
    card.cvc = Some(Secret::new(cvc.into()));
    let mut r = AuthorizeRequest::new(
        Money::new(minor_units, Currency::EUR),
        "order-1",
        PaymentMethod::Card(card),
    );
    r.return_url = Some("https://shop.example/return".into());
    r.idempotency_key = key.map(str::to_string);
    r
}

#[tokio::test]
async fn a_key_reused_with_different_parameters_is_a_conflict_before_sending() {
    let (client, transport) = client();
    let payments = client.payments();
    let first = authorize("4111111111111111", "737", 1000, Some("order-1-auth"));
    payments.authorize(first.clone()).await.unwrap();
    // The same request again (a retry): allowed, the processor deduplicates it.
    payments.authorize(first).await.unwrap();
    assert_eq!(transport.sent.load(Ordering::SeqCst), 2);

    for different in [
        authorize("4111111111111111", "737", 2000, Some("order-1-auth")),
        // Differences in secrets count too (they enter the fingerprint as digests).
        authorize("4111111111111111", "738", 1000, Some("order-1-auth")),
        authorize("5555555555554444", "737", 1000, Some("order-1-auth")),
    ] {
        let err = payments.authorize(different).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict);
        assert_eq!(err.field.as_deref(), Some("idempotency_key"));
        assert_eq!(err.idempotency_key.as_deref(), Some("order-1-auth"));
        assert!(!err.retryable);
        assert!(
            err.message.contains("different parameters"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("4111"), "{}", err.message);
    }
    assert_eq!(transport.sent.load(Ordering::SeqCst), 2, "nothing was sent");

    // The same key for another operation is a conflict too.
    let capture = CaptureRequest {
        connector_transaction_id: "V4HZ4RBFJGXXGN82".into(),
        amount: Money::new(1000, Currency::EUR),
        authorized_amount: None,
        merchant_reference: None,
        idempotency_key: Some("order-1-auth".into()),
    };
    let err = payments.capture(capture).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);

    // Another key, and calls without a key, are unaffected.
    payments
        .authorize(authorize(
            "4111111111111111",
            "737",
            2000,
            Some("order-2-auth"),
        ))
        .await
        .unwrap();
    payments
        .authorize(authorize("4111111111111111", "737", 2000, None))
        .await
        .unwrap();
    // Clones share what the client remembers.
    let err = client
        .clone()
        .payments()
        .authorize(authorize(
            "4111111111111111",
            "737",
            3000,
            Some("order-2-auth"),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
}

#[tokio::test]
async fn a_request_that_fails_validation_binds_nothing() {
    let (client, transport) = client();
    let payments = client.payments();
    let invalid = authorize("4111111111111111", "737", -5, Some("k-1"));
    let err = payments.authorize(invalid).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidRequest);
    // Corrected, with the same key: goes through.
    payments
        .authorize(authorize("4111111111111111", "737", 500, Some("k-1")))
        .await
        .unwrap();
    assert_eq!(transport.sent.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_client_remembers_a_bounded_number_of_keys() {
    let (client, _) = client();
    let payments = client.payments();
    let remembered = client::IDEMPOTENCY_KEYS_REMEMBERED;
    payments
        .authorize(authorize("4111111111111111", "737", 100, Some("oldest")))
        .await
        .unwrap();
    for i in 0..remembered {
        payments
            .authorize(authorize(
                "4111111111111111",
                "737",
                100,
                Some(&format!("k{i}")),
            ))
            .await
            .unwrap();
    }
    // The oldest key was forgotten: reusing it is no longer detected (the processor's own
    // rules apply), while a recent one still is.
    payments
        .authorize(authorize("4111111111111111", "737", 200, Some("oldest")))
        .await
        .unwrap();
    let err = payments
        .authorize(authorize("4111111111111111", "737", 200, Some("k9999")))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
}
