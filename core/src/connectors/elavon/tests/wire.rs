//! The wire documents (`wire.rs`): the documentation's example responses, `<txnlist>`, enumerations and
//! their catch-alls, and the network transaction id.

use super::super::wire::{
    parse_document, split_network_transaction_id, Document, Outcome, TransStatus, TransactionType,
    Txn,
};
use super::*;

fn txn(body: &str) -> Txn {
    match parse_document(body.as_bytes()).unwrap() {
        Document::Txn(t) => *t,
        other => panic!("not a txn: {other:?}"),
    }
}

#[test]
fn the_spec_approved_sale_parses() {
    let t = txn(APPROVED_SALE);
    assert_eq!(t.outcome(), Outcome::Approved);
    assert_eq!(t.transaction_type(), Some(TransactionType::Sale));
    assert_eq!(t.ssl_txn_id.as_deref(), Some(TXN_ID));
    assert_eq!(t.ssl_approval_code.as_deref(), Some("A1B2C3"));
    assert_eq!(t.ssl_amount.as_deref(), Some("10.00"));
    assert_eq!(t.ssl_issuer_response.as_deref(), Some("00"));
    assert_eq!(t.ssl_invoice_number.as_deref(), Some("order-42"));
    assert_eq!(t.ssl_avs_response.as_deref(), Some("M"));
    assert_eq!(t.ssl_cvv2_response.as_deref(), Some("M"));
    assert_eq!(t.error_code, None);
    assert_eq!(t.network_transaction_id(), None);
}

#[test]
fn the_spec_declined_sale_parses_with_a_blank_approval_code() {
    let t = txn(DECLINED_SALE);
    assert_eq!(t.outcome(), Outcome::Declined);
    assert_eq!(t.ssl_result.as_deref(), Some("1"));
    assert_eq!(t.ssl_result_message.as_deref(), Some("DECLINED"));
    assert_eq!(t.ssl_approval_code, None);
    assert_eq!(
        t.ssl_txn_id.as_deref(),
        Some("011125A16-0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9")
    );
}

#[test]
fn the_spec_query_result_parses() {
    let t = txn(QUERY_OPEN_SALE);
    assert_eq!(t.outcome(), Outcome::Approved);
    assert_eq!(t.trans_status(), Some(TransStatus::Opn));
    assert_eq!(t.transaction_type(), Some(TransactionType::Sale));
}

#[test]
fn the_spec_error_document_parses_with_camel_case_names() {
    let t = txn(ERROR_5000);
    assert_eq!(t.outcome(), Outcome::Error);
    assert_eq!(t.error_code.as_deref(), Some("5000"));
    assert_eq!(t.error_name.as_deref(), Some("Credit Card Number Invalid"));
    assert!(t
        .error_message
        .unwrap()
        .starts_with("The Credit Card Number"));
    // snake_case names are not Converge's: such a document is not an error document.
    let snake = txn("<txn><error_code>5000</error_code></txn>");
    assert_eq!(snake.outcome(), Outcome::Unknown);
}

#[test]
fn a_txnlist_yields_the_transaction_with_the_queried_id() {
    let list = r#"<?xml version="1.0" encoding="UTF-8"?>
<txnlist>
  <ssl_txn_count>2</ssl_txn_count>
  <txn><ssl_txn_id>OTHER</ssl_txn_id><ssl_transaction_type>SALE</ssl_transaction_type><ssl_trans_status>STL</ssl_trans_status></txn>
  <txn><ssl_txn_id>011125A15-5E0B9C3A-2D4F-4E61-9C1A-7B2D3E4F5A6B</ssl_txn_id><ssl_transaction_type>AUTHONLY</ssl_transaction_type><ssl_trans_status>OPN</ssl_trans_status></txn>
</txnlist>"#;
    let doc = parse_document(list.as_bytes()).unwrap();
    let Document::List(l) = &doc else {
        panic!("not a list")
    };
    assert_eq!(l.ssl_txn_count.as_deref(), Some("2"));
    assert_eq!(l.txn.len(), 2);
    let t = doc.clone().into_txn(Some(TXN_ID)).unwrap();
    assert_eq!(t.transaction_type(), Some(TransactionType::AuthOnly));
    assert_eq!(doc.clone().into_txn(Some("MISSING")), None);
    assert_eq!(doc.into_txn(None), None);
    // A one-entry list with the id, or without any id, is that transaction.
    let one = "<txnlist><ssl_txn_count>1</ssl_txn_count><txn><ssl_transaction_type>RETURN</ssl_transaction_type></txn></txnlist>";
    let t = parse_document(one.as_bytes())
        .unwrap()
        .into_txn(Some(TXN_ID))
        .unwrap();
    assert_eq!(t.transaction_type(), Some(TransactionType::Return));
    // An empty list has nothing.
    let empty = "<txnlist><ssl_txn_count>0</ssl_txn_count></txnlist>";
    assert_eq!(
        parse_document(empty.as_bytes())
            .unwrap()
            .into_txn(Some(TXN_ID)),
        None
    );
}

