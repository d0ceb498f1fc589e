//! The issuer's decision on Adyen disputes: `POST /adyen/_sandbox/disputes/{id}/resolve` and
//! the outcome notifications it emits (spec Adyen API reference, "Event codes"-Adyen API reference, "Dispute events"). Plain HTTP, nothing from the
//! core.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

const DISPUTES: &str = "/ca/services/DisputeService/v30";

async fn captured_payment(h: &Harness, card: &str, value: i64) -> String {
    let reply = h.adyen("/v68/payments", &h.payment(card, "J", value)).await;
    assert_eq!(reply.json()["resultCode"], "Authorised", "{}", reply.text);
    let psp = reply.json()["pspReference"].as_str().unwrap().to_string();
    h.next_item("AUTHORISATION").await;
    psp
}

/// Opens a chargeback on `payment` and takes its two opening notifications.
async fn open_dispute(h: &Harness, payment: &str) -> String {
    let reply = h
        .control(
            Method::POST,
            "/_sandbox/disputes",
            Some(json!({"processor": "adyen", "payment_id": payment})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let dispute = reply.json()["dispute_id"].as_str().unwrap().to_string();
    assert_eq!(
        h.next_item("NOTIFICATION_OF_CHARGEBACK").await["pspReference"],
        dispute.as_str()
    );
    assert_eq!(
        h.next_item("CHARGEBACK").await["pspReference"],
        dispute.as_str()
    );
    dispute
}

async fn dispute_call(h: &Harness, op: &str, dispute: &str, extra: Value) -> Value {
    let mut body = json!({"disputePspReference": dispute, "merchantAccountCode": h.merchant});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let reply = h.adyen(&format!("{DISPUTES}/{op}"), &body).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()["disputeServiceResult"].clone()
}

/// Supplies defence material and defends with `SupplyDefenseMaterial`.
async fn defend(h: &Harness, dispute: &str) {
    let supplied = dispute_call(
        h,
        "supplyDefenseDocument",
        dispute,
        json!({"defenseDocuments": [{"content": "JVBERi0xLjQKJcOkw7zDtsOfCg==",
                "contentType": "application/pdf", "defenseDocumentTypeCode": "DefenseMaterial"}]}),
    )
    .await;
    assert_eq!(supplied, json!({"success": true}));
    let defended = dispute_call(
        h,
        "defendDispute",
        dispute,
        json!({"defenseReasonCode": "SupplyDefenseMaterial"}),
    )
    .await;
    assert_eq!(defended, json!({"success": true}));
}

async fn resolve(h: &Harness, dispute: &str, body: Value) -> Reply {
    h.control(
        Method::POST,
        &format!("/adyen/_sandbox/disputes/{dispute}/resolve"),
        Some(body),
    )
    .await
}

/// Checks a decision notification: the dispute, its payment, the disputed amount, the reason
/// code and the final `disputeStatus` (the signature was checked by `next_item`).
fn assert_decision(item: &Value, dispute: &str, payment: &str, value: i64, dispute_status: &str) {
    assert_eq!(item["pspReference"], dispute, "{item}");
    assert_eq!(item["originalReference"], payment, "{item}");
    assert_eq!(item["merchantReference"], "order-42");
    assert_eq!(item["merchantAccountCode"], "SandboxMerchantECOM");
    assert_eq!(item["amount"], json!({"currency": "EUR", "value": value}));
    assert_eq!(item["success"], "true");
    let data = &item["additionalData"];
    assert_eq!(data["disputeStatus"], dispute_status, "{item}");
    assert_eq!(data["defendable"], "false", "a decided dispute: {item}");
    assert_eq!(
        data["chargebackReasonCode"].as_str().unwrap().trim(),
        "4853"
    );
    assert!(data["defensePeriodEndsAt"].as_str().unwrap().contains('T'));
}

/// Every Disputes API operation that changes a dispute now fails with `success: false`.
async fn assert_closed(h: &Harness, dispute: &str, message: &str) {
    for (op, extra) in [
        ("acceptDispute", json!({})),
        (
            "defendDispute",
            json!({"defenseReasonCode": "SupplyDefenseMaterial"}),
        ),
        (
            "supplyDefenseDocument",
            json!({"defenseDocuments": [{"content": "JVBERi0xLjQK", "contentType": "application/pdf",
                                         "defenseDocumentTypeCode": "DefenseMaterial"}]}),
        ),
        (
            "deleteDisputeDefenseDocument",
            json!({"defenseDocumentType": "DefenseMaterial"}),
        ),
    ] {
        let result = dispute_call(h, op, dispute, extra).await;
        assert_eq!(result["success"], false, "{op}: {result}");
        assert_eq!(result["errorMessage"], message, "{op}");
    }
}

/// What is left in the Adyen outbox. Webhooks are emitted in the order they were caused, so
/// once a later webhook was taken, anything an earlier call emitted is in this list.
async fn outbox(h: &Harness) -> Vec<Value> {
    h.control(Method::GET, "/_sandbox/webhooks?processor=adyen", None)
        .await
        .json()
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_defended_dispute_won_is_a_chargeback_reversed() {
    let h = start().await;
    let payment = captured_payment(&h, MASTERCARD, 2000).await;
    let dispute = open_dispute(&h, &payment).await;
    defend(&h, &dispute).await;

    let reply = resolve(&h, &dispute, json!({"outcome": "won"})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type").unwrap(), "application/json");
    assert_eq!(
        reply.json(),
        json!({"dispute_id": dispute, "payment_id": payment, "amount": 2000, "currency": "EUR",
               "outcome": "won", "dispute_status": "Won", "event_code": "CHARGEBACK_REVERSED"})
    );
    let item = h.next_item("CHARGEBACK_REVERSED").await;
    assert_decision(&item, &dispute, &payment, 2000, "Won");
    assert_eq!(item["paymentMethod"], "mc");

    // Decided once: the control API refuses another decision, the Disputes API any change.
    for outcome in ["won", "lost", "expired"] {
        let again = resolve(&h, &dispute, json!({ "outcome": outcome })).await;
        assert_eq!(again.status, 409, "{outcome}: {}", again.text);
        assert!(
            again.json()["error"]
                .as_str()
                .unwrap()
                .contains("already decided (Won)"),
            "{}",
            again.text
        );
    }
    assert_closed(&h, &dispute, "The dispute has already been decided").await;
    // The applicable reasons can still be read.
    let reasons = dispute_call(&h, "retrieveApplicableDefenseReasons", &dispute, json!({})).await;
    assert_eq!(reasons["success"], true);

    // None of the refused calls emitted anything: a later webhook comes next, then nothing.
    let other = open_dispute(&h, &payment).await;
    assert_ne!(other, dispute);
    assert_eq!(outbox(&h).await, Vec::<Value>::new());
}

#[tokio::test]
async fn a_defended_dispute_lost_is_a_second_chargeback() {
    let h = start().await;
    let payment = captured_payment(&h, MASTERCARD, 3000).await;
    let dispute = open_dispute(&h, &payment).await;
    defend(&h, &dispute).await;

    let reply = resolve(&h, &dispute, json!({"outcome": "lost"})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json()["event_code"], "SECOND_CHARGEBACK");
    assert_eq!(reply.json()["dispute_status"], "Lost");
    let item = h.next_item("SECOND_CHARGEBACK").await;
    assert_decision(&item, &dispute, &payment, 3000, "Lost");

    let again = resolve(&h, &dispute, json!({"outcome": "won"})).await;
    assert_eq!(again.status, 409, "{}", again.text);
    assert_closed(&h, &dispute, "The dispute has already been decided").await;
}

#[tokio::test]
async fn the_notification_carrying_a_decision_can_be_chosen() {
    let h = start().await;
    let payment = captured_payment(&h, MASTERCARD, 5000).await;
    for (outcome, event_code, status) in [
        ("won", "PREARBITRATION_WON", "Won"),
        ("won", "CHARGEBACK", "Won"),
        ("won", "CHARGEBACK_REVERSED", "Won"),
        ("lost", "PREARBITRATION_LOST", "Lost"),
        ("lost", "CHARGEBACK", "Lost"),
        ("lost", "SECOND_CHARGEBACK", "Lost"),
    ] {
        let dispute = open_dispute(&h, &payment).await;
        defend(&h, &dispute).await;
        let reply = resolve(
            &h,
            &dispute,
            json!({"outcome": outcome, "event_code": event_code}),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(reply.json()["event_code"], event_code);
        let item = h.next_item(event_code).await;
        assert_decision(&item, &dispute, &payment, 5000, status);
    }
    assert_eq!(outbox(&h).await, Vec::<Value>::new());
}

#[tokio::test]
async fn an_undefended_dispute_expires() {
    let h = start().await;
    let payment = captured_payment(&h, MASTERCARD, 1200).await;

    // Documents supplied but no defence: the defence period still ends.
    let dispute = open_dispute(&h, &payment).await;
    let supplied = dispute_call(
        &h,
        "supplyDefenseDocument",
        &dispute,
        json!({"defenseDocuments": [{"content": "JVBERi0xLjQK", "contentType": "application/pdf",
                                     "defenseDocumentTypeCode": "DefenseMaterial"}]}),
    )
    .await;
    assert_eq!(supplied["success"], true);
    let reply = resolve(&h, &dispute, json!({"outcome": "expired"})).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.json(),
        json!({"dispute_id": dispute, "payment_id": payment, "amount": 1200, "currency": "EUR",
               "outcome": "expired", "dispute_status": "Expired",
               "event_code": "DISPUTE_DEFENSE_PERIOD_ENDED"})
    );
    let item = h.next_item("DISPUTE_DEFENSE_PERIOD_ENDED").await;
    assert_decision(&item, &dispute, &payment, 1200, "Expired");
    assert_closed(&h, &dispute, "The defense period of the dispute has ended").await;
    let again = resolve(&h, &dispute, json!({"outcome": "expired"})).await;
    assert_eq!(again.status, 409, "{}", again.text);

    // Or as the final CHARGEBACK status.
    let second = open_dispute(&h, &payment).await;
    let reply = resolve(
        &h,
        &second,
        json!({"outcome": "expired", "event_code": "CHARGEBACK"}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let item = h.next_item("CHARGEBACK").await;
    assert_decision(&item, &second, &payment, 1200, "Expired");
    assert_eq!(outbox(&h).await, Vec::<Value>::new());
}

#[tokio::test]
async fn decisions_that_do_not_fit_the_dispute_are_control_errors() {
    let h = start().await;
    let payment = captured_payment(&h, MASTERCARD, 2000).await;
    let open = open_dispute(&h, &payment).await;
    let defended = open_dispute(&h, &payment).await;
    defend(&h, &defended).await;
    let accepted = open_dispute(&h, &payment).await;
    let result = dispute_call(&h, "acceptDispute", &accepted, json!({})).await;
    assert_eq!(result["success"], true);
    assert_eq!(
        h.next_item("CHARGEBACK").await["additionalData"]["disputeStatus"],
        "Accepted"
    );

    let conflict = |reply: Reply, needle: &str| {
        assert_eq!(reply.status, 409, "{}", reply.text);
        let message = reply.json()["error"].as_str().unwrap().to_string();
        assert!(message.contains(needle), "{message}");
    };
    // An undefended dispute is not decided by the issuer: it can only expire.
    conflict(
        resolve(&h, &open, json!({"outcome": "won"})).await,
        "not defended",
    );
    conflict(
        resolve(&h, &open, json!({"outcome": "lost"})).await,
        "not defended",
    );
    // A defence is decided: it does not expire.
    conflict(
        resolve(&h, &defended, json!({"outcome": "expired"})).await,
        "can only be won or lost",
    );
    // An accepted dispute is over.
    for outcome in ["won", "lost", "expired"] {
        conflict(
            resolve(&h, &accepted, json!({ "outcome": outcome })).await,
            "accepted",
        );
    }

    // Unknown dispute, bad bodies.
    let unknown = resolve(&h, "NOSUCHDISPUTE000", json!({"outcome": "won"})).await;
    assert_eq!(unknown.status, 404, "{}", unknown.text);
    assert!(unknown.json()["error"].is_string());
    for body in [
        json!({}),
        json!({"outcome": "maybe"}),
        json!({"outcome": "WON"}),
        json!({"outcome": 1}),
        json!({"outcome": "won", "event_code": "SECOND_CHARGEBACK"}),
        json!({"outcome": "lost", "event_code": "CHARGEBACK_REVERSED"}),
        json!({"outcome": "expired", "event_code": "SECOND_CHARGEBACK"}),
        json!({"outcome": "won", "event_code": 7}),
        json!([1]),
    ] {
        let reply = resolve(&h, &defended, body.clone()).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text);
        assert!(reply.json()["error"].is_string());
    }
    let url = format!(
        "{}/_sandbox/disputes/{defended}/resolve",
        h.sandbox.url("adyen")
    );
    let not_json = h
        .send(Method::POST, &url, &[], Some("{outcome".into()))
        .await
        .unwrap();
    assert_eq!(not_json.status, 400);
    let get = h.send(Method::GET, &url, &[], None).await.unwrap();
    assert_eq!(get.status, 405);
    let other = h
        .send(
            Method::POST,
            &format!("{}/_sandbox/nothing", h.sandbox.url("adyen")),
            &[],
            None,
        )
        .await
        .unwrap();
    assert_eq!(other.status, 404);
    assert!(other.json()["error"].is_string());

    // Nothing was decided or emitted by the refused calls: the disputes can still be decided,
    // and their notifications are all that comes.
    let won = resolve(&h, &defended, json!({"outcome": "won", "event_code": null})).await;
    assert_eq!(won.status, 200, "{}", won.text);
    h.next_item("CHARGEBACK_REVERSED").await;
    let expired = resolve(&h, &open, json!({"outcome": "expired"})).await;
    assert_eq!(expired.status, 200, "{}", expired.text);
    h.next_item("DISPUTE_DEFENSE_PERIOD_ENDED").await;
    assert_eq!(outbox(&h).await, Vec::<Value>::new());

    // The hooks are requests to the processor: logged like its API calls.
    let log = h
        .control(Method::GET, "/_sandbox/requests?processor=adyen", None)
        .await
        .json();
    assert_eq!(
        log["by_path"][format!("POST /_sandbox/disputes/{defended}/resolve")],
        json!(12)
    );
}
