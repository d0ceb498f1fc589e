//! Card data and the simulator scripts (CH docs `Simulator-Scripts.md`, archived
//! `Test-Cards.md`, `Test-Declines.md`, `Test-Errors.md`).

use serde_json::{json, Value};

/// The card brand from the number's prefix, as Commerce Hub names it in `source.card.scheme`.
pub fn scheme(number: &str) -> &'static str {
    let prefix = |n: usize| number.get(..n).and_then(|p| p.parse::<u32>().ok());
    match (prefix(1), prefix(2), prefix(3), prefix(4), prefix(6)) {
        (Some(4), ..) => "VISA",
        (_, Some(34 | 37), ..) => "AMEX",
        (_, Some(51..=55), ..) => "MASTERCARD",
        (.., Some(2221..=2720), _) => "MASTERCARD",
        (.., Some(6011), _) => "DISCOVER",
        (_, Some(65), ..) => "DISCOVER",
        (_, _, Some(644..=649), ..) => "DISCOVER",
        (_, Some(35), ..) => "JCB",
        (_, Some(62), ..) => "UNIONPAY",
        (_, Some(36 | 38), ..) | (_, _, Some(300..=305), ..) => "DINERS",
        _ => "UNKNOWN",
    }
}

/// What the simulator does with an approved-range or scripted total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Script {
    Approve,
    /// Approved, with a security-code verification result (totals 5070-5075).
    SecurityCode(&'static str),
    /// Approved, with an address verification result (totals 5080-5088).
    Address(&'static str, &'static str),
    /// Declined with this gateway `responseCode` (totals 5001-5999: the last three digits).
    Decline(String),
}

/// The security-code results of totals 5070-5075, in order (one per amount; the order is the
/// page's listing order).
const SECURITY_CODE_RESULTS: [&str; 6] = [
    "MATCHED",
    "NOT_MATCHED",
    "NOT_PROCESSED",
    "NOT_PRESENT",
    "NOT_CERTIFIED",
    "NOT_CHECKED",
];

/// The (street, postal code) results of totals 5080-5088 (the page does not list them; the
/// sandbox's choice).
const ADDRESS_RESULTS: [(&str, &str); 9] = [
    ("MATCHED", "MATCHED"),
    ("MATCHED", "NOT_MATCHED"),
    ("NOT_MATCHED", "MATCHED"),
    ("NOT_MATCHED", "NOT_MATCHED"),
    ("NOT_PROVIDED", "NOT_PROVIDED"),
    ("NOT_CHECKED", "NOT_CHECKED"),
    ("MATCHED", "NOT_PROVIDED"),
    ("NOT_PROVIDED", "MATCHED"),
    ("NO_RESPONSE", "NO_RESPONSE"),
];

/// The script for a total in major units (the currency is not considered).
pub fn script(milli: i64) -> Script {
    let whole = milli / 1000;
    match whole {
        5070..=5075 => Script::SecurityCode(SECURITY_CODE_RESULTS[(whole - 5070) as usize]),
        5080..=5088 => {
            let (street, postal) = ADDRESS_RESULTS[(whole - 5080) as usize];
            Script::Address(street, postal)
        }
        5001..=5998 => Script::Decline(format!("{:03}", whole % 1000)),
        5999 if milli == 5_999_000 => Script::Decline("999".to_string()),
        _ => Script::Approve,
    }
}

/// The message and the host (issuer) code and message of a gateway `responseCode`
/// (CH docs `Response-Code.md`; the host codes are the sandbox's choice).
pub fn decline_texts(code: &str) -> (&'static str, &'static str, &'static str) {
    match code {
        "002" => ("PENDING APPROVAL", "01", "Refer to issuer"),
        "003" | "004" | "005" => ("REFERRAL", "01", "Refer to issuer"),
        "006" => ("DECLINED", "51", "Declined"),
        "007" => ("DO NOT HONOR", "05", "Do not honor"),
        "008" => ("INSUFFICIENT FUNDS", "51", "Insufficient funds"),
        "009" => ("DUPLICATE", "94", "Duplicate transmission"),
        "012" => ("SECURITY CODE FAILURE", "N7", "CVV2 failure"),
        "013" => ("HARD DECLINE", "05", "Do not honor"),
        "017" => ("LOST OR STOLEN", "43", "Stolen card"),
        "018" => ("SUSPECTED FRAUD", "59", "Suspected fraud"),
        "026" => ("INVALID CARD OR ACCOUNT", "14", "Invalid card number"),
        "032" => ("EXPIRED CARD", "54", "Expired card"),
        "039" => ("RETRY LATER", "19", "Re-enter transaction"),
        "045" => ("PICK UP CARD", "04", "Pick up card"),
        "048" => (
            "CARDHOLDER AUTHENTICATION REQUIRED",
            "1A",
            "Authentication required",
        ),
        _ => ("DECLINED", "05", "Declined"),
    }
}

