//! Unit tests of the Elavon connector: every example document of the documentation
//! (the Elavon Converge developer guide) through the parsers, the mapping tables, the error
//! codes, request building, and hostile or odd XML.

mod config;
mod errors;
mod payments;
mod published;
mod refunds;
mod wire;
mod xml;

use std::collections::BTreeMap;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{Elavon, ElavonConfig};
use crate::client::Environment;
use crate::connectors::Endpoint;
use crate::error::{Error, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::money::{Currency, Money};
use crate::secret::{CardNumber, Secret};
use crate::types::*;

pub(super) const MERCHANT_ID: &str = "0123456";
pub(super) const USER_ID: &str = "apiuser";
pub(super) const PIN: &str = "EXAMPLEPIN0123456789";
pub(super) const CARD_NUMBER: &str = "4124939999999990";
pub(super) const TXN_ID: &str = "011125A15-5E0B9C3A-2D4F-4E61-9C1A-7B2D3E4F5A6B";
pub(super) const DEMO_URL: &str =
    "https://api.demo.convergepay.com/VirtualMerchantDemo/processxml.do";

/// The documentation's approved sale (Elavon Converge developer guide, "Illustrative responses", illustrative).
pub(super) const APPROVED_SALE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<txn>
  <ssl_result>0</ssl_result>
  <ssl_result_message>APPROVAL</ssl_result_message>
  <ssl_transaction_type>SALE</ssl_transaction_type>
  <ssl_txn_id>011125A15-5E0B9C3A-2D4F-4E61-9C1A-7B2D3E4F5A6B</ssl_txn_id>
  <ssl_approval_code>A1B2C3</ssl_approval_code>
  <ssl_amount>10.00</ssl_amount>
  <ssl_card_number>41**********9990</ssl_card_number>
  <ssl_card_short_description>VISA</ssl_card_short_description>
  <ssl_card_type>CREDITCARD</ssl_card_type>
  <ssl_exp_date>1230</ssl_exp_date>
  <ssl_avs_response>M</ssl_avs_response>
  <ssl_cvv2_response>M</ssl_cvv2_response>
  <ssl_issuer_response>00</ssl_issuer_response>
  <ssl_invoice_number>order-42</ssl_invoice_number>
  <ssl_txn_time>11/01/2025 10:15:30 AM</ssl_txn_time>
</txn>"#;

/// The documentation's declined sale (Elavon Converge developer guide, "Illustrative responses", illustrative).
pub(super) const DECLINED_SALE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<txn>
  <ssl_result>1</ssl_result>
  <ssl_result_message>DECLINED</ssl_result_message>
  <ssl_transaction_type>SALE</ssl_transaction_type>
  <ssl_txn_id>011125A16-0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9</ssl_txn_id>
  <ssl_approval_code>      </ssl_approval_code>
  <ssl_amount>10.00</ssl_amount>
  <ssl_card_number>41**********9990</ssl_card_number>
</txn>"#;

/// The documentation's query result of the approved sale, in the open batch (Elavon Converge developer guide, "Illustrative responses", illustrative).
pub(super) const QUERY_OPEN_SALE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<txn>
  <ssl_txn_id>011125A15-5E0B9C3A-2D4F-4E61-9C1A-7B2D3E4F5A6B</ssl_txn_id>
  <ssl_transaction_type>SALE</ssl_transaction_type>
  <ssl_trans_status>OPN</ssl_trans_status>
  <ssl_result>0</ssl_result>
  <ssl_amount>10.00</ssl_amount>
  <ssl_approval_code>A1B2C3</ssl_approval_code>
</txn>"#;

/// The documentation's error document (Elavon Converge developer guide, "Error document", illustrative).
pub(super) const ERROR_5000: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<txn>
  <errorCode>5000</errorCode>
  <errorName>Credit Card Number Invalid</errorName>
  <errorMessage>The Credit Card Number supplied in the authorization request appears to be invalid.</errorMessage>
</txn>"#;

pub(super) fn config() -> ElavonConfig {
    ElavonConfig::new(MERCHANT_ID, USER_ID, PIN)
}

pub(super) fn sandbox_endpoint() -> Endpoint {
    Endpoint::new(Environment::Sandbox, None).unwrap()
}

pub(super) fn connector() -> Elavon {
    Elavon::new(&config(), &sandbox_endpoint()).unwrap()
}

pub(super) fn multi_currency_connector() -> Elavon {
    Elavon::new(&config().multi_currency(true), &sandbox_endpoint()).unwrap()
}

pub(super) fn cx() -> FlowContext {
    FlowContext::new("7d1c2a9e-0b6f-4f35-9a55-3f1e2d4c5b6a")
}

pub(super) fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

pub(super) fn card() -> Card {
    let mut card = Card::new(CardNumber::new(CARD_NUMBER).unwrap(), 12, 2030);
    card.cvc = Some(Secret::new("123".to_string()));
    card.holder_name = Some("Jane Doe".to_string());
    card
}

pub(super) fn authorize_request(capture: CaptureMethod) -> AuthorizeRequest {
    let mut r = AuthorizeRequest::new(usd(1000), "order-42", PaymentMethod::Card(card()));
    r.capture_method = capture;
    r.billing_address = Some(Address {
        postal_code: Some("30303".into()),
        line1: Some("1 Peachtree St".into()),
        ..Default::default()
    });
    r
}

pub(super) fn response(body: &str) -> HttpResponse {
    HttpResponse::new(200, body.as_bytes().to_vec())
}

pub(super) fn sent<T: std::fmt::Debug>(step: Result<Step<T>>) -> HttpRequest {
    match step {
        Ok(Step::Send(r)) => r,
        other => panic!("expected a request, got {other:?}"),
    }
}

pub(super) fn done<T>(step: Result<Step<T>>) -> T {
    match step {
        Ok(Step::Done(t)) => t,
        Ok(Step::Send(r)) => panic!("expected a result, got request {r:?}"),
        Err(e) => panic!("expected a result, got error {e:?}"),
    }
}

pub(super) fn failed<T: std::fmt::Debug>(step: Result<Step<T>>) -> Error {
    match step {
        Err(e) => e,
        Ok(other) => panic!("expected an error, got {other:?}"),
    }
}

/// The XML document of a request: the form field `xmldata`, decoded.
pub(super) fn xml_of(request: &HttpRequest) -> String {
    let body = request.body.as_ref().expect("a body").as_slice();
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    assert_eq!(fields.len(), 1, "exactly one form field");
    assert_eq!(fields[0].0, "xmldata");
    fields[0].1.clone()
}

/// The child elements of a request's `<txn>`, read back with quick-xml (entities resolved).
pub(super) fn fields(request: &HttpRequest) -> BTreeMap<String, String> {
    let xml = xml_of(request);
    let mut reader = Reader::from_str(&xml);
    let mut out = BTreeMap::new();
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(s) => {
                stack.push(String::from_utf8(s.local_name().as_ref().to_vec()).unwrap());
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap().to_string();
                let resolved = quick_xml::escape::resolve_predefined_entity(&name)
                    .map(str::to_string)
                    .or_else(|| r.resolve_char_ref().unwrap().map(|c| c.to_string()))
                    .expect("a known entity");
                text.push_str(&resolved);
            }
            Event::End(_) => {
                let name = stack.pop().unwrap();
                if !stack.is_empty() {
                    assert!(
                        out.insert(name.clone(), text.clone()).is_none(),
                        "{name} sent twice"
                    );
                } else {
                    assert_eq!(name, "txn", "the root is <txn>");
                }
                text.clear();
            }
            Event::Empty(e) => panic!(
                "empty element <{}/> sent",
                String::from_utf8_lossy(e.local_name().as_ref())
            ),
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// Checks a request is a form POST to the demo endpoint with the three credentials.
pub(super) fn assert_elavon_request(request: &HttpRequest, transaction_type: &str) {
    assert_eq!(request.method, HttpMethod::Post);
    assert_eq!(request.url, DEMO_URL);
    assert_eq!(
        request.headers.get("Content-Type").map(String::as_str),
        Some("application/x-www-form-urlencoded")
    );
    assert!(!request.headers.contains_key("Authorization"));
    let f = fields(request);
    assert_eq!(f["ssl_merchant_id"], MERCHANT_ID);
    assert_eq!(f["ssl_user_id"], USER_ID);
    assert_eq!(f["ssl_pin"], PIN);
    assert_eq!(f["ssl_transaction_type"], transaction_type);
}
