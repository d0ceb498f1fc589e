//! The wire shapes: requests serialize to Adyen's field names, answers and notifications parse
//! leniently (unknown fields ignored, numbers where text is documented, unknown enum values).

use serde_json::json;

use crate::connectors::adyen::wire::*;

#[test]
fn requests_use_adyen_field_names_and_leave_out_absent_fields() {
    let capture = CaptureRequest {
        merchant_account: "M",
        amount: Amount {
            value: 2000,
            currency: "EUR",
        },
        reference: None,
    };
    assert_eq!(
        serde_json::to_value(&capture).unwrap(),
        json!({"merchantAccount": "M", "amount": {"value": 2000, "currency": "EUR"}})
    );
    let details = PaymentDetailsRequest {
        details: PaymentCompletionDetails {
            three_ds_result: Some("eyJ0cmFuc1N0YXR1cyI6IlkifQ=="),
            threeds2_fingerprint: Some("fp"),
            md: Some("md"),
            ..Default::default()
        },
    };
    assert_eq!(
        serde_json::to_value(&details).unwrap(),
        json!({"details": {"threeDSResult": "eyJ0cmFuc1N0YXR1cyI6IlkifQ==", "MD": "md", "threeds2.fingerprint": "fp"}})
    );
    assert!(PaymentCompletionDetails::default().is_empty());
    for (reason, text) in [
        (MerchantRefundReason::Fraud, "FRAUD"),
        (MerchantRefundReason::CustomerRequest, "CUSTOMER REQUEST"),
        (MerchantRefundReason::Return, "RETURN"),
        (MerchantRefundReason::Duplicate, "DUPLICATE"),
        (MerchantRefundReason::Other, "OTHER"),
    ] {
        assert_eq!(serde_json::to_value(reason).unwrap(), json!(text));
    }
    assert_eq!(
        serde_json::to_value(RecurringProcessingModel::UnscheduledCardOnFile).unwrap(),
        json!("UnscheduledCardOnFile")
    );
    assert_eq!(
        serde_json::to_value(RequestAdditionalData {
            manual_capture: Some("true"),
            execute_three_d: Some("false"),
        })
        .unwrap(),
        json!({"manualCapture": "true", "executeThreeD": "false"})
    );
}

#[test]
fn payment_answers_parse_leniently() {
    // Checkout API reference, `/payments`: the `card-direct` 200 example, with a field Adyen
    // might add and a number where text is documented.
    let body = r#"{
      "additionalData": {"cvcResult": "1 Matches", "authCode": "044925", "refusalReasonRaw": "AUTHORISED",
        "networkTxReference": 123456789, "somethingNew": {"nested": true}},
      "pspReference": "YOUR_PSP_REFERENCE", "resultCode": "Authorised",
      "merchantReference": "YOUR_MERCHANT_REFERENCE", "fraudResult": {"accountScore": 0},
      "aFieldFrom2031": [1, 2, 3]
    }"#;
    let p: PaymentResponse = serde_json::from_str(body).unwrap();
    assert_eq!(p.result_code.as_deref(), Some("Authorised"));
    assert_eq!(ResultCode::parse("Authorised"), ResultCode::Authorised);
    assert_eq!(p.psp_reference.as_deref(), Some("YOUR_PSP_REFERENCE"));
    let additional = p.additional_data.unwrap();
    assert_eq!(
        additional.network_tx_reference.as_deref(),
        Some("123456789")
    );
    assert_eq!(additional.refusal_reason_raw.as_deref(), Some("AUTHORISED"));
    // Wrong types read as absent; an unknown resultCode is `Unknown`, never a failure.
    let p: PaymentResponse = serde_json::from_str(
        r#"{"resultCode": "NewCode", "pspReference": null, "additionalData": "x", "action": 5}"#,
    )
    .unwrap();
    assert_eq!(
        ResultCode::parse(p.result_code.as_deref().unwrap()),
        ResultCode::Unknown
    );
    assert!(p.psp_reference.is_none() && p.additional_data.is_none() && p.action.is_none());
    // Every resultCode of the Checkout API v68 is known.
    for code in [
        "Authorised",
        "PartiallyAuthorised",
        "Refused",
        "Error",
        "Cancelled",
        "Pending",
        "Received",
        "AuthenticationNotRequired",
        "RedirectShopper",
        "IdentifyShopper",
        "ChallengeShopper",
        "PresentToShopper",
        "AuthenticationFinished",
        "Success",
    ] {
        assert_ne!(ResultCode::parse(code), ResultCode::Unknown, "{code}");
    }
}

