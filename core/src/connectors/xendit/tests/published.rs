//! Payloads published by Xendit's official SDKs (`published/`, sources in
//! `published/SOURCES.md`), run through the same parsers the flows use: the PSync, authorize,
//! refund and RSync steps with the payload as the processor's answer, and the callback handler
//! (with `X-CALLBACK-TOKEN` verification) for the callback bodies.

use super::webhooks::{callback, one_event};
use super::*;
use crate::connector::Connector;

/// xendit-go `docs/PaymentRequestApi.md`, "PaymentCallback Object".
const GO_PAYMENT_CALLBACK: &str = include_str!("published/go_payment_callback_succeeded.json");
/// xendit-go `docs/RefundApi.md`, "RefundCallback Object".
const GO_REFUND_CALLBACK: &str = include_str!("published/go_refund_callback_succeeded.json");
/// xendit-go `docs/PaymentMethodApi.md`, "PaymentMethodCallback Object".
const GO_PAYMENT_METHOD_CALLBACK: &str =
    include_str!("published/go_payment_method_callback_activated.json");
/// xendit-node `test/payment_request/constants.js`, `GET_PAYMENT_REQUEST_BY_ID_SUCCESS_RESPONSE`
/// (also its `CONFIRM_...` and `RESEND_...` answers, which are the same object).
const NODE_GET_PAYMENT_REQUEST: &str =
    include_str!("published/node_get_payment_request_pending.json");
/// xendit-node `test/payment_request/constants.js`, `LIST_PAYMENT_REQUEST_SUCCESS_RESPONSE`.
const NODE_LIST_PAYMENT_REQUESTS: &str = include_str!("published/node_list_payment_requests.json");
/// xendit-node `test/payment_request/constants.js`, `CREATE_PAYMENT_REQUEST_SUCCESS_RESPONSE`.
const NODE_CREATE_PAYMENT_REQUEST_MOCK: &str =
    include_str!("published/node_create_payment_request_ewallet_mock.json");
/// xendit-node `test/payment_request/constants.js`,
/// `CREATE_PAYMENT_REQUEST_MISSING_AMOUNT_RESPONSE` (answered with HTTP 400).
const NODE_MISSING_AMOUNT_ERROR: &str =
    include_str!("published/node_create_payment_request_missing_amount_400.json");
/// xendit-node `test/refund/constans.js`, `CREATE_REFUND_SUCCESS_RESPONSE`.
const NODE_CREATE_REFUND: &str = include_str!("published/node_create_refund_succeeded.json");
/// xendit-node `test/refund/constans.js`, `GET_REFUND_BY_ID_RESPONSE`.
const NODE_GET_REFUND: &str = include_str!("published/node_get_refund_succeeded.json");
/// xendit-node `test/refund/constans.js`, `LIST_REFUNDS_SUCCESS_RESPONSE`.
const NODE_LIST_REFUNDS: &str = include_str!("published/node_list_refunds.json");
/// xendit-python `README.md`, "Create Payment Request → With Payment Method ID".
const PY_CREATE_WITH_METHOD_ID: &str =
    include_str!("published/py_create_payment_request_payment_method_id_requires_action.json");
/// xendit-python `README.md`, "Create Payment Request → With Payment Method Object" (also its
/// "Get Payment Request" answer, the same text).
const PY_CREATE_WITH_METHOD_OBJECT: &str =
    include_str!("published/py_create_payment_request_payment_method_object_requires_action.json");
/// xendit-python `README.md`, "Confirm Payment Request".
const PY_CONFIRM_SUCCEEDED: &str =
    include_str!("published/py_confirm_payment_request_succeeded.json");
/// xendit-python `README.md`, "List Payment Requests".
const PY_LIST_UNKNOWN: &str = include_str!("published/py_list_payment_requests_unknown.json");
/// xendit-python `README.md`, "Create Refund" (also its "Get Refund" answer, the same text).
const PY_CREATE_REFUND_PENDING: &str = include_str!("published/py_create_refund_pending.json");
/// xendit-python `tests/sampleresponse/payment_request.py`, `payment_request_response()`.
const PY_SAMPLE_PAYMAYA: &str =
    include_str!("published/py_sample_payment_request_ewallet_paymaya_requires_action.json");

