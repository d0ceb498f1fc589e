//! Payloads published by Checkout.com (official SDK test resources, SDK docs and test mocks,
//! the docs site) and, where noted, ActiveMerchant's recorded sandbox answers, kept as files
//! under `published/` (sources in `published/SOURCES.md`), run through the same functions the
//! flows use: authorize, setup_mandate, PSync (`GET /payments/{id}`), capture, void, refund,
//! RSync (`GET /payments/{id}/actions`), the error mapping, and the webhook verifier and parser.

use std::collections::BTreeMap;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::*;
use crate::connector::Connector;

const CARD_AUTHORIZED: &str = include_str!("published/payment_details_card_authorized.json");
const RECURRING_AUTHORIZED: &str =
    include_str!("published/payment_details_recurring_authorized.json");
const KLARNA_CAPTURED: &str = include_str!("published/payment_details_klarna_captured.json");
const EXPIRES_ON_WITHOUT_ZONE: &str =
    include_str!("published/payment_details_expires_on_without_zone.json");
const ACTIONS: &str = include_str!("published/payment_actions.json");
const ACTIONS_LEGACY: &str = include_str!("published/payment_actions_legacy.json");
const WH_PAYMENT_DECLINED: &str = include_str!("published/webhook_payment_declined.json");
const WH_CARD_VERIFIED: &str = include_str!("published/webhook_card_verified.json");
const WH_PAYMENT_REFUNDED: &str = include_str!("published/webhook_payment_refunded.json");
const WH_REFUND_PENDING_LEGACY: &str =
    include_str!("published/webhook_payment_refund_pending_legacy.json");
const WH_REFUND_PENDING_WORKFLOWS: &str =
    include_str!("published/webhook_payment_refund_pending_workflows.json");
const WH_PAYMENT_CANCELED: &str = include_str!("published/webhook_payment_canceled.json");
const WH_DISPUTE_CANCELED: &str = include_str!("published/webhook_dispute_canceled.json");
const WH_DISPUTE_EVIDENCE_SUBMITTED: &str =
    include_str!("published/webhook_dispute_evidence_submitted.json");
const WH_DISPUTE_ARBITRATION_WON: &str =
    include_str!("published/webhook_dispute_arbitration_won.json");
const WH_PAYMENT_CAPTURED_LEGACY: &str =
    include_str!("published/webhook_payment_captured_legacy.json");
const PENDING_3DS_202: &str = include_str!("published/payment_pending_3ds_202.json");
const PENDING_APM_202: &str = include_str!("published/payment_pending_apm_202.json");
const DECLINED_201: &str = include_str!("published/payment_declined_201.json");
const CAPTURE_202: &str = include_str!("published/capture_accepted_202.json");
const VOID_202: &str = include_str!("published/void_accepted_202.json");
const REFUND_202: &str = include_str!("published/refund_accepted_202.json");
const ERROR_422_SOURCE_REQUIRED: &str =
    include_str!("published/error_422_payment_source_required.json");
const ERROR_422_TOKEN_EXPIRED: &str = include_str!("published/error_422_token_expired.json");
const AM_3DS_DECLINED_DETAILS: &str = include_str!("published/payment_details_3ds_declined.json");
const AM_CARD_VERIFIED_201: &str = include_str!("published/card_verified_201.json");
const WH_PAYMENT_APPROVED: &str = include_str!("published/webhook_payment_approved.json");
const WH_PAYMENT_VOIDED: &str = include_str!("published/webhook_payment_voided.json");
const WH_REFUND_DECLINED: &str = include_str!("published/webhook_payment_refund_declined.json");
const WH_DISPUTE_LOST: &str = include_str!("published/webhook_dispute_lost.json");

fn psync(capture: Option<CaptureMethod>, body: &str) -> PaymentResponse {
    let req = PaymentGetRequest {
        connector_transaction_id: Some(PAYMENT_ID.into()),
        capture_method: capture,
        ..Default::default()
    };
    done(connector().get_payment(&req, &cx(), &[response(200, body)]))
}

fn rsync(payment_id: &str, refund_id: &str) -> RefundGetRequest {
    RefundGetRequest {
        connector_refund_id: Some(refund_id.into()),
        connector_transaction_id: Some(payment_id.into()),
        ..Default::default()
    }
}

