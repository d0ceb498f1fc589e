//! Payloads published by Adyen's official API libraries and OpenAPI documents, and a few by
//! third-party integrators (`published/`, sources in `published/SOURCES.md`), run through the same parsers the flows use: the authorize, PSync,
//! capture, void, refund and dispute steps with the payload as Adyen's answer, and the webhook
//! handler (HMAC verification included) for the notifications signed with a published key. The
//! notifications whose signing key was never published go through the item parser and the event
//! mapping, and must be rejected by the verifier.

use serde_json::Value;

use super::*;
use crate::connector::Connector;
use crate::connectors::adyen::webhooks::{map_item, signing_string, verify_item};
use crate::connectors::adyen::wire::NotificationRequestItem;

// ---------------------------------------------------------------- fixtures

macro_rules! published {
    ($file:literal) => {
        include_str!(concat!("published/", $file))
    };
}

const JAVA_AUTHORISED: &str = published!("java_payments_success_authorised.json");
const GO_AUTHORISED_CARD: &str = published!("go_authorised_card.json");
const JAVA_DETAILS_AUTHORISED: &str = published!("java_payment_details_authorised.json");
const DOTNET_DETAILS_AUTHORISED: &str = published!("dotnet_paymentsdetails_authorised.json");
const JAVA_AUTHENTICATION_FINISHED: &str =
    published!("java_payments_3ds2_authentication_finished.json");
const JAVA_REDIRECT_GET: &str = published!("java_payment_response_redirect_get.json");
const DOTNET_REDIRECT_GET: &str = published!("dotnet_payments_action_redirect.json");
const PHP_REDIRECT_PLACEHOLDER_URL: &str = published!("php_payments_action_redirect.json");
const JAVA_CHALLENGE_POST_REDIRECT: &str =
    published!("java_payments_3ds2_challenge_shopper_redirect.json");
const JAVA_DETAILS_THREEDS2_CHALLENGE: &str =
    published!("java_payment_details_threeds2_challenge.json");
const JAVA_DETAILS_CHALLENGE_SHOPPER: &str =
    published!("java_paymentsdetails_challenge_shopper_threeds2.json");
const DOTNET_IDENTIFY_SHOPPER: &str = published!("dotnet_payments_3ds2_identify_shopper.json");
const DOTNET_LEGACY_CHALLENGE: &str =
    published!("dotnet_payment_3ds_challenge_shopper_legacy_action.json");
const JAVA_PAYPAL_SDK: &str = published!("java_paypal_sdk_pending.json");
const JAVA_MULTIBANCO_VOUCHER: &str = published!("java_multibanco_voucher_present_to_shopper.json");
const JAVA_UPI_QR: &str = published!("java_payment_upi_qrcode_pending.json");
const JAVA_PIX_QR: &str = published!("java_pix_qrcode_pending.json");
const JAVA_BCMC_MOBILE_QR: &str = published!("java_bcmc_mobile_qrcode_pending.json");
const JAVA_REFUSED_CVC: &str = published!("java_authorise_refused_cvc_declined.json");
const JAVA_REFUSED_EXPIRED: &str = published!("java_authorise_refused_expired.json");
const DOTNET_MALFORMED: &str = published!("dotnet_payment_without_type_action_malformed.json");

const JAVA_DETAILS_ERROR_422: &str = published!("java_paymentsdetails_error_422.json");
const JAVA_MODIFICATION_ERROR_422: &str = published!("java_modifications_error_422.json");
const PHP_FORBIDDEN_403: &str = published!("php_payments_forbidden_403.json");

const JAVA_CAPTURE: &str = published!("java_captures_received.json");
const PYTHON_CAPTURE: &str = published!("python_payment_capture_received.json");
const PYTHON_CANCEL: &str = published!("python_payments_cancels_received.json");
const JAVA_STANDALONE_CANCEL: &str = published!("java_standalone_cancels_received.json");
const JAVA_REFUND: &str = published!("java_refunds_received.json");
const PHP_REFUND: &str = published!("php_refund_captured_payment_received.json");

const NODE_ACCEPT_DISPUTE: &str = published!("node_accept_dispute_success.json");
const GO_DEFEND_NOT_FOUND: &str = published!("go_defend_dispute_not_found.json");
const GO_SUPPLY_UNKNOWN: &str = published!("go_supply_defense_document_unknown_dispute.json");

// Refusals, `Cancelled` and `Error` results, `Received` answers, further actions.
const AM_REFUSED_MC_ADVICE: &str = published!("activemerchant_refused_mastercard_advice.json");
const AM_REFUSED_DO_NOT_HONOR: &str = published!("activemerchant_refused_avs_do_not_honor.json");
const KARHOO_CANCELLED_FRAUD: &str = published!("karhoo_cancelled_fraud.json");
const GO_RESULT_ERROR: &str = published!("go_payment_response_error.json");
const GO_IDEAL_REDIRECT: &str = published!("go_payment_response_ideal_redirect.json");
const GO_UNKNOWN_ACTION: &str = published!("go_payment_response_unknown_action.json");
const JAVA_BANK_TRANSFER_RECEIVED: &str = published!("java_banktransfer_received.json");
const DOTNET_TRUSTLY_RECEIVED: &str = published!("dotnet_paymentsdetails_trustly_received.json");

// `ServiceError` examples of the Checkout API v68 OpenAPI document, and one more 5xx.
const OAS_400: &str = published!("oas_generic_400.json");
const OAS_401: &str = published!("oas_generic_401.json");
const OAS_403: &str = published!("oas_generic_403.json");
const OAS_422: &str = published!("oas_generic_422.json");
const OAS_500: &str = published!("oas_generic_500.json");
const AM_500_VALIDATION: &str = published!("activemerchant_error_500_validation.json");