const NODE_PR_ID: &str = "pr-6e9778ea-7d62-40fe-8b25-a4d740754c5f";
const NODE_PR_REFERENCE: &str = "a2c66ceb-2cbe-4541-bb69-9f50fd2040e0";
const REFUND_ID: &str = "rfd-6f4a377d-a201-437f-9119-f8b00cbbe857";
const REFUND_REFERENCE: &str = "b2756a1e-e6cd-4352-9a68-0483aa2b6a2";
const PAYMENT_ID: &str = "ddpy-3cd658ae-25b9-4659-aa36-596ae41a809f";
/// The payment request a refund of the tests is made against.
const REFUNDED_PR: &str = "pr-1fdaf346-dd2e-4b6c-b938-124c7167a822";

fn psync(body: &str) -> PaymentResponse {
    let get = PaymentGetRequest {
        connector_transaction_id: Some(NODE_PR_ID.into()),
        ..Default::default()
    };
    done(connector().get_payment(&get, &cx(), &[response(200, body)]))
}

fn refund_request() -> RefundRequest {
    RefundRequest {
        connector_transaction_id: REFUNDED_PR.into(),
        amount: money(1_000_000, "PHP"),
        merchant_refund_reference: Some(REFUND_REFERENCE.into()),
        reason: Some(RefundReason::Other),
        refundable_amount: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    }
}

/// The refund of the published answers: PHP 10000 (PHP has 2 decimals: 1,000,000 minor units),
/// `SUCCEEDED`.
fn assert_published_refund(refund: &RefundResponse) {
    assert_eq!(refund.status, RefundStatus::Success);
    assert_eq!(refund.connector, ConnectorName::Xendit);
    assert_eq!(refund.connector_refund_id.as_deref(), Some(REFUND_ID));
    assert_eq!(refund.connector_status.as_deref(), Some("SUCCEEDED"));
    assert_eq!(
        refund.merchant_refund_reference.as_deref(),
        Some(REFUND_REFERENCE)
    );
    assert_eq!(refund.amount, Some(money(1_000_000, "PHP")));
    assert!(refund.failure.is_none());
}

#[test]
fn every_fixture_is_json() {
    for body in [
        GO_PAYMENT_CALLBACK,
        GO_REFUND_CALLBACK,
        GO_PAYMENT_METHOD_CALLBACK,
        NODE_GET_PAYMENT_REQUEST,
        NODE_LIST_PAYMENT_REQUESTS,
        NODE_CREATE_PAYMENT_REQUEST_MOCK,
        NODE_MISSING_AMOUNT_ERROR,
        NODE_CREATE_REFUND,
        NODE_GET_REFUND,
        NODE_LIST_REFUNDS,
        PY_CREATE_WITH_METHOD_ID,
        PY_CREATE_WITH_METHOD_OBJECT,
        PY_CONFIRM_SUCCEEDED,
        PY_LIST_UNKNOWN,
        PY_CREATE_REFUND_PENDING,
        PY_SAMPLE_PAYMAYA,
    ] {
        serde_json::from_str::<Value>(body).expect("a published fixture is JSON");
    }
}

// ---- Callbacks --------------------------------------------------------------------------

#[test]
fn go_payment_callback_is_a_charged_event_for_the_payment_request() {
    let WebhookEvent::Payment(event) = one_event(GO_PAYMENT_CALLBACK) else {
        panic!("expected a payment event");
    };
    assert_eq!(event.event_type, "payment.succeeded");
    assert_eq!(event.status, PaymentStatus::Charged);
    // The payment request, not the payment (`data.id`, `ddpy-...`).
    assert_eq!(
        event.connector_transaction_id,
        "pr-5b26cae1-545b-49e9-855e-f85128f3e705"
    );
    assert_eq!(event.connector_operation_id, None);
    assert_eq!(
        event.event_id.as_deref(),
        Some("ddpy-3cd658ae-25b9-4659-aa36-596ae41a809f:payment.succeeded")
    );
    assert_eq!(
        event.merchant_reference.as_deref(),
        Some("25cfd0f9-baee-44ca-9a12-6debe03f3c22")
    );
    // PHP 1000: 100,000 minor units (2 decimals).
    assert_eq!(event.amount, Some(money(100_000, "PHP")));
    assert!(event.decline.is_none());
    // `MULTIPLE_USE`: the saved payment method.
    assert_eq!(
        event.mandate_id.as_deref(),
        Some("pm-951b1ad9-1fbb-4724-a744-8956ab6ed17f")
    );
    assert_eq!(
        event.occurred_at.as_deref(),
        Some("2022-08-12T13:30:58.986Z")
    );
}

