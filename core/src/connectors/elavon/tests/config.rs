//! The configuration, the endpoints and the support matrix (`mod.rs`).

use super::*;
use crate::connector::{Connector, Support};
use crate::connectors::ConnectorConfig;
use crate::error::ErrorCode;

#[test]
fn config_json_has_the_sandbox_keys_and_the_elavon_tag() {
    let json =
        r#"{"type": "elavon", "merchant_id": "0123456", "user_id": "apiuser", "pin": "PIN1"}"#;
    let config: ConnectorConfig = serde_json::from_str(json).unwrap();
    assert_eq!(config.name(), ConnectorName::Elavon);
    match &config {
        ConnectorConfig::Elavon(c) => {
            assert_eq!(c.merchant_id, "0123456");
            assert_eq!(c.user_id, "apiuser");
            assert_eq!(c.pin.expose(), "PIN1");
            assert!(!c.multi_currency);
            assert_eq!(c.terminal_currency, None);
        }
        other => panic!("not an Elavon config: {other:?}"),
    }
    // The PIN never prints or serializes.
    assert!(!format!("{config:?}").contains("PIN1"));
    assert!(!serde_json::to_string(&config).unwrap().contains("PIN1"));
    // Unknown keys are refused.
    let bad =
        r#"{"type": "elavon", "merchant_id": "1", "user_id": "u", "pin": "p", "api_key": "x"}"#;
    assert!(serde_json::from_str::<ConnectorConfig>(bad).is_err());
    // Builds through the registry.
    let built = config.build(&sandbox_endpoint()).unwrap();
    assert_eq!(built.name(), ConnectorName::Elavon);
}

#[test]
fn credentials_are_checked_once_at_construction() {
    let endpoint = sandbox_endpoint();
    for (config, needle) in [
        (ElavonConfig::new("", USER_ID, PIN), "merchant_id"),
        (ElavonConfig::new(MERCHANT_ID, "  ", PIN), "user_id"),
        (ElavonConfig::new(MERCHANT_ID, USER_ID, ""), "pin"),
        (
            ElavonConfig::new("1234567890123456", USER_ID, PIN),
            "merchant_id",
        ),
        (ElavonConfig::new(MERCHANT_ID, "user\nid", PIN), "user_id"),
        (
            ElavonConfig::new(MERCHANT_ID, USER_ID, "x".repeat(65)),
            "pin",
        ),
    ] {
        let e = Elavon::new(&config, &endpoint).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Configuration);
        assert!(e.message().contains(needle), "{}", e.message());
    }
    // A wrong PIN is the processor's to refuse: no format rule beyond the documented length.
    assert!(Elavon::new(
        &ElavonConfig::new(MERCHANT_ID, USER_ID, "wrong-pin"),
        &endpoint
    )
    .is_ok());
}

#[test]
fn the_connector_debug_shows_no_pin() {
    let text = format!("{:?}", connector());
    assert!(!text.contains(PIN));
    assert!(text.contains(MERCHANT_ID));
}

#[test]
fn endpoints_follow_the_environment_and_the_base_url_override() {
    let sale = |elavon: Elavon| {
        sent(elavon.authorize(&authorize_request(CaptureMethod::Automatic), &cx(), &[])).url
    };
    assert_eq!(sale(connector()), DEMO_URL);
    let live = Endpoint::new(Environment::Live, None).unwrap();
    assert_eq!(
        sale(Elavon::new(&config(), &live).unwrap()),
        "https://api.convergepay.com/VirtualMerchant/processxml.do"
    );
    let local = Endpoint::new(Environment::Sandbox, Some("http://127.0.0.1:9/elavon/")).unwrap();
    assert_eq!(
        sale(Elavon::new(&config(), &local).unwrap()),
        "http://127.0.0.1:9/elavon/VirtualMerchantDemo/processxml.do"
    );
}

#[test]
fn support_matrix_names_every_flow() {
    let elavon = connector();
    for &flow in Flow::ALL {
        let expected_supported = matches!(
            flow,
            Flow::Authorize
                | Flow::Psync
                | Flow::Capture
                | Flow::Void
                | Flow::Refund
                | Flow::Rsync
                | Flow::SetupMandate
        );
        assert_eq!(
            elavon.support(flow).is_supported(),
            expected_supported,
            "{flow}"
        );
        if expected_supported {
            assert_eq!(elavon.support(flow), Support::Synchronous);
        }
    }
}

#[test]
fn unsupported_flows_are_typed_errors_with_reasons() {
    let elavon = connector();
    let order = CreateOrderRequest {
        amount: usd(1000),
        merchant_reference: "o".into(),
        capture_method: CaptureMethod::Automatic,
        customer: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    };
    let e = failed(elavon.create_order(&order, &cx(), &[]));
    assert_eq!(e.code(), ErrorCode::Unsupported);
    assert_eq!(e.flow, Some(Flow::CreateOrder));
    assert_eq!(e.connector, Some(ConnectorName::Elavon));
    assert!(e.message().contains("no orders"), "{}", e.message());

    let accept = AcceptDisputeRequest {
        connector_dispute_id: "d".into(),
        idempotency_key: None,
    };
    let e = failed(elavon.accept_dispute(&accept, &cx(), &[]));
    assert_eq!(e.code(), ErrorCode::Unsupported);
    assert!(e.message().contains("dispute"), "{}", e.message());

    let defend = DefendDisputeRequest {
        connector_dispute_id: "d".into(),
        reason_code: None,
        idempotency_key: None,
    };
    let e = failed(elavon.defend_dispute(&defend, &cx(), &[]));
    assert_eq!(e.code(), ErrorCode::Unsupported);
    assert_eq!(e.flow, Some(Flow::DefendDispute));

    let webhook = WebhookRequest {
        headers: Default::default(),
        body: Bytes(b"<txn/>".to_vec()),
    };
    let e = elavon.handle_webhook(&webhook).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Unsupported);
    assert_eq!(e.flow, Some(Flow::Webhook));
    assert!(e.message().contains("no webhooks"), "{}", e.message());
}
