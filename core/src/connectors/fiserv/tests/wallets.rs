//! Wallet tokens: decrypted wallets and network tokens (`DecryptedWallet`), encrypted Apple
//! Pay (`ApplePay`) and Google Pay (`GooglePay`) tokens.

use base64::Engine;
use serde_json::json;

use super::*;
use crate::connector::Connector;

fn with_method(method: &str) -> AuthorizeRequest {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.payment_method = crate::json::from_json(method).unwrap();
    req
}

#[test]
fn a_decrypted_apple_pay_token_is_a_decrypted_wallet_source() {
    let req = with_method(
        r#"{"type":"network_token","number":"4005550000000019","expiry_month":2,"expiry_year":2035,
            "cryptogram":"AgAAAAAABk4DWZ4C28yUQAAAAAA=","eci":"05","wallet":"apple_pay","holder_name":null}"#,
    );
    let body = body(&sent(connector().authorize(&req, &cx(), &[])));
    assert_eq!(
        body["source"],
        json!({"sourceType": "DecryptedWallet",
               "card": {"cardData": "4005550000000019", "expirationMonth": "02", "expirationYear": "2035"},
               "cavv": "AgAAAAAABk4DWZ4C28yUQAAAAAA=", "walletType": "APPLE_PAY"})
    );
    assert_eq!(
        body["transactionInteraction"]["eciIndicator"],
        json!("SECURE_ECOM")
    );
}

#[test]
fn a_decrypted_google_pay_token_maps_its_eci() {
    for (eci, indicator) in [
        ("07", "CHANNEL_ENCRYPTED"),
        ("06", "NON_AUTH_ECOM"),
        ("02", "SECURE_ECOM"),
    ] {
        let req = with_method(&format!(
            r#"{{"type":"network_token","number":"4005550000000019","expiry_month":2,"expiry_year":2035,
                "cryptogram":"AgAAAAAABk4DWZ4C28yUQAAAAAA=","eci":"{eci}","wallet":"google_pay"}}"#
        ));
        let body = body(&sent(connector().authorize(&req, &cx(), &[])));
        assert_eq!(body["source"]["walletType"], json!("GOOGLE_PAY"));
        assert_eq!(
            body["transactionInteraction"]["eciIndicator"],
            json!(indicator),
            "{eci}"
        );
    }
}

#[test]
fn a_scheme_network_token_is_refused_as_unverified() {
    let req = with_method(
        r#"{"type":"network_token","number":"4005550000000019","expiry_month":2,"expiry_year":2035,
            "cryptogram":"AgAAAAAABk4DWZ4C28yUQAAAAAA=","eci":"05","wallet":null}"#,
    );
    let e = failed(connector().authorize(&req, &cx(), &[]));
    assert_code(&e, ErrorCode::Unsupported);
    assert_eq!(e.field(), Some("payment_method.wallet"));
}

const APPLE_PAY_DATA: &str = r#"{"data":"hbreWcQg980mUoUCfuCoripnHO210lvtizOFLV6PTw1DjooSwik778bH","header":{"applicationDataHash":"94ee059335e587e501cc4bf90613e0814f00a7b08bc7c648fd865a2af6a22cc2","ephemeralPublicKey":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEvR","publicKeyHash":"KRsyW0NauLpN8OwKr+yeu4jl6APbgW05/TYo5eGW0bQ=","transactionId":"31323334353637"},"signature":"MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhki","version":"EC_v1"}"#;