#[test]
fn go_refund_callback_is_a_refund_success_event() {
    let WebhookEvent::Refund(event) = one_event(GO_REFUND_CALLBACK) else {
        panic!("expected a refund event");
    };
    assert_eq!(event.event_type, "refund.succeeded");
    assert_eq!(event.status, RefundStatus::Success);
    assert_eq!(event.connector_refund_id, REFUND_ID);
    // A refund callback names the payment (`data.payment_id`).
    assert_eq!(event.connector_transaction_id.as_deref(), Some(PAYMENT_ID));
    assert_eq!(
        event.merchant_refund_reference.as_deref(),
        Some(REFUND_REFERENCE)
    );
    assert_eq!(event.amount, Some(money(1_000_000, "PHP")));
    assert_eq!(event.reason, None);
    assert_eq!(
        event.event_id.as_deref(),
        Some("rfd-6f4a377d-a201-437f-9119-f8b00cbbe857:refund.succeeded")
    );
    assert_eq!(
        event.occurred_at.as_deref(),
        Some("2020-08-29T09:12:33.001Z")
    );
}

#[test]
fn go_payment_method_callback_is_ignored() {
    // `payment_method.activated` (account linking) says nothing about a payment or a refund.
    let WebhookEvent::Ignored(event) = one_event(GO_PAYMENT_METHOD_CALLBACK) else {
        panic!("expected an ignored event");
    };
    assert_eq!(event.event_type, "payment_method.activated");
    assert_eq!(
        event.event_id.as_deref(),
        Some("pm-6ff0b6f2-f5de-457f-b08f-bc98fbae485a:payment_method.activated")
    );
}

#[test]
fn published_callbacks_need_the_exact_callback_token() {
    for body in [
        GO_PAYMENT_CALLBACK,
        GO_REFUND_CALLBACK,
        GO_PAYMENT_METHOD_CALLBACK,
    ] {
        // The previous token of a rotation is accepted too.
        assert!(connector()
            .handle_webhook(&callback(Some(OLD_CALLBACK_TOKEN), body))
            .is_ok());
        for token in [
            None,
            Some(""),
            Some("wrong-token"),
            Some("cb-token-current-012345678"),
            Some("cb-token-current-0123456789 "),
            Some("CB-TOKEN-CURRENT-0123456789"),
        ] {
            let e = connector()
                .handle_webhook(&callback(token, body))
                .expect_err("an unverified callback is rejected");
            assert_code(&e, ErrorCode::WebhookVerificationFailed);
        }
    }
    // Without a configured token nothing is accepted.
    let unconfigured = Xendit::new(&XenditConfig::new(SECRET_KEY), &endpoint()).unwrap();
    let e = unconfigured
        .handle_webhook(&callback(Some(CALLBACK_TOKEN), GO_PAYMENT_CALLBACK))
        .unwrap_err();
    assert_code(&e, ErrorCode::Configuration);
}

// ---- Payment requests -------------------------------------------------------------------

#[test]
fn node_payment_request_psync_is_pending() {
    let payment = psync(NODE_GET_PAYMENT_REQUEST);
    assert_eq!(payment.status, PaymentStatus::Pending);
    assert_eq!(payment.connector_status.as_deref(), Some("PENDING"));
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some(NODE_PR_ID)
    );
    assert_eq!(
        payment.merchant_reference.as_deref(),
        Some(NODE_PR_REFERENCE)
    );
    assert_eq!(
        payment.connector_customer_id.as_deref(),
        Some("e2878b4c-d57e-4a2c-922d-c0313c2800a3")
    );
    // PHP 10000: 1,000,000 minor units.
    assert_eq!(payment.amount, Some(money(1_000_000, "PHP")));
    assert_eq!(
        payment.mandate_id.as_deref(),
        Some("pm-6ff0b6f2-f5de-457f-b08f-bc98fbae485a")
    );
    assert!(payment.next_action.is_none(), "no actions: nothing to show");
    assert!(payment.decline.is_none());
    assert_eq!(payment.http_status, Some(200));
}