/// The message of a Commerce Hub error code (CH docs `Error-Code.md`), for
/// `requestedTestResponseCode` and the sandbox's own errors.
pub fn error_message(code: &str) -> &'static str {
    match code {
        "100" => "Invalid or Missing Field Data",
        "101" => "Unknown Field Data in Object",
        "102" => "Missing or Invalid Payment Source",
        "103" => "Missing or Invalid Card Number or Token",
        "104" => "Unable to Assign Card to Brand: Invalid",
        "105" => "Invalid Amount or Currency",
        "106" => "Amount or currency missing",
        "107" => "Missing Required Field",
        "108" => "Missing Conditional Data",
        "113" => "Invalid Date or Time",
        "115" => "Missing or Invalid Expiration Date",
        "120" => "Missing Terminal ID/City/State",
        "121" => "Malformed JSON",
        "123" => "Illegal Characters in Field Data",
        "131" => "Missing Referenced Transaction",
        "134" => "Invalid Merchant Order ID",
        "136" => "Another Transaction With Same OrderId/Transaction Id Currently Being Processed",
        "138" => "Missing Body or Header in Request",
        "200" => "Invalid Account Setup",
        "201" => "Invalid Merchant ID or Setup",
        "202" => "Invalid Terminal ID or Setup",
        "205" => "Invalid Payment Source or Not Supported",
        "207" => "Feature Not Enabled on Merchant Account",
        "247" => "Currency Not Supported",
        "304" => "Refund/Cancel Locked or Not Supported for Payment Source",
        "363" => "3-D Secure: Authentication Failed",
        "602" => "Security Code Not Verified",
        "603" => "Security Code Verification Failed",
        "605" => "Address Not Verified",
        "606" => "Address Verification Failed",
        "700" => "Technical Error: General",
        "703" => "Internal Error",
        "704" => "Transaction Timed Out",
        "801" => "Invalid Transaction ID or Not Found",
        "804" => "Currency Mismatch",
        "806" => "Amount Total Mismatch",
        "807" => "Amount Too Large, Enter Lesser Amount",
        "819" => "Unable to Capture: No Pre-auth Found",
        "820" => "Unable to Capture: Already Performed",
        "821" => "Unable to Capture: Transaction Refunded/Cancelled",
        "833" => "Unable to Cancel: Transaction Not in Captured or Authorized Status",
        "836" => "Amount Must Be >$0",
        "837" => "Unable to Refund: Transaction Not in a Captured or Authorized Status",
        "999" => "Unable to Process Transaction. Please Contact Support Team.",
        _ => "Requested test response",
    }
}

/// `source.card` of a response: BIN (8 digits), last four, scheme and expiry; never the number.
pub fn card_summary(number: &str, month: &str, year: &str) -> Value {
    let bin: String = number.chars().take(8).collect();
    let last4: String = number
        .chars()
        .skip(number.len().saturating_sub(4))
        .collect();
    json!({
        "bin": bin,
        "last4": last4,
        "scheme": scheme(number),
        "expirationMonth": month,
        "expirationYear": year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(scheme("4012001928706700"), "VISA");
        assert_eq!(scheme("5500007287297385"), "MASTERCARD");
        assert_eq!(scheme("2223003122003222"), "MASTERCARD");
        assert_eq!(scheme("341111227713933"), "AMEX");
        assert_eq!(scheme("6011114305944707"), "DISCOVER");
        assert_eq!(scheme("3566002020360505"), "JCB");
        assert_eq!(scheme("6200000000000005"), "UNIONPAY");
    }

    #[test]
    fn scripts() {
        assert_eq!(script(12_040), Script::Approve);
        assert_eq!(script(4_999_990), Script::Approve);
        assert_eq!(script(5_000_000), Script::Approve);
        assert_eq!(script(5_001_000), Script::Decline("001".into()));
        assert_eq!(script(5_006_000), Script::Decline("006".into()));
        assert_eq!(script(5_006_500), Script::Decline("006".into()));
        assert_eq!(script(5_070_000), Script::SecurityCode("MATCHED"));
        assert_eq!(script(5_075_000), Script::SecurityCode("NOT_CHECKED"));
        assert_eq!(script(5_080_000), Script::Address("MATCHED", "MATCHED"));
        assert_eq!(script(5_089_000), Script::Decline("089".into()));
        assert_eq!(script(5_999_000), Script::Decline("999".into()));
        assert_eq!(script(5_999_010), Script::Approve);
        assert_eq!(script(6_000_000), Script::Approve);
    }

    #[test]
    fn summary_never_holds_the_number() {
        let s = card_summary("4005550000000019", "02", "2035");
        assert_eq!(s["bin"], "40055500");
        assert_eq!(s["last4"], "0019");
        assert!(!s.to_string().contains("4005550000000019"));
    }
}
