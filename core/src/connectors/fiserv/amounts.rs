//! Amounts: Commerce Hub takes `amount.total` as a JSON **number in major units** with up to
//! three decimals (CH docs `Charges.md`: `total` *number*; `Capture.md`: "18,3").
//!
//! The number is written from exact decimal text built with integer arithmetic: USD 1204 →
//! `12.04`, JPY 1000 → `1000`, KWD 1500 → `1.500`. Four-decimal currencies (CLF, UYW) are
//! sent with three decimals when that is exact, and rejected otherwise.

use serde_json::value::RawValue;

use crate::error::{Error, Result};
use crate::money::{Currency, Money};

/// The most decimals Commerce Hub takes in `amount.total`.
pub const MAX_DECIMALS: u32 = 3;

/// The decimals `currency` is sent with: its ISO 4217 exponent, capped at three.
pub fn fiserv_exponent(currency: Currency) -> u32 {
    currency.iso_exponent().min(MAX_DECIMALS)
}

/// The exact decimal text of `money` in major units, as sent in `amount.total`.
pub fn total_text(money: &Money, field: &str) -> Result<String> {
    money.validate(field, true)?;
    let exponent = fiserv_exponent(money.currency);
    let units = money.minor_units_with_exponent(exponent, field)?;
    Ok(decimal_text(units, exponent))
}

/// `amount.total` as a raw JSON number.
pub(super) fn total(money: &Money, field: &str) -> Result<Box<RawValue>> {
    let text = total_text(money, field)?;
    RawValue::from_string(text)
        .map_err(|_| Error::internal("an amount did not render as a JSON number"))
}

/// A processor amount (a JSON number or numeric string in major units) back into [`Money`].
pub fn money_from_total(total: &serde_json::Value, currency: &str) -> Option<Money> {
    let currency = Currency::new(currency.trim()).ok()?;
    Money::from_major_json(total, currency)
}

/// `units` with `exponent` decimals: (1204, 2) → `12.04`, (5, 3) → `0.005`, (1000, 0) → `1000`.
fn decimal_text(units: i64, exponent: u32) -> String {
    let digits = units.unsigned_abs().to_string();
    let sign = if units < 0 { "-" } else { "" };
    if exponent == 0 {
        return format!("{sign}{digits}");
    }
    let width = exponent as usize + 1;
    let padded = format!("{digits:0>width$}");
    let (int, frac) = padded.split_at(padded.len() - exponent as usize);
    format!("{sign}{int}.{frac}")
}
