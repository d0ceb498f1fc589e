//! The README's connector × payment-method table, derived from the connectors themselves: each
//! connector is asked to build an authorization for each method, and a method counts as taken
//! unless the connector answers with the typed `unsupported` error before sending. No list is
//! kept by hand, so the table cannot drift from the code.

use connector_service::connectors::Endpoint;
use connector_service::*;
use serde_json::{json, Value};

/// A configuration each connector accepts (placeholder credentials: nothing is sent).
fn sample_config(connector: ConnectorName) -> Value {
    match connector {
        ConnectorName::Adyen => {
            json!({"type": "adyen", "api_key": "key", "merchant_account": "Merchant"})
        }
        ConnectorName::Checkout => {
            json!({"type": "checkout", "secret_key": "sk_sbox_x", "public_key": "pk_sbox_x", "processing_channel_id": "pc_x"})
        }
        ConnectorName::Razorpay => {
            json!({"type": "razorpay", "key_id": "rzp_test_x", "key_secret": "secret"})
        }
        ConnectorName::Fiserv => {
            json!({"type": "fiserv", "api_key": "key", "api_secret": "secret", "merchant_id": "100008000003683", "terminal_id": "10000001"})
        }
        ConnectorName::Elavon => {
            json!({"type": "elavon", "merchant_id": "0020001", "user_id": "webpage", "pin": "PIN"})
        }
        ConnectorName::Xendit => {
            json!({"type": "xendit", "secret_key": "xnd_development_x"})
        }
    }
}

/// The currency each processor is tried in (its home market).
fn currency(connector: ConnectorName) -> &'static str {
    match connector {
        ConnectorName::Razorpay => "INR",
        ConnectorName::Xendit => "IDR",
        ConnectorName::Adyen | ConnectorName::Checkout => "EUR",
        ConnectorName::Fiserv | ConnectorName::Elavon => "USD",
    }
}

/// Each method as the table names it, with a sample value.
fn methods(connector: ConnectorName) -> Vec<(&'static str, Value)> {
    let wallet = if connector == ConnectorName::Razorpay {
        "mobikwik"
    } else {
        "DANA"
    };
    vec![
        (
            "card",
            json!({"type": "card", "number": "4111111111111111", "expiry_month": 3, "expiry_year": 2030, "cvc": "737"}),
        ),
        (
            "apple_pay",
            json!({"type": "apple_pay", "token": "{\"version\":\"EC_v1\",\"data\":\"x\",\"signature\":\"x\",\"header\":{\"ephemeralPublicKey\":\"x\",\"publicKeyHash\":\"x\",\"transactionId\":\"x\"}}"}),
        ),
        (
            "google_pay",
            json!({"type": "google_pay", "token": "{\"signature\":\"x\",\"protocolVersion\":\"ECv2\",\"signedMessage\":\"{}\"}"}),
        ),
        (
            "network_token",
            json!({"type": "network_token", "number": "4111111111111111", "expiry_month": 3, "expiry_year": 2030, "cryptogram": "AgAAAAAABk4DWZ4C28yUQAAAAAA=", "eci": "05"}),
        ),
        (
            "encrypted_card",
            json!({"type": "encrypted_card", "encrypted_card_number": "x", "encrypted_expiry_month": "x", "encrypted_expiry_year": "x"}),
        ),
        (
            "upi",
            json!({"type": "upi", "flow": "collect", "vpa": "success@razorpay"}),
        ),
        (
            "netbanking",
            json!({"type": "netbanking", "bank_code": "HDFC"}),
        ),
        (
            "bank_redirect",
            json!({"type": "bank_redirect", "method": "ideal"}),
        ),
        (
            "ewallet",
            json!({"type": "ewallet", "provider": wallet, "mobile_number": "+6281234567890"}),
        ),
    ]
}

/// Whether `connector` takes `method` at authorize: anything but the `unsupported` error.
fn takes(connector: ConnectorName, method: &Value) -> Option<bool> {
    let config: ConnectorConfig = serde_json::from_value(sample_config(connector)).ok()?;
    let built = config
        .build(&Endpoint::new(Environment::Sandbox, None).ok()?)
        .ok()?;
    let request: AuthorizeRequest = serde_json::from_value(json!({
        "amount": {"minor_units": 1000000, "currency": currency(connector)},
        "merchant_reference": "order-1",
        "payment_method": method,
        "return_url": "https://shop.example/return",
        "customer": {"id": "customer-1", "email": "shopper@example.com", "phone": "+919999999999", "first_name": "Ada", "last_name": "Lovelace"},
    }))
    .ok()?;
    let cx = FlowContext::new("00000000-0000-4000-8000-000000000000");
    Some(match built.authorize(&request, &cx, &[]) {
        Err(e) => e.code != ErrorCode::Unsupported,
        Ok(_) => true,
    })
}

/// The Markdown table: one row per method, one column per connector.
pub fn method_table_markdown() -> String {
    let mut out = String::from("| Method |");
    for &c in ConnectorName::ALL {
        out.push_str(&format!(" {} |", c.display_name()));
    }
    out.push_str("\n|---|");
    for _ in ConnectorName::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for (i, (name, _)) in methods(ConnectorName::Adyen).into_iter().enumerate() {
        out.push_str(&format!("| {name} |"));
        for &c in ConnectorName::ALL {
            let method = &methods(c)[i].1;
            let cell = match takes(c, method) {
                Some(true) => "✓",
                Some(false) => "✗",
                None => "?",
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out
}
