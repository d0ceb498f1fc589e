//! Construction: URLs per environment, credential checks, the support table.

use super::*;
use crate::connector::{Connector, Support};
use crate::connectors::ConnectorConfig;

fn urls_of(adyen: &Adyen) -> [String; 8] {
    let u = &adyen.urls;
    [
        u.payments.clone(),
        u.payment_details.clone(),
        u.modification("PSP1", "captures"),
        u.modification("PSP1", "cancels"),
        u.modification("PSP1", "refunds"),
        u.accept_dispute.clone(),
        u.supply_defense_document.clone(),
        u.defend_dispute.clone(),
    ]
}

#[test]
fn sandbox_urls() {
    assert_eq!(
        urls_of(&connector()),
        [
            "https://checkout-test.adyen.com/v68/payments",
            "https://checkout-test.adyen.com/v68/payments/details",
            "https://checkout-test.adyen.com/v68/payments/PSP1/captures",
            "https://checkout-test.adyen.com/v68/payments/PSP1/cancels",
            "https://checkout-test.adyen.com/v68/payments/PSP1/refunds",
            "https://ca-test.adyen.com/ca/services/DisputeService/v30/acceptDispute",
            "https://ca-test.adyen.com/ca/services/DisputeService/v30/supplyDefenseDocument",
            "https://ca-test.adyen.com/ca/services/DisputeService/v30/defendDispute",
        ]
    );
}

#[test]
fn live_urls_use_the_prefix_for_checkout_and_the_live_disputes_host() {
    let mut c = config();
    c.live_endpoint_prefix = Some("1797a841fbb37ca7-AdyenDemo".into());
    let adyen = Adyen::new(&c, &Endpoint::new(Environment::Live, None).unwrap()).unwrap();
    assert_eq!(
        urls_of(&adyen),
        [
            "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout/v68/payments",
            "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout/v68/payments/details",
            "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout/v68/payments/PSP1/captures",
            "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout/v68/payments/PSP1/cancels",
            "https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com/checkout/v68/payments/PSP1/refunds",
            "https://ca-live.adyen.com/ca/services/DisputeService/v30/acceptDispute",
            "https://ca-live.adyen.com/ca/services/DisputeService/v30/supplyDefenseDocument",
            "https://ca-live.adyen.com/ca/services/DisputeService/v30/defendDispute",
        ]
    );
    for url in urls_of(&adyen) {
        assert!(!url.contains("-test"), "{url}");
        assert!(!url.contains('{'), "{url}");
    }
}

#[test]
fn base_url_override_serves_both_apis() {
    for raw in [
        "http://127.0.0.1:8080/adyen",
        "http://127.0.0.1:8080/adyen/",
    ] {
        let adyen = Adyen::new(
            &config(),
            &Endpoint::new(Environment::Sandbox, Some(raw)).unwrap(),
        )
        .unwrap();
        assert_eq!(
            urls_of(&adyen),
            [
                "http://127.0.0.1:8080/adyen/v68/payments",
                "http://127.0.0.1:8080/adyen/v68/payments/details",
                "http://127.0.0.1:8080/adyen/v68/payments/PSP1/captures",
                "http://127.0.0.1:8080/adyen/v68/payments/PSP1/cancels",
                "http://127.0.0.1:8080/adyen/v68/payments/PSP1/refunds",
                "http://127.0.0.1:8080/adyen/ca/services/DisputeService/v30/acceptDispute",
                "http://127.0.0.1:8080/adyen/ca/services/DisputeService/v30/supplyDefenseDocument",
                "http://127.0.0.1:8080/adyen/ca/services/DisputeService/v30/defendDispute",
            ]
        );
    }
    // With an override the live prefix is not needed: the override replaces both hosts.
    let live = Endpoint::new(Environment::Live, Some("https://proxy.example/adyen")).unwrap();
    let adyen = Adyen::new(&config(), &live).unwrap();
    assert_eq!(
        adyen.urls.payments,
        "https://proxy.example/adyen/v68/payments"
    );
}

#[test]
fn live_without_a_prefix_is_a_configuration_error() {
    let live = Endpoint::new(Environment::Live, None).unwrap();
    let e = Adyen::new(&config(), &live).unwrap_err();
    assert_code(&e, ErrorCode::Configuration);
    assert!(e.message().contains("live_endpoint_prefix"), "{e}");
    for bad in ["", "my prefix", "evil.example.com/x", "-abc", "abc/"] {
        let mut c = config();
        c.live_endpoint_prefix = Some(bad.into());
        assert_code(
            &Adyen::new(&c, &live).unwrap_err(),
            ErrorCode::Configuration,
        );
    }
}