#[test]
fn node_payment_request_as_an_authorize_answer_is_pending() {
    // The SDK's auth confirmation and resend answers are the same object: a pending direct
    // debit without `capture_method`, read with the request's capture method.
    for capture in [CaptureMethod::Automatic, CaptureMethod::Manual] {
        let mut r = authorize_request();
        r.capture_method = capture;
        let payment =
            done(connector().authorize(&r, &cx(), &[response(200, NODE_GET_PAYMENT_REQUEST)]));
        assert_eq!(payment.status, PaymentStatus::Pending, "{capture:?}");
        assert_eq!(
            payment.connector_transaction_id.as_deref(),
            Some(NODE_PR_ID)
        );
        assert_eq!(payment.amount, Some(money(1_000_000, "PHP")));
    }
}

#[test]
fn node_payment_request_list_finds_the_payment_by_reference() {
    let get = PaymentGetRequest {
        merchant_reference: Some(NODE_PR_REFERENCE.into()),
        ..Default::default()
    };
    let payment =
        done(connector().get_payment(&get, &cx(), &[response(200, NODE_LIST_PAYMENT_REQUESTS)]));
    assert_eq!(payment.status, PaymentStatus::Charged);
    assert_eq!(payment.connector_status.as_deref(), Some("SUCCEEDED"));
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some(NODE_PR_ID)
    );
    assert_eq!(
        payment.merchant_reference.as_deref(),
        Some(NODE_PR_REFERENCE)
    );
    assert_eq!(payment.amount, Some(money(1_000_000, "PHP")));
    // Authorized, not charged, when the payment was captured manually.
    let manual = PaymentGetRequest {
        capture_method: Some(CaptureMethod::Manual),
        ..get.clone()
    };
    let payment =
        done(connector().get_payment(&manual, &cx(), &[response(200, NODE_LIST_PAYMENT_REQUESTS)]));
    assert_eq!(payment.status, PaymentStatus::Authorized);
    // Nothing under another reference.
    let other = PaymentGetRequest {
        merchant_reference: Some("another-reference".into()),
        ..Default::default()
    };
    let e = failed(connector().get_payment(
        &other,
        &cx(),
        &[response(200, NODE_LIST_PAYMENT_REQUESTS)],
    ));
    assert_code(&e, ErrorCode::NotFound);
}

#[test]
fn node_create_mock_without_id_or_status_is_an_invalid_response() {
    // The SDK's mock of a created e-wallet payment request carries neither `id` nor `status`
    // (both required in the SDK's `PaymentRequest` model): the outcome is unknown, so the
    // answer is an `invalid_response` (reconcile by reference), never a made-up status.
    let mut r = authorize_request();
    r.amount = idr(100_000);
    r.payment_method = PaymentMethod::Ewallet(Ewallet {
        provider: "SHOPEEPAY".into(),
        mobile_number: None,
        cashtag: None,
    });
    let e = failed(connector().authorize(
        &r,
        &cx(),
        &[response(201, NODE_CREATE_PAYMENT_REQUEST_MOCK)],
    ));
    assert_code(&e, ErrorCode::InvalidResponse);
    assert_eq!(e.http_status, Some(201));
}

#[test]
fn node_missing_amount_error_is_an_invalid_request() {
    let e = failed(connector().authorize(
        &authorize_request(),
        &cx(),
        &[response(400, NODE_MISSING_AMOUNT_ERROR)],
    ));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.http_status, Some(400));
    assert_eq!(e.processor_code.as_deref(), Some("API_VALIDATION_ERROR"));
    assert_eq!(
        e.processor_message.as_deref(),
        Some("amount required for 'EWALLET'")
    );
    // The same body on PSync.
    let get = PaymentGetRequest {
        connector_transaction_id: Some(NODE_PR_ID.into()),
        ..Default::default()
    };
    let e =
        failed(connector().get_payment(&get, &cx(), &[response(400, NODE_MISSING_AMOUNT_ERROR)]));
    assert_code(&e, ErrorCode::InvalidRequest);
}

// ---- Refunds ----------------------------------------------------------------------------

#[test]
fn node_create_refund_answer_is_a_success() {
    for status in [200, 201] {
        let refund = done(connector().refund(
            &refund_request(),
            &cx(),
            &[response(status, NODE_CREATE_REFUND)],
        ));
        assert_published_refund(&refund);
        // The answer names the payment (`payment_id`), not the payment request: the refunded
        // payment request stays the transaction id.
        assert_eq!(
            refund.connector_transaction_id.as_deref(),
            Some(REFUNDED_PR)
        );
        assert_eq!(refund.http_status, Some(status));
    }
}

