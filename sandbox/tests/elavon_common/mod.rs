//! Helpers for the Elavon emulation tests: a plain HTTP client and an independent reading of
//! the XML documents (quick-xml), nothing from the core.
#![allow(dead_code)]

use std::collections::BTreeMap;

use connector_sandbox::Sandbox;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use serde_json::Value;

#[path = "../common/reply.rs"]
mod reply;
pub use reply::Reply;

/// Elavon's test Visa (approves).
pub const VISA: &str = "4124939999999990";
/// The processor's path below `/elavon`.
pub const PATH: &str = "/VirtualMerchantDemo/processxml.do";

pub struct Elv {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    pub merchant_id: String,
    pub user_id: String,
    pub pin: String,
}

pub async fn start() -> Elv {
    let sandbox = Sandbox::start().await.expect("sandbox starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let creds = sandbox.credentials()["elavon"].clone();
    Elv {
        merchant_id: creds["merchant_id"].as_str().unwrap().to_string(),
        user_id: creds["user_id"].as_str().unwrap().to_string(),
        pin: creds["pin"].as_str().unwrap().to_string(),
        sandbox,
        http,
    }
}

/// Builds a `<txn>` document (values escaped by quick-xml).
pub fn txn_xml(fields: &[(&str, &str)]) -> String {
    let mut writer = Writer::new(Vec::new());
    writer
        .write_event(Event::Start(BytesStart::new("txn")))
        .unwrap();
    for (name, value) in fields {
        writer
            .write_event(Event::Start(BytesStart::new(*name)))
            .unwrap();
        writer
            .write_event(Event::Text(BytesText::new(value)))
            .unwrap();
        writer
            .write_event(Event::End(BytesEnd::new(*name)))
            .unwrap();
    }
    writer
        .write_event(Event::End(BytesEnd::new("txn")))
        .unwrap();
    String::from_utf8(writer.into_inner()).unwrap()
}

/// A parsed answer: the root's name and, for each `<txn>`, its fields (text kept as sent,
/// untrimmed).
#[derive(Debug, Clone)]
pub struct Doc {
    pub root: String,
    pub txns: Vec<BTreeMap<String, String>>,
    pub count: Option<String>,
}

impl Doc {
    /// The single `<txn>`'s field (panics when absent).
    pub fn get(&self, name: &str) -> &str {
        self.txns[0]
            .get(name)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("no {name} in {:?}", self.txns))
    }

    pub fn opt(&self, name: &str) -> Option<&str> {
        self.txns[0].get(name).map(String::as_str)
    }

    /// Asserts an error document with `code`.
    pub fn assert_error(&self, code: &str) {
        assert_eq!(self.root, "txn");
        assert_eq!(self.opt("errorCode"), Some(code), "{:?}", self.txns);
        assert!(!self.get("errorName").is_empty());
        assert!(!self.get("errorMessage").is_empty());
        assert_eq!(self.opt("ssl_result"), None, "no ssl_result in an error");
    }

    /// Asserts an approval of `kind` and answers its `ssl_txn_id`.
    pub fn assert_approved(&self, kind: &str) -> String {
        assert_eq!(self.opt("errorCode"), None, "{:?}", self.txns);
        assert_eq!(self.get("ssl_result"), "0", "{:?}", self.txns);
        assert_eq!(self.get("ssl_result_message"), "APPROVAL");
        assert_eq!(self.get("ssl_transaction_type"), kind);
        self.get("ssl_txn_id").to_string()
    }
}

/// Text as quick-xml gives it (`Result<Cow<str>>` in 0.41, `Cow<str>` in 0.42).
trait Text {
    fn text(self) -> String;
}

impl Text for std::borrow::Cow<'_, str> {
    fn text(self) -> String {
        self.into_owned()
    }
}

impl<E: std::fmt::Debug> Text for Result<std::borrow::Cow<'_, str>, E> {
    fn text(self) -> String {
        self.unwrap().into_owned()
    }
}

