//! Test cards (Razorpay API docs, "Cards"), card checks and the currencies the emulated account accepts.

/// Razorpay's test cards (Razorpay API docs, "Cards"): number, network, type, international.
const TEST_CARDS: [(&str, &str, &str, bool); 7] = [
    ("4111111111111111", "Visa", "credit", false),
    ("4386289407660153", "Visa", "debit", false),
    ("5267318187975449", "MasterCard", "credit", false),
    ("5104060000000008", "MasterCard", "credit", false),
    ("5555555555554444", "MasterCard", "credit", true),
    ("5105105105105100", "MasterCard", "credit", true),
    ("4012888888881881", "Visa", "credit", true),
];

/// The sandbox's issuer-decline card: `create/json` answers 400 (source `issuer_bank`).
pub const DECLINED_CARD: &str = "4000000000000002";

pub use crate::util::valid_card_number as valid_number;

/// The card network Razorpay names for a number.
pub fn network(number: &str) -> &'static str {
    if let Some((_, network, _, _)) = TEST_CARDS.iter().find(|c| c.0 == number) {
        return network;
    }
    let prefix = |n: usize| number.get(..n).and_then(|p| p.parse::<u32>().ok());
    match (prefix(1), prefix(2), prefix(4), prefix(6)) {
        (Some(4), ..) => "Visa",
        (_, Some(34 | 37), ..) => "American Express",
        (_, Some(51..=55), ..) | (_, _, Some(2221..=2720), _) => "MasterCard",
        (
            _,
            _,
            _,
            Some(508_500..=508_999 | 606_985..=607_984 | 608_001..=608_500 | 652_150..=653_149),
        ) => "RuPay",
        (_, Some(36 | 38 | 39), ..) | (_, _, Some(3000..=3059), _) => "Diners Club",
        (_, Some(60 | 64 | 65), ..) => "Discover",
        (_, _, Some(3528..=3589), _) => "JCB",
        _ => "Unknown",
    }
}

/// `credit` or `debit`.
pub fn card_type(number: &str) -> &'static str {
    TEST_CARDS
        .iter()
        .find(|c| c.0 == number)
        .map(|c| c.2)
        .unwrap_or("credit")
}

/// Whether the card is issued outside India (Razorpay API docs, "Cards" marks the international test cards).
pub fn international(number: &str) -> bool {
    TEST_CARDS.iter().any(|c| c.0 == number && c.3)
}

/// Two-decimal ISO 4217 currencies the emulated account (enabled for international payments)
/// accepts. Zero- and three-decimal currencies are refused: their handling at Razorpay is
/// unverified (Razorpay API docs, "Environments, authentication, headers").
const CURRENCIES: &str = "AED ALL AMD ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP \
    BZD CAD CHF CNY COP CRC CUP CZK DKK DOP DZD EGP ETB EUR FJD GBP GHS GIP GMD GTQ GYD HKD HNL \
    HRK HTG HUF IDR ILS INR JMD KES KGS KHR KYD KZT LAK LBP LKR LRD LSL MAD MDL MKD MMK MNT MOP \
    MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SCR \
    SEK SGD SLL SOS SSP SVC SZL THB TTD TWD TZS UAH USD UYU UZS XCD YER ZAR ZMW";

pub fn supported_currency(code: &str) -> bool {
    code.len() == 3 && CURRENCIES.split_ascii_whitespace().any(|c| c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_cards_pass_luhn() {
        for (number, ..) in TEST_CARDS {
            assert!(valid_number(number), "{number}");
        }
        assert!(valid_number(DECLINED_CARD));
        assert!(!valid_number("4111111111111112"));
        assert!(!valid_number("4111 1111 1111 1111"));
        assert!(!valid_number("41111111111"));
    }

    #[test]
    fn networks() {
        assert_eq!(network("4386289407660153"), "Visa");
        assert_eq!(card_type("4386289407660153"), "debit");
        assert_eq!(network("5267318187975449"), "MasterCard");
        assert_eq!(network("2223000048400011"), "MasterCard");
        assert_eq!(network("378282246310005"), "American Express");
        assert_eq!(network("6521500000000000"), "RuPay");
        assert!(international("4012888888881881"));
        assert!(!international("4111111111111111"));
    }

    #[test]
    fn currencies() {
        assert!(supported_currency("INR"));
        assert!(supported_currency("USD"));
        assert!(!supported_currency("JPY"));
        assert!(!supported_currency("KWD"));
        assert!(!supported_currency("inr"));
        assert!(!supported_currency("XYZ"));
    }
}