/// No published signature vector exists: the fixture's exact bytes, signed with a test key.
fn signed(body: &str, secret: &str) -> WebhookRequest {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    let headers: BTreeMap<String, String> = [(
        "Cko-Signature".to_string(),
        hex::encode(mac.finalize().into_bytes()),
    )]
    .into();
    WebhookRequest::new(headers, body.as_bytes().to_vec())
}

fn one_event(body: &str) -> WebhookEvent {
    let n = connector()
        .handle_webhook(&signed(body, WEBHOOK_SECRET))
        .unwrap_or_else(|e| panic!("published webhook rejected: {e}"));
    assert_eq!(n.connector, ConnectorName::Checkout);
    assert_eq!(n.acknowledgement.status, 200);
    assert_eq!(n.events.len(), 1);
    n.events.into_iter().next().unwrap()
}

fn payment_event(body: &str) -> PaymentEvent {
    match one_event(body) {
        WebhookEvent::Payment(p) => p,
        other => panic!("expected a payment event, got {other:?}"),
    }
}

fn refund_event(body: &str) -> RefundEvent {
    match one_event(body) {
        WebhookEvent::Refund(r) => r,
        other => panic!("expected a refund event, got {other:?}"),
    }
}

fn dispute_event(body: &str) -> DisputeEvent {
    match one_event(body) {
        WebhookEvent::Dispute(d) => d,
        other => panic!("expected a dispute event, got {other:?}"),
    }
}

// ---- GET /payments/{id} -------------------------------------------------------------------

#[test]
fn sdk_card_payment_details_is_authorized_with_its_ids() {
    for body in [CARD_AUTHORIZED, EXPIRES_ON_WITHOUT_ZONE] {
        let r = psync(Some(CaptureMethod::Manual), body);
        assert_eq!(r.status, PaymentStatus::Authorized);
        assert_eq!(r.connector_status.as_deref(), Some("Authorized"));
        assert_eq!(r.connector_transaction_id.as_deref(), Some(PAYMENT_ID));
        assert_eq!(
            r.connector_operation_id.as_deref(),
            Some("act_mbabizu24mvu3mela5njyhpit4")
        );
        assert_eq!(r.amount, Some(usd(6540)));
        assert_eq!(r.merchant_reference.as_deref(), Some("ORD-5023-4E89"));
        assert_eq!(r.network_transaction_id.as_deref(), Some("489341065491658"));
        assert_eq!(
            r.connector_customer_id.as_deref(),
            Some("cus_udst2tfldj6upmye2reztkmm4i")
        );
        assert_eq!(r.http_status, Some(200));
        assert!(r.decline.is_none());
        assert!(r.next_action.is_none());
        // Not a mandate flow: the source id is not reported as a mandate.
        assert!(r.mandate_id.is_none());
    }
    // Automatic capture: the capture is scheduled.
    let r = psync(Some(CaptureMethod::Automatic), CARD_AUTHORIZED);
    assert_eq!(r.status, PaymentStatus::Charged);
}

#[test]
fn sdk_recurring_payment_details_with_balance_left_to_capture_is_authorized() {
    // Capture mode unknown: `available_to_capture` 6540 > 0 keeps it authorized.
    let r = psync(None, RECURRING_AUTHORIZED);
    assert_eq!(r.status, PaymentStatus::Authorized);
    assert_eq!(r.connector_transaction_id.as_deref(), Some(PAYMENT_ID));
    assert_eq!(r.amount, Some(usd(6540)));
    assert_eq!(r.network_transaction_id.as_deref(), Some("488341541494658"));
    assert_eq!(
        r.connector_customer_id.as_deref(),
        Some("cus_y3oqhf46pyzuxjbcn2giaqnb44")
    );
    // No top-level action_id in payment details.
    assert!(r.connector_operation_id.is_none());
    assert!(r.decline.is_none());
}

#[test]
fn sdk_klarna_payment_details_is_charged_in_eur() {
    let r = psync(None, KLARNA_CAPTURED);
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector_status.as_deref(), Some("Captured"));
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_mnnf6wnp7fdupa2jechtgg5cr4")
    );
    assert_eq!(r.amount, Some(Money::new(3998, Currency::EUR)));
    assert!(r.merchant_reference.is_none());
    assert!(r.decline.is_none());
}