/// The items of `test_webhooks_with_slashes` (Python library) and
/// `testValidateHMACWithoutEscaping` (Java library), all signed with [`SLASHES_KEY`].
const PYTHON_BACKSLASH_ITEM: &str = published!("python_hmac_backslash_item.json");
const PYTHON_COLON_ITEM: &str = published!("python_hmac_colon_item.json");
const PYTHON_FORWARDSLASH_ITEM: &str = published!("python_hmac_forwardslash_item.json");
const JAVA_HMAC_ITEM: &str = published!("java_hmac_validation_item.json");
const SLASHES_KEY: &str = "74F490DD33F7327BAECC88B2947C011FC02D014A473AAA33A8EC93E4DC069174";
/// `HMACValidatorTest.testValidateHMAC` (Java library), signed with [`REPORT_KEY`].
const JAVA_REPORT_AVAILABLE_ITEM: &str = published!("java_hmac_report_available_item.json");
const REPORT_KEY: &str = "9064450A8892A093D9E97EFCC9639DE31B74F3A7803135555A3C96F5A57915D6";

const JAVA_AUTHORISATION_TRUE: &str = published!("java_notification_authorisation_true.json");
const JAVA_CANCELLATION_TRUE: &str = published!("java_notification_cancellation_true.json");
const JAVA_CAPTURE_FALSE: &str = published!("java_notification_capture_false.json");
const NODE_CAPTURE_TRUE: &str = published!("node_notification_capture_true.json");
const JAVA_CHARGEBACK: &str = published!("java_notification_chargeback.json");
const JAVA_OFFER_CLOSED: &str = published!("java_notification_offer_closed.json");
const JAVA_REFUND_FALSE: &str = published!("java_notification_refund_false.json");
const JAVA_REFUND_TRUE: &str = published!("java_notification_refund_true.json");
const GO_AUTORESCUE: &str = published!("go_notification_autorescue.json");

// ---------------------------------------------------------------- helpers

fn authorized(body: &str, capture: CaptureMethod) -> PaymentResponse {
    let mut r = authorize_request();
    r.capture_method = capture;
    done(connector().authorize(&r, &cx(), &[response(200, body)]))
}

fn authorize(body: &str) -> PaymentResponse {
    authorized(body, CaptureMethod::Automatic)
}

/// PSync after a redirect: `/payments/details` answered with `body`.
fn details(body: &str, capture: Option<CaptureMethod>) -> PaymentResponse {
    let req = PaymentGetRequest {
        connector_transaction_id: Some("V4HZ4RBFJGXXGN82".into()),
        redirect_result: Some(
            [("redirectResult".to_string(), "X6XtfGC3!Y...".to_string())]
                .into_iter()
                .collect(),
        ),
        capture_method: capture,
        ..Default::default()
    };
    done(connector().get_payment(&req, &cx(), &[response(200, body)]))
}

fn redirect(p: &PaymentResponse) -> &RedirectAction {
    match p.next_action.as_ref() {
        Some(NextAction::Redirect(r)) => r,
        other => panic!("expected a redirect, got {other:?}"),
    }
}

/// The `action` handed to Adyen's SDK, checked to be the published action unchanged.
fn sdk_action(p: &PaymentResponse, body: &str) -> String {
    match p.next_action.as_ref() {
        Some(NextAction::Sdk(sdk)) => {
            let published: Value = serde_json::from_str(body).unwrap();
            let data: Value = serde_json::from_str(&sdk.data).unwrap();
            assert_eq!(data, published["action"]);
            sdk.action_type.clone()
        }
        other => panic!("expected an SDK action, got {other:?}"),
    }
}

fn connector_with_hmac_key(hex_key: &str) -> Adyen {
    let mut c = config();
    c.webhook_hmac_key = Some(Secret::new(hex_key.to_string()));
    Adyen::new(&c, &sandbox_endpoint()).unwrap()
}

fn webhook(body: &str) -> WebhookRequest {
    let headers: std::collections::BTreeMap<String, String> =
        [("Content-Type".to_string(), "application/json".to_string())].into();
    WebhookRequest::new(headers, body.as_bytes().to_vec())
}

/// Bare `NotificationRequestItem`s, unchanged, in the documented envelope.
fn envelope(items: &[&str]) -> String {
    let wrapped: Vec<String> = items
        .iter()
        .map(|item| format!(r#"{{"NotificationRequestItem": {item}}}"#))
        .collect();
    format!(
        r#"{{"live": "false", "notificationItems": [{}]}}"#,
        wrapped.join(", ")
    )
}

/// The items of a published envelope, as the handler reads them.
fn items(envelope: &str) -> Vec<NotificationRequestItem> {
    let v: Value = serde_json::from_str(envelope).unwrap();
    v["notificationItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| serde_json::from_value(w["NotificationRequestItem"].clone()).unwrap())
        .collect()
}

/// The one event of a published envelope whose signing key was not published: parsed and mapped
/// as the handler does after verification.
fn mapped(envelope: &str) -> WebhookEvent {
    let items = items(envelope);
    assert_eq!(items.len(), 1);
    map_item(&items[0], 0).expect("a mapped event")
}

fn payment_event(e: WebhookEvent) -> PaymentEvent {
    match e {
        WebhookEvent::Payment(p) => p,
        other => panic!("expected a payment event, got {other:?}"),
    }
}

fn refund_event(e: WebhookEvent) -> RefundEvent {
    match e {
        WebhookEvent::Refund(r) => r,
        other => panic!("expected a refund event, got {other:?}"),
    }
}

// ---------------------------------------------------------------- /payments: final results

#[test]
fn authorised_answers_follow_the_capture_mode() {
    let p = authorize(JAVA_AUTHORISED);
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.connector_status.as_deref(), Some("Authorised"));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("8535296650153317")
    );
    assert!(p.decline.is_none() && p.next_action.is_none());
    assert_eq!(p.amount, None);
    let p = authorized(JAVA_AUTHORISED, CaptureMethod::Manual);
    assert_eq!(p.status, PaymentStatus::Authorized);

    let p = authorize(GO_AUTHORISED_CARD);
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("993617895215577D")
    );
    assert_eq!(p.merchant_reference.as_deref(), Some("string"));
    // `refusalReasonRaw: AUTHORISED` of an authorised payment is no decline.
    assert!(p.decline.is_none());
}

