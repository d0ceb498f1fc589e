//! Amounts: `{"value": <integer minor units>, "currency": "<ISO code>"}` with **Adyen's own**
//! number of decimals per currency (docs "Currency codes and minor units"), which differs from
//! ISO 4217 for four currencies:
//!
//! | currency | ISO 4217 | Adyen |
//! |---|---|---|
//! | CLP | 0 | 2 |
//! | CVE | 2 | 0 |
//! | IDR | 2 | 0 |
//! | ISK | 0 | 2 |
//!
//! IDR: the spec marks Adyen's value as unverified. Adyen's page names IDR among the four
//! currencies whose decimals differ from the standard, and the published copies of its table
//! show 0, so IDR is sent with 0 decimals: an IDR amount must be whole rupiah (a multiple of
//! 100 ISO minor units) or it is rejected before sending.
//!
//! Conversions are exact integer arithmetic ([`Money::minor_units_with_exponent`]): an amount
//! that cannot be represented is an `invalid_request` error, never rounded.

use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::money::{Currency, Money};

/// Adyen's number of decimals for `currency`.
pub fn adyen_exponent(currency: Currency) -> u32 {
    match currency.code() {
        "CLP" | "ISK" => 2,
        "CVE" | "IDR" => 0,
        _ => currency.iso_exponent(),
    }
}

/// The wire amount for `money`; `field` names it in errors.
pub(super) fn to_adyen(money: &Money, field: &str) -> Result<Value> {
    if money.minor_units < 0 {
        return Err(Error::invalid_request(field, "amount must not be negative"));
    }
    let value = money.minor_units_with_exponent(adyen_exponent(money.currency), field)?;
    Ok(json!({"value": value, "currency": money.currency.code()}))
}

/// A wire amount back into ISO minor units. `None` when absent, malformed, in a currency
/// this library does not know, or not representable; an amount is informative in answers, so
/// it never fails a parse.
pub(super) fn from_adyen(amount: Option<&Map<String, Value>>) -> Option<Money> {
    let amount = amount?;
    let currency = Currency::new(amount.get("currency")?.as_str()?).ok()?;
    let units = match amount.get("value")? {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) => s.trim().parse::<i64>().ok()?,
        _ => return None,
    };
    if units < 0 {
        return None;
    }
    Money::from_units_with_exponent(units, adyen_exponent(currency), currency)
}