#[test]
fn an_encrypted_apple_pay_token_is_sent_as_the_apple_pay_source() {
    let expected = json!({
        "sourceType": "ApplePay",
        "data": "hbreWcQg980mUoUCfuCoripnHO210lvtizOFLV6PTw1DjooSwik778bH",
        "header": {"applicationDataHash": "94ee059335e587e501cc4bf90613e0814f00a7b08bc7c648fd865a2af6a22cc2",
                   "ephemeralPublicKey": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEvR",
                   "publicKeyHash": "KRsyW0NauLpN8OwKr+yeu4jl6APbgW05/TYo5eGW0bQ=",
                   "transactionId": "31323334353637"},
        "signature": "MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhki",
        "version": "EC_v1"
    });
    let base64 = base64::engine::general_purpose::STANDARD.encode(APPLE_PAY_DATA);
    for token in [APPLE_PAY_DATA.to_string(), base64] {
        let req = with_method(&json!({"type": "apple_pay", "token": token}).to_string());
        let body = body(&sent(connector().authorize(&req, &cx(), &[])));
        assert_eq!(body["source"], expected);
        assert_eq!(
            body["transactionInteraction"]["eciIndicator"],
            json!("SECURE_ECOM")
        );
    }
    let bad = with_method(r#"{"type":"apple_pay","token":"not a token"}"#);
    let e = failed(connector().authorize(&bad, &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("payment_method.token"));
}

#[test]
fn an_encrypted_google_pay_token_is_sent_as_the_google_pay_source() {
    let signed_message = r#"{"encryptedMessage":"NZF5Vs2YaI","ephemeralPublicKey":"BAhnPIWrCXWv","tag":"liBzKfGcO+Fc"}"#;
    let token = json!({
        "signature": "MEQCIH6Q4OwQ0jAceFEkGF0JID6sJNXxOEi4r+mA7biRxqBQAiAondqoUpU/bdsrAOpZIsrHQS9nwiiNwOrr24RyPeHA0Q==",
        "intermediateSigningKey": {"signedKey": "{}", "signatures": ["x"]},
        "protocolVersion": "ECv2",
        "signedMessage": signed_message
    })
    .to_string();
    let req = with_method(&json!({"type": "google_pay", "token": token}).to_string());
    let body = body(&sent(connector().authorize(&req, &cx(), &[])));
    assert_eq!(
        body["source"],
        json!({"sourceType": "GooglePay", "data": signed_message,
               "signature": "MEQCIH6Q4OwQ0jAceFEkGF0JID6sJNXxOEi4r+mA7biRxqBQAiAondqoUpU/bdsrAOpZIsrHQS9nwiiNwOrr24RyPeHA0Q==",
               "version": "ECv2"})
    );
    let bad = with_method(r#"{"type":"google_pay","token":"{\"signature\":\"x\"}"}"#);
    let e = failed(connector().authorize(&bad, &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
}

#[test]
fn the_documented_decrypted_wallet_answer_is_read() {
    // CH docs `Google-Pay-Web-REST.md` response: the processor details at the top level.
    let answer = r#"{"gatewayResponse":{"transactionType":"CHARGE","transactionState":"AUTHORIZED","transactionOrigin":"ECOM","transactionProcessingDetails":{"transactionTime":"2021-06-20T23:42:48Z","orderId":"RKOrdID-525133851837","apiTraceId":"362866ac81864d7c9d1ff8b5aa6e98db","clientRequestId":"4345791","transactionId":"84356531338"}},
      "source":{"sourceType":"DecryptedWallet","card":{"bin":"40055500","last4":"0019","scheme":"VISA","expirationMonth":"10","expirationYear":"30"},"cavv":"01ade6ae340005c681c3a1890418b53000020000","wallet":"GOOGLE_PAY"},
      "paymentReceipt":{"approvedAmount":{"total":12.04,"currency":"USD"},"merchantName":"Merchant Name"},
      "processorResponseDetails":{"approvalStatus":"APPROVED","approvalCode":"OK5882","schemeTransactionId":"0225MCC625628","processor":"FISERV","host":"NASHVILLE","responseCode":"000","responseMessage":"APPROVAL","hostResponseCode":"00","hostResponseMessage":"APPROVAL"},
      "transactionDetails":{"captureFlag":true,"merchantInvoiceNumber":"123456789012"}}"#;
    let req = with_method(
        r#"{"type":"network_token","number":"4005550000000019","expiry_month":2,"expiry_year":2035,
            "cryptogram":"AgAAAAAABk4DWZ4C28yUQAAAAAA=","eci":"05","wallet":"google_pay"}"#,
    );
    let r = done(connector().authorize(&req, &cx(), &[response(201, answer)]));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.network_transaction_id.as_deref(), Some("0225MCC625628"));
}