#[test]
fn node_get_refund_answer_is_a_success() {
    let get = RefundGetRequest {
        connector_refund_id: Some(REFUND_ID.into()),
        connector_transaction_id: Some(REFUNDED_PR.into()),
        ..Default::default()
    };
    let refund = done(connector().get_refund(&get, &cx(), &[response(200, NODE_GET_REFUND)]));
    assert_published_refund(&refund);
    assert_eq!(
        refund.connector_transaction_id.as_deref(),
        Some(REFUNDED_PR)
    );
    // Without the payment request, the payment the answer names.
    let by_id_only = RefundGetRequest {
        connector_transaction_id: None,
        ..get
    };
    let refund =
        done(connector().get_refund(&by_id_only, &cx(), &[response(200, NODE_GET_REFUND)]));
    assert_published_refund(&refund);
    assert_eq!(refund.connector_transaction_id.as_deref(), Some(PAYMENT_ID));
}

#[test]
fn node_refund_list_finds_the_refund_by_reference() {
    let get = RefundGetRequest {
        connector_transaction_id: Some(REFUNDED_PR.into()),
        merchant_refund_reference: Some(REFUND_REFERENCE.into()),
        ..Default::default()
    };
    let refund = done(connector().get_refund(&get, &cx(), &[response(200, NODE_LIST_REFUNDS)]));
    assert_published_refund(&refund);
    assert_eq!(
        refund.connector_transaction_id.as_deref(),
        Some(REFUNDED_PR)
    );
    let other = RefundGetRequest {
        merchant_refund_reference: Some("another-reference".into()),
        ..get
    };
    let e = failed(connector().get_refund(&other, &cx(), &[response(200, NODE_LIST_REFUNDS)]));
    assert_code(&e, ErrorCode::NotFound);
}

// ---- xendit-python: payment requests with actions, SUCCEEDED, UNKNOWN; a pending refund -----

/// The payment request of the xendit-python "With Payment Method Object" and "Confirm"
/// answers, and its saved (`MULTIPLE_USE`) payment method.
const PY_PR_ID: &str = "pr-db958a53-cf92-4c1f-99d2-dcf2401211d2";
const PY_PR_REFERENCE: &str = "e192b1c2-8814-4e71-a203-ecd43b7af808";
const PY_PR_METHOD: &str = "pm-b8c93e5c-0bc9-44ef-869a-ca5eb73f1ad0";
const PY_CUSTOMER: &str = "fa8f36a4-60e4-4a49-a040-adf953539f71";

fn py_psync(body: &str, capture_method: Option<CaptureMethod>) -> PaymentResponse {
    let get = PaymentGetRequest {
        connector_transaction_id: Some(PY_PR_ID.into()),
        capture_method,
        ..Default::default()
    };
    done(connector().get_payment(&get, &cx(), &[response(200, body)]))
}

fn redirect_of(payment: &PaymentResponse) -> &RedirectAction {
    match payment.next_action.as_ref() {
        Some(NextAction::Redirect(redirect)) => redirect,
        other => panic!("expected a redirect, got {other:?}"),
    }
}

