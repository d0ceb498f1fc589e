//! Elavon emulation under hostile or odd input: every request to the XML endpoint gets an XML
//! answer (never a panic, never an expanded entity).

mod elavon_common;

use elavon_common::*;

#[tokio::test]
async fn odd_bodies_get_error_documents() {
    let e = start().await;
    let creds = format!(
        "<ssl_merchant_id>{}</ssl_merchant_id><ssl_user_id>{}</ssl_user_id><ssl_pin>{}</ssl_pin>",
        e.merchant_id, e.user_id, e.pin
    );
    let documents = [
        String::new(),
        "<".into(),
        "<txn>".into(),
        "<txn><ssl_amount>1.00</ssl_amount></other>".into(),
        "<txn><a><b><c>1</c></b></a></txn>".into(),
        format!(
            "<!DOCTYPE txn [<!ENTITY x \"{}\">]><txn>{creds}<ssl_transaction_type>&x;</ssl_transaction_type></txn>",
            "ccsale"
        ),
        format!("<txn>{creds}<ssl_transaction_type>ccsale</ssl_transaction_type><ssl_amount>{}</ssl_amount></txn>", "9".repeat(100_000)),
        format!("<txn>{creds}<ssl_transaction_type>ccsale</ssl_transaction_type><ssl_amount>1.00</ssl_amount><ssl_card_number>&#0;</ssl_card_number></txn>"),
        format!("<txn>{creds}<ssl_transaction_type>ccsale</ssl_transaction_type><ssl_amount>99999999.99</ssl_amount><ssl_card_number>4111111111111111</ssl_card_number><ssl_exp_date>12ab</ssl_exp_date></txn>"),
        format!("<txn>{creds}<ssl_transaction_type>txnquery</ssl_transaction_type><ssl_txn_id>../../etc</ssl_txn_id></txn>"),
        format!("<txn>{creds}<ssl_transaction_type>cccomplete</ssl_transaction_type><ssl_txn_id>x</ssl_txn_id><ssl_amount>-1.00</ssl_amount></txn>"),
        "<txnlist><txn></txn></txnlist>".into(),
    ];
    for doc in documents {
        let reply = e
            .post_body(
                PATH,
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("xmldata", &doc)
                    .finish(),
            )
            .await;
        assert_eq!(reply.status, 200, "{doc:.200}: {}", reply.text);
        let answer = parse(&reply.text);
        assert!(
            answer.opt("errorCode").is_some(),
            "{doc:.200}: {}",
            reply.text
        );
        assert!(!reply.text.contains("99999999999"), "no echo of the input");
    }
    // Not UTF-8 at all.
    let response = e
        .http
        .post(e.url(PATH))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, 0x00, 0x3c])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    parse(&response.text().await.unwrap()).assert_error("4009");
}

#[tokio::test]
async fn the_sandbox_serves_after_hostile_input_and_logs_the_path() {
    let e = start().await;
    e.post_body(PATH, "xmldata=%3Ctxn%3E%3Cx%3E".into()).await;
    e.card_txn("ccsale", "1.00").await.assert_approved("SALE");
    let log = e
        .control(
            reqwest::Method::GET,
            "/_sandbox/requests?processor=elavon",
            None,
        )
        .await
        .json();
    assert_eq!(log["by_path"][format!("POST {PATH}")], 2, "{log}");
}
