//! The demo's test data: cards, and the outcomes driven by the cent amount.

use super::ApiError;

/// What a sale or an authorization does, chosen by its cent amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Approve,
    /// `ssl_result` 1 with this `ssl_result_message` and `ssl_issuer_response`.
    Decline {
        message: &'static str,
        issuer: &'static str,
    },
    /// An error document.
    Error {
        code: u16,
        name: &'static str,
        message: &'static str,
    },
}

/// The cent amounts with a pre-programmed answer (Cartis KB: the demo's responses "vary based
/// on the cent amount of the sale"; the one public record is 14.14 → INVALID CARD, issuer 15).
/// The rest of the table is the sandbox's own, since Elavon's is not public.
pub const CENT_OUTCOMES: [(u64, Outcome); 6] = [
    (
        14,
        Outcome::Decline {
            message: "INVALID CARD",
            issuer: "15",
        },
    ),
    (
        5,
        Outcome::Decline {
            message: "DECLINED",
            issuer: "05",
        },
    ),
    (
        51,
        Outcome::Decline {
            message: "DECLINED: NSF",
            issuer: "51",
        },
    ),
    (
        54,
        Outcome::Decline {
            message: "EXPIRED CARD",
            issuer: "54",
        },
    ),
    (
        41,
        Outcome::Decline {
            message: "PICK UP CARD",
            issuer: "41",
        },
    ),
    (
        97,
        Outcome::Error {
            code: 3000,
            name: "Gateway not responding",
            message: "Error, no response.",
        },
    ),
];

/// The outcome for an amount in cents.
pub fn outcome(amount_cents: u64) -> Outcome {
    let cents = amount_cents % 100;
    CENT_OUTCOMES
        .iter()
        .find(|(c, _)| *c == cents)
        .map(|(_, o)| *o)
        .unwrap_or(Outcome::Approve)
}

impl Outcome {
    pub fn error(&self) -> Option<ApiError> {
        match self {
            Outcome::Error {
                code,
                name,
                message,
            } => Some(ApiError::new(*code, name, *message)),
            _ => None,
        }
    }
}

/// `ssl_card_short_description` from the number's prefix.
pub fn brand(number: &str) -> &'static str {
    let two: u32 = number.get(..2).and_then(|p| p.parse().ok()).unwrap_or(0);
    let four: u32 = number.get(..4).and_then(|p| p.parse().ok()).unwrap_or(0);
    if number.starts_with('4') {
        "VISA"
    } else if (51..=55).contains(&two) || (2221..=2720).contains(&four) {
        "MC"
    } else if two == 34 || two == 37 {
        "AMEX"
    } else if four == 6011 || two == 65 || (644..=649).contains(&(four / 10)) {
        "DISC"
    } else {
        "CREDITCARD"
    }
}

/// The masked number Converge answers: the first two and the last four digits
/// (`41**********9990`).
pub fn mask(number: &str) -> String {
    let n = number.len();
    if n < 6 {
        return "*".repeat(n);
    }
    format!("{}{}{}", &number[..2], "*".repeat(n - 6), &number[n - 4..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Elavon's test Visa.
    const TEST_VISA: &str = "4124939999999990";

    #[test]
    fn cents_pick_the_outcome() {
        assert_eq!(outcome(1000), Outcome::Approve);
        assert_eq!(
            outcome(1414),
            Outcome::Decline {
                message: "INVALID CARD",
                issuer: "15"
            }
        );
        assert!(outcome(1097).error().is_some());
    }

    #[test]
    fn masks_and_brands() {
        assert_eq!(mask(TEST_VISA), "41**********9990");
        assert_eq!(brand(TEST_VISA), "VISA");
        assert_eq!(brand("5555555555554444"), "MC");
        assert_eq!(brand("378282246310005"), "AMEX");
        assert_eq!(brand("6011111111111117"), "DISC");
    }
}