// ---- GET /payments/{id}/actions -----------------------------------------------------------

#[test]
fn docs_actions_refund_is_success_with_its_amount() {
    let c = connector();
    let payment = "pay_y3oqhf46pyzuxjbcn2giaqnb44";
    let req = rsync(payment, "act_fd3h6evhpn3uxdoqbuu3lqnqbm");
    let actions = response(200, ACTIONS);
    // The refund has an amount: the payment is read for its currency.
    let next = sent(c.get_refund(&req, &cx(), std::slice::from_ref(&actions)));
    assert_eq!(
        next.url,
        format!("https://api.sandbox.checkout.com/payments/{payment}")
    );
    let r = done(c.get_refund(
        &req,
        &cx(),
        &[actions.clone(), response(200, CARD_AUTHORIZED)],
    ));
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(
        r.connector_refund_id.as_deref(),
        Some("act_fd3h6evhpn3uxdoqbuu3lqnqbm")
    );
    assert_eq!(r.connector_transaction_id.as_deref(), Some(payment));
    assert_eq!(r.connector_status.as_deref(), Some("Approved"));
    assert_eq!(r.amount, Some(usd(1000)));
    assert!(r.failure.is_none());

    // A refund not listed yet is pending; the capture's id is not a refund.
    let r = done(c.get_refund(
        &rsync(payment, "act_notlistedyetnotlistedyet"),
        &cx(),
        std::slice::from_ref(&actions),
    ));
    assert_eq!(r.status, RefundStatus::Pending);
    let e = failed(c.get_refund(
        &rsync(payment, "act_gefycn3jcvuupboxfmqrhk2aym"),
        &cx(),
        std::slice::from_ref(&actions),
    ));
    assert_code(&e, ErrorCode::InvalidRequest);
}

#[test]
fn legacy_docs_actions_with_a_shared_id_read_the_newest_refund() {
    // The older docs example lists a Refund and a Capture under the same id, newest first.
    let c = connector();
    let payment = "pay_y3oqhf46pyzuxjbcn2giaqnb44";
    let req = rsync(payment, "act_gefycn3jcvuupboxfmqrhk2aym");
    let r = done(c.get_refund(
        &req,
        &cx(),
        &[
            response(200, ACTIONS_LEGACY),
            response(200, CARD_AUTHORIZED),
        ],
    ));
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(r.amount, Some(usd(6540)));
    assert_eq!(r.connector_status.as_deref(), Some("Approved"));
}

// ---- webhooks -----------------------------------------------------------------------------

#[test]
fn every_published_webhook_verifies_and_a_changed_byte_does_not() {
    for body in [
        WH_PAYMENT_DECLINED,
        WH_CARD_VERIFIED,
        WH_PAYMENT_REFUNDED,
        WH_REFUND_PENDING_LEGACY,
        WH_REFUND_PENDING_WORKFLOWS,
        WH_PAYMENT_CANCELED,
        WH_DISPUTE_CANCELED,
        WH_DISPUTE_EVIDENCE_SUBMITTED,
        WH_DISPUTE_ARBITRATION_WON,
        WH_PAYMENT_CAPTURED_LEGACY,
        WH_PAYMENT_APPROVED,
        WH_PAYMENT_VOIDED,
        WH_REFUND_DECLINED,
        WH_DISPUTE_LOST,
    ] {
        let c = connector();
        assert!(c.handle_webhook(&signed(body, WEBHOOK_SECRET)).is_ok());
        // The rotated-out key still verifies.
        assert!(c.handle_webhook(&signed(body, OLD_WEBHOOK_SECRET)).is_ok());
        // Signed with an unknown key: rejected.
        let e = c
            .handle_webhook(&signed(body, "not-a-configured-key"))
            .unwrap_err();
        assert_code(&e, ErrorCode::WebhookVerificationFailed);
        // Body changed after signing: rejected.
        let mut tampered = signed(body, WEBHOOK_SECRET);
        tampered.body = body.replacen("\"id\"", "\"Id\"", 1).into_bytes().into();
        let e = c.handle_webhook(&tampered).unwrap_err();
        assert_code(&e, ErrorCode::WebhookVerificationFailed);
    }
}

