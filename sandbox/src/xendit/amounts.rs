//! Amounts: JSON numbers in major units (Xendit Node SDK `PaymentRequestParameters.amount`). Kept internally in hundredths of the
//! major unit for every currency, so that `10.5` USD is 1050 and `10000` IDR is 1_000_000.

use serde_json::{json, Map, Value};

use super::{join, ApiError};

/// The largest amount accepted, in major units (keeps every sum far from overflowing).
const MAX_MAJOR: i64 = 10_000_000_000_000;

/// The currencies the account accepts, with their country and whether card amounts must be
/// whole numbers (IDR, VND).
const CURRENCIES: [(&str, &str, bool); 7] = [
    ("IDR", "ID", true),
    ("PHP", "PH", false),
    ("VND", "VN", true),
    ("THB", "TH", false),
    ("MYR", "MY", false),
    ("SGD", "SG", false),
    ("USD", "ID", false),
];

/// `currency`: required, one the account accepts.
pub fn currency(body: &Map<String, Value>, path: &str) -> Result<&'static str, ApiError> {
    let field = join(path, "currency");
    let text = match body.get("currency") {
        None | Some(Value::Null) => return Err(ApiError::required(&field)),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(ApiError::validation(&field, "must be a string")),
    };
    CURRENCIES
        .iter()
        .find(|(code, _, _)| *code == text)
        .map(|(code, _, _)| *code)
        .ok_or_else(|| {
            ApiError::bad_request(
                "UNSUPPORTED_CURRENCY",
                format!("The currency {text:?} is not supported for this merchant"),
            )
        })
}

/// The country of a currency (`USD` is accepted by the Indonesian account).
pub fn country(currency: &str) -> &'static str {
    CURRENCIES
        .iter()
        .find(|(code, _, _)| *code == currency)
        .map(|(_, country, _)| *country)
        .unwrap_or("ID")
}

/// An amount field: a positive JSON number with at most two decimals (none for IDR and VND),
/// in hundredths. `None` when absent and not required.
pub fn parse(
    body: &Map<String, Value>,
    path: &str,
    field: &str,
    currency: &str,
    required: bool,
) -> Result<Option<i64>, ApiError> {
    let name = join(path, field);
    let number = match body.get(field) {
        None | Some(Value::Null) if required => return Err(ApiError::required(&name)),
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n,
        Some(_) => return Err(ApiError::validation(&name, "must be a number")),
    };
    let hundredths = if let Some(whole) = number.as_i64() {
        if !(0..=MAX_MAJOR).contains(&whole) {
            return Err(ApiError::validation(&name, "is out of range"));
        }
        whole * 100
    } else {
        let value = number.as_f64().unwrap_or(f64::NAN);
        if !value.is_finite() || !(0.0..=MAX_MAJOR as f64).contains(&value) {
            return Err(ApiError::validation(&name, "is out of range"));
        }
        let scaled = value * 100.0;
        let rounded = scaled.round();
        if (scaled - rounded).abs() > 1e-6 {
            return Err(ApiError::validation(
                &name,
                "must have at most 2 decimal places",
            ));
        }
        rounded as i64
    };
    if hundredths <= 0 {
        return Err(ApiError::validation(&name, "must be greater than 0"));
    }
    let whole_only = CURRENCIES
        .iter()
        .any(|(code, _, whole)| *code == currency && *whole);
    if whole_only && hundredths % 100 != 0 {
        return Err(ApiError::validation(
            &name,
            format!("must be a whole number for {currency}"),
        ));
    }
    Ok(Some(hundredths))
}

/// The minimum card amount per currency, in hundredths (sandbox values).
pub fn card_minimum(currency: &str) -> i64 {
    match currency {
        "IDR" => 5_000 * 100,
        "VND" => 10_000 * 100,
        "PHP" => 20_00,
        "THB" => 20_00,
        "MYR" => 2_00,
        _ => 1_00,
    }
}

/// The minimum e-wallet amount per currency, in hundredths (sandbox values).
pub fn ewallet_minimum(currency: &str) -> i64 {
    match currency {
        "IDR" => 100 * 100,
        "VND" => 1_000 * 100,
        _ => 1_00,
    }
}

/// 400 `API_VALIDATION_ERROR` for an amount below the channel minimum (the message contains
/// "minimum", as Xendit's does).
pub fn below_minimum(field: &str, minimum: i64, currency: &str) -> ApiError {
    ApiError::validation(
        field,
        format!(
            "must be at least the minimum amount of {} {currency} for this channel",
            render(minimum)
        ),
    )
}

/// Hundredths to the JSON number Xendit answers: an integer when whole, else a decimal.
pub fn to_json(hundredths: i64) -> Value {
    if hundredths % 100 == 0 {
        json!(hundredths / 100)
    } else {
        json!(hundredths as f64 / 100.0)
    }
}

/// Hundredths as text (`10000`, `10.5`).
pub fn render(hundredths: i64) -> String {
    to_json(hundredths).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(value: Value, currency: &str) -> Result<Option<i64>, ApiError> {
        let body = json!({ "amount": value });
        parse(body.as_object().unwrap(), "", "amount", currency, true)
    }

    #[test]
    fn parses_major_units() {
        assert_eq!(amount(json!(10000), "IDR").unwrap(), Some(1_000_000));
        assert_eq!(amount(json!(10.5), "USD").unwrap(), Some(1050));
        assert_eq!(amount(json!(19.99), "PHP").unwrap(), Some(1999));
        assert_eq!(amount(json!(10000.0), "IDR").unwrap(), Some(1_000_000));
        assert_eq!(
            amount(json!(10000.5), "IDR").unwrap_err().code,
            "API_VALIDATION_ERROR"
        );
        assert!(amount(json!(10.5), "VND").is_err());
        assert!(amount(json!(1.234), "USD").is_err());
        assert!(amount(json!("100"), "IDR").is_err());
        assert!(amount(json!(0), "IDR").is_err());
        assert!(amount(json!(-5), "IDR").is_err());
        assert!(amount(Value::Null, "IDR").is_err());
    }

    #[test]
    fn renders_numbers() {
        assert_eq!(to_json(1_000_000), json!(10000));
        assert_eq!(to_json(1050), json!(10.5));
        assert_eq!(render(1999), "19.99");
        assert!(below_minimum("amount", 5_000 * 100, "IDR")
            .message
            .contains("minimum"));
    }
}
