//! Test cards and the outcome of an authorization (Checkout.com API reference, "Sandbox test data and behaviour", CKO docs "Test cards").

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A card as the account keeps it (in a stored instrument or a token).
#[derive(Clone, Debug)]
pub struct CardData {
    pub number: String,
    pub expiry_month: i64,
    pub expiry_year: i64,
    pub name: Option<String>,
    /// `card`, `network_token`, or the wallet a token came from (`applepay`, `googlepay`).
    pub kind: &'static str,
}

impl CardData {
    pub fn last4(&self) -> &str {
        &self.number[self.number.len().saturating_sub(4)..]
    }

    pub fn bin(&self) -> &str {
        &self.number[..self.number.len().min(6)]
    }

    /// Same card, same fingerprint (upper-case hex, as in the examples).
    pub fn fingerprint(&self) -> String {
        hex::encode_upper(Sha256::digest(self.number.as_bytes()))
    }

    /// The `source` object of a payment answer (without `id` and `type`).
    pub fn describe(&self) -> serde_json::Map<String, Value> {
        let mut out = serde_json::Map::new();
        out.insert("expiry_month".into(), json!(self.expiry_month));
        out.insert("expiry_year".into(), json!(self.expiry_year));
        if let Some(name) = &self.name {
            out.insert("name".into(), json!(name));
        }
        out.insert("scheme".into(), json!(scheme(&self.number)));
        out.insert("last4".into(), json!(self.last4()));
        out.insert("fingerprint".into(), json!(self.fingerprint()));
        out.insert("bin".into(), json!(self.bin()));
        out.insert("card_type".into(), json!(card_type(&self.number)));
        out.insert("card_category".into(), json!("Consumer"));
        out.insert("issuer_country".into(), json!("GB"));
        out
    }
}

/// The card scheme from the number's prefix.
pub fn scheme(number: &str) -> &'static str {
    let two: u32 = number.get(..2).and_then(|p| p.parse().ok()).unwrap_or(0);
    let four: u32 = number.get(..4).and_then(|p| p.parse().ok()).unwrap_or(0);
    match number.as_bytes().first() {
        Some(b'4') => "Visa",
        _ if (51..=55).contains(&two) || (2221..=2720).contains(&four) => "Mastercard",
        _ if two == 34 || two == 37 => "American Express",
        _ if two == 30 || two == 36 || two == 38 => "Diners Club International",
        _ if number.starts_with("6011") || two == 65 => "Discover",
        _ if two == 35 => "JCB",
        _ if number.starts_with('5') => "Mastercard",
        _ => "Visa",
    }
}

fn card_type(number: &str) -> &'static str {
    match number {
        "4658584090000001" | "5000186622346654" => "Debit",
        "4000141680788456" | "4000144348235050" => "Prepaid",
        _ => "Credit",
    }
}

/// What the issuer answers to an authorization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub approved: bool,
    pub response_code: &'static str,
    pub response_summary: &'static str,
}

impl Outcome {
    pub const APPROVED: Outcome = Outcome {
        approved: true,
        response_code: "10000",
        response_summary: "Approved",
    };

    /// The cardholder failed the 3-D Secure challenge.
    pub const THREE_DS_FAILED: Outcome = Outcome {
        approved: false,
        response_code: "20151",
        response_summary: "Cardholder failed 3DS authentication",
    };

    const fn declined(code: &'static str, summary: &'static str) -> Outcome {
        Outcome {
            approved: false,
            response_code: code,
            response_summary: summary,
        }
    }

    /// The issuer's raw response code (`processing.partner_response_code`): the last two
    /// characters of the five-character code.
    pub fn partner_response_code(&self) -> &'static str {
        &self.response_code[self.response_code.len() - 2..]
    }

    /// A risk response (`4xxxx`).
    pub fn is_risk(&self) -> bool {
        self.response_code.starts_with('4')
    }
}