#[test]
fn payment_details_answers_finish_the_redirect() {
    let p = details(JAVA_DETAILS_AUTHORISED, None);
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("V4HZ4RBFJGXXGN82")
    );
    let p = details(JAVA_DETAILS_AUTHORISED, Some(CaptureMethod::Manual));
    assert_eq!(p.status, PaymentStatus::Authorized);

    let p = details(DOTNET_DETAILS_AUTHORISED, Some(CaptureMethod::Manual));
    assert_eq!(p.status, PaymentStatus::Authorized);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("8515232733321252")
    );
    assert!(p.decline.is_none());
}

#[test]
fn authentication_finished_is_authentication_successful() {
    let p = authorize(JAVA_AUTHENTICATION_FINISHED);
    assert_eq!(p.status, PaymentStatus::AuthenticationSuccessful);
    assert_eq!(
        p.connector_status.as_deref(),
        Some("AuthenticationFinished")
    );
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("882563360573365D")
    );
    assert!(p.next_action.is_none());
}

#[test]
fn refusals_are_failures_with_the_refusal_reason() {
    let p = authorize(JAVA_REFUSED_CVC);
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(p.connector_status.as_deref(), Some("Refused"));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("7924836078655376")
    );
    let decline = p.decline.unwrap();
    assert_eq!(decline.message.as_deref(), Some("CVC Declined"));
    assert_eq!(decline.code, None);
    assert_eq!(decline.network_decline_code, None);

    let p = authorize(JAVA_REFUSED_EXPIRED);
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("7924836277951659")
    );
    let decline = p.decline.unwrap();
    assert_eq!(decline.message.as_deref(), Some("Refused"));
    // `refusalReasonRaw: "DECLINED Expiry Incorrect"` holds no response code.
    assert_eq!(decline.network_decline_code, None);
}

#[test]
fn refusals_carry_the_network_decline_and_advice_codes() {
    // `refusalReasonRaw: "01: Refer to card issuer"` and a Mastercard merchant advice code.
    let p = authorize(AM_REFUSED_MC_ADVICE);
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(p.connector_status.as_deref(), Some("Refused"));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("8514775559925128")
    );
    assert!(p.next_action.is_none());
    let decline = p.decline.unwrap();
    assert_eq!(decline.message.as_deref(), Some("Refused"));
    assert_eq!(decline.code, None);
    assert_eq!(decline.network_decline_code.as_deref(), Some("01"));
    assert_eq!(decline.network_advice_code.as_deref(), Some("01"));

    // A live-acquirer refusal: `refusalReasonRaw: "05 : Do not honor"`, no advice code.
    let p = authorized(AM_REFUSED_DO_NOT_HONOR, CaptureMethod::Manual);
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("1715167376763498")
    );
    let decline = p.decline.unwrap();
    assert_eq!(decline.message.as_deref(), Some("Refused"));
    assert_eq!(decline.network_decline_code.as_deref(), Some("05"));
    assert_eq!(decline.network_advice_code, None);
}

#[test]
fn a_cancelled_result_is_voided() {
    let p = details(KARHOO_CANCELLED_FRAUD, Some(CaptureMethod::Manual));
    assert_eq!(p.status, PaymentStatus::Voided);
    assert_eq!(p.connector_status.as_deref(), Some("Cancelled"));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("852614786431484C")
    );
    assert_eq!(
        p.merchant_reference.as_deref(),
        Some("0d10e9f0-f000-4a22-95bc-bfc6f8530e37/preauth/0")
    );
    assert!(p.next_action.is_none());
}

#[test]
fn a_cancelled_result_keeps_its_refusal_reason() {
    // Spec §5.1: whenever `refusalReason` or `refusalReasonCode` is present, code =
    // refusalReasonCode and message = refusalReason; `Cancelled` (`22 FRAUD-CANCELLED`) too.
    let p = details(KARHOO_CANCELLED_FRAUD, None);
    assert_eq!(p.status, PaymentStatus::Voided);
    let decline = p
        .decline
        .expect("the refusal reason of the cancelled payment");
    assert_eq!(decline.code.as_deref(), Some("22"));
    assert_eq!(decline.message.as_deref(), Some("FRAUD-CANCELLED"));
}

#[test]
fn an_error_result_is_a_failure() {
    let p = authorize(GO_RESULT_ERROR);
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(p.connector_status.as_deref(), Some("Error"));
    assert!(p.next_action.is_none());
    // No refusal fields in the answer: the decline is there, empty.
    assert_eq!(p.decline, Some(DeclineDetails::default()));
    // The Go library's mock spells the key `PspReference` (Go decodes keys without regard to
    // case); Adyen's field is `pspReference`, the only spelling read.
    assert_eq!(p.connector_transaction_id, None);
}

