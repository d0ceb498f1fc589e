//! Adyen's test-environment data (Adyen docs, "Test card numbers" and "Testing result codes"): magic holder names and acquirer response
//! codes, test CVCs, 3-D Secure enrolled cards, card checks and currencies.

use serde_json::Value;

use crate::util::current_year_month;

/// The outcome the acquirer gives an authorisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Authorised,
    /// `resultCode` `Refused` or `Error`, with Adyen's refusal code and reason.
    Declined {
        result_code: &'static str,
        code: u8,
        reason: &'static str,
        /// `additionalData.refusalReasonRaw` / `refusalCodeRaw` when a raw acquirer response
        /// was forced (`DECLINED : 06 : ERROR`).
        raw: Option<(String, String)>,
    },
    /// `PENDING` (13): `resultCode` `Received`.
    Received,
    /// The shopper cancelled at the bank's page: `resultCode` `Cancelled`.
    Cancelled,
}

impl Outcome {
    pub fn declined(code: u8) -> Outcome {
        let (_, _, result_code, reason) = MAGIC
            .iter()
            .find(|m| m.1 == code)
            .copied()
            .unwrap_or(MAGIC[2]);
        Outcome::Declined {
            result_code,
            code,
            reason,
            raw: None,
        }
    }
}

/// holderName, RequestedTestAcquirerResponseCode, resultCode, refusalReason (Adyen API reference, "Forcing outcomes").
const MAGIC: [(&str, u8, &str, &str); 17] = [
    ("UNKNOWN", 0, "Error", "Unknown"),
    ("APPROVED", 1, "Authorised", ""),
    ("DECLINED", 2, "Refused", "Refused"),
    ("REFERRAL", 3, "Refused", "Referral"),
    ("ERROR", 4, "Error", "Acquirer Error"),
    ("BLOCK_CARD", 5, "Refused", "Blocked Card"),
    ("CARD_EXPIRED", 6, "Refused", "Expired Card"),
    ("INVALID_AMOUNT", 7, "Refused", "Invalid Amount"),
    ("INVALID_CARD_NUMBER", 8, "Refused", "Invalid Card Number"),
    ("ISSUER_UNAVAILABLE", 9, "Refused", "Issuer Unavailable"),
    ("NOT_SUPPORTED", 10, "Refused", "Not supported"),
    (
        "NOT_3D_AUTHENTICATED",
        11,
        "Refused",
        "3D Not Authenticated",
    ),
    ("NOT_ENOUGH_BALANCE", 12, "Refused", "Not enough balance"),
    ("PENDING", 13, "Received", ""),
    ("ACQUIRER_FRAUD", 14, "Refused", "Acquirer Fraud"),
    ("CANCELLED", 15, "Refused", "Cancelled"),
    ("SHOPPER_CANCELLED", 16, "Refused", "Shopper Cancelled"),
];

fn outcome_for_code(code: u8, raw: Option<(String, String)>) -> Option<Outcome> {
    let (_, _, result_code, reason) = MAGIC.iter().find(|m| m.1 == code).copied()?;
    Some(match result_code {
        "Authorised" => Outcome::Authorised,
        "Received" => Outcome::Received,
        _ => Outcome::Declined {
            result_code,
            code,
            reason,
            raw,
        },
    })
}

/// The outcome forced by a magic holder name: `DECLINED`, or the raw form
/// `DECLINED : 06 : ERROR` (name, raw acquirer code, raw message). Case-insensitive.
pub fn outcome_for_holder(holder: &str) -> Option<Outcome> {
    let parts: Vec<&str> = holder.split(':').map(str::trim).collect();
    let (name, raw) = match parts.as_slice() {
        [name] => (*name, None),
        [name, code, message] if !code.is_empty() => (
            *name,
            Some((format!("{code} : {message}"), code.to_string())),
        ),
        _ => return None,
    };
    let (_, code, _, _) = MAGIC.iter().find(|m| m.0.eq_ignore_ascii_case(name))?;
    outcome_for_code(*code, raw)
}

/// The outcome forced by `additionalData.RequestedTestAcquirerResponseCode`: `Ok(None)` when
/// absent, `Err` when not one of 0..16.
pub fn outcome_for_requested_code(value: Option<&Value>) -> Result<Option<Outcome>, ()> {
    let code = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s.trim().parse::<u8>().map_err(|_| ())?,
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u8::try_from(n).ok()).ok_or(())?,
        Some(_) => return Err(()),
    };
    outcome_for_code(code, None).map(Some).ok_or(())
}

/// Holder names that make a later modification fail (Adyen API reference, "Forcing outcomes", "unverified" in the documentation).
pub fn capture_fails(holder: &str) -> bool {
    holder.trim().eq_ignore_ascii_case("capture failed")
}

pub fn refund_fails(holder: &str) -> bool {
    holder.trim().eq_ignore_ascii_case("refund failed")
}

/// The card's Adyen variant (`visa`, `mc`, `amex`, ...), from its number.
pub fn card_variant(number: &str) -> &'static str {
    let prefix = |n: usize| {
        number
            .get(..n)
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    match () {
        _ if number.starts_with('4') => "visa",
        _ if (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)) => "mc",
        _ if prefix(2) == 34 || prefix(2) == 37 => "amex",
        _ if number.starts_with("6011") || number.starts_with("65") => "discover",
        _ if (3528..=3589).contains(&prefix(4)) => "jcb",
        _ if prefix(2) == 36 || (300..=305).contains(&prefix(3)) => "diners",
        _ => "card",
    }
}

