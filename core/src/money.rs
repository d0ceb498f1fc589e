//! Money: integer minor units plus an ISO 4217 currency.
//!
//! Every amount in the public API is a [`Money`]: a count of the currency's minor units (cents
//! for USD, yen for JPY, fils for KWD) and its [`Currency`]. Connectors convert to their
//! processor's wire format with integer arithmetic only ([`Money::to_major_string`],
//! [`Money::minor_units_with_exponent`]); no binary floating point touches an amount.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The largest amount, in minor units, that the API accepts: 2^53 - 1, so that every binding
/// (JavaScript numbers included) represents every accepted amount exactly.
pub const MAX_MINOR_UNITS: i64 = 9_007_199_254_740_991;

/// ISO 4217 active codes with their standard number of decimals (minor-unit exponent).
/// Codes not listed here default to 2, the ISO exponent of every other active currency.
const ISO_CODES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP",
    "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
    "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS",
    "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW",
    "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD",
    "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN",
    "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR",
    "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS",
    "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD",
    "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND",
    "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

const ZERO_DECIMALS: &[&str] = &[
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
    "VUV", "XAF", "XOF", "XPF",
];
const THREE_DECIMALS: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
const FOUR_DECIMALS: &[&str] = &["CLF", "UYW"];

/// An ISO 4217 alphabetic currency code, validated against the list of active codes.
///
/// Serialized as the three-letter code (`"USD"`). Unknown codes are rejected with an
/// `invalid_request` error before any request is built.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    pub const USD: Currency = Currency(*b"USD");
    pub const EUR: Currency = Currency(*b"EUR");
    pub const GBP: Currency = Currency(*b"GBP");
    pub const INR: Currency = Currency(*b"INR");
    pub const JPY: Currency = Currency(*b"JPY");
    pub const KWD: Currency = Currency(*b"KWD");

    /// Parses an ISO 4217 code (upper case, as ISO writes it).
    pub fn new(code: &str) -> Result<Currency, Error> {
        let bytes = code.as_bytes();
        if bytes.len() == 3 && ISO_CODES.binary_search(&code).is_ok() {
            Ok(Currency([bytes[0], bytes[1], bytes[2]]))
        } else {
            Err(Error::invalid_request(
                "currency",
                format!(
                    "unknown ISO 4217 currency code `{}`",
                    truncate_for_message(code)
                ),
            ))
        }
    }

    /// The three-letter code.
    pub fn code(&self) -> &str {
        // The bytes always come from a validated ASCII code.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// The ISO 4217 number of decimals (minor-unit exponent) of this currency.
    pub fn iso_exponent(&self) -> u32 {
        let code = self.code();
        if ZERO_DECIMALS.contains(&code) {
            0
        } else if THREE_DECIMALS.contains(&code) {
            3
        } else if FOUR_DECIMALS.contains(&code) {
            4
        } else {
            2
        }
    }
}

fn truncate_for_message(s: &str) -> String {
    s.chars().take(8).collect()
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::new(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::new(&s).map_err(|e| serde::de::Error::custom(e.message()))
    }
}

impl JsonSchema for Currency {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Currency".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "ISO 4217 alphabetic currency code, e.g. \"USD\".",
            "pattern": "^[A-Z]{3}$"
        })
    }
}