#[test]
fn docs_payment_declined_webhook_is_a_soft_decline() {
    let p = payment_event(WH_PAYMENT_DECLINED);
    assert_eq!(p.event_type, "payment_declined");
    assert_eq!(
        p.event_id.as_deref(),
        Some("evt_h3wfa5symn3ehof6fbgilpu5fm")
    );
    assert_eq!(p.connector_transaction_id, "pay_pfyq4sdkrvoexn737g2e26c3xm");
    assert_eq!(
        p.connector_operation_id.as_deref(),
        Some("act_pfyq4sdkrvoexn737g2e26c3xm")
    );
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(p.amount, Some(Money::new(5, Currency::EUR)));
    assert_eq!(p.merchant_reference.as_deref(), Some("ORD-5023-4E89"));
    assert_eq!(p.network_transaction_id.as_deref(), Some("638284745624527"));
    assert_eq!(p.occurred_at.as_deref(), Some("2019-06-07T08:27:26Z"));
    let d = p.decline.expect("decline details");
    assert_eq!(d.code.as_deref(), Some("20005"));
    assert_eq!(d.message.as_deref(), Some("Declined - Do Not Honour"));
    assert_eq!(d.reason.as_deref(), Some("soft_decline"));
    assert!(p.mandate_id.is_none());
}

#[test]
fn docs_card_verified_webhook_carries_the_mandate() {
    let p = payment_event(WH_CARD_VERIFIED);
    assert_eq!(p.event_type, "card_verified");
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.connector_transaction_id, "pay_sdcdhwmpjgberkbzkugqe7pfum");
    assert_eq!(
        p.mandate_id.as_deref(),
        Some("src_isu5yyegxg4e5l5yadnpu6y744")
    );
    assert_eq!(p.amount, Some(Money::new(0, Currency::EUR)));
    assert_eq!(p.network_transaction_id.as_deref(), Some("638284745624527"));
    assert!(p.decline.is_none());
}

#[test]
fn docs_payment_canceled_webhook_without_authorization_is_a_failure() {
    let p = payment_event(WH_PAYMENT_CANCELED);
    assert_eq!(p.event_type, "payment_canceled");
    assert_eq!(
        p.event_id.as_deref(),
        Some("evt_ppo35tnn7u2edoiexaelcjk5me")
    );
    assert_eq!(p.connector_transaction_id, "pay_wtdnbqr2oarebnxeudvehbnrki");
    // No balances: nothing was authorized, so it is not a void.
    assert_eq!(p.status, PaymentStatus::Failure);
    assert_eq!(p.amount, Some(Money::new(200, Currency::EUR)));
    // Workflows format: `timestamp` instead of `created_on`.
    assert_eq!(
        p.occurred_at.as_deref(),
        Some("2021-06-11T11:59:50.071+00:00")
    );
}

#[test]
fn docs_payment_captured_legacy_webhook_is_charged() {
    let p = payment_event(WH_PAYMENT_CAPTURED_LEGACY);
    assert_eq!(p.status, PaymentStatus::Charged);
    assert_eq!(p.connector_transaction_id, "pay_waji5li3mqtetnaor77xmow4bq");
    assert_eq!(
        p.connector_operation_id.as_deref(),
        Some("act_gse7gcrhleuedmzhq25n3mhweq")
    );
    assert_eq!(p.amount, Some(Money::new(10000, Currency::EUR)));
}

#[test]
fn docs_refund_webhooks_map_by_type_with_the_action_as_refund_id() {
    let r = refund_event(WH_PAYMENT_REFUNDED);
    assert_eq!(r.event_type, "payment_refunded");
    assert_eq!(r.status, RefundStatus::Success);
    assert_eq!(r.connector_refund_id, "act_7fmebms4rtmuja2poigylogjk4");
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_pswr5qaqzzferh2puzfyrefzuy")
    );
    assert_eq!(r.amount, Some(Money::new(200, Currency::GBP)));
    assert_eq!(
        r.merchant_refund_reference.as_deref(),
        Some("ORD-5023-4E89")
    );
    assert!(r.reason.is_none());

    let r = refund_event(WH_REFUND_PENDING_LEGACY);
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(r.connector_refund_id, "act_y3oqhf46pyzuxjbcn2giaqnb44");
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_y3oqhf46pyzuxjbcn2giaqnb44")
    );
    assert_eq!(r.amount, Some(usd(6540)));
    assert_eq!(r.occurred_at.as_deref(), Some("2018-04-10T08:12:14Z"));

    let r = refund_event(WH_REFUND_PENDING_WORKFLOWS);
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(
        r.event_id.as_deref(),
        Some("evt_si4yxt7tjkvelephxc4kgo7r6e")
    );
    assert_eq!(r.connector_refund_id, "act_wn4emh2jhu5efoz5ghl3bui4zq");
    assert_eq!(r.amount, Some(Money::new(100, Currency::EUR)));
    assert_eq!(
        r.occurred_at.as_deref(),
        Some("2021-06-11T11:43:02.292+00:00")
    );
}

