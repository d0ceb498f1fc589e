//! Configuration, hosts per environment, the support table, and secrets in Debug output.

use super::*;
use crate::connector::{Connector, Support};
use crate::connectors::ConnectorConfig;

#[test]
fn hosts_are_strictly_per_environment() {
    let sandbox = Checkout::new(&config(), &sandbox()).unwrap();
    assert_eq!(
        sandbox.urls.payments,
        "https://api.sandbox.checkout.com/payments"
    );
    assert_eq!(
        sandbox.urls.tokens,
        "https://api.sandbox.checkout.com/tokens"
    );
    assert_eq!(
        sandbox.urls.files,
        "https://files.sandbox.checkout.com/files"
    );

    let live = Checkout::new(&config(), &Endpoint::new(Environment::Live, None).unwrap()).unwrap();
    assert_eq!(live.urls.payments, "https://api.checkout.com/payments");
    assert_eq!(live.urls.tokens, "https://api.checkout.com/tokens");
    assert_eq!(live.urls.files, "https://files.checkout.com/files");

    let local = Checkout::new(
        &config(),
        &Endpoint::new(Environment::Sandbox, Some("http://127.0.0.1:9/checkout/")).unwrap(),
    )
    .unwrap();
    assert_eq!(local.urls.payments, "http://127.0.0.1:9/checkout/payments");
    assert_eq!(local.urls.files, "http://127.0.0.1:9/checkout/files");
}

#[test]
fn credentials_are_checked() {
    let bad = |c: CheckoutConfig| {
        let e = Checkout::new(&c, &sandbox()).unwrap_err();
        assert_code(&e, ErrorCode::Configuration);
        assert!(!e.to_string().contains(SECRET_KEY));
    };
    bad(CheckoutConfig::new(""));
    bad(CheckoutConfig::new("sk_sbox_with space"));
    bad(config().public_key(" "));
    bad(config().processing_channel_id("pc_../x"));
    bad(config().webhook_secret(""));
}

#[test]
fn config_json_uses_the_checkout_tag_and_defaults() {
    let json = r#"{"type": "checkout", "secret_key": "sk_sbox_x", "public_key": "pk_sbox_y",
                   "processing_channel_id": "pc_z", "webhook_secrets": ["a", "b"]}"#;
    let config: ConnectorConfig = serde_json::from_str(json).unwrap();
    assert_eq!(config.name(), ConnectorName::Checkout);
    let ConnectorConfig::Checkout(c) = &config else {
        panic!("not a checkout config")
    };
    assert_eq!(c.webhook_secrets.len(), 2);
    assert_eq!(c.public_key.as_deref(), Some("pk_sbox_y"));

    let minimal: ConnectorConfig =
        serde_json::from_str(r#"{"type": "checkout", "secret_key": "sk_sbox_x"}"#).unwrap();
    let ConnectorConfig::Checkout(c) = &minimal else {
        panic!("not a checkout config")
    };
    assert!(c.webhook_secrets.is_empty());
    assert!(c.public_key.is_none());
    assert!(serde_json::from_str::<ConnectorConfig>(
        r#"{"type": "checkout", "secret_key": "sk", "unknown": 1}"#
    )
    .is_err());
    assert!(config.build(&sandbox()).is_ok());
}

#[test]
fn secrets_never_reach_debug_output() {
    let c = config();
    let printed = format!("{c:?} {:?}", connector());
    for secret in [SECRET_KEY, WEBHOOK_SECRET, OLD_WEBHOOK_SECRET] {
        assert!(!printed.contains(secret), "{printed}");
    }
    let request =
        sent(connector().authorize(&authorize_request(CaptureMethod::Manual), &cx(), &[]));
    let printed = format!("{request:?}");
    assert!(!printed.contains(SECRET_KEY));
    assert!(!printed.contains("4242424242424242"));
}

#[test]
fn support_table() {
    let c = connector();
    for &flow in Flow::ALL {
        let s = c.support(flow);
        match flow {
            Flow::Capture | Flow::Void | Flow::Refund => assert_eq!(s, Support::Asynchronous),
            Flow::CreateOrder => {
                assert!(matches!(s, Support::Unsupported(reason) if reason.contains("no order")))
            }
            _ => assert_eq!(s, Support::Synchronous, "{flow}"),
        }
    }
}

#[test]
fn create_order_is_a_typed_unsupported_error_with_its_reason() {
    let req = CreateOrderRequest {
        amount: usd(1000),
        merchant_reference: "o-1".into(),
        capture_method: CaptureMethod::Automatic,
        customer: None,
        idempotency_key: None,
        metadata: Default::default(),
    };
    let e = failed(connector().create_order(&req, &cx(), &[]));
    assert_code(&e, ErrorCode::Unsupported);
    assert_eq!(e.connector, Some(ConnectorName::Checkout));
    assert_eq!(e.flow, Some(Flow::CreateOrder));
    assert!(e.message().contains("no order object"), "{e}");
}