#[test]
fn py_saved_method_charge_requires_action_redirects_to_the_web_auth_page() {
    // The README's request: `payment_method_id` of a linked account, PHP 50.
    let mandate = MandateReference {
        mandate_id: "pm-64eedc01-702e-439c-9a96-b3b665caeb05".into(),
        usage: MandateUsage::Unscheduled,
        network_transaction_id: None,
        connector_customer_id: None,
    };
    let r = AuthorizeRequest::new(
        money(5_000, "PHP"),
        "7200b7ce-4634-489e-976b-269d641e4343",
        PaymentMethod::Mandate(mandate),
    );
    for status in [200, 201] {
        let payment =
            done(connector().authorize(&r, &cx(), &[response(status, PY_CREATE_WITH_METHOD_ID)]));
        assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
        assert_eq!(payment.connector_status.as_deref(), Some("REQUIRES_ACTION"));
        // The transaction id is the answer's `id`, whatever its prefix (`ddpy-...` here).
        assert_eq!(
            payment.connector_transaction_id.as_deref(),
            Some("ddpy-74ebdd86-e052-42e8-8b53-d84255ab7004")
        );
        assert_eq!(
            payment.merchant_reference.as_deref(),
            Some("7200b7ce-4634-489e-976b-269d641e4343")
        );
        assert_eq!(payment.connector_customer_id.as_deref(), Some(PY_CUSTOMER));
        // PHP 50: 5,000 minor units (2 decimals).
        assert_eq!(payment.amount, Some(money(5_000, "PHP")));
        assert_eq!(
            payment.mandate_id.as_deref(),
            Some("pm-64eedc01-702e-439c-9a96-b3b665caeb05")
        );
        assert!(payment.decline.is_none());
        assert_eq!(payment.http_status, Some(status));
        // Two `AUTH` actions: the shopper's web page, never the server-side `API` call (which
        // is a POST and comes second).
        let redirect = redirect_of(&payment);
        assert_eq!(
            redirect.url,
            "https://direct-debit-web-dev.xendit.co/direct_debits/ddpy-74ebdd86-e052-42e8-8b53-d84255ab7004/checkout?failure_redirect_url=https%3A%2F%2Fredirect.me%2Fbadstuff&payment_redirect_delay=10"
        );
        assert_eq!(redirect.method, HttpMethod::Get);
        // The query pairs of the GET URL, decoded.
        assert_eq!(
            redirect
                .form_fields
                .get("failure_redirect_url")
                .map(String::as_str),
            Some("https://redirect.me/badstuff")
        );
        assert_eq!(
            redirect
                .form_fields
                .get("payment_redirect_delay")
                .map(String::as_str),
            Some("10")
        );
        assert_eq!(redirect.form_fields.len(), 2);
    }
}

#[test]
fn py_requires_action_answer_is_authentication_pending_in_both_capture_columns() {
    // The create answer and the PSync answer ("Get Payment Request") are the same text.
    for capture in [
        None,
        Some(CaptureMethod::Automatic),
        Some(CaptureMethod::Manual),
    ] {
        let payment = py_psync(PY_CREATE_WITH_METHOD_OBJECT, capture);
        assert_eq!(
            payment.status,
            PaymentStatus::AuthenticationPending,
            "{capture:?}"
        );
        assert_eq!(payment.connector_transaction_id.as_deref(), Some(PY_PR_ID));
        assert_eq!(payment.merchant_reference.as_deref(), Some(PY_PR_REFERENCE));
        assert_eq!(payment.connector_customer_id.as_deref(), Some(PY_CUSTOMER));
        assert_eq!(payment.amount, Some(money(5_000, "PHP")));
        // `MULTIPLE_USE`: the payment method is the mandate, although it is still `PENDING`.
        assert_eq!(payment.mandate_id.as_deref(), Some(PY_PR_METHOD));
        let redirect = redirect_of(&payment);
        assert_eq!(
            redirect.url,
            "https://link-web-staging.xendit.co/oauth/lat-c752e0e0-c4eb-4e4f-9fc8-fbfb12a8d095/confirm"
        );
        assert_eq!(redirect.method, HttpMethod::Get);
        assert!(redirect.form_fields.is_empty());
        assert!(payment.decline.is_none());
    }
}

#[test]
fn py_confirmed_payment_request_is_charged() {
    // `SUCCEEDED` with `capture_method: AUTOMATIC` in the answer: charged, whatever capture
    // method the caller remembers (the answer's is the original request's).
    for capture in [
        None,
        Some(CaptureMethod::Automatic),
        Some(CaptureMethod::Manual),
    ] {
        let payment = py_psync(PY_CONFIRM_SUCCEEDED, capture);
        assert_eq!(payment.status, PaymentStatus::Charged, "{capture:?}");
        assert_eq!(payment.connector_status.as_deref(), Some("SUCCEEDED"));
        assert_eq!(payment.connector_transaction_id.as_deref(), Some(PY_PR_ID));
        assert_eq!(payment.merchant_reference.as_deref(), Some(PY_PR_REFERENCE));
        assert_eq!(payment.amount, Some(money(5_000, "PHP")));
        assert_eq!(payment.mandate_id.as_deref(), Some(PY_PR_METHOD));
        assert!(payment.next_action.is_none(), "`actions: []`");
        assert!(payment.decline.is_none());
    }
    // The same answer to an authorization (the SDK's `confirm` is `POST .../auth`).
    let payment = done(connector().authorize(
        &authorize_request(),
        &cx(),
        &[response(200, PY_CONFIRM_SUCCEEDED)],
    ));
    assert_eq!(payment.status, PaymentStatus::Charged);
    assert_eq!(payment.connector_transaction_id.as_deref(), Some(PY_PR_ID));
}