fn text_of(t: impl Text) -> String {
    t.text()
}

fn name_of(name: quick_xml::name::QName<'_>) -> String {
    // Two conversions with 0.42 (`&str`, then bytes); the second is a no-op with 0.41.
    #[allow(clippy::useless_asref)]
    let bytes: &[u8] = name.as_ref().as_ref();
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn parse(xml: &str) -> Doc {
    let mut reader = Reader::from_str(xml);
    let mut root = String::new();
    let mut txns = Vec::new();
    let mut count = None;
    let mut current: Option<BTreeMap<String, String>> = None;
    let mut field: Option<String> = None;
    let mut value = String::new();
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("bad XML {e}: {xml}"))
        {
            Event::Start(s) => {
                let name = name_of(s.name());
                if root.is_empty() {
                    root = name.clone();
                    if name == "txn" {
                        current = Some(BTreeMap::new());
                    }
                } else if name == "txn" {
                    current = Some(BTreeMap::new());
                } else {
                    field = Some(name);
                    value.clear();
                }
            }
            Event::Text(t) => value.push_str(&text_of(t.xml10_content())),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    value.push(c);
                } else {
                    value.push_str(resolve_predefined_entity(&text_of(r.xml10_content())).unwrap());
                }
            }
            Event::End(e) => {
                let name = name_of(e.name());
                if name == "txn" {
                    txns.push(current.take().unwrap());
                } else if let Some(f) = field.take() {
                    if f == "ssl_txn_count" && current.is_none() {
                        count = Some(value.clone());
                    } else if let Some(c) = current.as_mut() {
                        c.insert(f, value.clone());
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Doc { root, txns, count }
}

impl Elv {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sandbox.url("elavon"), path)
    }

    /// The three credentials followed by `fields`.
    pub fn with_credentials<'a>(
        &'a self,
        fields: &[(&'a str, &'a str)],
    ) -> Vec<(&'a str, &'a str)> {
        let mut all = vec![
            ("ssl_merchant_id", self.merchant_id.as_str()),
            ("ssl_user_id", self.user_id.as_str()),
            ("ssl_pin", self.pin.as_str()),
        ];
        all.extend_from_slice(fields);
        all
    }

    /// POSTs a raw body as a form to the XML endpoint.
    pub async fn post_body(&self, path: &str, body: String) -> Reply {
        let response = self
            .http
            .post(self.url(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("answered");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Reply {
            status,
            headers,
            text,
        }
    }

    /// Sends `xml` as the form-encoded `xmldata` field; checks HTTP 200 + XML.
    pub async fn send_xml(&self, xml: &str) -> Doc {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("xmldata", xml)
            .finish();
        let reply = self.post_body(PATH, body).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert!(reply
            .header("content-type")
            .unwrap()
            .starts_with("text/xml"));
        parse(&reply.text)
    }

    /// Sends a transaction with the right credentials.
    pub async fn txn(&self, fields: &[(&str, &str)]) -> Doc {
        self.send_xml(&txn_xml(&self.with_credentials(fields)))
            .await
    }

    /// `ccsale` / `ccauthonly` of `amount` with the test Visa.
    pub async fn card_txn(&self, kind: &str, amount: &str) -> Doc {
        self.txn(&[
            ("ssl_transaction_type", kind),
            ("ssl_amount", amount),
            ("ssl_card_number", VISA),
            ("ssl_exp_date", "1230"),
            ("ssl_cvv2cvc2_indicator", "1"),
            ("ssl_cvv2cvc2", "123"),
        ])
        .await
    }

    pub async fn query(&self, id: &str) -> Doc {
        self.txn(&[("ssl_transaction_type", "txnquery"), ("ssl_txn_id", id)])
            .await
    }

    pub async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self
            .http
            .request(method, format!("{}{}", self.sandbox.base_url(), path));
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("answered");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Reply {
            status,
            headers,
            text,
        }
    }
}
