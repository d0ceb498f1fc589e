//! `amount.total` is a decimal number in major units (CH docs `Charges.md`: number, maximum
//! length 12; capture "18,3"), `amount.currency` ISO 4217 alpha-3. The sandbox keeps amounts
//! exactly, as thousandths of the major unit, and refuses a total with more decimals than its
//! currency has.

use serde_json::{Number, Value};

/// An exact amount: `milli` thousandths of the major unit of `currency`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amount {
    pub milli: i64,
    pub currency: String,
}

/// The largest total accepted: 12 digits in all.
const MAX_MILLI: i64 = 999_999_999_999 * 1000;

/// Currencies with no decimals (ISO 4217).
const ZERO_DECIMALS: &[&str] = &[
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
    "VUV", "XAF", "XOF", "XPF",
];
/// Currencies with three decimals (ISO 4217).
const THREE_DECIMALS: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
/// The two-decimal currencies the sandbox merchant accepts besides.
const TWO_DECIMALS: &[&str] = &[
    "AED", "ARS", "AUD", "BDT", "BGN", "BRL", "CAD", "CHF", "CNY", "COP", "CZK", "DKK", "EGP",
    "EUR", "GBP", "GHS", "HKD", "HUF", "IDR", "ILS", "INR", "JMD", "KES", "LKR", "MAD", "MXN",
    "MYR", "NGN", "NOK", "NZD", "PEN", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR",
    "SEK", "SGD", "THB", "TRY", "TTD", "TWD", "UAH", "USD", "UYU", "ZAR",
];

/// The currency's number of decimals, when the sandbox knows it.
pub fn exponent(currency: &str) -> Option<u32> {
    if ZERO_DECIMALS.contains(&currency) {
        Some(0)
    } else if THREE_DECIMALS.contains(&currency) {
        Some(3)
    } else if TWO_DECIMALS.contains(&currency) {
        Some(2)
    } else {
        None
    }
}

/// A decimal text (`12.04`, `-1`, `1.5e2`) as thousandths, when it is exact in thousandths.
pub fn parse_decimal(text: &str) -> Option<i64> {
    let text = text.trim();
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (negative, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // value = digits * 10^-(scale); thousandths = digits * 10^(3 - scale)
    let digits = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Some(0);
    }
    let significant = digits.trim_end_matches('0');
    let zeros = (digits.len() - significant.len()) as i64;
    let shift = 3 - (frac_part.len() as i64 - i64::from(exp)) + zeros;
    if shift < 0 || significant.len() as i64 + shift > 18 {
        return None; // finer than thousandths, or far too large
    }
    let mut value: i64 = significant.parse().ok()?;
    for _ in 0..shift {
        value = value.checked_mul(10)?;
    }
    Some(if negative { -value } else { value })
}

