//! Adyen disputes (control API + Disputes API v30) and webhook signatures.

mod common;

use common::*;
use serde_json::{json, Value};

const DISPUTES: &str = "/ca/services/DisputeService/v30";

#[test]
fn own_hmac_matches_the_official_vector() {
    // Adyen API reference, "Official test vector": the item from the Adyen Python library's unit test.
    let item = json!({
        "additionalData": {"hmacSignature": "coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0="},
        "amount": {"currency": "EUR", "value": 1130},
        "eventCode": "AUTHORISATION", "eventDate": "2021-01-01T01:00:00+01:00",
        "merchantAccountCode": "TestMerchant", "merchantReference": "TestPayment-1407325143704",
        "paymentMethod": "visa", "pspReference": "7914073381342284", "success": "true"
    });
    let key = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
    assert_eq!(
        item_signature(&item, key),
        "coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0="
    );
    assert!(verify_item(&item, key));
    let mut tampered = item.clone();
    tampered["amount"]["value"] = json!(1131);
    assert!(!verify_item(&tampered, key));
    assert!(!verify_item(
        &item,
        "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA057"
    ));
}

#[tokio::test]
async fn sandbox_webhooks_verify_with_the_published_key_only() {
    let h = start().await;
    h.adyen("/v68/payments", &h.payment(VISA, "J", 1130)).await;
    let item = h.next_item("AUTHORISATION").await; // verified inside
    assert!(!verify_item(
        &item,
        "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
    ));
    let mut tampered = item.clone();
    tampered["merchantReference"] = json!("other");
    assert!(!verify_item(&tampered, &h.hmac_key));
    for field in [
        "eventDate",
        "merchantAccountCode",
        "merchantReference",
        "pspReference",
        "success",
        "amount",
    ] {
        assert!(
            item.get(field).is_some(),
            "required field {field} missing in {item}"
        );
    }
}

async fn captured_payment(h: &Harness, value: i64) -> String {
    let psp = h
        .adyen("/v68/payments", &h.payment(MASTERCARD, "J", value))
        .await
        .json()["pspReference"]
        .as_str()
        .unwrap()
        .to_string();
    h.next_item("AUTHORISATION").await;
    psp
}

async fn open(h: &Harness, body: Value) -> Reply {
    h.control(reqwest::Method::POST, "/_sandbox/disputes", Some(body))
        .await
}

async fn dispute_call(h: &Harness, op: &str, body: Value) -> Reply {
    h.adyen(&format!("{DISPUTES}/{op}"), &body).await
}

