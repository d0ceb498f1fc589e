//! Configuration, the support table, URLs and headers (`mod.rs`).

use super::*;
use crate::connector::{Connector, Support};
use crate::connectors::{support, ConnectorConfig};

#[test]
fn config_parses_from_tagged_json_with_default_tokens() {
    let json = format!(r#"{{"type": "xendit", "secret_key": "{SECRET_KEY}"}}"#);
    let config: ConnectorConfig = crate::json::from_json(&json).unwrap();
    assert_eq!(config.name(), ConnectorName::Xendit);
    let ConnectorConfig::Xendit(x) = &config else {
        panic!("not a Xendit config")
    };
    assert_eq!(x.secret_key.expose(), SECRET_KEY);
    assert!(x.callback_tokens.is_empty());

    let json = format!(
        r#"{{"type": "xendit", "secret_key": "{SECRET_KEY}", "callback_tokens": ["a", "b"]}}"#
    );
    let config: ConnectorConfig = crate::json::from_json(&json).unwrap();
    let ConnectorConfig::Xendit(x) = &config else {
        panic!("not a Xendit config")
    };
    assert_eq!(x.callback_tokens.len(), 2);
    assert!(config
        .build(&endpoint())
        .is_ok_and(|c| c.name() == ConnectorName::Xendit));
}

#[test]
fn config_rejects_unknown_fields() {
    let json = r#"{"type": "xendit", "secret_key": "k", "callback_verification_token": "t"}"#;
    assert!(crate::json::from_json::<ConnectorConfig>(json).is_err());
}

#[test]
fn secrets_never_show_in_debug_or_serialized_config() {
    let config = config();
    let debug = format!("{config:?}");
    let serialized = serde_json::to_string(&config).unwrap();
    for text in [&debug, &serialized] {
        assert!(!text.contains(SECRET_KEY), "{text}");
        assert!(!text.contains(CALLBACK_TOKEN), "{text}");
    }
    let connector = format!("{:?}", connector());
    assert!(!connector.contains(SECRET_KEY));
    assert!(!connector.contains(&expected_authorization()));
}

#[test]
fn bad_credentials_are_configuration_errors() {
    for key in ["", "   ", "xnd:secret", "xnd secret", "xnd\u{e9}"] {
        let e = Xendit::new(&XenditConfig::new(key), &endpoint()).unwrap_err();
        assert_code(&e, ErrorCode::Configuration);
    }
    let e = Xendit::new(
        &XenditConfig::new(SECRET_KEY).callback_token(""),
        &endpoint(),
    )
    .unwrap_err();
    assert_code(&e, ErrorCode::Configuration);
}

#[test]
fn support_table_names_every_flow() {
    for &flow in Flow::ALL {
        let s = super::super::support(flow);
        assert_eq!(support(ConnectorName::Xendit, flow), Some(s));
        match flow {
            Flow::Void
            | Flow::CreateOrder
            | Flow::AcceptDispute
            | Flow::SubmitEvidence
            | Flow::DefendDispute => {
                assert!(matches!(s, Support::Unsupported(reason) if !reason.is_empty()))
            }
            _ => assert_eq!(s, Support::Synchronous, "{flow}"),
        }
    }
}

#[test]
fn unsupported_flows_fail_typed_before_sending() {
    let c = connector();
    let void = VoidRequest {
        connector_transaction_id: "pr-1".into(),
        ..Default::default()
    };
    let e = failed(c.void(&void, &cx(), &[]));
    assert_code(&e, ErrorCode::Unsupported);
    assert_eq!(e.connector, Some(ConnectorName::Xendit));
    assert_eq!(e.flow, Some(Flow::Void));
    assert!(e.message().contains("/v3/payments"), "{e}");

    let order = CreateOrderRequest {
        amount: idr(10_000),
        merchant_reference: "o".into(),
        capture_method: CaptureMethod::Automatic,
        customer: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    };
    let e = failed(c.create_order(&order, &cx(), &[]));
    assert_code(&e, ErrorCode::Unsupported);
    assert_eq!(e.flow, Some(Flow::CreateOrder));

    let accept = AcceptDisputeRequest {
        connector_dispute_id: "d".into(),
        idempotency_key: None,
    };
    let e = failed(c.accept_dispute(&accept, &cx(), &[]));
    assert_code(&e, ErrorCode::Unsupported);
    assert!(e.message().contains("Dashboard"), "{e}");
    let e = failed(c.submit_evidence(&SubmitEvidenceRequest::default(), &cx(), &[]));
    assert_eq!(e.flow, Some(Flow::SubmitEvidence));
    let e = failed(c.defend_dispute(&DefendDisputeRequest::default(), &cx(), &[]));
    assert_eq!(e.flow, Some(Flow::DefendDispute));
}

#[test]
fn default_host_is_the_same_for_test_and_live() {
    for environment in [Environment::Sandbox, Environment::Live] {
        let c = Xendit::new(&config(), &Endpoint::new(environment, None).unwrap()).unwrap();
        let request = sent(c.authorize(&authorize_request(), &cx(), &[]));
        assert_eq!(request.url, "https://api.xendit.co/payment_requests");
    }
}

#[test]
fn base_url_override_never_doubles_slashes() {
    let endpoint = Endpoint::new(Environment::Sandbox, Some("http://127.0.0.1:9/xendit/")).unwrap();
    let c = Xendit::new(&config(), &endpoint).unwrap();
    let request = sent(c.authorize(&authorize_request(), &cx(), &[]));
    assert_eq!(request.url, "http://127.0.0.1:9/xendit/payment_requests");
    let get = PaymentGetRequest {
        connector_transaction_id: Some("pr-1fdaf346".into()),
        ..Default::default()
    };
    let request = sent(c.get_payment(&get, &cx(), &[]));
    assert_eq!(
        request.url,
        "http://127.0.0.1:9/xendit/payment_requests/pr-1fdaf346"
    );
}

#[test]
fn ids_cannot_change_the_path() {
    let get = PaymentGetRequest {
        connector_transaction_id: Some("../refunds?x=1".into()),
        ..Default::default()
    };
    let request = sent(connector().get_payment(&get, &cx(), &[]));
    assert_eq!(
        request.url,
        "https://api.xendit.co/payment_requests/..%2Frefunds%3Fx%3D1"
    );
}

#[test]
fn every_request_authenticates_with_the_secret_key_as_user_name() {
    let request = sent(connector().authorize(&authorize_request(), &cx(), &[]));
    assert_eq!(
        header(&request, "Authorization"),
        Some(expected_authorization().as_str())
    );
    assert!(!format!("{request:?}").contains(SECRET_KEY));
}
