//! Elavon Converge emulation: the XML endpoint, credentials, sale / auth-only / complete /
//! return / delete / void / txnquery, tokens, cent-amount outcomes and error documents
//! (elavon.md), driven over HTTP with plain form posts.

mod elavon_common;

use elavon_common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn credentials_are_the_connector_config() {
    let e = start().await;
    let creds = e.sandbox.credentials()["elavon"].clone();
    let keys: Vec<&String> = creds.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["type", "merchant_id", "user_id", "pin"]);
    assert_eq!(creds["type"], "elavon");
    assert!(e.pin.len() <= 64 && e.pin.bytes().all(|b| b.is_ascii_alphanumeric()));
}

#[tokio::test]
async fn manual_capture_lifecycle() {
    let e = start().await;
    let auth = e.card_txn("ccauthonly", "100.00").await;
    let id = auth.assert_approved("AUTHONLY");
    assert_eq!(auth.get("ssl_amount"), "100.00");
    assert_eq!(auth.get("ssl_card_number"), "41**********9990");
    assert_eq!(auth.get("ssl_card_short_description"), "VISA");
    assert_eq!(auth.get("ssl_exp_date"), "1230");
    assert_eq!(auth.get("ssl_cvv2_response"), "M");
    assert_eq!(auth.get("ssl_issuer_response"), "00");
    assert_eq!(auth.get("ssl_approval_code").len(), 6);
    assert!(!auth.get("ssl_oar_data").is_empty());
    assert!(!auth.get("ssl_ps2000_data").is_empty());
    // DDMMYY + 3 characters + '-' + a UUID.
    assert_eq!(id.len(), 46, "{id}");
    assert!(id[..6].bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(&id[9..10], "-");
    let time = auth.get("ssl_txn_time");
    assert!(time.ends_with(" AM") || time.ends_with(" PM"), "{time}");

    let q = e.query(&id).await;
    assert_eq!(q.root, "txn");
    assert_eq!(q.get("ssl_transaction_type"), "AUTHONLY");
    assert_eq!(q.get("ssl_trans_status"), "OPN");
    assert_eq!(q.get("ssl_result"), "0");
    assert_eq!(q.get("ssl_amount"), "100.00");

    // A partial completion that keeps the rest open.
    let c1 = e
        .txn(&[
            ("ssl_transaction_type", "cccomplete"),
            ("ssl_txn_id", &id),
            ("ssl_amount", "60.00"),
            ("ssl_partial_shipment_flag", "Y"),
        ])
        .await;
    assert_eq!(
        c1.assert_approved("FORCE"),
        id,
        "the completion keeps the id"
    );
    assert_eq!(c1.get("ssl_amount"), "60.00");
    assert_eq!(c1.get("ssl_approval_code"), auth.get("ssl_approval_code"));

    // More than what is left: 5091.
    e.txn(&[
        ("ssl_transaction_type", "cccomplete"),
        ("ssl_txn_id", &id),
        ("ssl_amount", "40.01"),
    ])
    .await
    .assert_error("5091");

    // The rest, without an amount: everything left.
    let c2 = e
        .txn(&[("ssl_transaction_type", "cccomplete"), ("ssl_txn_id", &id)])
        .await;
    c2.assert_approved("FORCE");
    assert_eq!(c2.get("ssl_amount"), "40.00");
    // Nothing left to complete.
    e.txn(&[("ssl_transaction_type", "cccomplete"), ("ssl_txn_id", &id)])
        .await
        .assert_error("5040");

    let q = e.query(&id).await;
    assert_eq!(q.get("ssl_transaction_type"), "FORCE");
    assert_eq!(q.get("ssl_amount"), "100.00");

    // A partial return: a new id.
    let r = e
        .txn(&[
            ("ssl_transaction_type", "ccreturn"),
            ("ssl_txn_id", &id),
            ("ssl_amount", "25.00"),
        ])
        .await;
    let refund = r.assert_approved("RETURN");
    assert_ne!(refund, id);
    assert_eq!(r.get("ssl_amount"), "25.00");
    // More than what is left to return.
    e.txn(&[
        ("ssl_transaction_type", "ccreturn"),
        ("ssl_txn_id", &id),
        ("ssl_amount", "75.01"),
    ])
    .await
    .assert_error("5091");
    // A return of a return is not a thing.
    e.txn(&[
        ("ssl_transaction_type", "ccreturn"),
        ("ssl_txn_id", &refund),
    ])
    .await
    .assert_error("5040");

    let q = e.query(&refund).await;
    assert_eq!(q.get("ssl_transaction_type"), "RETURN");
    assert_eq!(q.get("ssl_trans_status"), "OPN");
    assert_eq!(q.get("ssl_amount"), "25.00");

    // The batch closes: the completion and the return settle.
    let closed = e
        .control(Method::POST, "/elavon/_sandbox/batch/close", None)
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    let settled = closed.json()["settled"].clone();
    assert!(settled.as_array().unwrap().contains(&json!(id)));
    assert!(settled.as_array().unwrap().contains(&json!(refund)));
    assert_eq!(e.query(&refund).await.get("ssl_trans_status"), "STL");
    assert_eq!(e.query(&id).await.get("ssl_trans_status"), "STL");

    // A settled transaction can still be returned, not voided.
    e.txn(&[
        ("ssl_transaction_type", "ccreturn"),
        ("ssl_txn_id", &id),
        ("ssl_amount", "75.00"),
    ])
    .await
    .assert_approved("RETURN");
    e.txn(&[("ssl_transaction_type", "ccvoid"), ("ssl_txn_id", &refund)])
        .await
        .assert_error("4018");
}

#[tokio::test]
async fn sale_return_and_full_return_default() {
    let e = start().await;
    let sale = e.card_txn("ccsale", "10.00").await;
    let id = sale.assert_approved("SALE");
    let q = e.query(&id).await;
    assert_eq!(q.get("ssl_transaction_type"), "SALE");
    assert_eq!(q.get("ssl_trans_status"), "OPN");
    // A sale cannot be completed.
    e.txn(&[("ssl_transaction_type", "cccomplete"), ("ssl_txn_id", &id)])
        .await
        .assert_error("5040");
    // No amount: the whole sale.
    let r = e
        .txn(&[("ssl_transaction_type", "ccreturn"), ("ssl_txn_id", &id)])
        .await;
    r.assert_approved("RETURN");
    assert_eq!(r.get("ssl_amount"), "10.00");
    e.txn(&[
        ("ssl_transaction_type", "ccreturn"),
        ("ssl_txn_id", &id),
        ("ssl_amount", "0.01"),
    ])
    .await
    .assert_error("5091");
}

#[tokio::test]
async fn delete_and_void() {
    let e = start().await;
    // ccdelete of an authorization: a new id, type DELETE; twice is 5040.
    let auth = e
        .card_txn("ccauthonly", "20.00")
        .await
        .assert_approved("AUTHONLY");
    let del = e
        .txn(&[("ssl_transaction_type", "ccdelete"), ("ssl_txn_id", &auth)])
        .await;
    let del_id = del.assert_approved("DELETE");
    assert_ne!(del_id, auth);
    assert_eq!(del.get("ssl_amount"), "20.00");
    e.txn(&[("ssl_transaction_type", "ccdelete"), ("ssl_txn_id", &auth)])
        .await
        .assert_error("5040");
    assert_eq!(e.query(&auth).await.get("ssl_transaction_type"), "DELETE");
    // A deleted authorization cannot be completed.
    e.txn(&[
        ("ssl_transaction_type", "cccomplete"),
        ("ssl_txn_id", &auth),
    ])
    .await
    .assert_error("5040");

    // ccdelete of a sale works too.
    let sale = e.card_txn("ccsale", "21.00").await.assert_approved("SALE");
    e.txn(&[("ssl_transaction_type", "ccdelete"), ("ssl_txn_id", &sale)])
        .await
        .assert_approved("DELETE");
    e.txn(&[("ssl_transaction_type", "ccreturn"), ("ssl_txn_id", &sale)])
        .await
        .assert_error("5040");

    // ccvoid: sales (not authorizations), a new id, type VOID.
    let sale = e.card_txn("ccsale", "22.00").await.assert_approved("SALE");
    let void = e
        .txn(&[("ssl_transaction_type", "ccvoid"), ("ssl_txn_id", &sale)])
        .await;
    assert_ne!(void.assert_approved("VOID"), sale);
    e.txn(&[("ssl_transaction_type", "ccvoid"), ("ssl_txn_id", &sale)])
        .await
        .assert_error("5040");
    let auth = e
        .card_txn("ccauthonly", "23.00")
        .await
        .assert_approved("AUTHONLY");
    e.txn(&[("ssl_transaction_type", "ccvoid"), ("ssl_txn_id", &auth)])
        .await
        .assert_error("5040");

    // Settled: 4018 for both.
    let sale = e.card_txn("ccsale", "24.00").await.assert_approved("SALE");
    e.control(Method::POST, "/elavon/_sandbox/batch/close", None)
        .await;
    for kind in ["ccvoid", "ccdelete"] {
        e.txn(&[("ssl_transaction_type", kind), ("ssl_txn_id", &sale)])
            .await
            .assert_error("4018");
    }
    // Authorizations are not in the batch.
    assert_eq!(e.query(&auth).await.get("ssl_trans_status"), "OPN");

    // Unknown ids.
    for kind in ["ccdelete", "ccvoid", "cccomplete", "ccreturn", "txnquery"] {
        e.txn(&[
            ("ssl_transaction_type", kind),
            (
                "ssl_txn_id",
                "010125ABC-00000000-0000-4000-8000-000000000000",
            ),
        ])
        .await
        .assert_error("5040");
    }
}

#[tokio::test]
async fn cent_amounts_decide_the_outcome() {
    let e = start().await;
    let declined = e.card_txn("ccsale", "14.14").await;
    assert_eq!(declined.get("ssl_result"), "1");
    assert_eq!(declined.get("ssl_result_message"), "INVALID CARD");
    assert_eq!(declined.get("ssl_issuer_response"), "15");
    assert_eq!(declined.get("ssl_approval_code"), "      ");
    assert_eq!(declined.get("ssl_transaction_type"), "SALE");
    let id = declined.get("ssl_txn_id").to_string();
    let q = e.query(&id).await;
    assert_eq!(q.get("ssl_result"), "1");
    assert_eq!(q.get("ssl_result_message"), "INVALID CARD");
    // A declined transaction cannot be returned or deleted.
    e.txn(&[("ssl_transaction_type", "ccreturn"), ("ssl_txn_id", &id)])
        .await
        .assert_error("5040");

    let d = e.card_txn("ccauthonly", "3.05").await;
    assert_eq!(d.get("ssl_result"), "1");
    assert_eq!(d.get("ssl_result_message"), "DECLINED");
    assert_eq!(d.get("ssl_transaction_type"), "AUTHONLY");
    assert_eq!(
        e.card_txn("ccsale", "7.51")
            .await
            .get("ssl_issuer_response"),
        "51"
    );
    e.card_txn("ccsale", "10.97").await.assert_error("3000");

    // The other test cards approve.
    for card in ["4000000000000002", "4111111111111111"] {
        e.txn(&[
            ("ssl_transaction_type", "ccsale"),
            ("ssl_amount", "5.00"),
            ("ssl_card_number", card),
            ("ssl_exp_date", "0630"),
        ])
        .await
        .assert_approved("SALE");
    }
}

#[tokio::test]
async fn credentials_are_checked() {
    let e = start().await;
    let sale = [
        ("ssl_transaction_type", "ccsale"),
        ("ssl_amount", "1.00"),
        ("ssl_card_number", VISA),
        ("ssl_exp_date", "1230"),
    ];
    let mut wrong = e.with_credentials(&sale);
    wrong[2].1 = "WRONGPIN";
    e.send_xml(&txn_xml(&wrong)).await.assert_error("4025");
    let mut wrong = e.with_credentials(&sale);
    wrong[1].1 = "someone";
    e.send_xml(&txn_xml(&wrong)).await.assert_error("4025");
    // Missing ones.
    for (skip, code) in [(0, "4000"), (1, "4019"), (2, "4013")] {
        let mut fields = e.with_credentials(&sale);
        fields.remove(skip);
        e.send_xml(&txn_xml(&fields)).await.assert_error(code);
    }
    // ssl_account_id for the merchant id is accepted.
    let mut fields = e.with_credentials(&sale);
    fields[0].0 = "ssl_account_id";
    e.send_xml(&txn_xml(&fields)).await.assert_approved("SALE");
}

#[tokio::test]
async fn field_errors() {
    let e = start().await;
    let base = |extra: &[(&'static str, &'static str)]| {
        let mut f = vec![
            ("ssl_transaction_type", "ccsale"),
            ("ssl_amount", "1.00"),
            ("ssl_card_number", VISA),
            ("ssl_exp_date", "1230"),
        ];
        for (k, v) in extra {
            if let Some(slot) = f.iter_mut().find(|(name, _)| name == k) {
                slot.1 = v;
            } else {
                f.push((k, v));
            }
        }
        f
    };
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (base(&[("ssl_card_number", "invalid")]), "5000"),
        (base(&[("ssl_card_number", "4124939999999991")]), "5000"),
        (base(&[("ssl_exp_date", "1330")]), "5001"),
        (base(&[("ssl_amount", "1000")]), "5002"),
        (base(&[("ssl_amount", "0.00")]), "5002"),
        (base(&[("ssl_transaction_type", "ccfoo")]), "4010"),
        (base(&[("ssl_transaction_currency", "USD")]), "4009"),
        (
            base(&[("ssl_invoice_number", "12345678901234567890123456")]),
            "5005",
        ),
        (base(&[("ssl_email", "not-an-email")]), "4005"),
        (base(&[("ssl_cvv2cvc2", "123")]), "4006"),
        (base(&[("ssl_cvv2cvc2_indicator", "1")]), "4007"),
        (base(&[("ssl_add_token", "ADD")]), "4009"),
        (
            vec![("ssl_transaction_type", "ccsale"), ("ssl_amount", "1.00")],
            "4009",
        ),
        (vec![("ssl_transaction_type", "txnquery")], "4009"),
        (vec![("ssl_amount", "1.00")], "4009"),
    ];
    for (fields, code) in cases {
        let doc = e.txn(&fields).await;
        assert_eq!(
            doc.opt("errorCode"),
            Some(code),
            "{fields:?}: {:?}",
            doc.txns
        );
    }
    // An invoice number of 25 characters with XML special characters is fine and echoed.
    let doc = e
        .txn(&base(&[(
            "ssl_invoice_number",
            "a&b<c>\"d'-123456789012345",
        )]))
        .await;
    doc.assert_approved("SALE");
    assert_eq!(doc.get("ssl_invoice_number"), "a&b<c>\"d'-123456789012345");
}