/// Cards that decline with a given code (CKO docs "Test cards", 2024 version).
const DECLINE_CARDS: &[(&str, Outcome)] = &[
    (
        "4734868958733862",
        Outcome::declined("200N7", "Decline for CVV2 failure"),
    ),
    (
        "4567361325981788",
        Outcome::declined(
            "200R3",
            "Issuer initiated a stop payment (revocation order)",
        ),
    ),
    (
        "4111111111111129",
        Outcome::declined("20001", "Refer to card issuer"),
    ),
    (
        "4024007103573027",
        Outcome::declined("20012", "Invalid transaction"),
    ),
    (
        "4485381577182090",
        Outcome::declined("20014", "Invalid card number"),
    ),
    (
        "4544249167673670",
        Outcome::declined("20051", "Insufficient Funds"),
    ),
    (
        "4724117215951699",
        Outcome::declined("20054", "Expired card"),
    ),
    (
        "4000141680788456",
        Outcome::declined("20054", "Expired card"),
    ),
    (
        "4151512736305999",
        Outcome::declined("20057", "Transaction not permitted to cardholder"),
    ),
    (
        "4659465888705671",
        Outcome::declined("20057", "Transaction not permitted to cardholder"),
    ),
    (
        "4897453568485113",
        Outcome::declined("20059", "Suspected fraud"),
    ),
    (
        "4000144348235050",
        Outcome::declined("20059", "Suspected fraud"),
    ),
    (
        "4556294593757189",
        Outcome::declined("20061", "Activity amount limit exceeded"),
    ),
    (
        "4818924250131070",
        Outcome::declined("20062", "Restricted card"),
    ),
    (
        "4556253752712245",
        Outcome::declined("20063", "Security violation"),
    ),
    (
        "4095254802642505",
        Outcome::declined("20068", "Response received too late / timeout"),
    ),
    (
        "4532819413487978",
        Outcome::declined("20078", "Blocked, first use"),
    ),
];

/// Sandbox-only triggers (the documentation has no test cards for these families): an amount, in minor
/// units, equal to the code declines any approving card with that code.
const DECLINE_AMOUNTS: &[(i64, Outcome)] = &[
    (
        20005,
        Outcome::declined("20005", "Declined - Do Not Honour"),
    ),
    (30015, Outcome::declined("30015", "No such issuer")),
    (30041, Outcome::declined("30041", "Lost card - Pick up")),
    (30043, Outcome::declined("30043", "Stolen card - Pick up")),
    (
        40101,
        Outcome::declined("40101", "Risk Blocked Transaction"),
    ),
    (
        40201,
        Outcome::declined("40201", "Gateway Reject - card number blacklist"),
    ),
];

/// The issuer's answer for `number` and `amount`.
pub fn outcome(number: &str, amount: i64) -> Outcome {
    if let Some((_, o)) = DECLINE_CARDS.iter().find(|(n, _)| *n == number) {
        return o.clone();
    }
    if let Some((_, o)) = DECLINE_AMOUNTS.iter().find(|(a, _)| *a == amount) {
        return o.clone();
    }
    Outcome::APPROVED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decline_cards_are_valid_numbers() {
        for (number, outcome) in DECLINE_CARDS {
            assert!(crate::util::valid_card_number(number), "{number}");
            assert!(!outcome.approved);
            assert_eq!(outcome.response_code.len(), 5);
        }
    }

    #[test]
    fn outcomes() {
        assert_eq!(outcome("4242424242424242", 100), Outcome::APPROVED);
        assert_eq!(outcome("4544249167673670", 100).response_code, "20051");
        assert_eq!(
            outcome("4544249167673670", 100).partner_response_code(),
            "51"
        );
        assert_eq!(outcome("4242424242424242", 30041).response_code, "30041");
        assert!(outcome("4242424242424242", 40101).is_risk());
        assert_eq!(outcome("4734868958733862", 1).partner_response_code(), "N7");
    }

    #[test]
    fn schemes() {
        assert_eq!(scheme("4242424242424242"), "Visa");
        assert_eq!(scheme("5436031030606378"), "Mastercard");
        assert_eq!(scheme("2223000010479399"), "Mastercard");
        assert_eq!(scheme("345678901234564"), "American Express");
        assert_eq!(scheme("6011111111111117"), "Discover");
        assert_eq!(scheme("3530111333300000"), "JCB");
    }
}