#[test]
fn received_answers_are_pending() {
    // Bank transfer: `Received` with the transfer instructions for the shopper.
    let p = authorize(JAVA_BANK_TRANSFER_RECEIVED);
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(p.connector_status.as_deref(), Some("Received"));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("851617894736924A")
    );
    assert_eq!(
        p.merchant_reference.as_deref(),
        Some("auth-banktransfer-split-e9afabf7-918a-471e-a8a2-40e1180bc156")
    );
    assert_eq!(sdk_action(&p, JAVA_BANK_TRANSFER_RECEIVED), "bankTransfer");
    // The transfer's amount is the action's; the answer names no payment amount.
    assert_eq!(p.amount, None);
    assert!(p.decline.is_none());

    // Trustly after the redirect: `Received`, nothing for the shopper to do.
    let p = details(DOTNET_TRUSTLY_RECEIVED, None);
    assert_eq!(p.status, PaymentStatus::Pending);
    assert_eq!(p.connector_status.as_deref(), Some("Received"));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("881595517976891A")
    );
    assert_eq!(
        p.merchant_reference.as_deref(),
        Some("81d5a69d-6880-4011-9a5d-8e120491010b")
    );
    assert!(p.next_action.is_none() && p.decline.is_none());
}

#[test]
fn a_published_body_that_is_not_json_is_an_invalid_response() {
    let e = failed(connector().authorize(
        &authorize_request(),
        &cx(),
        &[response(200, DOTNET_MALFORMED)],
    ));
    assert_code(&e, ErrorCode::InvalidResponse);
}

// ---------------------------------------------------------------- /payments: shopper actions

#[test]
fn get_redirects_carry_the_url_and_its_query_pairs() {
    for body in [JAVA_REDIRECT_GET, DOTNET_REDIRECT_GET] {
        let p = authorize(body);
        assert_eq!(p.status, PaymentStatus::AuthenticationPending);
        assert_eq!(p.connector_status.as_deref(), Some("RedirectShopper"));
        assert_eq!(
            p.connector_transaction_id.as_deref(),
            Some("993617895204576J")
        );
        let r = redirect(&p);
        assert_eq!(
            r.url,
            "https://checkoutshopper-test.adyen.com/checkoutshopper/threeDS/redirect?MD=M2R..."
        );
        assert_eq!(r.method, HttpMethod::Get);
        assert_eq!(
            r.form_fields,
            [("MD".to_string(), "M2R...".to_string())].into()
        );
    }
}

#[test]
fn an_ideal_redirect_carries_the_redirect_data() {
    let p = authorize(GO_IDEAL_REDIRECT);
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(p.connector_status.as_deref(), Some("RedirectShopper"));
    assert_eq!(p.connector_transaction_id, None);
    let r = redirect(&p);
    assert_eq!(
        r.url,
        "https://checkoutshopper-test.adyen.com/checkoutshopper/checkoutPaymentRedirect?redirectData=X6XtfGC3..."
    );
    assert_eq!(r.method, HttpMethod::Get);
    assert_eq!(
        r.form_fields,
        [("redirectData".to_string(), "X6XtfGC3...".to_string())].into()
    );
}

#[test]
fn a_post_redirect_carries_its_form_fields() {
    let p = authorize(JAVA_CHALLENGE_POST_REDIRECT);
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(p.connector_status.as_deref(), Some("ChallengeShopper"));
    assert_eq!(p.connector_transaction_id, None);
    let r = redirect(&p);
    assert_eq!(r.url, "https://test.adyen.com/hpp/3d/validate.shtml");
    assert_eq!(r.method, HttpMethod::Post);
    assert_eq!(
        r.form_fields,
        [
            ("MD", "OEVudmZVMUlkWjd0MDNwUWs2bmhSdz09..."),
            ("PaReq", "eNpVUttygjAQ/RXbDyAXBYRZ00HpTH3wUosPfe..."),
            ("TermUrl", "https://your-company.com/checkout/"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    );
}

#[test]
fn a_redirect_without_a_usable_url_is_handed_to_the_sdk() {
    // PHP library mock: `"url": "url"` cannot be opened; the action is kept whole.
    let p = authorize(PHP_REDIRECT_PLACEHOLDER_URL);
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(sdk_action(&p, PHP_REDIRECT_PLACEHOLDER_URL), "redirect");
}

#[test]
fn native_three_ds2_actions_are_handed_to_the_sdk() {
    let p = authorize(DOTNET_IDENTIFY_SHOPPER);
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(p.connector_status.as_deref(), Some("IdentifyShopper"));
    assert_eq!(sdk_action(&p, DOTNET_IDENTIFY_SHOPPER), "threeDS2");

    for body in [
        JAVA_DETAILS_THREEDS2_CHALLENGE,
        JAVA_DETAILS_CHALLENGE_SHOPPER,
    ] {
        let p = details(body, None);
        assert_eq!(p.status, PaymentStatus::AuthenticationPending);
        assert_eq!(p.connector_status.as_deref(), Some("ChallengeShopper"));
        // No pspReference in the answer: the payment PSync named is kept.
        assert_eq!(
            p.connector_transaction_id.as_deref(),
            Some("V4HZ4RBFJGXXGN82")
        );
        assert_eq!(sdk_action(&p, body), "threeDS2");
    }

    // An action type the API reference does not list (the Go library rejects it): kept whole
    // for the SDK, never an unreadable answer.
    let p = authorize(GO_UNKNOWN_ACTION);
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(p.connector_status.as_deref(), Some("IdentifyShopper"));
    assert_eq!(sdk_action(&p, GO_UNKNOWN_ACTION), "unknown");

    // An action type from older API versions (`threeDS2Challenge`), with trailing whitespace
    // after the body.
    let p = authorize(DOTNET_LEGACY_CHALLENGE);
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(sdk_action(&p, DOTNET_LEGACY_CHALLENGE), "threeDS2Challenge");
}

#[test]
fn sdk_and_voucher_actions_wait_for_the_shopper() {
    let p = authorize(JAVA_PAYPAL_SDK);
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(p.connector_status.as_deref(), Some("Pending"));
    assert_eq!(sdk_action(&p, JAVA_PAYPAL_SDK), "sdk");

    let p = authorize(JAVA_MULTIBANCO_VOUCHER);
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(p.connector_status.as_deref(), Some("PresentToShopper"));
    assert_eq!(sdk_action(&p, JAVA_MULTIBANCO_VOUCHER), "voucher");
    // The voucher's amounts are the action's; the answer names no payment amount.
    assert_eq!(p.amount, None);
}

#[test]
fn qr_code_actions_carry_the_code_data() {
    let p = authorize(JAVA_UPI_QR);
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        p.next_action,
        Some(NextAction::QrCode(QrCodeAction {
            data: "iVBORw0KGgoAAAANSUhEUgAAAMgAAADIA….".into(),
            image_url: None,
        }))
    );

    let p = authorize(JAVA_PIX_QR);
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("8815658961765250")
    );
    assert_eq!(
        p.next_action,
        Some(NextAction::QrCode(QrCodeAction {
            data: "DMhpN90TFR2e7TzwHYRFkhw4brxm2wHBg".into(),
            image_url: None,
        }))
    );

    // BCMC Mobile: `url` is the app link (`BEPGenApp://...`), not an image of the code.
    let p = authorize(JAVA_BCMC_MOBILE_QR);
    assert_eq!(p.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        p.next_action,
        Some(NextAction::QrCode(QrCodeAction {
            data: "BEP://1bcmc-test.adyen.com/pal/test".into(),
            image_url: None,
        }))
    );
}