#[tokio::test]
async fn opening_a_dispute_emits_chargeback_notifications() {
    let h = start().await;
    let psp = captured_payment(&h, 2000).await;
    let reply = open(
        &h,
        json!({"processor": "adyen", "payment_id": psp, "reason_code": "4853", "amount": 1500}),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let dispute = reply.json()["dispute_id"].as_str().unwrap().to_string();

    let notice = h.next_item("NOTIFICATION_OF_CHARGEBACK").await;
    let chargeback = h.next_item("CHARGEBACK").await;
    for item in [&notice, &chargeback] {
        assert_eq!(item["pspReference"], dispute.as_str());
        assert_eq!(item["originalReference"], psp.as_str());
        assert_eq!(item["amount"], json!({"currency": "EUR", "value": 1500}));
        assert_eq!(item["success"], "true");
        assert_eq!(item["merchantReference"], "order-42");
        let data = &item["additionalData"];
        assert_eq!(
            data["chargebackReasonCode"].as_str().unwrap().trim(),
            "4853"
        );
        assert_eq!(data["disputeStatus"], "Undefended");
        assert!(data["defensePeriodEndsAt"].as_str().unwrap().contains('T'));
    }

    // Problems are control errors.
    assert_eq!(
        open(&h, json!({"processor": "adyen", "payment_id": "NOPE"}))
            .await
            .status,
        404
    );
    assert_eq!(
        open(
            &h,
            json!({"processor": "adyen", "payment_id": psp, "amount": 5000})
        )
        .await
        .status,
        400
    );
    assert_eq!(
        open(&h, json!({"processor": "nobody", "payment_id": psp}))
            .await
            .status,
        400
    );
    assert_eq!(open(&h, json!({"payment_id": psp})).await.status, 400);
    let authorised_only = h
        .adyen("/v68/payments", &h.manual(VISA, "J", 100))
        .await
        .json()["pspReference"]
        .clone();
    assert_eq!(
        open(
            &h,
            json!({"processor": "adyen", "payment_id": authorised_only})
        )
        .await
        .status,
        409
    );
}

#[tokio::test]
async fn accepting_a_dispute() {
    let h = start().await;
    let psp = captured_payment(&h, 2000).await;
    let dispute = open(&h, json!({"processor": "adyen", "payment_id": psp}))
        .await
        .json()["dispute_id"]
        .clone();
    h.next_item("NOTIFICATION_OF_CHARGEBACK").await;
    h.next_item("CHARGEBACK").await;

    // Validation of the Disputes API.
    let wrong_merchant = dispute_call(
        &h,
        "acceptDispute",
        json!({"disputePspReference": dispute, "merchantAccountCode": "Other"}),
    )
    .await;
    assert_eq!(wrong_merchant.status, 403);
    assert_eq!(wrong_merchant.json()["errorCode"], "901");
    let missing = dispute_call(
        &h,
        "acceptDispute",
        json!({"merchantAccountCode": h.merchant}),
    )
    .await;
    assert_eq!(missing.status, 422);
    let unknown = dispute_call(
        &h,
        "acceptDispute",
        json!({"disputePspReference": "NOPE", "merchantAccountCode": h.merchant}),
    )
    .await;
    assert_eq!(unknown.status, 200);
    assert_eq!(unknown.json()["disputeServiceResult"]["success"], false);
    assert!(unknown.json()["disputeServiceResult"]["errorMessage"].is_string());
    let url = format!("{}{DISPUTES}/acceptDispute", h.sandbox.url("adyen"));
    let unauthorised = h
        .send(reqwest::Method::POST, &url, &[], Some("{}".into()))
        .await
        .unwrap();
    assert_eq!(unauthorised.status, 401);

    let accept = dispute_call(
        &h,
        "acceptDispute",
        json!({"disputePspReference": dispute, "merchantAccountCode": h.merchant}),
    )
    .await;
    assert_eq!(accept.status, 200);
    assert_eq!(
        accept.json(),
        json!({"disputeServiceResult": {"success": true}})
    );
    let item = h.next_item("CHARGEBACK").await;
    assert_eq!(item["additionalData"]["disputeStatus"], "Accepted");
    assert_eq!(item["pspReference"], dispute);

    // An accepted dispute can be neither accepted again nor defended.
    let again = dispute_call(
        &h,
        "acceptDispute",
        json!({"disputePspReference": dispute, "merchantAccountCode": h.merchant}),
    )
    .await
    .json();
    assert_eq!(again["disputeServiceResult"]["success"], false);
    let defend = dispute_call(&h, "defendDispute", json!({"disputePspReference": dispute, "merchantAccountCode": h.merchant,
                                                          "defenseReasonCode": "SupplyDefenseMaterial"})).await.json();
    assert_eq!(defend["disputeServiceResult"]["success"], false);
}

#[tokio::test]
async fn defending_a_dispute_with_documents() {
    let h = start().await;
    let psp = captured_payment(&h, 2000).await;
    let dispute = open(&h, json!({"processor": "adyen", "payment_id": psp}))
        .await
        .json()["dispute_id"]
        .clone();
    let base = json!({"disputePspReference": dispute, "merchantAccountCode": h.merchant});
    let with = |extra: Value| {
        let mut b = base.clone();
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };

    let reasons = dispute_call(&h, "retrieveApplicableDefenseReasons", base.clone())
        .await
        .json();
    assert_eq!(reasons["disputeServiceResult"]["success"], true);
    let list = reasons["defenseReasons"].as_array().unwrap();
    let material = list
        .iter()
        .find(|r| r["defenseReasonCode"] == "SupplyDefenseMaterial")
        .unwrap();
    assert_eq!(material["satisfied"], false);
    assert_eq!(
        material["defenseDocumentTypes"][0]["defenseDocumentTypeCode"],
        "DefenseMaterial"
    );
    assert_eq!(
        material["defenseDocumentTypes"][0]["requirementLevel"],
        "Required"
    );

    // Defending before supplying the required documents fails.
    let early = dispute_call(
        &h,
        "defendDispute",
        with(json!({"defenseReasonCode": "SupplyDefenseMaterial"})),
    )
    .await
    .json();
    assert_eq!(early["disputeServiceResult"]["success"], false);

    // Document checks: shape errors are 422, content errors success=false.
    let no_docs = dispute_call(
        &h,
        "supplyDefenseDocument",
        with(json!({"defenseDocuments": []})),
    )
    .await;
    assert_eq!(no_docs.status, 422);
    let bad_b64 = dispute_call(&h, "supplyDefenseDocument", with(json!({"defenseDocuments": [
        {"content": "%%%", "contentType": "application/pdf", "defenseDocumentTypeCode": "DefenseMaterial"}]}))).await.json();
    assert_eq!(bad_b64["disputeServiceResult"]["success"], false);
    let bad_type = dispute_call(&h, "supplyDefenseDocument", with(json!({"defenseDocuments": [
        {"content": "JVBERi0xLjQK", "contentType": "pdf", "defenseDocumentTypeCode": "DefenseMaterial"}]}))).await.json();
    assert_eq!(bad_type["disputeServiceResult"]["success"], false);

    // The OAS example document is accepted.
    let supplied = dispute_call(&h, "supplyDefenseDocument", with(json!({"defenseDocuments": [
        {"content": "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBv+f/ub0j6JPRX+E3EmC==", "contentType": "application/pdf",
         "defenseDocumentTypeCode": "DefenseMaterial"}]}))).await.json();
    assert_eq!(supplied, json!({"disputeServiceResult": {"success": true}}));
    let reasons = dispute_call(&h, "retrieveApplicableDefenseReasons", base.clone())
        .await
        .json();
    let material = reasons["defenseReasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["defenseReasonCode"] == "SupplyDefenseMaterial")
        .unwrap()
        .clone();
    assert_eq!(material["satisfied"], true);
    // DefenseMaterial alone does not satisfy the goods-related reasons.
    let wrong_reason = dispute_call(
        &h,
        "defendDispute",
        with(json!({"defenseReasonCode": "GoodsWereAsDescribed"})),
    )
    .await
    .json();
    assert_eq!(wrong_reason["disputeServiceResult"]["success"], false);
    let unknown_reason = dispute_call(
        &h,
        "defendDispute",
        with(json!({"defenseReasonCode": "BecauseISaidSo"})),
    )
    .await
    .json();
    assert_eq!(unknown_reason["disputeServiceResult"]["success"], false);

    let defended = dispute_call(
        &h,
        "defendDispute",
        with(json!({"defenseReasonCode": "SupplyDefenseMaterial"})),
    )
    .await;
    assert_eq!(defended.status, 200);
    assert_eq!(
        defended.json(),
        json!({"disputeServiceResult": {"success": true}})
    );
    let twice = dispute_call(
        &h,
        "defendDispute",
        with(json!({"defenseReasonCode": "SupplyDefenseMaterial"})),
    )
    .await
    .json();
    assert_eq!(twice["disputeServiceResult"]["success"], false);
    let accept = dispute_call(&h, "acceptDispute", base.clone()).await.json();
    assert_eq!(accept["disputeServiceResult"]["success"], false);
}
