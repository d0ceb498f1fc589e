//! Construction: URLs per environment and base-URL normalisation, credential checks, the
//! support table and the unsupported flows.

use super::*;
use crate::connector::{Connector, Support};
use crate::connectors::fiserv::support;
use crate::connectors::ConnectorConfig;

fn urls(fiserv: &Fiserv) -> [String; 4] {
    let u = &fiserv.urls;
    [
        u.charges.clone(),
        u.cancels.clone(),
        u.refunds.clone(),
        u.inquiry.clone(),
    ]
}

#[test]
fn sandbox_and_production_hosts() {
    assert_eq!(
        urls(&connector()),
        [
            "https://connect-cert.fiservapis.com/ch/payments/v1/charges",
            "https://connect-cert.fiservapis.com/ch/payments/v1/cancels",
            "https://connect-cert.fiservapis.com/ch/payments/v1/refunds",
            "https://connect-cert.fiservapis.com/ch/payments/v1/transaction-inquiry",
        ]
    );
    let live = Fiserv::new(&config(), &Endpoint::new(Environment::Live, None).unwrap()).unwrap();
    assert_eq!(
        urls(&live)[0],
        "https://connect.fiservapis.com/ch/payments/v1/charges"
    );
    for url in urls(&live) {
        assert!(!url.contains("cert"), "{url}");
    }
}

#[test]
fn base_url_overrides_end_up_with_exactly_one_ch_segment() {
    for raw in [
        "https://host.example",
        "https://host.example/",
        "https://host.example/ch",
        "https://host.example/ch/",
    ] {
        let fiserv = Fiserv::new(
            &config(),
            &Endpoint::new(Environment::Sandbox, Some(raw)).unwrap(),
        )
        .unwrap();
        assert_eq!(
            urls(&fiserv)[0],
            "https://host.example/ch/payments/v1/charges",
            "{raw}"
        );
    }
    let sandbox = Fiserv::new(
        &config(),
        &Endpoint::new(Environment::Sandbox, Some("http://127.0.0.1:9000/fiserv")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        urls(&sandbox)[3],
        "http://127.0.0.1:9000/fiserv/ch/payments/v1/transaction-inquiry"
    );
}

#[test]
fn credentials_are_checked() {
    type Change = fn(&mut FiservConfig);
    let cases: [(&str, Change); 6] = [
        ("api_key", |c| c.api_key = " ".into()),
        ("api_key", |c| c.api_key = "with space".into()),
        ("api_secret", |c| c.api_secret = Secret::new(String::new())),
        ("merchant_id", |c| c.merchant_id = String::new()),
        ("merchant_id", |c| c.merchant_id = "1".repeat(41)),
        ("terminal_id", |c| c.terminal_id = "  ".into()),
    ];
    for (field, change) in cases {
        let mut c = config();
        change(&mut c);
        let e = Fiserv::new(&c, &sandbox()).unwrap_err();
        assert_code(&e, ErrorCode::Configuration);
        assert!(e.message().contains(field), "{e}");
    }
}

#[test]
fn the_config_is_tagged_fiserv_with_exactly_the_sandbox_credential_keys() {
    let json = r#"{"type":"fiserv","api_key":"k","api_secret":"s","merchant_id":"100008000003683","terminal_id":"10000001"}"#;
    let parsed: ConnectorConfig = crate::json::from_json(json).unwrap();
    assert_eq!(parsed.name(), ConnectorName::Fiserv);
    assert_eq!(
        parsed,
        ConnectorConfig::Fiserv(FiservConfig::new("k", "s", "100008000003683", "10000001"))
    );
    let unknown = r#"{"type":"fiserv","api_key":"k","api_secret":"s","merchant_id":"m","terminal_id":"t","extra":1}"#;
    assert!(crate::json::from_json::<ConnectorConfig>(unknown).is_err());
    assert!(parsed.build(&sandbox()).is_ok());
    // The secret never serializes.
    let out = serde_json::to_string(&parsed).unwrap();
    assert!(!out.contains("\"s\""), "{out}");
}

#[test]
fn support_table() {
    use Flow::*;
    for flow in [Authorize, Psync, Capture, Void, Refund, Rsync, SetupMandate] {
        assert_eq!(support(flow), Support::Synchronous, "{flow}");
    }
    for flow in [
        CreateOrder,
        AcceptDispute,
        SubmitEvidence,
        DefendDispute,
        Webhook,
    ] {
        assert!(!support(flow).is_supported(), "{flow}");
    }
    assert_eq!(
        crate::connectors::support(ConnectorName::Fiserv, Flow::Webhook),
        Some(support(Flow::Webhook))
    );
}

#[test]
fn disputes_orders_and_webhooks_are_typed_unsupported_errors() {
    let fiserv = connector();
    let cx = cx();
    let order = CreateOrderRequest {
        amount: usd(100),
        merchant_reference: "o".into(),
        capture_method: CaptureMethod::Automatic,
        customer: None,
        idempotency_key: None,
        metadata: Default::default(),
    };
    let errors = [
        (
            Flow::CreateOrder,
            failed(fiserv.create_order(&order, &cx, &[])),
        ),
        (
            Flow::AcceptDispute,
            failed(fiserv.accept_dispute(
                &crate::json::from_json(r#"{"connector_dispute_id":"d"}"#).unwrap(),
                &cx,
                &[],
            )),
        ),
        (
            Flow::Webhook,
            fiserv
                .handle_webhook(&crate::json::from_json(r#"{"headers":{},"body":"e30="}"#).unwrap())
                .unwrap_err(),
        ),
    ];
    for (flow, e) in errors {
        assert_code(&e, ErrorCode::Unsupported);
        assert_eq!(e.connector, Some(ConnectorName::Fiserv));
        assert_eq!(e.flow, Some(flow));
        assert!(e.message().starts_with("Fiserv does not support"), "{e}");
    }
    let e = fiserv
        .handle_webhook(&crate::json::from_json(r#"{"headers":{},"body":"e30="}"#).unwrap())
        .unwrap_err();
    assert!(e.message().contains("no webhooks"), "{e}");
}