#[tokio::test]
async fn transport_shapes() {
    let e = start().await;
    let xml = txn_xml(&e.with_credentials(&[
        ("ssl_transaction_type", "ccsale"),
        ("ssl_amount", "2.00"),
        ("ssl_card_number", VISA),
        ("ssl_exp_date", "1230"),
    ]));
    // Raw (not URL-encoded) xmldata, with an XML declaration, on every documented path.
    for path in [PATH, "/VirtualMerchant/processxml.do", "/processxml.do"] {
        let raw = format!("xmldata=<?xml version=\"1.0\"?>{xml}");
        let reply = e.post_body(path, raw).await;
        assert_eq!(reply.status, 200);
        parse(&reply.text).assert_approved("SALE");
    }
    // No xmldata, or something that is not a <txn>.
    let reply = e.post_body(PATH, "foo=bar".into()).await;
    assert_eq!(reply.status, 200);
    parse(&reply.text).assert_error("4009");
    let reply = e
        .post_body(PATH, "xmldata=%3Cfoo%3E%3C%2Ffoo%3E".into())
        .await;
    parse(&reply.text).assert_error("4009");
    // Every answer starts with the XML declaration.
    assert!(reply
        .text
        .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    // Other paths and methods.
    let reply = e
        .post_body("/VirtualMerchantDemo/process.do", "x=1".into())
        .await;
    assert_eq!(reply.status, 404);
    let reply = e
        .control(Method::GET, &format!("/elavon{PATH}"), None)
        .await;
    assert_eq!(reply.status, 405);
}

#[tokio::test]
async fn tokens() {
    let e = start().await;
    // ccverify with ssl_get_token=Y.
    let v = e
        .txn(&[
            ("ssl_transaction_type", "ccverify"),
            ("ssl_card_number", VISA),
            ("ssl_exp_date", "1230"),
            ("ssl_cvv2cvc2_indicator", "1"),
            ("ssl_cvv2cvc2", "123"),
            ("ssl_avs_zip", "30303"),
            ("ssl_get_token", "Y"),
            ("ssl_add_token", "Y"),
            ("ssl_first_name", "Ada"),
            ("ssl_last_name", "Lovelace"),
        ])
        .await;
    v.assert_approved("CARDVERIFICATION");
    assert_eq!(v.get("ssl_token_response"), "SUCCESS");
    assert_eq!(v.get("ssl_add_token_response"), "Card Added");
    let token = v.get("ssl_token").to_string();
    assert_eq!(token.len(), 16);
    assert!(token.ends_with("9990"));
    // Converge docs, "Tokenization": the token keeps the number's format, starts outside the
    // major brands' ranges (0-2, 7-9), and the same card gets the same token on a terminal.
    assert!(
        matches!(token.as_bytes()[0], b'0'..=b'2' | b'7'..=b'9'),
        "{token}"
    );
    let again = e
        .txn(&[
            ("ssl_transaction_type", "ccgettoken"),
            ("ssl_card_number", VISA),
            ("ssl_exp_date", "0131"),
        ])
        .await;
    assert_eq!(again.get("ssl_token"), token);
    let other = e
        .txn(&[
            ("ssl_transaction_type", "ccgettoken"),
            ("ssl_card_number", "4111111111111111"),
            ("ssl_exp_date", "0131"),
        ])
        .await;
    assert_ne!(other.get("ssl_token"), token);

    // A merchant-initiated sale with the token.
    let sale = e
        .txn(&[
            ("ssl_transaction_type", "ccsale"),
            ("ssl_amount", "19.99"),
            ("ssl_token", &token),
            ("ssl_merchant_initiated_unscheduled", "Y"),
            ("ssl_entry_mode", "12"),
            ("ssl_approval_code", v.get("ssl_approval_code")),
            ("ssl_ps2000_data", v.get("ssl_ps2000_data")),
        ])
        .await;
    sale.assert_approved("SALE");
    assert_eq!(sale.get("ssl_card_number"), "41**********9990");
    assert_eq!(sale.get("ssl_merchant_initiated_unscheduled"), "Y");
    // And an authorization.
    let auth = e
        .txn(&[
            ("ssl_transaction_type", "ccauthonly"),
            ("ssl_amount", "5.00"),
            ("ssl_token", &token),
            ("ssl_recurring_flag", "1"),
        ])
        .await;
    auth.assert_approved("AUTHONLY");
    // An unknown token.
    e.txn(&[
        ("ssl_transaction_type", "ccsale"),
        ("ssl_amount", "5.00"),
        ("ssl_token", "4000000000009990"),
    ])
    .await
    .assert_error("5000");

    // ccgettoken: names needed with ssl_add_token=Y.
    let card = [
        ("ssl_transaction_type", "ccgettoken"),
        ("ssl_card_number", "4111111111111111"),
        ("ssl_exp_date", "0630"),
        ("ssl_add_token", "Y"),
    ];
    e.txn(&card).await.assert_error("4009");
    let mut named = card.to_vec();
    named.extend([
        ("ssl_first_name", "Ada"),
        ("ssl_last_name", "Lovelace"),
        ("ssl_verify", "Y"),
    ]);
    let t = e.txn(&named).await;
    t.assert_approved("GETTOKEN");
    assert_eq!(t.get("ssl_token_response"), "SUCCESS");
    assert!(t.get("ssl_token").ends_with("1111"));

    // A token requested on a sale.
    let s = e
        .txn(&[
            ("ssl_transaction_type", "ccsale"),
            ("ssl_amount", "3.00"),
            ("ssl_card_number", VISA),
            ("ssl_exp_date", "1230"),
            ("ssl_get_token", "Y"),
        ])
        .await;
    s.assert_approved("SALE");
    assert_eq!(s.get("ssl_token_response"), "SUCCESS");
    assert_eq!(s.opt("ssl_add_token_response"), None);
}

#[tokio::test]
async fn hooks_set_status_and_query_format() {
    let e = start().await;
    let sale = e.card_txn("ccsale", "30.00").await.assert_approved("SALE");
    let refund = e
        .txn(&[
            ("ssl_transaction_type", "ccreturn"),
            ("ssl_txn_id", &sale),
            ("ssl_amount", "10.00"),
        ])
        .await
        .assert_approved("RETURN");
    let reply = e
        .control(
            Method::POST,
            &format!("/elavon/_sandbox/transactions/{refund}"),
            Some(json!({"trans_status": "REV", "query_format": "txnlist"})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json()["ssl_trans_status"], "REV");
    let q = e.query(&refund).await;
    assert_eq!(q.root, "txnlist");
    // As a search answers: the newest other transaction (the sale) first, then the one asked.
    assert_eq!(q.count.as_deref(), Some("2"));
    assert_eq!(q.txns.len(), 2);
    assert_eq!(q.txns[0]["ssl_txn_id"], sale);
    assert_eq!(q.txns[0]["ssl_transaction_type"], "SALE");
    assert_eq!(q.txns[1]["ssl_txn_id"], refund);
    assert_eq!(q.txns[1]["ssl_transaction_type"], "RETURN");
    assert_eq!(q.txns[1]["ssl_trans_status"], "REV");

    let reply = e
        .control(
            Method::GET,
            &format!("/elavon/_sandbox/transactions/{sale}"),
            None,
        )
        .await;
    assert_eq!(reply.json()["returned"], "10.00");
    for (body, status) in [
        (json!({"trans_status": "rev"}), 400),
        (json!({"query_format": "csv"}), 400),
    ] {
        let reply = e
            .control(
                Method::POST,
                &format!("/elavon/_sandbox/transactions/{sale}"),
                Some(body),
            )
            .await;
        assert_eq!(reply.status, status);
    }
    let reply = e
        .control(
            Method::POST,
            "/elavon/_sandbox/transactions/nope",
            Some(json!({})),
        )
        .await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn faults_use_the_processor_shapes() {
    let e = start().await;
    let reply = e
        .control(
            Method::POST,
            "/_sandbox/faults",
            Some(json!({"processor": "elavon", "fault": {"type": "status", "status": 503}})),
        )
        .await;
    assert_eq!(reply.status, 200);
    let reply = e.post_body(PATH, "xmldata=x".into()).await;
    assert_eq!(reply.status, 503);
    assert!(reply
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));

    e.control(
        Method::POST,
        "/_sandbox/faults",
        Some(json!({"processor": "elavon", "fault": {"type": "malformed"}})),
    )
    .await;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair(
            "xmldata",
            &txn_xml(&e.with_credentials(&[
                ("ssl_transaction_type", "ccsale"),
                ("ssl_amount", "1.00"),
                ("ssl_card_number", VISA),
                ("ssl_exp_date", "1230"),
            ])),
        )
        .finish();
    let reply = e.post_body(PATH, body).await;
    assert_eq!(reply.status, 200);
    assert!(!reply.text.contains("</txn>"), "{}", reply.text);
}

#[tokio::test]
async fn completion_without_partial_shipment_closes_the_authorization() {
    let e = start().await;
    let auth = e
        .card_txn("ccauthonly", "50.00")
        .await
        .assert_approved("AUTHONLY");
    let c = e
        .txn(&[
            ("ssl_transaction_type", "cccomplete"),
            ("ssl_txn_id", &auth),
            ("ssl_amount", "20.00"),
        ])
        .await;
    c.assert_approved("FORCE");
    // The rest of the authorization was released.
    e.txn(&[
        ("ssl_transaction_type", "cccomplete"),
        ("ssl_txn_id", &auth),
        ("ssl_amount", "10.00"),
    ])
    .await
    .assert_error("5040");
    let q = e.query(&auth).await;
    assert_eq!(q.get("ssl_transaction_type"), "FORCE");
    assert_eq!(q.get("ssl_amount"), "20.00");
    // Only what was completed can be returned.
    e.txn(&[
        ("ssl_transaction_type", "ccreturn"),
        ("ssl_txn_id", &auth),
        ("ssl_amount", "20.01"),
    ])
    .await
    .assert_error("5091");
    // A completion in the open batch can be voided (ccvoid), not deleted.
    e.txn(&[("ssl_transaction_type", "ccdelete"), ("ssl_txn_id", &auth)])
        .await
        .assert_error("5040");
    let v = e
        .txn(&[("ssl_transaction_type", "ccvoid"), ("ssl_txn_id", &auth)])
        .await;
    v.assert_approved("VOID");
    assert_eq!(v.get("ssl_amount"), "20.00");
    assert_eq!(e.query(&auth).await.get("ssl_transaction_type"), "VOID");
}

#[tokio::test]
async fn a_voided_return_gives_its_amount_back() {
    let e = start().await;
    let sale = e.card_txn("ccsale", "30.00").await.assert_approved("SALE");
    let refund = e
        .txn(&[
            ("ssl_transaction_type", "ccreturn"),
            ("ssl_txn_id", &sale),
            ("ssl_amount", "30.00"),
        ])
        .await
        .assert_approved("RETURN");
    e.txn(&[
        ("ssl_transaction_type", "ccreturn"),
        ("ssl_txn_id", &sale),
        ("ssl_amount", "0.01"),
    ])
    .await
    .assert_error("5091");
    // A sale with a return can be neither deleted nor voided.
    for kind in ["ccdelete", "ccvoid"] {
        e.txn(&[("ssl_transaction_type", kind), ("ssl_txn_id", &sale)])
            .await
            .assert_error("5040");
    }
    e.txn(&[("ssl_transaction_type", "ccvoid"), ("ssl_txn_id", &refund)])
        .await
        .assert_approved("VOID");
    let again = e
        .txn(&[("ssl_transaction_type", "ccreturn"), ("ssl_txn_id", &sale)])
        .await;
    again.assert_approved("RETURN");
    assert_eq!(again.get("ssl_amount"), "30.00");
}

/// Today on the sandbox's clock (UTC), as `MM/DD/YYYY`, read from a transaction's own
/// `ssl_txn_time` (`MM/DD/YYYY hh:mm:ss AM`).
fn day_of(txn_time: &str) -> String {
    txn_time.split(' ').next().unwrap().to_string()
}

/// Reconciliation after an unknown outcome: a sale whose answer was lost is found by a
/// `txnquery` search on today's date and its invoice number, as a `<txnlist>`.
#[tokio::test]
async fn lost_sale_is_found_by_a_search_on_its_invoice_number() {
    let e = start().await;
    let first = e.card_txn("ccsale", "3.00").await;
    let day = day_of(first.get("ssl_txn_time"));
    let fault = e
        .control(
            Method::POST,
            "/_sandbox/faults",
            Some(json!({"processor": "elavon", "method": "POST", "fault": {"type": "drop"}})),
        )
        .await;
    assert_eq!(fault.status, 200, "{}", fault.text);
    let xml = txn_xml(&e.with_credentials(&[
        ("ssl_transaction_type", "ccsale"),
        ("ssl_amount", "25.00"),
        ("ssl_card_number", VISA),
        ("ssl_exp_date", "1230"),
        ("ssl_invoice_number", "order-77"),
    ]));
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("xmldata", &xml)
        .finish();
    let lost = e
        .http
        .post(e.url(PATH))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await;
    assert!(lost.is_err(), "the connection is dropped");

    let found = e
        .txn(&[
            ("ssl_transaction_type", "txnquery"),
            ("ssl_search_start_date", &day),
            ("ssl_invoice_number", "order-77"),
        ])
        .await;
    assert_eq!(found.root, "txnlist");
    assert_eq!(found.count.as_deref(), Some("1"));
    assert_eq!(found.txns.len(), 1);
    let sale = &found.txns[0];
    assert_eq!(sale["ssl_transaction_type"], "SALE");
    assert_eq!(sale["ssl_result"], "0");
    assert_eq!(sale["ssl_trans_status"], "OPN");
    assert_eq!(sale["ssl_amount"], "25.00");
    assert_eq!(sale["ssl_invoice_number"], "order-77");
    assert_eq!(sale["ssl_card_number"], "41**********9990");
    assert!(sale["ssl_txn_time"].starts_with(&day));

    // The whole day, newest first; narrowed by the card's last four digits.
    let all = e
        .txn(&[
            ("ssl_transaction_type", "txnquery"),
            ("ssl_search_start_date", &day),
            ("ssl_search_end_date", &day),
            ("ssl_card_suffix", "9990"),
        ])
        .await;
    assert_eq!(all.count.as_deref(), Some("2"));
    assert_eq!(all.txns[0]["ssl_txn_id"], sale["ssl_txn_id"]);
    assert_eq!(all.txns[1]["ssl_txn_id"], first.get("ssl_txn_id"));

    // Nothing in the past: an empty list.
    let reply = e
        .post_body(
            PATH,
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair(
                    "xmldata",
                    &txn_xml(&e.with_credentials(&[
                        ("ssl_transaction_type", "txnquery"),
                        ("ssl_search_start_date", "01/01/2020"),
                        ("ssl_search_end_date", "12/31/2020 11:59:59 PM"),
                    ])),
                )
                .finish(),
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.text,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><txnlist><ssl_txn_count>0</ssl_txn_count></txnlist>"
    );

    // Errors are error documents.
    for (fields, code) in [
        (vec![("ssl_invoice_number", "order-77")], "4009"),
        (vec![("ssl_search_start_date", "2024-01-01")], "4009"),
        (
            vec![
                ("ssl_search_start_date", "01/02/2024"),
                ("ssl_search_end_date", "01/01/2024"),
            ],
            "4009",
        ),
        (
            vec![("ssl_search_start_date", &day), ("ssl_card_suffix", "99")],
            "4009",
        ),
    ] {
        let mut all = vec![("ssl_transaction_type", "txnquery")];
        all.extend(fields.iter().copied());
        e.txn(&all).await.assert_error(code);
    }
}