#[test]
fn enumerations_have_catch_alls() {
    for (text, expected) in [
        ("SALE", TransactionType::Sale),
        ("sale", TransactionType::Sale),
        ("AUTHONLY", TransactionType::AuthOnly),
        ("FORCE", TransactionType::Force),
        ("RETURN", TransactionType::Return),
        ("DELETE", TransactionType::Delete),
        ("VOID", TransactionType::Void),
        ("CARDVERIFICATION", TransactionType::CardVerification),
        ("GETTOKEN", TransactionType::GetToken),
        (" SALE ", TransactionType::Sale),
        ("BALINQUIRY", TransactionType::Other("BALINQUIRY".into())),
    ] {
        assert_eq!(TransactionType::parse(text), expected, "{text}");
    }
    for (text, expected) in [
        ("PEN", TransStatus::Pen),
        ("OPN", TransStatus::Opn),
        ("REV", TransStatus::Rev),
        ("STL", TransStatus::Stl),
        ("PST", TransStatus::Pst),
        ("FPR", TransStatus::Fpr),
        ("PRE", TransStatus::Pre),
        ("XYZ", TransStatus::Other("XYZ".into())),
    ] {
        assert_eq!(TransStatus::parse(text), expected, "{text}");
    }
}

#[test]
fn the_token_counts_only_when_tokenisation_succeeded() {
    let ok = txn("<txn><ssl_result>0</ssl_result><ssl_token>4421912014039990</ssl_token><ssl_token_response>SUCCESS</ssl_token_response></txn>");
    assert_eq!(ok.token(), Some("4421912014039990"));
    let failed = txn("<txn><ssl_result>0</ssl_result><ssl_token>X</ssl_token><ssl_token_response>Failed</ssl_token_response></txn>");
    assert_eq!(failed.token(), None);
    let bare = txn("<txn><ssl_result>0</ssl_result><ssl_token>T1</ssl_token></txn>");
    assert_eq!(bare.token(), Some("T1"));
    let none = txn(
        "<txn><ssl_result>0</ssl_result><ssl_token_response>SUCCESS</ssl_token_response></txn>",
    );
    assert_eq!(none.token(), None);
}

#[test]
fn network_transaction_ids_join_and_split_oar_and_ps2000_data() {
    let t = txn("<txn><ssl_oar_data>010012345678901234567890</ssl_oar_data><ssl_ps2000_data>A1234567890123456789</ssl_ps2000_data></txn>");
    let id = t.network_transaction_id().unwrap();
    assert_eq!(id, "010012345678901234567890|A1234567890123456789");
    assert_eq!(
        split_network_transaction_id(&id),
        (
            Some("010012345678901234567890".to_string()),
            Some("A1234567890123456789".to_string())
        )
    );
    assert_eq!(
        split_network_transaction_id("|PS2000"),
        (None, Some("PS2000".to_string()))
    );
    assert_eq!(
        split_network_transaction_id("SHORTPS2000"),
        (None, Some("SHORTPS2000".to_string()))
    );
    assert_eq!(
        split_network_transaction_id("a-very-long-oar-data-value-0001"),
        (Some("a-very-long-oar-data-value-0001".to_string()), None)
    );
}