// ---------------------------------------------------------------- errors

#[test]
fn service_errors_are_classified() {
    let adyen = connector();
    let req = PaymentGetRequest {
        connector_transaction_id: Some("V4HZ4RBFJGXXGN82".into()),
        redirect_result: Some(
            [("redirectResult".to_string(), "X6XtfGC3!Y...".to_string())]
                .into_iter()
                .collect(),
        ),
        ..Default::default()
    };
    let e = failed(adyen.get_payment(&req, &cx(), &[response(422, JAVA_DETAILS_ERROR_422)]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.http_status, Some(422));
    assert_eq!(e.processor_code.as_deref(), Some("101"));
    assert_eq!(e.processor_message.as_deref(), Some("Invalid card number"));
    assert!(!e.retryable);

    let e = failed(adyen.authorize(
        &authorize_request(),
        &cx(),
        &[response(403, PHP_FORBIDDEN_403)],
    ));
    assert_code(&e, ErrorCode::Authentication);
    assert_eq!(e.processor_code.as_deref(), Some("010"));
    assert_eq!(e.processor_message.as_deref(), Some("Forbidden"));

    let capture = CaptureRequest {
        connector_transaction_id: "852633330805862B".into(),
        amount: money(1000, "EUR"),
        authorized_amount: None,
        merchant_reference: None,
        idempotency_key: None,
    };
    let e = failed(adyen.capture(
        &capture,
        &cx(),
        &[response(422, JAVA_MODIFICATION_ERROR_422)],
    ));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("167"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("Original pspReference required for this operation")
    );
    assert_eq!(e.request_id.as_deref(), Some("invalid_psp"));
}

#[test]
fn oas_service_errors_are_classified_by_status_and_error_type() {
    let authorize_failing = |status: u16, body: &str| {
        failed(connector().authorize(&authorize_request(), &cx(), &[response(status, body)]))
    };

    let e = authorize_failing(400, OAS_400);
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.http_status, Some(400));
    assert_eq!(e.processor_code.as_deref(), Some("702"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some(r#"Unexpected input: ", expected: }"#)
    );
    assert_eq!(e.request_id, None);
    assert!(!e.retryable);

    let e = authorize_failing(401, OAS_401);
    assert_code(&e, ErrorCode::Authentication);
    assert_eq!(e.processor_code.as_deref(), Some("000"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("HTTP Status Response - Unauthorized")
    );
    assert!(!e.retryable);

    let e = authorize_failing(403, OAS_403);
    assert_code(&e, ErrorCode::Authentication);
    assert_eq!(e.processor_code.as_deref(), Some("901"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("Invalid Merchant Account")
    );
    assert_eq!(e.request_id.as_deref(), Some("881611827877203B"));
    // Refused before anything was done: no payment to reconcile.
    assert_eq!(e.connector_transaction_id, None);

    let e = authorize_failing(422, OAS_422);
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("14_030"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("Return URL is missing.")
    );
    assert_eq!(e.request_id.as_deref(), Some("8816118280275544"));
    assert!(!e.retryable);

    // A 5xx with `errorType: configuration` is a configuration problem: not retried.
    let e = authorize_failing(500, OAS_500);
    assert_code(&e, ErrorCode::Configuration);
    assert_eq!(e.http_status, Some(500));
    assert_eq!(e.processor_code.as_deref(), Some("905"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("Payment details are not supported")
    );
    assert_eq!(e.request_id.as_deref(), Some("8516091485743033"));
    assert!(!e.retryable);

    // Any other 5xx is the processor being unavailable, and may be retried.
    let e = authorize_failing(500, AM_500_VALIDATION);
    assert_code(&e, ErrorCode::ProcessorUnavailable);
    assert_eq!(e.processor_code.as_deref(), Some("702"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("The 'deliveryDate' field is invalid. Invalid date (year)")
    );
    assert!(e.retryable);
}

// ---------------------------------------------------------------- modifications

#[test]
fn captures_received_are_pending() {
    let cases = [
        (
            JAVA_CAPTURE,
            "852633330805862B",
            "882633337753910C",
            "my_reference",
            1000,
        ),
        (
            PYTHON_CAPTURE,
            "8536214160615591",
            "8836226171638872",
            "YOUR_UNIQUE_REFERENCE",
            2500,
        ),
    ];
    for (body, payment, capture_psp, reference, value) in cases {
        let req = CaptureRequest {
            connector_transaction_id: payment.into(),
            amount: money(value, "EUR"),
            authorized_amount: None,
            merchant_reference: Some(reference.into()),
            idempotency_key: None,
        };
        let p = done(connector().capture(&req, &cx(), &[response(201, body)]));
        assert_eq!(p.status, PaymentStatus::Pending);
        assert_eq!(p.connector_status.as_deref(), Some("received"));
        assert_eq!(p.connector_transaction_id.as_deref(), Some(payment));
        assert_eq!(p.connector_operation_id.as_deref(), Some(capture_psp));
        assert_eq!(p.merchant_reference.as_deref(), Some(reference));
        assert_eq!(p.amount, Some(money(value, "EUR")));
        assert_eq!(p.http_status, Some(201));
    }
}

#[test]
fn cancels_received_are_void_initiated() {
    let void = |payment: &str| VoidRequest {
        connector_transaction_id: payment.into(),
        ..Default::default()
    };
    let p = done(connector().void(
        &void("8836183819713023"),
        &cx(),
        &[response(201, PYTHON_CANCEL)],
    ));
    assert_eq!(p.status, PaymentStatus::VoidInitiated);
    assert_eq!(p.connector_status.as_deref(), Some("received"));
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("8836183819713023")
    );
    assert_eq!(
        p.connector_operation_id.as_deref(),
        Some("8412534564722331")
    );
    assert_eq!(p.merchant_reference.as_deref(), Some("Cancel123"));

    // The standalone `/cancels` answer names the payment as `paymentReference` (the merchant's
    // reference), not `paymentPspReference`: the payment's id stays the one the request named.
    let p = done(connector().void(
        &void("852633330805862B"),
        &cx(),
        &[response(201, JAVA_STANDALONE_CANCEL)],
    ));
    assert_eq!(p.status, PaymentStatus::VoidInitiated);
    assert_eq!(
        p.connector_transaction_id.as_deref(),
        Some("852633330805862B")
    );
    assert_eq!(
        p.connector_operation_id.as_deref(),
        Some("861633338418518C")
    );
}

#[test]
fn refunds_received_are_pending_with_their_own_reference() {
    let cases = [
        (JAVA_REFUND, "852633330805862B", "862633338502676D", 1000),
        (PHP_REFUND, "993617894903480A", "993617894906488A", 2500),
    ];
    for (body, payment, refund_psp, value) in cases {
        let req = RefundRequest {
            connector_transaction_id: payment.into(),
            amount: money(value, "EUR"),
            merchant_refund_reference: None,
            reason: None,
            refundable_amount: None,
            idempotency_key: None,
            metadata: Metadata::new(),
        };
        let r = done(connector().refund(&req, &cx(), &[response(201, body)]));
        assert_eq!(r.status, RefundStatus::Pending);
        assert_eq!(r.connector_status.as_deref(), Some("received"));
        assert_eq!(r.connector_refund_id.as_deref(), Some(refund_psp));
        assert_eq!(r.connector_transaction_id.as_deref(), Some(payment));
        assert_eq!(r.amount, Some(money(value, "EUR")));
    }
}

// ---------------------------------------------------------------- disputes

#[test]
fn dispute_service_results() {
    let adyen = connector();
    let accept = AcceptDisputeRequest {
        connector_dispute_id: "FOO12345BAR".into(),
        idempotency_key: None,
    };
    let d = done(adyen.accept_dispute(&accept, &cx(), &[response(200, NODE_ACCEPT_DISPUTE)]));
    assert_eq!(d.status, DisputeStatus::Accepted);
    assert_eq!(d.connector_dispute_id, "FOO12345BAR");

    let defend = DefendDisputeRequest {
        connector_dispute_id: "FOO12345BAR".into(),
        reason_code: Some("DuplicateChargeback".into()),
        idempotency_key: None,
    };
    let e = failed(adyen.defend_dispute(&defend, &cx(), &[response(200, GO_DEFEND_NOT_FOUND)]));
    assert_code(&e, ErrorCode::ProcessorError);
    assert_eq!(e.processor_message.as_deref(), Some("Dispute not found."));

    let evidence = SubmitEvidenceRequest {
        connector_dispute_id: "FOO12345BAR".into(),
        documents: vec![EvidenceDocument {
            evidence_type: EvidenceType::Other,
            content: Bytes(b"proof".to_vec()),
            mime_type: "image/jpg".into(),
            file_name: None,
            connector_document_type: None,
        }],
        summary: None,
        idempotency_key: None,
    };
    let e = failed(adyen.submit_evidence(&evidence, &cx(), &[response(200, GO_SUPPLY_UNKNOWN)]));
    assert_code(&e, ErrorCode::ProcessorError);
    assert_eq!(e.processor_message.as_deref(), Some("Unknown dispute"));
}

// ---------------------------------------------------------------- webhooks signed with a published key

#[test]
fn published_signing_strings_use_the_decoded_values() {
    let item = |json: &str| -> NotificationRequestItem { serde_json::from_str(json).unwrap() };
    let cases = [
        (
            PYTHON_BACKSLASH_ITEM,
            r"T7FD4VM4D3RZNN82::AntoniStroinski:\\slashes are fun:1000:EUR:AUTHORISATION:true",
        ),
        (
            PYTHON_COLON_ITEM,
            "M8NB66SBZSGLNK82::AntoniStroinski::slashes are fun:1000:EUR:AUTHORISATION:true",
        ),
        (
            PYTHON_FORWARDSLASH_ITEM,
            "X3GWNS6KJ8NKGK82::AntoniStroinski://slashes are fun:1000:EUR:AUTHORISATION:true",
        ),
        (
            JAVA_HMAC_ITEM,
            r"ZVWN7D3WSMK2WN82::AntoniStroinski:\:/\/slashes are fun:1000:EUR:AUTHORISATION:true",
        ),
    ];
    let key = hex::decode(SLASHES_KEY).unwrap();
    for (json, expected) in cases {
        let item = item(json);
        assert_eq!(signing_string(&item), expected);
        assert!(verify_item(&key, &item), "{expected}");
    }
    // A string `amount.value` is signed as written.
    let report = item(JAVA_REPORT_AVAILABLE_ITEM);
    assert_eq!(
        signing_string(&report),
        "test_REPORT_AVAILABLE::Magento2Rik:testMerchantRef1:0:EUR:REPORT_AVAILABLE:true"
    );
    assert!(verify_item(&hex::decode(REPORT_KEY).unwrap(), &report));
}

#[test]
fn published_signed_authorisations_verify_and_map() {
    let adyen = connector_with_hmac_key(SLASHES_KEY);
    let cases = [
        (
            PYTHON_BACKSLASH_ITEM,
            "T7FD4VM4D3RZNN82",
            r"\\slashes are fun",
            "2023-01-09T16:27:29+01:00",
        ),
        (
            PYTHON_COLON_ITEM,
            "M8NB66SBZSGLNK82",
            ":slashes are fun",
            "2023-01-10T13:40:54+01:00",
        ),
        (
            PYTHON_FORWARDSLASH_ITEM,
            "X3GWNS6KJ8NKGK82",
            "//slashes are fun",
            "2023-01-10T13:37:30+01:00",
        ),
        (
            JAVA_HMAC_ITEM,
            "ZVWN7D3WSMK2WN82",
            r"\:/\/slashes are fun",
            "2023-01-10T13:42:29+01:00",
        ),
    ];
    for (item, psp, reference, date) in cases {
        let n = adyen
            .handle_webhook(&webhook(&envelope(&[item])))
            .expect("verified");
        assert_eq!(n.connector, ConnectorName::Adyen);
        assert_eq!(n.acknowledgement.status, 200);
        assert_eq!(n.acknowledgement.body, "[accepted]");
        assert_eq!(n.events.len(), 1);
        let e = payment_event(n.events.into_iter().next().unwrap());
        assert_eq!(e.event_type, "AUTHORISATION");
        assert_eq!(e.status, PaymentStatus::Authorized);
        assert_eq!(e.connector_transaction_id, psp);
        assert_eq!(e.connector_operation_id, None);
        assert_eq!(e.merchant_reference.as_deref(), Some(reference));
        assert_eq!(e.amount, Some(money(1000, "EUR")));
        assert_eq!(e.occurred_at.as_deref(), Some(date));
        assert!(e.decline.is_none());
    }
    // All four in one request: every item verified, one event each, in order.
    let all = envelope(&[
        PYTHON_BACKSLASH_ITEM,
        PYTHON_COLON_ITEM,
        PYTHON_FORWARDSLASH_ITEM,
        JAVA_HMAC_ITEM,
    ]);
    let n = adyen.handle_webhook(&webhook(&all)).unwrap();
    let psps: Vec<String> = n
        .events
        .into_iter()
        .map(|e| payment_event(e).connector_transaction_id)
        .collect();
    assert_eq!(
        psps,
        [
            "T7FD4VM4D3RZNN82",
            "M8NB66SBZSGLNK82",
            "X3GWNS6KJ8NKGK82",
            "ZVWN7D3WSMK2WN82"
        ]
    );
}

#[test]
fn published_signed_items_are_rejected_with_another_key_or_an_edit() {
    // The Python library's other test key.
    let e = connector()
        .handle_webhook(&webhook(&envelope(&[PYTHON_BACKSLASH_ITEM])))
        .unwrap_err();
    assert_code(&e, ErrorCode::WebhookVerificationFailed);
    // One backslash less in the signed merchantReference.
    let edited = PYTHON_BACKSLASH_ITEM.replace(r#""\\\\slashes"#, r#""\\slashes"#);
    assert_ne!(edited, PYTHON_BACKSLASH_ITEM);
    let e = connector_with_hmac_key(SLASHES_KEY)
        .handle_webhook(&webhook(&envelope(&[&edited])))
        .unwrap_err();
    assert_code(&e, ErrorCode::WebhookVerificationFailed);
    // A genuine item after a forged one does not rescue the request.
    let e = connector_with_hmac_key(SLASHES_KEY)
        .handle_webhook(&webhook(&envelope(&[PYTHON_COLON_ITEM, &edited])))
        .unwrap_err();
    assert_code(&e, ErrorCode::WebhookVerificationFailed);
}

#[test]
fn a_signed_report_notification_is_an_ignored_event() {
    let n = connector_with_hmac_key(REPORT_KEY)
        .handle_webhook(&webhook(&envelope(&[JAVA_REPORT_AVAILABLE_ITEM])))
        .expect("verified");
    assert_eq!(n.events.len(), 1);
    match &n.events[0] {
        WebhookEvent::Ignored(i) => {
            assert_eq!(i.event_type, "REPORT_AVAILABLE");
            assert_eq!(
                i.event_id.as_deref(),
                Some("test_REPORT_AVAILABLE:REPORT_AVAILABLE:true")
            );
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------- webhooks without a published key

#[test]
fn mock_signatures_without_a_published_key_are_rejected() {
    let adyen = connector();
    for body in [
        JAVA_AUTHORISATION_TRUE,
        JAVA_CANCELLATION_TRUE,
        JAVA_CAPTURE_FALSE,
        NODE_CAPTURE_TRUE,
        JAVA_CHARGEBACK,
        JAVA_OFFER_CLOSED,
        JAVA_REFUND_FALSE,
        JAVA_REFUND_TRUE,
        GO_AUTORESCUE,
    ] {
        let e = adyen.handle_webhook(&webhook(body)).unwrap_err();
        assert_code(&e, ErrorCode::WebhookVerificationFailed);
        for item in items(body) {
            assert!(!verify_item(&hex::decode(SLASHES_KEY).unwrap(), &item));
        }
    }
}

#[test]
fn payment_notifications_map_to_payment_events() {
    let e = payment_event(mapped(JAVA_AUTHORISATION_TRUE));
    assert_eq!(e.event_type, "AUTHORISATION");
    assert_eq!(e.status, PaymentStatus::Authorized);
    assert_eq!(e.connector_transaction_id, "123456789");
    assert_eq!(e.merchant_reference.as_deref(), Some("8313842560770001"));
    assert_eq!(e.amount, Some(money(10100, "EUR")));
    assert_eq!(e.occurred_at.as_deref(), Some("2017-01-19T16:42:03+01:00"));

    // CANCELLATION: the payment is `originalReference`; the item has no merchantReference.
    let e = payment_event(mapped(JAVA_CANCELLATION_TRUE));
    assert_eq!(e.status, PaymentStatus::Voided);
    assert_eq!(e.connector_transaction_id, "8313547924770610");
    assert_eq!(
        e.connector_operation_id.as_deref(),
        Some("8412534564722331")
    );
    assert_eq!(e.merchant_reference, None);
    assert_eq!(e.amount, Some(money(500, "EUR")));

    let e = payment_event(mapped(JAVA_CAPTURE_FALSE));
    assert_eq!(e.status, PaymentStatus::CaptureFailed);
    assert_eq!(e.connector_transaction_id, "7914853620991813");
    assert_eq!(
        e.connector_operation_id.as_deref(),
        Some("8514853640987132")
    );
    assert_eq!(e.amount, Some(money(23623, "USD")));
    assert_eq!(
        e.decline.unwrap().message.as_deref(),
        Some("Insufficient balance on payment")
    );

    let e = payment_event(mapped(NODE_CAPTURE_TRUE));
    assert_eq!(e.status, PaymentStatus::Charged);
    assert_eq!(e.connector_transaction_id, "ORIGINAL_PSP");
    assert_eq!(e.connector_operation_id.as_deref(), Some("PSP_REFERENCE"));
    assert!(e.decline.is_none());

    let e = payment_event(mapped(JAVA_OFFER_CLOSED));
    assert_eq!(e.status, PaymentStatus::Expired);
    assert_eq!(e.connector_transaction_id, "8532565401975321");
    assert_eq!(e.amount, Some(money(27211, "EUR")));
}

#[test]
fn refund_notifications_map_to_refund_events() {
    let r = refund_event(mapped(JAVA_REFUND_TRUE));
    assert_eq!(r.event_type, "REFUND");
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(r.connector_refund_id, "PSP_REFERENCE");
    assert_eq!(r.connector_transaction_id.as_deref(), Some("ORIGINAL_PSP"));
    assert_eq!(
        r.merchant_refund_reference.as_deref(),
        Some("payment-2017-1-17-11-refund")
    );
    assert_eq!(r.amount, Some(money(1500, "EUR")));
    assert_eq!(r.reason, None);

    let r = refund_event(mapped(JAVA_REFUND_FALSE));
    assert_eq!(r.status, RefundStatus::Failure);
    assert_eq!(r.reason.as_deref(), Some("Insufficient balance on payment"));
}

#[test]
fn a_chargeback_without_dispute_status_is_lost() {
    match mapped(JAVA_CHARGEBACK) {
        WebhookEvent::Dispute(d) => {
            assert_eq!(d.event_type, "CHARGEBACK");
            assert_eq!(d.stage, DisputeStage::Dispute);
            assert_eq!(d.status, DisputeStatus::Lost);
            assert_eq!(d.connector_dispute_id, "9915555555555555");
            assert_eq!(
                d.connector_transaction_id.as_deref(),
                Some("9913333333333333")
            );
            assert_eq!(d.reason_code.as_deref(), Some("10.4"));
            assert_eq!(
                d.reason.as_deref(),
                Some("Other Fraud-Card Absent Environment")
            );
            assert_eq!(d.amount, Some(money(1000, "EUR")));
            assert_eq!(d.connector_status, None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unmapped_event_code_is_ignored() {
    match mapped(GO_AUTORESCUE) {
        WebhookEvent::Ignored(i) => {
            assert_eq!(i.event_type, "AUTORESCUE");
            assert_eq!(
                i.event_id.as_deref(),
                Some("QFQTPCQ8HXSKGK82:AUTORESCUE:true:9913140798220028")
            );
        }
        other => panic!("{other:?}"),
    }
}
