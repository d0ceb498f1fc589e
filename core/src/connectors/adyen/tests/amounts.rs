//! Adyen's exponent table and exact conversions.

use serde_json::json;

use super::*;
use crate::connector::Connector;
use crate::connectors::adyen::adyen_exponent;
use crate::connectors::adyen::amounts::{from_adyen, to_adyen};
use crate::connectors::adyen::wire::WireAmount;

fn wire(minor: i64, code: &str) -> serde_json::Value {
    serde_json::to_value(to_adyen(&money(minor, code), "amount").unwrap()).unwrap()
}

/// An amount of an answer, as Adyen sends it.
fn back(v: serde_json::Value) -> std::result::Result<Option<Money>, String> {
    let amount: WireAmount = serde_json::from_value(v).unwrap();
    from_adyen(Some(&amount))
}

#[test]
fn exponents_follow_adyen_not_iso_where_they_differ() {
    let table = [
        ("USD", 2),
        ("EUR", 2),
        ("JPY", 0),
        ("KRW", 0),
        ("KWD", 3),
        ("BHD", 3),
        ("CLP", 2),
        ("CVE", 0),
        ("ISK", 2),
        ("IDR", 0),
    ];
    for (code, exponent) in table {
        assert_eq!(
            adyen_exponent(Currency::new(code).unwrap()),
            exponent,
            "{code}"
        );
    }
}

#[test]
fn conversions_to_the_wire() {
    // Adyen docs "Currency codes and minor units": USD 10.00, JPY 1000, KWD 1.500.
    assert_eq!(wire(1000, "USD"), json!({"value": 1000, "currency": "USD"}));
    assert_eq!(wire(1000, "JPY"), json!({"value": 1000, "currency": "JPY"}));
    assert_eq!(wire(1500, "KWD"), json!({"value": 1500, "currency": "KWD"}));
    // CLP 1000 (ISO: no decimals) is 1000.00 at Adyen.
    assert_eq!(
        wire(1000, "CLP"),
        json!({"value": 100000, "currency": "CLP"})
    );
    // CVE 150.00 (ISO: 2 decimals) is 150 at Adyen.
    assert_eq!(wire(15000, "CVE"), json!({"value": 150, "currency": "CVE"}));
    // ISK 500 is 500.00 at Adyen.
    assert_eq!(wire(500, "ISK"), json!({"value": 50000, "currency": "ISK"}));
    // IDR 15000.00 is 15000 at Adyen.
    assert_eq!(
        wire(1_500_000, "IDR"),
        json!({"value": 15000, "currency": "IDR"})
    );
    assert_eq!(wire(0, "USD"), json!({"value": 0, "currency": "USD"}));
}

#[test]
fn unrepresentable_amounts_are_rejected() {
    for (minor, code) in [(150, "CVE"), (1, "CVE"), (150_050, "IDR"), (-1, "USD")] {
        let e = to_adyen(&money(minor, code), "amount").unwrap_err();
        assert_code(&e, ErrorCode::InvalidRequest);
        assert_eq!(e.field(), Some("amount"));
    }
    // Through authorize: nothing is sent.
    let mut r = authorize_request();
    r.amount = money(150, "CVE");
    let e = failed(connector().authorize(&r, &cx(), &[]));
    assert_eq!(e.field(), Some("amount"));
    // Too large once scaled.
    assert!(to_adyen(&money(i64::MAX / 10, "CLP"), "amount").is_err());
}

#[test]
fn conversions_back_from_the_wire() {
    let ok = |v: serde_json::Value| back(v).unwrap();
    assert_eq!(
        ok(json!({"value": 100000, "currency": "CLP"})),
        Some(money(1000, "CLP"))
    );
    assert_eq!(
        ok(json!({"value": 150, "currency": "CVE"})),
        Some(money(15000, "CVE"))
    );
    assert_eq!(
        ok(json!({"value": 50000, "currency": "ISK"})),
        Some(money(500, "ISK"))
    );
    assert_eq!(
        ok(json!({"value": 15000, "currency": "IDR"})),
        Some(money(1_500_000, "IDR"))
    );
    assert_eq!(
        ok(json!({"value": 1500, "currency": "KWD"})),
        Some(money(1500, "KWD"))
    );
    assert_eq!(
        ok(json!({"value": "2500", "currency": "EUR"})),
        Some(money(2500, "EUR"))
    );
    assert_eq!(from_adyen(None), Ok(None));
}

/// An amount that is there but cannot be read is an error (the callers make it an
/// `invalid_response`), never a silent `None`.
#[test]
fn unreadable_or_negative_amounts_are_errors() {
    for v in [
        json!({"value": -5, "currency": "EUR"}),
        json!({"value": "-5", "currency": "EUR"}),
        json!({"value": 1.5, "currency": "EUR"}),
        json!({"value": "12abc", "currency": "EUR"}),
        json!({"value": true, "currency": "EUR"}),
        json!({"currency": "EUR"}),
        json!({"value": 100}),
        json!({"value": 100, "currency": "XYZ"}),
        // CLP 1000.50 at Adyen: CLP has no ISO minor units.
        json!({"value": 100050, "currency": "CLP"}),
        json!("1000 EUR"),
        json!([1000, "EUR"]),
    ] {
        assert!(back(v.clone()).is_err(), "{v}");
    }
}

#[test]
fn round_trips_are_exact() {
    for (minor, code) in [
        (1, "USD"),
        (999_999, "JPY"),
        (1, "KWD"),
        (7, "CLP"),
        (700, "CVE"),
        (3, "ISK"),
        (100, "IDR"),
    ] {
        let original = money(minor, code);
        assert_eq!(back(wire(minor, code)), Ok(Some(original)), "{code}");
    }
}
