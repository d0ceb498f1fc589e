//! Amounts: Xendit takes a JSON **number in major units** (`10000` for IDR 10,000, `10.5` for
//! USD 10.50), and IDR and VND card amounts must be whole numbers (Xendit Node SDK
//! `PaymentRequestParameters.amount`; Xendit docs "Error scenarios").
//!
//! Xendit's exponent is the ISO 4217 one, except IDR, which Xendit takes in whole rupiah (0
//! decimals, although ISO gives it 2). An amount that cannot be written exactly with the
//! Xendit exponent (IDR 100.50) is rejected with an `invalid_request` error before anything is
//! sent. Conversions use integer arithmetic; a fractional amount is written as a JSON number
//! only when its text reads back to exactly the same amount.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::money::{Currency, Money};

/// The currencies Xendit takes with fewer decimals than ISO 4217 gives them.
const WHOLE_UNIT_CURRENCIES: &[&str] = &["IDR"];

/// The number of decimals Xendit takes for `currency`.
pub fn xendit_exponent(currency: Currency) -> u32 {
    if WHOLE_UNIT_CURRENCIES.contains(&currency.code()) {
        0
    } else {
        currency.iso_exponent()
    }
}

/// `money` as Xendit's JSON amount: an integer when the amount is whole, else a decimal
/// number with at most the Xendit exponent's decimals.
pub fn to_wire(money: &Money, field: &str) -> Result<Value> {
    money.validate(field, true)?;
    let exponent = xendit_exponent(money.currency);
    let iso = money.currency.iso_exponent();
    if exponent < iso {
        let divisor = 10i64.pow(iso - exponent);
        if money.minor_units % divisor != 0 {
            return Err(Error::invalid_request(
                field,
                format!(
                    "Xendit takes {} amounts in whole units (no decimals): {} cannot be sent; \
                     give a multiple of {} minor units",
                    money.currency, money, divisor
                ),
            ));
        }
    }
    let scale = 10i64.pow(iso);
    if money.minor_units % scale == 0 {
        return Ok(Value::from(money.minor_units / scale));
    }
    // A fractional amount: the shortest decimal text of the nearest binary number must be
    // exactly the amount, otherwise it cannot be sent as a JSON number without changing it.
    let text = money.to_major_string();
    let inexact = || {
        Error::invalid_request(
            field,
            format!("{money} cannot be written exactly as a JSON number"),
        )
    };
    let number = text
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .ok_or_else(inexact)?;
    match Money::from_major_str(&number.to_string(), money.currency) {
        Ok(back) if back == *money => Ok(Value::Number(number)),
        _ => Err(inexact()),
    }
}

/// A Xendit amount (major units, a number or numeric string) in `currency`, when both are
/// present and valid.
pub fn from_wire(amount: Option<&Value>, currency: Option<&str>) -> Option<Money> {
    let currency = Currency::new(currency?.trim()).ok()?;
    Money::from_major_json(amount?, currency)
}