#[test]
fn py_unknown_payment_request_in_a_list_is_pending() {
    let get = PaymentGetRequest {
        merchant_reference: Some("48e11a9f-025d-4c6b-bc7d-7cec7d91c3ea".into()),
        ..Default::default()
    };
    let payment = done(connector().get_payment(&get, &cx(), &[response(200, PY_LIST_UNKNOWN)]));
    assert_eq!(payment.status, PaymentStatus::Pending);
    assert_eq!(payment.connector_status.as_deref(), Some("UNKNOWN"));
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("pr-ba8a686b-57d7-4d93-aa50-2753af90e889")
    );
    // PHP 1500: 150,000 minor units.
    assert_eq!(payment.amount, Some(money(150_000, "PHP")));
    assert_eq!(payment.connector_customer_id, None);
    // `ONE_TIME_USE`: nothing saved; PAYMAYA is a redirect channel, so no `await` action.
    assert_eq!(payment.mandate_id, None);
    assert!(payment.next_action.is_none());
    assert!(payment.decline.is_none());
}

#[test]
fn py_paymaya_requires_action_prefers_the_web_page_over_the_mobile_one() {
    let mut r = authorize_request();
    r.amount = money(150_000, "PHP");
    r.merchant_reference = "ec0aeced-f9cc-407c-a7a7-f78653235185".into();
    r.payment_method = PaymentMethod::Ewallet(Ewallet {
        provider: "PAYMAYA".into(),
        mobile_number: None,
        cashtag: None,
    });
    let payment = done(connector().authorize(&r, &cx(), &[response(201, PY_SAMPLE_PAYMAYA)]));
    assert_eq!(payment.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        payment.connector_transaction_id.as_deref(),
        Some("ewc_93f9be97-67dc-47cf-8225-0bb18cb3dfb1")
    );
    assert_eq!(
        payment.merchant_reference.as_deref(),
        Some("ec0aeced-f9cc-407c-a7a7-f78653235185")
    );
    assert_eq!(payment.amount, Some(money(150_000, "PHP")));
    assert_eq!(payment.mandate_id, None, "ONE_TIME_USE");
    let redirect = redirect_of(&payment);
    assert_eq!(redirect.url, "https://mock-test.co");
    assert_eq!(redirect.method, HttpMethod::Get);
    assert!(redirect.form_fields.is_empty());
}

#[test]
fn py_pending_refund_answer_is_pending() {
    // The README refunds `ewc_0b98...` (PHP 1500); the answer names it `payment_id` and has
    // empty `reference_id`, `reason` and `invoice_id`.
    const REFUNDED: &str = "ewc_0b98b8c6-2f5f-4355-87f1-d3afe372495b";
    const PY_REFUND_ID: &str = "rfd-107ac068-0737-4c85-8aaf-61f908e3c136";
    let request = RefundRequest {
        connector_transaction_id: REFUNDED.into(),
        amount: money(150_000, "PHP"),
        merchant_refund_reference: None,
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Metadata::new(),
    };
    let assert_pending = |refund: &RefundResponse| {
        assert_eq!(refund.status, RefundStatus::Pending);
        assert_eq!(refund.connector_status.as_deref(), Some("PENDING"));
        assert_eq!(refund.connector_refund_id.as_deref(), Some(PY_REFUND_ID));
        assert_eq!(refund.connector_transaction_id.as_deref(), Some(REFUNDED));
        // An empty `reference_id` is no reference.
        assert_eq!(refund.merchant_refund_reference, None);
        assert_eq!(refund.amount, Some(money(150_000, "PHP")));
        assert!(refund.failure.is_none());
    };
    let refund =
        done(connector().refund(&request, &cx(), &[response(200, PY_CREATE_REFUND_PENDING)]));
    assert_pending(&refund);
    // "Get Refund" is the same text; without the payment, the one the answer names.
    let get = RefundGetRequest {
        connector_refund_id: Some(PY_REFUND_ID.into()),
        ..Default::default()
    };
    let refund =
        done(connector().get_refund(&get, &cx(), &[response(200, PY_CREATE_REFUND_PENDING)]));
    assert_pending(&refund);
}