/// An amount of money: integer minor units plus an ISO 4217 currency.
///
/// `Money { minor_units: 1000, currency: USD }` is USD 10.00; `{ 1000, JPY }` is JPY 1000;
/// `{ 1500, KWD }` is KWD 1.500.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Money {
    /// Amount in the currency's minor units (ISO 4217 exponent). Never negative.
    pub minor_units: i64,
    /// ISO 4217 currency code.
    pub currency: Currency,
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.to_major_string())
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl Money {
    pub fn new(minor_units: i64, currency: Currency) -> Money {
        Money {
            minor_units,
            currency,
        }
    }

    /// Parses a decimal major-unit string (`"10.50"`) exactly, rejecting more decimals than the
    /// currency has (`"10.505"` USD) instead of rounding.
    pub fn from_major_str(amount: &str, currency: Currency) -> Result<Money, Error> {
        let exponent = currency.iso_exponent();
        let invalid = || {
            Error::invalid_request(
                "amount",
                format!(
                    "`{amount}` is not a valid {currency} amount with at most {exponent} decimals"
                ),
            )
        };
        let (int_part, frac_part) = match amount.split_once('.') {
            Some((i, f)) => (i, f),
            None => (amount, ""),
        };
        if int_part.is_empty()
            || !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
            || (amount.contains('.') && frac_part.is_empty())
        {
            return Err(invalid());
        }
        let frac_trimmed = frac_part.trim_end_matches('0');
        if frac_trimmed.len() > exponent as usize {
            return Err(invalid());
        }
        let mut digits = String::with_capacity(int_part.len() + exponent as usize);
        digits.push_str(int_part);
        digits.push_str(frac_trimmed);
        for _ in frac_trimmed.len()..exponent as usize {
            digits.push('0');
        }
        let minor: i64 = digits.parse().map_err(|_| invalid())?;
        let money = Money::new(minor, currency);
        money.validate("amount", true)?;
        Ok(money)
    }

    /// Checks the amount is within range: not negative, not above [`MAX_MINOR_UNITS`], and
    /// (unless `allow_zero`) not zero.
    pub fn validate(&self, field: &str, allow_zero: bool) -> Result<(), Error> {
        if self.minor_units < 0 {
            return Err(Error::invalid_request(field, "amount must not be negative"));
        }
        if self.minor_units == 0 && !allow_zero {
            return Err(Error::invalid_request(
                field,
                "amount must be greater than zero",
            ));
        }
        if self.minor_units > MAX_MINOR_UNITS {
            return Err(Error::invalid_request(
                field,
                format!("amount exceeds the maximum of {MAX_MINOR_UNITS} minor units"),
            ));
        }
        Ok(())
    }

    /// The amount re-expressed with a processor-specific exponent (Adyen's table differs from
    /// ISO for a few currencies). Fails when the amount cannot be represented exactly, e.g.
    /// CVE 1.50 at a processor that uses 0 decimals for CVE.
    pub fn minor_units_with_exponent(&self, exponent: u32, field: &str) -> Result<i64, Error> {
        let iso = self.currency.iso_exponent();
        if exponent >= iso {
            let factor = 10i64.pow(exponent - iso);
            self.minor_units.checked_mul(factor).ok_or_else(|| {
                Error::invalid_request(field, "amount is too large for this currency")
            })
        } else {
            let divisor = 10i64.pow(iso - exponent);
            if self.minor_units % divisor != 0 {
                Err(Error::invalid_request(
                    field,
                    format!(
                        "{} cannot be represented with {} decimals at this processor",
                        self, exponent
                    ),
                ))
            } else {
                Ok(self.minor_units / divisor)
            }
        }
    }

    /// Inverse of [`Money::minor_units_with_exponent`]: a processor amount back into ISO minor
    /// units.
    pub fn from_units_with_exponent(
        units: i64,
        exponent: u32,
        currency: Currency,
    ) -> Option<Money> {
        let iso = currency.iso_exponent();
        let minor = if exponent >= iso {
            let divisor = 10i64.pow(exponent - iso);
            if units % divisor != 0 {
                return None;
            }
            units / divisor
        } else {
            units.checked_mul(10i64.pow(iso - exponent))?
        };
        Some(Money::new(minor, currency))
    }

    /// The amount in major units as an exact decimal string with exactly the currency's ISO
    /// number of decimals: USD 1000 → `"10.00"`, JPY 1000 → `"1000"`, KWD 1500 → `"1.500"`.
    pub fn to_major_string(&self) -> String {
        let exponent = self.currency.iso_exponent() as usize;
        let negative = self.minor_units < 0;
        let digits = self.minor_units.unsigned_abs().to_string();
        let sign = if negative { "-" } else { "" };
        if exponent == 0 {
            return format!("{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = exponent + 1);
        let (int, frac) = padded.split_at(padded.len() - exponent);
        format!("{sign}{int}.{frac}")
    }

    /// Parses a processor's major-unit amount (a JSON number or numeric string such as `10`,
    /// `10.5`, `"10.50"`) exactly into minor units of `currency`.
    pub fn from_major_json(value: &serde_json::Value, currency: Currency) -> Option<Money> {
        let text = match value {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s.trim().to_string(),
            _ => return None,
        };
        Money::from_major_str(&text, currency).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_table_is_sorted_for_binary_search() {
        let mut sorted = ISO_CODES.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, ISO_CODES);
    }

    #[test]
    fn exponents_follow_iso_4217() {
        assert_eq!(Currency::USD.iso_exponent(), 2);
        assert_eq!(Currency::JPY.iso_exponent(), 0);
        assert_eq!(Currency::KWD.iso_exponent(), 3);
        assert_eq!(Currency::new("CLF").unwrap().iso_exponent(), 4);
        assert_eq!(Currency::new("ISK").unwrap().iso_exponent(), 0);
    }

    #[test]
    fn unknown_currency_is_invalid_request() {
        let err = Currency::new("XYZ").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidRequest);
        assert_eq!(err.field(), Some("currency"));
        assert!(Currency::new("usd").is_err());
    }

    #[test]
    fn major_strings_are_exact() {
        assert_eq!(Money::new(1000, Currency::USD).to_major_string(), "10.00");
        assert_eq!(Money::new(5, Currency::USD).to_major_string(), "0.05");
        assert_eq!(Money::new(1000, Currency::JPY).to_major_string(), "1000");
        assert_eq!(Money::new(1500, Currency::KWD).to_major_string(), "1.500");
        assert_eq!(Money::new(0, Currency::KWD).to_major_string(), "0.000");
    }

    #[test]
    fn parsing_major_strings_rejects_over_precision() {
        assert_eq!(
            Money::from_major_str("10.50", Currency::USD)
                .unwrap()
                .minor_units,
            1050
        );
        assert_eq!(
            Money::from_major_str("10.5", Currency::USD)
                .unwrap()
                .minor_units,
            1050
        );
        assert_eq!(
            Money::from_major_str("10.500", Currency::USD)
                .unwrap()
                .minor_units,
            1050
        );
        assert_eq!(
            Money::from_major_str("1.5", Currency::KWD)
                .unwrap()
                .minor_units,
            1500
        );
        assert_eq!(
            Money::from_major_str("1000", Currency::JPY)
                .unwrap()
                .minor_units,
            1000
        );
        for bad in ["10.505", "-1", "1e3", "", ".5", "5.", "1.0.0", "abc"] {
            assert!(Money::from_major_str(bad, Currency::USD).is_err(), "{bad}");
        }
        assert!(Money::from_major_str("1000.5", Currency::JPY).is_err());
    }

    #[test]
    fn processor_exponents_convert_exactly_or_fail() {
        let cve = Currency::new("CVE").unwrap();
        assert_eq!(
            Money::new(15000, cve)
                .minor_units_with_exponent(0, "amount")
                .unwrap(),
            150
        );
        assert!(Money::new(150, cve)
            .minor_units_with_exponent(0, "amount")
            .is_err());
        let clp = Currency::new("CLP").unwrap();
        assert_eq!(
            Money::new(1000, clp)
                .minor_units_with_exponent(2, "amount")
                .unwrap(),
            100000
        );
        assert_eq!(
            Money::from_units_with_exponent(100000, 2, clp)
                .unwrap()
                .minor_units,
            1000
        );
        assert_eq!(
            Money::from_units_with_exponent(150, 0, cve)
                .unwrap()
                .minor_units,
            15000
        );
    }

    #[test]
    fn validation_rejects_negative_zero_and_huge() {
        assert!(Money::new(-1, Currency::USD)
            .validate("amount", true)
            .is_err());
        assert!(Money::new(0, Currency::USD)
            .validate("amount", false)
            .is_err());
        assert!(Money::new(0, Currency::USD)
            .validate("amount", true)
            .is_ok());
        assert!(Money::new(MAX_MINOR_UNITS + 1, Currency::USD)
            .validate("amount", false)
            .is_err());
    }

    #[test]
    fn json_major_amounts_parse_numbers_and_strings() {
        let v = serde_json::json!(10.5);
        assert_eq!(
            Money::from_major_json(&v, Currency::USD)
                .unwrap()
                .minor_units,
            1050
        );
        let v = serde_json::json!("12.34");
        assert_eq!(
            Money::from_major_json(&v, Currency::USD)
                .unwrap()
                .minor_units,
            1234
        );
        let v = serde_json::json!(1000);
        assert_eq!(
            Money::from_major_json(&v, Currency::JPY)
                .unwrap()
                .minor_units,
            1000
        );
    }
}