#[test]
fn docs_dispute_webhooks_map_status_and_stage() {
    for (body, event_type, status, stage, occurred) in [
        (
            WH_DISPUTE_CANCELED,
            "dispute_canceled",
            DisputeStatus::Cancelled,
            DisputeStage::Dispute,
            "2018-07-10T11:01:53Z",
        ),
        (
            WH_DISPUTE_EVIDENCE_SUBMITTED,
            "dispute_evidence_submitted",
            DisputeStatus::Challenged,
            DisputeStage::Dispute,
            "2018-06-21T12:00:31Z",
        ),
        (
            WH_DISPUTE_ARBITRATION_WON,
            "dispute_arbitration_won",
            DisputeStatus::Won,
            DisputeStage::PreArbitration,
            "2018-06-21T12:00:31Z",
        ),
        (
            WH_DISPUTE_LOST,
            "dispute_lost",
            DisputeStatus::Lost,
            DisputeStage::Dispute,
            "2018-07-10T11:04:48Z",
        ),
    ] {
        let d = dispute_event(body);
        assert_eq!(d.event_type, event_type);
        assert_eq!((d.status, d.stage), (status, stage), "{event_type}");
        assert_eq!(d.connector_dispute_id, "dsp_9rjdlsd4epepfjyyf9vl");
        assert_eq!(
            d.connector_transaction_id.as_deref(),
            Some("pay_cnhuomagalglgozxy5zm")
        );
        assert_eq!(d.amount, Some(usd(20020)));
        assert_eq!(d.reason_code.as_deref(), Some("10.4"));
        assert_eq!(d.reason.as_deref(), Some("canceled_recurring"));
        assert_eq!(d.occurred_at.as_deref(), Some(occurred));
    }
}

#[test]
fn docs_payment_approved_webhook_is_authorized() {
    let p = payment_event(WH_PAYMENT_APPROVED);
    assert_eq!(p.event_type, "payment_approved");
    assert_eq!(
        p.event_id.as_deref(),
        Some("evt_vha2gih6tl5u5ebrpajhm727fe")
    );
    assert_eq!(p.status, PaymentStatus::Authorized);
    assert_eq!(p.connector_transaction_id, "pay_waji5li3mqtetnaor77xmow4bq");
    assert_eq!(
        p.connector_operation_id.as_deref(),
        Some("act_waji5li3mqtetnaor77xmow4bq")
    );
    assert_eq!(p.amount, Some(Money::new(10000, Currency::EUR)));
    assert_eq!(p.merchant_reference.as_deref(), Some("ORD-5023-4E89"));
    assert_eq!(p.network_transaction_id.as_deref(), Some("638284745624527"));
    assert_eq!(p.occurred_at.as_deref(), Some("2019-06-07T08:25:21Z"));
    assert!(p.decline.is_none());
    // Not a card verification: the source is not a mandate.
    assert!(p.mandate_id.is_none());
}

#[test]
fn docs_payment_voided_webhook_is_voided() {
    let p = payment_event(WH_PAYMENT_VOIDED);
    assert_eq!(p.event_type, "payment_voided");
    assert_eq!(p.status, PaymentStatus::Voided);
    assert_eq!(p.connector_transaction_id, "pay_y3oqhf46pyzuxjbcn2giaqnb44");
    assert_eq!(
        p.connector_operation_id.as_deref(),
        Some("act_y3oqhf46pyzuxjbcn2giaqnb44")
    );
    assert_eq!(p.amount, Some(usd(6540)));
    assert_eq!(p.occurred_at.as_deref(), Some("2018-04-10T08:12:14Z"));
    assert!(p.decline.is_none());
}