pub use crate::util::valid_card_number;

/// The test CVC: `737`, or `7373` for American Express.
pub fn valid_test_cvc(variant: &str, cvc: Option<&str>) -> bool {
    let expected = if variant == "amex" { "7373" } else { "737" };
    cvc == Some(expected)
}

/// A parseable expiry (month `1`-`12`, year `YYYY` or `YY`) that has not passed.
pub fn valid_expiry(month: Option<&str>, year: Option<&str>) -> bool {
    let (Some(month), Some(year)) = (month, year) else {
        return false;
    };
    let Ok(month) = month.trim().parse::<u32>() else {
        return false;
    };
    let year = year.trim();
    let Ok(mut year_number) = year.parse::<i64>() else {
        return false;
    };
    if year.len() == 2 {
        year_number += 2000;
    } else if year.len() != 4 {
        return false;
    }
    if !(1..=12).contains(&month) {
        return false;
    }
    let (now_year, now_month) = current_year_month();
    (year_number, month) >= (now_year, now_month)
}

/// Cards enrolled in 3-D Secure that ask for a challenge (Adyen API reference, "Cards").
pub fn three_ds_challenge_card(number: &str) -> bool {
    number == "4212345678910006"
}

/// Active ISO 4217 currency codes.
const CURRENCIES: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL \
BSD BTN BWP BYN BZD CAD CDF CHF CLF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP \
GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW \
KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN \
NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS \
SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYI UYU UYW UZS VES VND VUV WST \
XAF XCD XOF XPF YER ZAR ZMW ZWL";

pub fn valid_currency(code: &str) -> bool {
    code.len() == 3 && CURRENCIES.split_ascii_whitespace().any(|c| c == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn luhn() {
        for good in [
            "4111111111111111",
            "5101180000000007",
            "5555555555554444",
            "370000000000002",
            "4212345678910006",
            "5201281505129736",
        ] {
            assert!(valid_card_number(good), "{good}");
        }
        for bad in [
            "4111111111111112",
            "411111111111",
            "4111 1111 1111 1111",
            "",
            "41111111111111111111",
        ] {
            assert!(!valid_card_number(bad), "{bad}");
        }
    }

    #[test]
    fn variants() {
        assert_eq!(card_variant("4111111111111111"), "visa");
        assert_eq!(card_variant("5101180000000007"), "mc");
        assert_eq!(card_variant("2221000000000009"), "mc");
        assert_eq!(card_variant("370000000000002"), "amex");
    }

    #[test]
    fn magic_holder_names() {
        assert_eq!(outcome_for_holder("John Smith"), None);
        assert_eq!(outcome_for_holder("APPROVED"), Some(Outcome::Authorised));
        assert_eq!(outcome_for_holder("pending"), Some(Outcome::Received));
        assert_eq!(
            outcome_for_holder("NOT_ENOUGH_BALANCE"),
            Some(Outcome::Declined {
                result_code: "Refused",
                code: 12,
                reason: "Not enough balance",
                raw: None
            })
        );
        assert_eq!(
            outcome_for_holder("DECLINED : 06 : ERROR"),
            Some(Outcome::Declined {
                result_code: "Refused",
                code: 2,
                reason: "Refused",
                raw: Some(("06 : ERROR".into(), "06".into()))
            })
        );
        assert_eq!(
            outcome_for_holder("UNKNOWN").map(|o| matches!(
                o,
                Outcome::Declined {
                    result_code: "Error",
                    code: 0,
                    ..
                }
            )),
            Some(true)
        );
    }

    #[test]
    fn requested_codes() {
        assert_eq!(outcome_for_requested_code(None), Ok(None));
        assert_eq!(
            outcome_for_requested_code(Some(&json!("1"))),
            Ok(Some(Outcome::Authorised))
        );
        assert_eq!(
            outcome_for_requested_code(Some(&json!(13))),
            Ok(Some(Outcome::Received))
        );
        assert!(matches!(
            outcome_for_requested_code(Some(&json!("4"))),
            Ok(Some(Outcome::Declined {
                result_code: "Error",
                code: 4,
                ..
            }))
        ));
        assert!(outcome_for_requested_code(Some(&json!("17"))).is_err());
        assert!(outcome_for_requested_code(Some(&json!("x"))).is_err());
    }

    #[test]
    fn expiry_and_cvc() {
        assert!(valid_expiry(Some("03"), Some("2099")));
        assert!(valid_expiry(Some("3"), Some("99")));
        assert!(!valid_expiry(Some("13"), Some("2099")));
        assert!(!valid_expiry(Some("03"), Some("2001")));
        assert!(!valid_expiry(None, Some("2099")));
        assert!(valid_test_cvc("visa", Some("737")));
        assert!(!valid_test_cvc("visa", Some("7373")));
        assert!(valid_test_cvc("amex", Some("7373")));
        assert!(!valid_test_cvc("mc", None));
    }

    #[test]
    fn currencies() {
        assert!(valid_currency("EUR") && valid_currency("KWD") && valid_currency("JPY"));
        assert!(!valid_currency("EURO") && !valid_currency("eur") && !valid_currency("XXX"));
    }
}
