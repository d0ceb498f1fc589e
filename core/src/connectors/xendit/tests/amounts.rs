//! Amounts (`amounts.rs`): major-unit JSON numbers, whole rupiah, exact or rejected.

use serde_json::json;

use super::*;
use crate::connector::Connector;
use crate::connectors::xendit::amounts::{from_wire, to_wire, xendit_exponent};

#[test]
fn exponents_follow_iso_except_whole_rupiah() {
    assert_eq!(xendit_exponent(Currency::new("IDR").unwrap()), 0);
    assert_eq!(xendit_exponent(Currency::new("VND").unwrap()), 0);
    assert_eq!(xendit_exponent(Currency::new("PHP").unwrap()), 2);
    assert_eq!(xendit_exponent(Currency::USD), 2);
    assert_eq!(xendit_exponent(Currency::JPY), 0);
}

#[test]
fn whole_amounts_are_integers() {
    assert_eq!(to_wire(&idr(10_000), "amount").unwrap(), json!(10000));
    assert_eq!(
        to_wire(&money(2_500_000, "VND"), "amount").unwrap(),
        json!(2500000)
    );
    assert_eq!(to_wire(&money(1000, "USD"), "amount").unwrap(), json!(10));
    assert_eq!(
        to_wire(&money(150_000, "PHP"), "amount").unwrap(),
        json!(1500)
    );
    assert_eq!(to_wire(&money(0, "IDR"), "amount").unwrap(), json!(0));
}

#[test]
fn fractional_amounts_are_exact_decimal_numbers() {
    let v = to_wire(&money(1050, "USD"), "amount").unwrap();
    assert_eq!(v.to_string(), "10.5");
    let v = to_wire(&money(1, "PHP"), "amount").unwrap();
    assert_eq!(v.to_string(), "0.01");
    let v = to_wire(&money(123_456_789_012, "SGD"), "amount").unwrap();
    assert_eq!(v.to_string(), "1234567890.12");
    let v = to_wire(&money(1501, "KWD"), "amount").unwrap();
    assert_eq!(v.to_string(), "1.501");
}

#[test]
fn idr_with_cents_is_rejected_before_sending() {
    let e = to_wire(&money(1_000_050, "IDR"), "amount").unwrap_err();
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("amount"));
    assert!(e.message().contains("whole"), "{e}");

    let mut r = authorize_request();
    r.amount = money(1_000_050, "IDR");
    let e = failed(connector().authorize(&r, &cx(), &[]));
    assert_code(&e, ErrorCode::InvalidRequest);
    assert_eq!(e.field(), Some("amount"));
}

#[test]
fn amounts_that_a_json_number_cannot_carry_exactly_are_rejected() {
    // 16 significant digits with decimals: no binary number reads back as exactly this.
    let e = to_wire(&money(9_007_199_254_740_991, "USD"), "amount").unwrap_err();
    assert_code(&e, ErrorCode::InvalidRequest);
    // Negative amounts never reach the wire.
    assert!(to_wire(&money(-100, "USD"), "amount").is_err());
}

#[test]
fn answers_read_back_into_minor_units() {
    assert_eq!(
        from_wire(Some(&json!(10000)), Some("IDR")),
        Some(idr(10_000))
    );
    assert_eq!(
        from_wire(Some(&json!(10.5)), Some("USD")),
        Some(money(1050, "USD"))
    );
    assert_eq!(
        from_wire(Some(&json!("1000.00")), Some("PHP")),
        Some(money(100_000, "PHP"))
    );
    assert_eq!(
        from_wire(Some(&json!(10000.0)), Some("IDR")),
        Some(idr(10_000))
    );
    assert_eq!(from_wire(Some(&json!(10)), Some("XYZ")), None);
    assert_eq!(from_wire(Some(&json!(10.001)), Some("USD")), None);
    assert_eq!(from_wire(None, Some("USD")), None);
    assert_eq!(from_wire(Some(&json!(10)), None), None);
}
