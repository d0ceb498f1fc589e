//! `support()` and the implementation agree, for every registered connector and every flow: a
//! flow marked supported builds its first request from a minimal valid input, and one marked
//! unsupported fails with the typed `unsupported` error carrying the reason `support()` gives.
//! A connector added to the registry is covered without touching this file.

use connector_service::connector::Support;
use connector_service::connectors::{self, IMPLEMENTED};
use connector_service::http::FlowContext;
use connector_service::*;
use serde_json::{json, Value};

/// A currency each processor takes, and an amount it can represent (Xendit: whole rupiah).
fn currency_of(connector: ConnectorName) -> (&'static str, i64) {
    match connector {
        ConnectorName::Razorpay => ("INR", 10_000),
        ConnectorName::Xendit => ("IDR", 1_000_000),
        ConnectorName::Adyen | ConnectorName::Checkout => ("EUR", 1_000),
        _ => ("USD", 1_000),
    }
}

/// A minimal valid request of `flow` (ids are made up: nothing is sent).
fn minimal_request(connector: ConnectorName, flow: Flow) -> Option<FlowRequest> {
    let (currency, minor) = currency_of(connector);
    let amount = json!({"minor_units": minor, "currency": currency});
    let card = json!({"type": "card", "number": "4111111111111111", "expiry_month": 3,
        "expiry_year": 2030, "cvc": "737", "holder_name": "Jane Doe"});
    let (op, request) = match flow {
        Flow::Authorize => (
            "payments.authorize",
            json!({"amount": amount, "merchant_reference": "matrix-1", "payment_method": card,
                "return_url": "https://shop.example/return",
                "customer": {"email": "jane@example.com", "phone": "+6281234567890"}}),
        ),
        Flow::Psync => (
            "payments.get",
            if connector == ConnectorName::Adyen {
                // Adyen has no status endpoint: its sync finishes a redirect.
                json!({"connector_transaction_id": "txn_1",
                    "redirect_result": {"redirectResult": "X6XtfGC3"}})
            } else {
                json!({"connector_transaction_id": "txn_1"})
            },
        ),
        Flow::Capture => (
            "payments.capture",
            json!({"connector_transaction_id": "txn_1", "amount": amount}),
        ),
        Flow::Void => (
            "payments.void",
            json!({"connector_transaction_id": "txn_1"}),
        ),
        Flow::Refund => (
            "payments.refund",
            json!({"connector_transaction_id": "txn_1", "amount": amount,
                "merchant_refund_reference": "matrix-r1"}),
        ),
        Flow::Rsync => (
            "refunds.get",
            json!({"connector_refund_id": "rfnd_1", "connector_transaction_id": "txn_1"}),
        ),
        Flow::SetupMandate => (
            "payments.setup_mandate",
            json!({"amount": amount, "merchant_reference": "matrix-m1", "payment_method": card,
                "return_url": "https://shop.example/return",
                "customer": {"id": "cus_1", "email": "jane@example.com", "phone": "+6281234567890"}}),
        ),
        Flow::CreateOrder => (
            "payments.create_order",
            json!({"amount": amount, "merchant_reference": "matrix-o1"}),
        ),
        Flow::AcceptDispute => ("disputes.accept", json!({"connector_dispute_id": "dsp_1"})),
        Flow::SubmitEvidence => (
            "disputes.submit_evidence",
            json!({"connector_dispute_id": "dsp_1", "documents": [{"evidence_type": "receipt",
                "content": "aGVsbG8=", "mime_type": "application/pdf", "file_name": "receipt.pdf"}]}),
        ),
        Flow::DefendDispute => (
            "disputes.defend",
            json!({"connector_dispute_id": "dsp_1", "reason_code": "goods_delivered"}),
        ),
        _ => return None,
    };
    Some(
        FlowRequest::from_json(op, &request.to_string())
            .unwrap_or_else(|e| panic!("{op}: the minimal request does not parse: {e}")),
    )
}

fn connector(credentials: &Value, name: ConnectorName) -> std::sync::Arc<dyn Connector> {
    let config = json!({"connector": credentials[name.as_str()], "base_url": "http://127.0.0.1:9"});
    let config: ClientConfig = json::from_json(&config.to_string()).expect("sandbox credentials");
    config.build_connector().expect("the connector builds")
}

#[test]
fn support_and_implementation_agree_for_every_connector_and_flow() {
    let sandbox = connector_sandbox::Sandbox::start_on_thread().expect("sandbox");
    let credentials = sandbox.credentials();
    let mut checked = 0;
    for &name in IMPLEMENTED {
        let connector = connector(&credentials, name);
        for &flow in Flow::ALL {
            let support = connectors::support(name, flow).expect("implemented");
            assert_eq!(connector.support(flow), support, "{name} {flow}");
            let label = format!("{} {}", name.as_str(), flow.as_str());
            let outcome = match flow {
                Flow::Webhook => connector
                    .handle_webhook(&WebhookRequest::new(Default::default(), b"{}".to_vec()))
                    .map(|_| ()),
                _ => {
                    let request = minimal_request(name, flow).expect("every flow has a request");
                    let cx = FlowContext::new("matrix-key");
                    request
                        .validate()
                        .and_then(|()| request.step(connector.as_ref(), &cx, &[]))
                        .map(|step| match step {
                            Step::Send(http) => assert!(
                                http.url.starts_with("http://127.0.0.1:9"),
                                "{label}: the request goes to the endpoint: {}",
                                http.url
                            ),
                            Step::Done(_) => panic!("{label}: done without any exchange"),
                        })
                }
            };
            match (support, outcome) {
                (Support::Unsupported(reason), Err(e)) => {
                    assert_eq!(e.code, ErrorCode::Unsupported, "{label}: {e}");
                    assert!(e.message.contains(reason), "{label}: {e} lacks `{reason}`");
                    assert_eq!(e.connector, Some(name), "{label}");
                    assert_eq!(e.flow, Some(flow), "{label}");
                }
                (Support::Unsupported(reason), Ok(())) => {
                    panic!("{label} is unsupported ({reason}) yet implemented")
                }
                // An unsigned empty webhook is refused by verification, not as unsupported.
                (_, Err(e)) if flow == Flow::Webhook => {
                    assert_eq!(e.code, ErrorCode::WebhookVerificationFailed, "{label}: {e}")
                }
                (_, Err(e)) => panic!("{label} is supported but fails to build: {e}"),
                (_, Ok(())) => assert_ne!(flow, Flow::Webhook, "{label}: unsigned accepted"),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, IMPLEMENTED.len() * Flow::ALL.len());
}
