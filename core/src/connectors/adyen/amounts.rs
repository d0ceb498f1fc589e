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
//! IDR: Adyen's page names IDR among the four currencies whose decimals differ from the
//! standard, and the published copies of its table show 0, so IDR is sent with 0 decimals: an IDR amount must be whole rupiah (a multiple of
//! 100 ISO minor units) or it is rejected before sending.
//!
//! Conversions are exact integer arithmetic ([`Money::minor_units_with_exponent`]): an amount
//! that cannot be represented is an `invalid_request` error, never rounded. In an answer or a
//! notification, an amount that cannot be read (not an integer, negative, unknown currency,
//! more decimals than ISO 4217 allows) is an `invalid_response`, never dropped.

use super::wire::{Amount, WireAmount};
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
pub(super) fn to_adyen<'a>(money: &'a Money, field: &str) -> Result<Amount<'a>> {
    if money.minor_units < 0 {
        return Err(Error::invalid_request(field, "amount must not be negative"));
    }
    let value = money.minor_units_with_exponent(adyen_exponent(money.currency), field)?;
    Ok(Amount {
        value,
        currency: money.currency.code(),
    })
}

/// An amount of an answer or a notification back into ISO minor units. `Ok(None)` when the
/// field is absent; `Err(why)` when it is there but cannot be read: a value that is not a
/// non-negative integer, a missing or unknown currency, or a value with more decimals than ISO
/// 4217 gives the currency. The caller turns the reason into an `invalid_response`: an amount
/// is never silently dropped.
pub(super) fn from_adyen(
    amount: Option<&WireAmount>,
) -> std::result::Result<Option<Money>, String> {
    let Some(amount) = amount else {
        return Ok(None);
    };
    let code = amount
        .currency
        .as_deref()
        .ok_or("an amount without currency")?;
    let currency = Currency::new(code).map_err(|_| "an amount in an unknown currency")?;
    let text = amount.value.as_deref().ok_or("an amount without value")?;
    let units: i64 = text
        .trim()
        .parse()
        .map_err(|_| "an amount whose value is not an integer")?;
    if units < 0 {
        return Err("a negative amount".to_string());
    }
    Money::from_units_with_exponent(units, adyen_exponent(currency), currency)
        .map(Some)
        .ok_or_else(|| format!("an amount that is not a whole number of {code} minor units"))
}
