//! Safe XML (`xml.rs`): escaping and form encoding of requests; hostile, oversized and odd
//! response documents.

use super::super::wire::{parse_document, Document, TxnRequest};
use super::super::xml::{self, XmlFailure, MAX_DEPTH, MAX_RESPONSE_BYTES};

fn refused(body: &str) -> String {
    match parse_document(body.as_bytes()) {
        Err(XmlFailure::Refused(reason)) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn request_values_are_escaped_by_the_serializer() {
    let mut txn = TxnRequest {
        ssl_merchant_id: "1".into(),
        ssl_user_id: "u".into(),
        ssl_pin: "p".into(),
        ssl_transaction_type: "ccsale",
        ..Default::default()
    };
    txn.ssl_invoice_number = Some("a&b<c>d\"e'f</ssl_invoice_number><ssl_amount>0.01".into());
    let document = txn.to_xml().unwrap();
    assert!(document.starts_with("<txn>"), "{document}");
    assert!(!document.contains("<ssl_amount>"), "{document}");
    assert!(document.contains("a&amp;b&lt;c&gt;d"), "{document}");
    // Fields not set are left out, not sent empty.
    assert!(!document.contains("ssl_card_number"));
    // Read back, the value is exactly what was given.
    let scanned = xml::scan(&document).unwrap();
    assert_eq!(scanned, "txn");
}

#[test]
fn the_form_body_is_one_url_encoded_xmldata_field() {
    let body = xml::form_body("<txn><a>x&y z+1%</a></txn>");
    let text = String::from_utf8(body.clone()).unwrap();
    assert!(text.starts_with("xmldata=%3Ctxn%3E"), "{text}");
    assert!(!text.contains('<') && !text.contains(' '));
    // The `&` of the value is encoded, so it cannot split the form.
    assert_eq!(text.matches('&').count(), 0);
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    assert_eq!(
        fields,
        vec![(
            "xmldata".to_string(),
            "<txn><a>x&y z+1%</a></txn>".to_string()
        )]
    );
}

#[test]
fn clean_text_drops_control_characters_and_blank_values() {
    assert_eq!(
        xml::clean_text("  ab\u{0}c\u{1b}d  "),
        Some("ab c d".to_string())
    );
    assert_eq!(xml::clean_text(" \t\n "), None);
    assert_eq!(xml::clean_text("Zoë & Co"), Some("Zoë & Co".to_string()));
    assert_eq!(xml::truncate("abcdef", 3), "abc");
    assert_eq!(xml::truncate("ééé", 2), "éé");
}

#[test]
fn a_doctype_is_refused_and_never_expanded() {
    // Billion laughs.
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<txn><ssl_result>0</ssl_result><ssl_result_message>&lol3;</ssl_result_message></txn>"#;
    assert!(refused(laughs).contains("DOCTYPE"));
    // External entity (XXE).
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE txn [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><txn><ssl_result>&xxe;</ssl_result></txn>"#;
    assert!(refused(xxe).contains("DOCTYPE"));
    // A DOCTYPE without entities is refused too.
    assert!(refused("<!DOCTYPE txn><txn><ssl_result>0</ssl_result></txn>").contains("DOCTYPE"));
}

#[test]
fn the_deserializer_refuses_a_dtd_even_without_the_scan() {
    let laughs = r#"<!DOCTYPE t [<!ENTITY a "AAAA">]><txn><ssl_result>&a;</ssl_result></txn>"#;
    let result = xml::deserialize::<super::super::wire::Txn>(laughs);
    assert!(
        matches!(result, Err(XmlFailure::Unexpected(_))),
        "{result:?}"
    );
}

#[test]
fn undeclared_entities_and_bad_character_references_are_refused() {
    assert!(refused("<txn><ssl_result>&foo;</ssl_result></txn>").contains("&foo;"));
    assert!(refused("<txn><ssl_result>&#0;</ssl_result></txn>").contains("character reference"));
    assert!(refused("<txn><ssl_result>&#x1;</ssl_result></txn>").contains("character reference"));
}

#[test]
fn huge_and_deep_documents_are_refused_unparsed() {
    let mut huge = String::from("<txn><ssl_result>0</ssl_result><ssl_result_message>");
    huge.push_str(&"A".repeat(MAX_RESPONSE_BYTES));
    huge.push_str("</ssl_result_message></txn>");
    assert!(refused(&huge).contains("bytes"));

    let depth = MAX_DEPTH + 1;
    let deep = format!("{}{}", "<txn>".repeat(depth), "</txn>".repeat(depth));
    assert!(refused(&deep).contains("deeper"));
}

#[test]
fn non_xml_bodies_are_not_xml() {
    for body in [
        "",
        "Internal Server Error",
        "<html><body>Oops</body>",
        "<txn><ssl_result>0</ssl_result>",
        "<txn><a></b></txn>",
        "<txn/><txn/>",
        "<txn></txn> trailing",
    ] {
        assert!(
            matches!(parse_document(body.as_bytes()), Err(XmlFailure::NotXml(_))),
            "{body:?}: {:?}",
            parse_document(body.as_bytes())
        );
    }
    // Well-formed, but another root: not a Converge document.
    assert!(matches!(
        parse_document(b"<html><body>Oops</body></html>"),
        Err(XmlFailure::NotXml(_))
    ));
}

#[test]
fn predefined_entities_and_character_references_are_resolved() {
    let body = "<txn><ssl_result>0</ssl_result><ssl_result_message>A &amp; B &lt;C&gt; &quot;D&quot; &apos;E&apos; &#38; &#x26;</ssl_result_message></txn>";
    let Document::Txn(txn) = parse_document(body.as_bytes()).unwrap() else {
        panic!("not a txn")
    };
    assert_eq!(
        txn.ssl_result_message.as_deref(),
        Some("A & B <C> \"D\" 'E' & &")
    );
}

#[test]
fn odd_whitespace_bom_and_one_line_documents_parse() {
    let one_line = "\u{feff}  \r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?><txn><ssl_result>\n  0\t</ssl_result><ssl_txn_id>  ID-1 </ssl_txn_id><ssl_approval_code>      </ssl_approval_code><ssl_token></ssl_token><ssl_eci_ind/><!-- note --><unknown_element attr=\"x\"><nested>1</nested></unknown_element></txn>\n\n";
    let Document::Txn(txn) = parse_document(one_line.as_bytes()).unwrap() else {
        panic!("not a txn")
    };
    assert_eq!(txn.ssl_result.as_deref(), Some("0"));
    assert_eq!(txn.ssl_txn_id.as_deref(), Some("ID-1"));
    assert_eq!(txn.ssl_approval_code, None);
    assert_eq!(txn.ssl_token, None);
    // CDATA is text.
    let cdata = "<txn><ssl_result><![CDATA[1]]></ssl_result><ssl_result_message><![CDATA[A & B]]></ssl_result_message></txn>";
    let Document::Txn(txn) = parse_document(cdata.as_bytes()).unwrap() else {
        panic!("not a txn")
    };
    assert_eq!(txn.ssl_result.as_deref(), Some("1"));
    assert_eq!(txn.ssl_result_message.as_deref(), Some("A & B"));
}

#[test]
fn invalid_utf8_is_read_lossily() {
    let mut body = b"<txn><ssl_result>0</ssl_result><ssl_result_message>CAF".to_vec();
    body.push(0xC9); // Latin-1 "É"
    body.extend_from_slice(b"</ssl_result_message></txn>");
    let Document::Txn(txn) = parse_document(&body).unwrap() else {
        panic!("not a txn")
    };
    assert_eq!(txn.ssl_result.as_deref(), Some("0"));
    assert!(txn.ssl_result_message.unwrap().starts_with("CAF"));
}

#[test]
fn attributes_are_ignored_and_never_expanded() {
    let body = r#"<txn version="2" note="&foo;"><ssl_result id="&bar;">0</ssl_result></txn>"#;
    match parse_document(body.as_bytes()) {
        Ok(Document::Txn(txn)) => assert_eq!(txn.ssl_result.as_deref(), Some("0")),
        // Refusing is as safe as ignoring; expanding is what must never happen.
        Err(XmlFailure::Unexpected(_)) | Err(XmlFailure::Refused(_)) => {}
        other => panic!("unexpected: {other:?}"),
    }
    let plain = r#"<txn version="2"><ssl_result code="x">0</ssl_result></txn>"#;
    let Document::Txn(txn) = parse_document(plain.as_bytes()).unwrap() else {
        panic!("not a txn")
    };
    assert_eq!(txn.ssl_result.as_deref(), Some("0"));
}

#[test]
fn unknown_elements_between_the_entries_of_a_list_are_ignored() {
    let body = "<txnlist><ssl_txn_count>2</ssl_txn_count>\
        <txn><ssl_txn_id>A</ssl_txn_id></txn>\
        <ssl_page>1</ssl_page>\
        <txn><ssl_txn_id>B</ssl_txn_id></txn></txnlist>";
    match parse_document(body.as_bytes()) {
        Ok(Document::List(list)) => {
            let ids: Vec<_> = list.txn.iter().map(|t| t.ssl_txn_id.clone()).collect();
            assert_eq!(ids, [Some("A".to_string()), Some("B".to_string())]);
        }
        other => panic!("expected a list, got {other:?}"),
    }
}