#[test]
fn docs_payment_refund_declined_webhook_is_a_failed_refund_with_the_summary() {
    let r = refund_event(WH_REFUND_DECLINED);
    assert_eq!(r.event_type, "payment_refund_declined");
    assert_eq!(r.status, RefundStatus::Failure);
    assert_eq!(r.connector_refund_id, "act_y3oqhf46pyzuxjbcn2giaqnb44");
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_y3oqhf46pyzuxjbcn2giaqnb44")
    );
    assert_eq!(r.amount, Some(usd(6540)));
    assert_eq!(
        r.merchant_refund_reference.as_deref(),
        Some("ORD-5023-4E89")
    );
    // response_code 20120, response_summary "Invalid Customer/User".
    assert_eq!(r.reason.as_deref(), Some("Invalid Customer/User"));
}

// ---- POST /payments: 202 and declined 201 (SDK docs and SDK test mocks) --------------------

fn expect_redirect(r: &PaymentResponse, url: &str) {
    match &r.next_action {
        Some(NextAction::Redirect(redirect)) => {
            assert_eq!(redirect.url, url);
            assert_eq!(redirect.method, HttpMethod::Get);
            assert!(redirect.form_fields.is_empty());
        }
        other => panic!("expected a redirect, got {other:?}"),
    }
}

#[test]
fn sdk_docs_3ds_202_asks_for_the_redirect() {
    let mut req = authorize_request(CaptureMethod::Manual);
    req.authentication_type = AuthenticationType::ThreeDs;
    let r = done(connector().authorize(&req, &cx(), &[response(202, PENDING_3DS_202)]));
    assert_eq!(r.status, PaymentStatus::AuthenticationPending);
    assert_eq!(r.connector_status.as_deref(), Some("Pending"));
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_krq2q22lblsevfkay2gfyvatta")
    );
    assert_eq!(
        r.connector_customer_id.as_deref(),
        Some("cus_c5c7d5f4avnehbhhgmnkdadkdu")
    );
    // The 202 repeats no amount and has no action yet.
    assert_eq!(r.amount, Some(usd(6540)));
    assert!(r.connector_operation_id.is_none());
    assert_eq!(r.http_status, Some(202));
    assert!(r.decline.is_none());
    expect_redirect(
        &r,
        "https://3ds2-sandbox.ckotech.co/interceptor/3ds_dr6us33uu57utjwh7yl5szcgqy",
    );
}

#[test]
fn sdk_docs_ideal_202_redirects_to_the_payment_page() {
    let mut req = AuthorizeRequest::new(
        Money::new(1000, Currency::EUR),
        "ideal-1",
        PaymentMethod::BankRedirect(BankRedirect {
            method: BankRedirectMethod::Ideal,
            issuer: None,
        }),
    );
    req.return_url = Some("https://shop.example/return".into());
    let r = done(connector().authorize(&req, &cx(), &[response(202, PENDING_APM_202)]));
    assert_eq!(r.status, PaymentStatus::AuthenticationPending);
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_y3gars76cvrudairph27ekzpvm")
    );
    assert_eq!(
        r.connector_customer_id.as_deref(),
        Some("cus_zbsnutwm2hoevnxnyj6o26sibe")
    );
    assert_eq!(r.amount, Some(Money::new(1000, Currency::EUR)));
    expect_redirect(
        &r,
        "https://sandbox.checkout.com/LP.Core/api/payment/191952",
    );
}

#[test]
fn sdk_declined_201_is_a_soft_decline_result() {
    let mut req = authorize_request(CaptureMethod::Automatic);
    req.amount = usd(1005);
    let r = done(connector().authorize(&req, &cx(), &[response(201, DECLINED_201)]));
    assert_eq!(r.status, PaymentStatus::Failure);
    assert_eq!(r.connector_status.as_deref(), Some("Declined"));
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_idt2rgacxglehoyhiu7fu3e4we")
    );
    assert_eq!(
        r.connector_operation_id.as_deref(),
        Some("act_idt2rgacxglehoyhiu7fu3e4we")
    );
    assert_eq!(r.amount, Some(usd(1005)));
    assert_eq!(r.network_transaction_id.as_deref(), Some("638284745624527"));
    assert_eq!(
        r.connector_customer_id.as_deref(),
        Some("cus_xthycmncbhmujauqjebmhwkwle")
    );
    assert_eq!(r.http_status, Some(201));
    assert!(r.next_action.is_none());
    assert!(r.mandate_id.is_none());
    let d = r.decline.expect("decline details");
    assert_eq!(d.code.as_deref(), Some("20005"));
    assert_eq!(d.message.as_deref(), Some("Declined - Do Not Honour"));
    assert_eq!(d.reason.as_deref(), Some("soft_decline"));
    assert!(d.network_decline_code.is_none());
}

