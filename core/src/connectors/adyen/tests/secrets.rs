//! No card number, CVC or API key in any Debug output of requests, errors or the connector.

use serde_json::json;

use super::*;
use crate::connector::Connector;

fn assert_clean(text: &str) {
    for secret in [CARD_NUMBER, API_KEY, DISPUTE_KEY, HMAC_KEY_HEX] {
        assert!(!text.contains(secret), "found a secret in: {text}");
    }
    assert!(
        !text.contains(&format!("\"{CVC}\"")),
        "found the CVC in: {text}"
    );
    assert!(!text.contains(CVC), "found the CVC in: {text}");
}

fn configured() -> Adyen {
    let mut c = config();
    c.dispute_api_key = Some(Secret::new(DISPUTE_KEY.to_string()));
    Adyen::new(&c, &sandbox_endpoint()).unwrap()
}

#[test]
fn request_debug_output_is_clean() {
    let adyen = configured();
    let setup_customer = Customer {
        id: Some("shopper-123".into()),
        ..Default::default()
    };
    let setup = SetupMandateRequest {
        return_url: Some("https://shop.example/return".into()),
        ..SetupMandateRequest::new(
            usd(0),
            "setup-1",
            PaymentMethod::Card(card()),
            setup_customer,
        )
    };
    let requests = [
        sent(adyen.authorize(&authorize_request(), &cx(), &[])),
        sent(adyen.setup_mandate(&setup, &cx(), &[])),
        sent(adyen.accept_dispute(
            &AcceptDisputeRequest {
                connector_dispute_id: "D1".into(),
                idempotency_key: None,
            },
            &cx(),
            &[],
        )),
    ];
    for request in &requests {
        let debug = format!("{request:?}");
        assert_clean(&debug);
        assert!(debug.contains("X-API-Key"), "{debug}");
        assert_clean(request.masked_body().as_deref().unwrap());
    }
    // The body does carry the card: it is what goes on the wire.
    assert_eq!(body(&requests[0])["paymentMethod"]["number"], CARD_NUMBER);
    // So do the request types' Debug renderings not.
    assert_clean(&format!("{:?}", authorize_request()));
}

#[test]
fn connector_debug_output_is_clean() {
    assert_clean(&format!("{:?}", configured()));
}

#[test]
fn error_debug_output_is_clean() {
    let adyen = configured();
    // Adyen echoing the card number in an error message.
    let echo =
        json!({"status": 422, "errorCode": "101", "message": format!("Invalid card number {CARD_NUMBER} cvc {CVC}"),
                      "errorType": "validation"})
        .to_string();
    let e = failed(adyen.authorize(&authorize_request(), &cx(), &[response(422, &echo)]));
    assert!(!format!("{e:?}").contains(CARD_NUMBER));
    assert!(!e.to_string().contains(CARD_NUMBER));
    // Construction and verification errors never quote credentials.
    let mut c = config();
    c.webhook_hmac_key = Some(Secret::new(format!("{API_KEY}zz")));
    let e = Adyen::new(&c, &sandbox_endpoint()).unwrap_err();
    assert_clean(&format!("{e:?} {e}"));
    let mut c = config();
    c.api_key = Secret::new(format!("{API_KEY} with space"));
    let e = Adyen::new(&c, &sandbox_endpoint()).unwrap_err();
    assert_clean(&format!("{e:?} {e}"));
    let e = failed(adyen.authorize(
        &{
            let mut r = authorize_request();
            r.return_url = None;
            r
        },
        &cx(),
        &[],
    ));
    assert_clean(&format!("{e:?} {e}"));
}

#[test]
fn raw_responses_are_masked() {
    let echo = json!({"resultCode": "Authorised", "pspReference": "P1",
        "additionalData": {"cardSummary": "1111", "cardBin": "411111", "paymentMethod.number": CARD_NUMBER},
        "paymentMethod": {"number": CARD_NUMBER, "cvc": CVC}})
    .to_string();
    let p = done(configured().authorize(&authorize_request(), &cx(), &[response(200, &echo)]));
    let raw = p.raw_response.unwrap();
    assert!(!raw.contains(CARD_NUMBER), "{raw}");
    assert!(!raw.contains("\"737\""), "{raw}");
    assert_clean(&format!("{:?}", response(200, &echo)));
}