#[test]
fn amounts_keep_their_value_as_text() {
    let a: WireAmount = serde_json::from_value(json!({"value": 1000, "currency": "EUR"})).unwrap();
    assert_eq!(a.value.as_deref(), Some("1000"));
    assert_eq!(a.currency.as_deref(), Some("EUR"));
    let a: WireAmount = serde_json::from_value(json!("not an object")).unwrap();
    assert_eq!(a, WireAmount::default());
    let m: ModificationResponse =
        serde_json::from_value(json!({"status": "received", "amount": null})).unwrap();
    assert!(m.amount.is_none());
    let m: ModificationResponse = serde_json::from_value(json!({"amount": 5})).unwrap();
    assert_eq!(m.amount, Some(WireAmount::default()));
}

#[test]
fn modification_dispute_and_error_answers_parse() {
    // Checkout API reference, `/payments/{paymentPspReference}/refunds`: the 201 example.
    let m: ModificationResponse = serde_json::from_str(
        r#"{"merchantAccount": "YOUR_MERCHANT_ACCOUNT", "paymentPspReference": "993617894903480A",
            "reference": "YOUR_UNIQUE_REFERENCE", "pspReference": "993617894906488A",
            "status": "received", "amount": {"currency": "EUR", "value": 2500}}"#,
    )
    .unwrap();
    assert_eq!(m.status.as_deref(), Some("received"));
    assert_eq!(m.payment_psp_reference.as_deref(), Some("993617894903480A"));
    assert_eq!(m.psp_reference.as_deref(), Some("993617894906488A"));
    // Disputes API v30: `success` as a boolean or its string form.
    for (body, success) in [
        (r#"{"disputeServiceResult": {"success": true}}"#, Some(true)),
        (
            r#"{"disputeServiceResult": {"success": "false", "errorMessage": "x"}}"#,
            Some(false),
        ),
        (r#"{"disputeServiceResult": {"success": "maybe"}}"#, None),
    ] {
        let d: DisputeServiceResponse = serde_json::from_str(body).unwrap();
        assert_eq!(d.dispute_service_result.unwrap().success, success, "{body}");
    }
    // Checkout API reference: the 403 `ServiceError` example.
    let e: ServiceError = serde_json::from_str(
        r#"{"status": 403, "errorCode": "901", "message": "Invalid Merchant Account", "errorType": "security", "pspReference": "881611827877203B"}"#,
    )
    .unwrap();
    assert_eq!(e.error_code.as_deref(), Some("901"));
    assert_eq!(e.error_type.as_deref(), Some("security"));
    assert_eq!(e.psp_reference.as_deref(), Some("881611827877203B"));
}

#[test]
fn notification_items_parse_with_every_documented_dispute_key() {
    // Webhooks API reference: the CHARGEBACK example (abridged), plus disputeStatus.
    let w: NotificationItemWrapper = serde_json::from_str(
        r#"{"NotificationRequestItem": {
      "additionalData": {"chargebackReasonCode": " 4853", "defensePeriodEndsAt": "2021-07-31T03:03:07+02:00",
        "defendable": "true", "grossCurrency": "EUR", "grossValue": "2000", "chargebackSchemeCode": "mc",
        "capturePspReference": "8636172945333378", "disputeStatus": "Undefended"},
      "amount": {"currency": "EUR", "value": 1000}, "eventCode": "CHARGEBACK",
      "eventDate": "2021-01-01T01:00:00+01:00", "merchantAccountCode": "YOUR_MERCHANT_ACCOUNT",
      "merchantReference": "YOUR_MERCHANT_REFERENCE", "originalReference": "9913140798220028",
      "paymentMethod": "mc", "pspReference": "QFQTPCQ8HXSKGK82", "operations": ["CANCEL"],
      "reason": "Payment.TxId=300000000524534724 dispute", "success": "true"}}"#,
    )
    .unwrap();
    let item = w.item.unwrap();
    assert_eq!(item.event_code.as_deref(), Some("CHARGEBACK"));
    assert_eq!(item.success.as_deref(), Some("true"));
    let additional = item.additional_data.unwrap();
    assert_eq!(additional.chargeback_reason_code.as_deref(), Some(" 4853"));
    assert_eq!(additional.dispute_status.as_deref(), Some("Undefended"));
    assert_eq!(additional.hmac_signature, None);
    // A wrapper without the item, or with something else in its place.
    let w: NotificationItemWrapper = serde_json::from_str(r#"{"Other": {}}"#).unwrap();
    assert!(w.item.is_none());
    assert!(
        serde_json::from_str::<NotificationItemWrapper>(r#"{"NotificationRequestItem": "x"}"#)
            .is_err()
    );
}