#[test]
fn credentials_are_checked_once_at_construction() {
    let endpoint = sandbox_endpoint();
    let mut c = config();
    c.api_key = Secret::new(String::new());
    assert_code(
        &Adyen::new(&c, &endpoint).unwrap_err(),
        ErrorCode::Configuration,
    );
    let mut c = config();
    c.api_key = Secret::new("key with\nnewline".into());
    assert_code(
        &Adyen::new(&c, &endpoint).unwrap_err(),
        ErrorCode::Configuration,
    );
    let mut c = config();
    c.merchant_account = "  ".into();
    assert_code(
        &Adyen::new(&c, &endpoint).unwrap_err(),
        ErrorCode::Configuration,
    );
    let mut c = config();
    c.dispute_api_key = Some(Secret::new(String::new()));
    assert_code(
        &Adyen::new(&c, &endpoint).unwrap_err(),
        ErrorCode::Configuration,
    );
}

#[test]
fn the_webhook_key_is_hex_decoded_once() {
    let adyen = connector();
    let key = adyen.webhook_hmac_key.as_ref().unwrap().expose();
    assert_eq!(key.len(), 32);
    assert_eq!(key[0], 0x44);
    assert_eq!(key[31], 0x56);
    // Lower case hex is the same key.
    let mut c = config();
    c.webhook_hmac_key = Some(Secret::new(HMAC_KEY_HEX.to_lowercase()));
    assert_eq!(
        Adyen::new(&c, &sandbox_endpoint())
            .unwrap()
            .webhook_hmac_key
            .unwrap()
            .expose(),
        key
    );
    for bad in [
        "not hex",
        "ABC",
        "",
        "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA05G",
    ] {
        let mut c = config();
        c.webhook_hmac_key = Some(Secret::new(bad.into()));
        let e = Adyen::new(&c, &sandbox_endpoint()).unwrap_err();
        assert_code(&e, ErrorCode::Configuration);
        assert!(
            !e.to_string().contains("05G"),
            "the key must not leak into the message: {e}"
        );
    }
}

#[test]
fn the_registry_builds_the_adyen_connector() {
    let connector = ConnectorConfig::from(config())
        .build(&sandbox_endpoint())
        .unwrap();
    assert_eq!(connector.name(), ConnectorName::Adyen);
    assert_eq!(
        crate::connectors::support(ConnectorName::Adyen, Flow::Capture),
        Some(Support::Asynchronous)
    );
}

#[test]
fn support_follows_the_flow_matrix() {
    let adyen = connector();
    let expected = [
        (Flow::Authorize, Support::Synchronous),
        (Flow::Psync, Support::Synchronous),
        (Flow::Capture, Support::Asynchronous),
        (Flow::Void, Support::Asynchronous),
        (Flow::Refund, Support::Asynchronous),
        (Flow::SetupMandate, Support::Synchronous),
        (Flow::AcceptDispute, Support::Synchronous),
        (Flow::SubmitEvidence, Support::Synchronous),
        (Flow::DefendDispute, Support::Synchronous),
        (Flow::Webhook, Support::Synchronous),
    ];
    for (flow, support) in expected {
        assert_eq!(adyen.support(flow), support, "{flow}");
    }
    match adyen.support(Flow::Rsync) {
        Support::Unsupported(reason) => assert!(reason.contains("webhook"), "{reason}"),
        other => panic!("rsync: {other:?}"),
    }
    match adyen.support(Flow::CreateOrder) {
        Support::Unsupported(reason) => assert!(reason.contains("gift-card"), "{reason}"),
        other => panic!("create_order: {other:?}"),
    }
}

#[test]
fn rsync_and_create_order_are_unsupported_without_a_request() {
    let adyen = connector();
    let rsync = RefundGetRequest {
        connector_refund_id: Some("QFQTPCQ8HXSKGK82".into()),
        ..Default::default()
    };
    let e = failed(adyen.get_refund(&rsync, &cx(), &[]));
    assert_code(&e, ErrorCode::Unsupported);
    assert!(e.message().contains("webhook"), "{e}");
    assert_eq!(e.connector, Some(ConnectorName::Adyen));
    assert_eq!(e.flow, Some(Flow::Rsync));

    let order = CreateOrderRequest {
        amount: usd(1000),
        merchant_reference: "o-1".into(),
        capture_method: CaptureMethod::Automatic,
        customer: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    };
    let e = failed(adyen.create_order(&order, &cx(), &[]));
    assert_code(&e, ErrorCode::Unsupported);
    assert!(e.message().contains("partial-payment"), "{e}");
    assert_eq!(e.flow, Some(Flow::CreateOrder));
}

#[test]
fn the_idempotency_key_must_fit_adyen() {
    let adyen = connector();
    let long = FlowContext::new("k".repeat(65));
    let e = failed(adyen.authorize(&authorize_request(), &long, &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("idempotency_key"));
    let exact = FlowContext::new("k".repeat(64));
    let request = sent(adyen.authorize(&authorize_request(), &exact, &[]));
    assert_eq!(request.headers["Idempotency-Key"], "k".repeat(64));
}

#[test]
fn a_flow_takes_exactly_one_exchange() {
    let adyen = connector();
    let r = response(200, r#"{"resultCode":"Authorised","pspReference":"P"}"#);
    let e = failed(adyen.authorize(&authorize_request(), &cx(), &[r.clone(), r]));
    assert_code(&e, ErrorCode::Internal);
}