// ---- captures, voids, refunds: 202 Accepted (SDK test mocks) ------------------------------

#[test]
fn sdk_capture_void_and_refund_202_are_accepted_not_done() {
    let c = connector();
    // The mocks' `_links.payment` names other payments: the id is the one the request named.
    let payment = "pay_6ndp5facelxurne7gloxkxm57u";

    let capture = CaptureRequest {
        connector_transaction_id: payment.into(),
        amount: usd(100),
        authorized_amount: Some(usd(100)),
        merchant_reference: None,
        idempotency_key: None,
    };
    let r = done(c.capture(&capture, &cx(), &[response(202, CAPTURE_202)]));
    assert_eq!(r.status, PaymentStatus::Pending);
    assert_eq!(r.connector_transaction_id.as_deref(), Some(payment));
    assert_eq!(
        r.connector_operation_id.as_deref(),
        Some("act_sdsnnv4ehjeujmvgby6rldgmw4")
    );
    assert_eq!(r.merchant_reference.as_deref(), Some("ORD-5023-4E89"));
    assert_eq!(r.amount, Some(usd(100)));
    assert_eq!(r.http_status, Some(202));
    assert!(r.decline.is_none());

    let void = VoidRequest {
        connector_transaction_id: payment.into(),
        ..Default::default()
    };
    let r = done(c.void(&void, &cx(), &[response(202, VOID_202)]));
    assert_eq!(r.status, PaymentStatus::VoidInitiated);
    assert_eq!(r.connector_transaction_id.as_deref(), Some(payment));
    assert_eq!(
        r.connector_operation_id.as_deref(),
        Some("act_hvue5c7klzmubkfmxfptldibdi")
    );
    assert_eq!(r.merchant_reference.as_deref(), Some("ORD-5023-4E89"));
    assert_eq!(r.http_status, Some(202));

    let refund = RefundRequest {
        connector_transaction_id: payment.into(),
        amount: usd(100),
        merchant_refund_reference: None,
        reason: None,
        refundable_amount: None,
        idempotency_key: None,
        metadata: Default::default(),
    };
    let r = done(c.refund(&refund, &cx(), &[response(202, REFUND_202)]));
    assert_eq!(r.status, RefundStatus::Pending);
    assert_eq!(
        r.connector_refund_id.as_deref(),
        Some("act_3cxabwfq4ieu3mn3cuzv7ct6dy")
    );
    assert_eq!(r.connector_transaction_id.as_deref(), Some(payment));
    assert_eq!(
        r.merchant_refund_reference.as_deref(),
        Some("ORD-5023-4E89")
    );
    assert_eq!(r.amount, Some(usd(100)));
    assert_eq!(r.http_status, Some(202));
}

// ---- error answers (SDK docs and SDK test mocks) ------------------------------------------

