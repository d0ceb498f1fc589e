//! Amounts: exact decimal major units as JSON numbers.

use super::*;
use crate::connector::Connector;
use crate::connectors::fiserv::amounts::money_from_total;
use crate::connectors::fiserv::{fiserv_exponent, total_text};

#[test]
fn minor_units_become_exact_major_unit_text() {
    assert_eq!(total_text(&usd(1204), "amount").unwrap(), "12.04");
    assert_eq!(total_text(&usd(1000), "amount").unwrap(), "10.00");
    assert_eq!(total_text(&usd(5), "amount").unwrap(), "0.05");
    assert_eq!(total_text(&usd(500600), "amount").unwrap(), "5006.00");
    assert_eq!(total_text(&money(1000, "JPY"), "amount").unwrap(), "1000");
    assert_eq!(total_text(&money(1500, "KWD"), "amount").unwrap(), "1.500");
    assert_eq!(total_text(&money(1, "BHD"), "amount").unwrap(), "0.001");
    // 2^53 - 1 cents: no binary floating point anywhere.
    assert_eq!(
        total_text(&usd(9_007_199_254_740_991), "amount").unwrap(),
        "90071992547409.91"
    );
}

#[test]
fn four_decimal_currencies_are_sent_with_three_decimals_or_refused() {
    let clf = Currency::new("CLF").unwrap();
    assert_eq!(fiserv_exponent(clf), 3);
    assert_eq!(total_text(&money(12340, "CLF"), "amount").unwrap(), "1.234");
    let e = total_text(&money(12345, "CLF"), "amount").unwrap_err();
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("amount"));
}

#[test]
fn the_total_is_a_json_number_in_the_sent_body() {
    let request =
        sent(connector().authorize(&authorize_request(CaptureMethod::Automatic), &cx(), &[]));
    let text = body_text(&request);
    assert!(
        text.starts_with(r#"{"amount":{"total":12.04,"currency":"USD"}"#),
        "{text}"
    );
    let mut jpy = authorize_request(CaptureMethod::Automatic);
    jpy.amount = money(1000, "JPY");
    let text = body_text(&sent(connector().authorize(&jpy, &cx(), &[])));
    assert!(text.contains(r#""total":1000,"#), "{text}");
    let mut kwd = authorize_request(CaptureMethod::Automatic);
    kwd.amount = money(1500, "KWD");
    let text = body_text(&sent(connector().authorize(&kwd, &cx(), &[])));
    assert!(text.contains(r#""total":1.500,"#), "{text}");
}

#[test]
fn response_amounts_are_numbers_or_numeric_strings() {
    let currency = "USD";
    assert_eq!(
        money_from_total(&serde_json::json!(12.04), currency),
        Some(usd(1204))
    );
    assert_eq!(
        money_from_total(&serde_json::json!("690"), currency),
        Some(usd(69000))
    );
    assert_eq!(
        money_from_total(&serde_json::json!("1.00"), currency),
        Some(usd(100))
    );
    assert_eq!(money_from_total(&serde_json::json!(null), currency), None);
    assert_eq!(money_from_total(&serde_json::json!("12.04"), "XXX1"), None);
}