/// Why an amount was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum AmountError {
    /// `amount`, `total` or `currency` missing.
    Missing(&'static str),
    /// Not a number, too many decimals, too large, unknown currency.
    Invalid(&'static str),
}

/// `amount` of a request: `{"total": number or numeric string, "currency": "USD"}`.
pub fn parse(value: Option<&Value>) -> Result<Amount, AmountError> {
    let amount = match value {
        None | Some(Value::Null) => return Err(AmountError::Missing("amount")),
        Some(Value::Object(amount)) => amount,
        Some(_) => return Err(AmountError::Invalid("amount")),
    };
    let total = match amount.get("total") {
        None | Some(Value::Null) => return Err(AmountError::Missing("amount.total")),
        Some(Value::Number(n)) => parse_decimal(&n.to_string()),
        Some(Value::String(s)) => parse_decimal(s),
        Some(_) => None,
    }
    .ok_or(AmountError::Invalid("amount.total"))?;
    let currency = match amount.get("currency") {
        None | Some(Value::Null) => return Err(AmountError::Missing("amount.currency")),
        Some(Value::String(c)) => c.as_str(),
        Some(_) => return Err(AmountError::Invalid("amount.currency")),
    };
    let exp = exponent(currency).ok_or(AmountError::Invalid("amount.currency"))?;
    let unit = 10_i64.pow(3 - exp);
    if !(0..=MAX_MILLI).contains(&total) || total % unit != 0 {
        return Err(AmountError::Invalid("amount.total"));
    }
    Ok(Amount {
        milli: total,
        currency: currency.to_string(),
    })
}

impl Amount {
    /// `{"total": 12.04, "currency": "USD"}`, the total a JSON number.
    pub fn to_json(&self) -> Value {
        serde_json::json!({"total": total_number(self.milli), "currency": self.currency})
    }

    /// `{"total": "12.04", "currency": "USD"}`, the total a numeric string with the currency's
    /// decimals, as in the CH OAS `TransactionInquiryResponse` example.
    pub fn to_json_text(&self) -> Value {
        let exp = exponent(&self.currency).unwrap_or(2);
        let unit = 10_i64.pow(3 - exp);
        let scaled = self.milli / unit;
        let text = if exp == 0 {
            scaled.to_string()
        } else {
            let div = 10_i64.pow(exp);
            format!(
                "{}.{:0width$}",
                scaled / div,
                scaled % div,
                width = exp as usize
            )
        };
        serde_json::json!({"total": text, "currency": self.currency})
    }
}

/// Thousandths as a JSON number in major units.
fn total_number(milli: i64) -> Value {
    if milli % 1000 == 0 {
        return Value::Number(Number::from(milli / 1000));
    }
    Number::from_f64(milli as f64 / 1000.0)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_decimal("12.04"), Some(12_040));
        assert_eq!(parse_decimal("10"), Some(10_000));
        assert_eq!(parse_decimal("10.00"), Some(10_000));
        assert_eq!(parse_decimal("0.001"), Some(1));
        assert_eq!(parse_decimal("0.0001"), None);
        assert_eq!(parse_decimal("1.5e2"), Some(150_000));
        assert_eq!(parse_decimal("1e-3"), Some(1));
        assert_eq!(parse_decimal("-3.5"), Some(-3_500));
        assert_eq!(parse_decimal("0"), Some(0));
        assert_eq!(parse_decimal("0.000"), Some(0));
        assert_eq!(parse_decimal("abc"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(parse_decimal("."), None);
        assert_eq!(parse_decimal("1e40"), None);
    }

    #[test]
    fn amounts_follow_the_currency_exponent() {
        let usd = parse(Some(&json!({"total": 12.04, "currency": "USD"}))).unwrap();
        assert_eq!(usd.milli, 12_040);
        assert_eq!(usd.to_json(), json!({"total": 12.04, "currency": "USD"}));
        let text = parse(Some(&json!({"total": "690", "currency": "USD"}))).unwrap();
        assert_eq!(text.to_json(), json!({"total": 690, "currency": "USD"}));
        assert_eq!(
            text.to_json_text(),
            json!({"total": "690.00", "currency": "USD"})
        );
        assert_eq!(
            usd.to_json_text(),
            json!({"total": "12.04", "currency": "USD"})
        );
        let jpy = parse(Some(&json!({"total": 1000, "currency": "JPY"}))).unwrap();
        assert_eq!(jpy.milli, 1_000_000);
        assert_eq!(
            jpy.to_json_text(),
            json!({"total": "1000", "currency": "JPY"})
        );
        assert_eq!(
            parse(Some(&json!({"total": 10.5, "currency": "JPY"}))),
            Err(AmountError::Invalid("amount.total"))
        );
        let kwd = parse(Some(&json!({"total": 1.5, "currency": "KWD"}))).unwrap();
        assert_eq!(kwd.milli, 1_500);
        assert_eq!(
            kwd.to_json_text(),
            json!({"total": "1.500", "currency": "KWD"})
        );
        assert_eq!(
            parse(Some(&json!({"total": 1.005, "currency": "USD"}))),
            Err(AmountError::Invalid("amount.total"))
        );
        assert_eq!(
            parse(Some(&json!({"total": 1, "currency": "usd"}))),
            Err(AmountError::Invalid("amount.currency"))
        );
        assert_eq!(
            parse(Some(&json!({"currency": "USD"}))),
            Err(AmountError::Missing("amount.total"))
        );
        assert_eq!(parse(None), Err(AmountError::Missing("amount")));
        assert_eq!(
            parse(Some(&json!({"total": -1, "currency": "USD"}))),
            Err(AmountError::Invalid("amount.total"))
        );
    }
}