#[test]
fn sdk_validation_errors_are_invalid_request_with_the_codes() {
    let c = connector();
    let req = authorize_request(CaptureMethod::Manual);

    let e = failed(c.authorize(&req, &cx(), &[response(422, ERROR_422_SOURCE_REQUIRED)]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.http_status, Some(422));
    assert_eq!(e.processor_code.as_deref(), Some("payment_source_required"));
    assert_eq!(e.processor_message.as_deref(), Some("request_invalid"));
    assert_eq!(
        e.request_id.as_deref(),
        Some("b20f81ac-e6e7-40a2-b048-92e319da030c")
    );
    assert!(!e.retryable);
    assert_eq!(e.flow, Some(Flow::Authorize));

    let e = failed(c.authorize(&req, &cx(), &[response(422, ERROR_422_TOKEN_EXPIRED)]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.processor_code.as_deref(), Some("token_expired"));
    assert_eq!(e.processor_message.as_deref(), Some("processing_error"));
    assert_eq!(
        e.request_id.as_deref(),
        Some("6b3300a8-fe99-4ab3-8332-43cd7ecb58a7")
    );
    assert!(!e.retryable);

    // The same body on a 429 names no duplicate: rate limiting, retryable.
    let e = failed(c.authorize(&req, &cx(), &[response(429, ERROR_422_SOURCE_REQUIRED)]));
    assert_code(&e, ErrorCode::RateLimited);
    assert!(e.retryable);
}

#[test]
fn sdk_empty_error_answers_are_classed_by_status() {
    // checkout-sdk-node's capture / void / refund tests answer `.reply(401)`, `.reply(403)`
    // and `.reply(404)`: no body at all.
    let c = connector();
    let payment = "pay_fah5j3m2oqdutkd23tq7la42qy";
    let capture = CaptureRequest {
        connector_transaction_id: payment.into(),
        amount: usd(100),
        authorized_amount: None,
        merchant_reference: None,
        idempotency_key: None,
    };
    let void = VoidRequest {
        connector_transaction_id: payment.into(),
        ..Default::default()
    };
    for (status, code) in [
        (401, ErrorCode::Authentication),
        (403, ErrorCode::InvalidRequest),
        (404, ErrorCode::NotFound),
    ] {
        let e = failed(c.capture(&capture, &cx(), &[response(status, "")]));
        assert_code(&e, code);
        assert_eq!(e.http_status, Some(status));
        assert_eq!(e.flow, Some(Flow::Capture));
        let e = failed(c.void(&void, &cx(), &[response(status, "")]));
        assert_code(&e, code);
        assert_eq!(e.flow, Some(Flow::Void));
    }
    let e = failed(c.capture(&capture, &cx(), &[response(401, "")]));
    assert_eq!(e.processor_code.as_deref(), Some("invalid_api_key"));
}

// ---- ActiveMerchant's recorded sandbox answers --------------------------------------------

#[test]
fn active_merchant_declined_3ds_payment_details_is_a_failure() {
    let r = psync(None, AM_3DS_DECLINED_DETAILS);
    assert_eq!(r.status, PaymentStatus::Failure);
    assert_eq!(r.connector_status.as_deref(), Some("Declined"));
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_xrwmaqlar73uhjtyoghc7bspa4")
    );
    assert_eq!(r.amount, Some(usd(100)));
    assert_eq!(
        r.merchant_reference.as_deref(),
        Some("EuyOZtgt8KI4tolEH8lqxCclWqz")
    );
    assert_eq!(
        r.connector_customer_id.as_deref(),
        Some("cus_bb4b7eu35sde7o33fq2xchv7oq")
    );
    assert!(r.next_action.is_none());
    // Payment details carry no response_code: a decline without code or family.
    let d = r.decline.expect("decline details");
    assert!(d.code.is_none());
    assert!(d.reason.is_none());
}

#[test]
fn active_merchant_card_verified_201_creates_the_mandate() {
    let req = mandate_setup_request("1", "longbob.longsen@example.com");
    let r = done(connector().setup_mandate(&req, &cx(), &[response(201, AM_CARD_VERIFIED_201)]));
    assert_eq!(r.status, PaymentStatus::Charged);
    assert_eq!(r.connector_status.as_deref(), Some("Card Verified"));
    assert_eq!(
        r.mandate_id.as_deref(),
        Some("src_nica37p5k7aufhs3rsv2te7xye")
    );
    assert_eq!(
        r.connector_transaction_id.as_deref(),
        Some("pay_ij6bctwxpzdulm53xyksio7gm4")
    );
    assert_eq!(
        r.connector_operation_id.as_deref(),
        Some("act_ij6bctwxpzdulm53xyksio7gm4")
    );
    assert_eq!(r.network_transaction_id.as_deref(), Some("305756859646779"));
    assert_eq!(
        r.connector_customer_id.as_deref(),
        Some("cus_r2yb7f2upmsuhm6nbruoqn657y")
    );
    assert_eq!(r.amount, Some(usd(0)));
    assert!(r.decline.is_none());
}
