//! The emulated terminal: its transactions (by `ssl_txn_id`), stored-card tokens, and every
//! transaction type of the XML API, `txnquery` by id and as a search by date range (with card
//! suffix and invoice number), so that a merchant can reconcile after an unknown outcome.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::testdata::{self, Outcome};
use super::xml::Fields;
use super::{Answer, ApiError, Map};
use crate::util::{civil_from_days, days_from_civil, now_ms, random_string, UPPER_ALNUM};

pub(crate) mod ledger;

/// The response `ssl_transaction_type` of a transaction (upper case, as Converge answers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Sale,
    AuthOnly,
    /// A completed authorization (`cccomplete`).
    Force,
    Return,
    Delete,
    Void,
    CardVerification,
    GetToken,
}

impl Kind {
    fn wire(self) -> &'static str {
        match self {
            Kind::Sale => "SALE",
            Kind::AuthOnly => "AUTHONLY",
            Kind::Force => "FORCE",
            Kind::Return => "RETURN",
            Kind::Delete => "DELETE",
            Kind::Void => "VOID",
            Kind::CardVerification => "CARDVERIFICATION",
            Kind::GetToken => "GETTOKEN",
        }
    }
}

/// `ssl_trans_status`: `PEN`, `OPN`, `REV`, `STL`, `PST`, `FPR`, `PRE`, or any other code the
/// sandbox hook sets (1 to 8 upper-case letters), to exercise clients' catch-all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransStatus(String);

impl TransStatus {
    pub fn parse(s: &str) -> Option<TransStatus> {
        ((1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase()))
            .then(|| TransStatus(s.to_string()))
    }

    fn open() -> TransStatus {
        TransStatus("OPN".into())
    }

    fn is(&self, code: &str) -> bool {
        self.0 == code
    }
}

/// What the terminal keeps of a card: never the full number.
#[derive(Clone, Debug)]
struct CardInfo {
    masked: String,
    brand: &'static str,
    exp: String,
    last4: String,
    /// SHA-256 of the number (hex): what makes the same card get the same token.
    number_digest: String,
}

#[derive(Clone, Debug)]
struct Txn {
    id: String,
    /// The type reported now: an `AUTHONLY` becomes `FORCE` once completed, a deleted one
    /// `DELETE`, a voided one `VOID`.
    kind: Kind,
    approved: bool,
    result_message: String,
    issuer: Option<String>,
    approval_code: String,
    /// The amount processed, in cents.
    amount: u64,
    /// Completed so far (authorizations).
    completed: u64,
    /// An authorization that can still be completed.
    open: bool,
    /// Returned so far (sales and completed authorizations).
    returned: u64,
    /// Deleted or voided.
    reversed: bool,
    parent: Option<String>,
    card: Option<CardInfo>,
    invoice: Option<String>,
    status: TransStatus,
    time: String,
    /// `txnquery` answers a `<txnlist>` for this transaction (sandbox hook).
    as_list: bool,
    /// Creation order.
    seq: u64,
}

#[derive(Default)]
pub struct State {
    txns: Map<Txn>,
    /// Token → the card it stands for.
    tokens: Map<CardInfo>,
    /// Card number digest → its token: a card has one token per terminal.
    token_of_card: Map<String>,
    seq: u64,
}

/// Cents → `10.00`.
fn amount_text(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// `ssl_amount`: a number with exactly two decimals, at most 11 characters (the sandbox
/// terminal is a single-currency USD terminal).
fn parse_amount(text: &str) -> Result<u64, ApiError> {
    let invalid = || {
        ApiError::new(
            5002,
            "Amount Invalid",
            "The amount supplied in the authorization request appears to be invalid.",
        )
    };
    if text.len() > 11 {
        return Err(invalid());
    }
    let (whole, cents) = text.split_once('.').ok_or_else(invalid)?;
    if whole.is_empty()
        || cents.len() != 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !cents.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(invalid());
    }
    let whole: u64 = whole.parse().map_err(|_| invalid())?;
    let cents: u64 = cents.parse().map_err(|_| invalid())?;
    Ok(whole * 100 + cents)
}

/// A positive `ssl_amount`, or `None` when not sent.
fn optional_positive_amount(fields: &Fields) -> Result<Option<u64>, ApiError> {
    match fields.get("ssl_amount") {
        None => Ok(None),
        Some(text) => match parse_amount(text)? {
            0 => Err(parse_amount("x").unwrap_err()),
            cents => Ok(Some(cents)),
        },
    }
}

/// A `Y`/`N` flag (either case); `None` when not sent.
fn flag(fields: &Fields, name: &str) -> Result<bool, ApiError> {
    match fields.get(name) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("Y") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("N") => Ok(false),
        Some(_) => Err(ApiError::invalid_value(name, "Y or N")),
    }
}

/// Digits only, 12 to 19 of them, with a valid Luhn check digit.
fn valid_pan(number: &str) -> bool {
    crate::util::valid_card_number(number)
}

/// `ssl_exp_date`: `MMYY` with a month 01-12.
fn valid_exp(exp: &str) -> bool {
    exp.len() == 4
        && exp.bytes().all(|b| b.is_ascii_digit())
        && matches!(exp[..2].parse::<u8>(), Ok(1..=12))
}

fn exp_invalid() -> ApiError {
    ApiError::new(
        5001,
        "Exp Date Invalid",
        "The Credit Card Expiration Date supplied in the authorization request appears to be invalid.",
    )
}

fn card_invalid() -> ApiError {
    ApiError::new(
        5000,
        "Credit Card Number Invalid",
        "The Credit Card Number supplied in the authorization request appears to be invalid.",
    )
}

/// Checks shared by every transaction that carries customer or order fields.
fn common_checks(fields: &Fields) -> Result<(), ApiError> {
    if fields.has("ssl_transaction_currency") {
        return Err(ApiError::new(
            4009,
            "Transaction currency not allowed",
            "Transaction currency is not allowed for this terminal. Your terminal must be setup with Multi currency",
        ));
    }
    invoice_check(fields)?;
    if let Some(email) = fields.get("ssl_email") {
        let valid = match email.split_once('@') {
            Some((local, domain)) => !local.is_empty() && domain.contains('.'),
            None => false,
        };
        if !valid {
            return Err(ApiError::new(
                4005,
                "E-mail Address Invalid",
                "The e-mail address supplied in the authorization request appears to be invalid.",
            ));
        }
    }
    match fields.get("ssl_recurring_flag") {
        None | Some("0") | Some("1") | Some("2") => {}
        Some(_) => return Err(ApiError::invalid_value("ssl_recurring_flag", "1 or 2")),
    }
    flag(fields, "ssl_merchant_initiated_unscheduled")?;
    Ok(())
}

/// The CVV fields: data without the indicator is 4006, indicator `1` without data is 4007.
fn cvv_check(fields: &Fields) -> Result<Option<&'static str>, ApiError> {
    let cvv = fields.get("ssl_cvv2cvc2");
    let indicator = fields.get("ssl_cvv2cvc2_indicator");
    match indicator {
        None | Some("0") | Some("1") | Some("2") | Some("9") => {}
        Some(_) => {
            return Err(ApiError::invalid_value(
                "ssl_cvv2cvc2_indicator",
                "0, 1, 2 or 9",
            ))
        }
    }
    match (cvv, indicator) {
        (Some(_), None) => Err(ApiError::new(
            4006,
            "CVV2 Not Requested With Data",
            "The CVV2 indicator was not identified in the authorization request.",
        )),
        (None, Some("1")) => Err(ApiError::new(
            4007,
            "CVV2 Requested But No Data",
            "The CVV2 request failed due to missing one or more pieces of required data.",
        )),
        (Some(cvv), Some(_)) => {
            if (3..=4).contains(&cvv.len()) && cvv.bytes().all(|b| b.is_ascii_digit()) {
                Ok(Some("M"))
            } else {
                Ok(Some("N"))
            }
        }
        _ => Ok(None),
    }
}

/// `ssl_avs_response` from what was sent: both address and ZIP `Y`, ZIP only `Z`, address
/// only `A`, neither `U`.
fn avs_response(fields: &Fields) -> &'static str {
    match (fields.has("ssl_avs_address"), fields.has("ssl_avs_zip")) {
        (true, true) => "Y",
        (false, true) => "Z",
        (true, false) => "A",
        (false, false) => "U",
    }
}

/// The date and time parts of now (UTC): (year, month, day, hour, minute, second).
fn now_parts() -> (i64, u32, u32, u64, u64, u64) {
    let secs = now_ms() / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    (y, m, d, rem / 3600, (rem % 3600) / 60, rem % 60)
}

/// `ssl_txn_time`: `MM/DD/YYYY hh:mm:ss AM`.
fn txn_time() -> String {
    let (y, m, d, h, min, s) = now_parts();
    let (h12, half) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{m:02}/{d:02}/{y:04} {h12:02}:{min:02}:{s:02} {half}")
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// 1 or 2 digits (`max_len`), or exactly `max_len` digits when `exact`.
fn number(text: &str, max_len: usize, exact: bool) -> Option<u32> {
    let ok_len = if exact {
        text.len() == max_len
    } else {
        (1..=max_len).contains(&text.len())
    };
    (ok_len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// The two forms of a `txnquery` search date, for messages.
const SEARCH_DATE_FORMS: &str = "MM/DD/YYYY or MM/DD/YYYY hh:mm:ss AM/PM";

/// A Converge date and time, `MM/DD/YYYY` or `MM/DD/YYYY hh:mm:ss AM/PM` (12-hour clock, the
/// form of `ssl_txn_time`), to Unix seconds on the sandbox's clock (UTC, as `txn_time`). A date
/// alone is the day's first second, or its last one with `end_of_day`. `None` when the text is
/// not such a date (month and day may have one digit, the year has four).
fn parse_txn_time(text: &str, end_of_day: bool) -> Option<i64> {
    let mut parts = text.split_whitespace();
    let date = parts.next()?;
    let time = parts.next();
    let half = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let mut ymd = date.split('/');
    let m = number(ymd.next()?, 2, false)?;
    let d = number(ymd.next()?, 2, false)?;
    let y = i64::from(number(ymd.next()?, 4, true)?);
    if ymd.next().is_some() || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    let seconds = match (time, half) {
        (None, _) if end_of_day => 86_399,
        (None, _) => 0,
        (Some(_), None) => return None,
        (Some(time), Some(half)) => {
            let mut hms = time.split(':');
            let h = number(hms.next()?, 2, false)?;
            let min = number(hms.next()?, 2, true)?;
            let sec = number(hms.next()?, 2, true)?;
            if hms.next().is_some() || !(1..=12).contains(&h) || min > 59 || sec > 59 {
                return None;
            }
            let h24 = match (h, half.to_ascii_uppercase().as_str()) {
                (12, "AM") => 0,
                (h, "AM") => h,
                (12, "PM") => 12,
                (h, "PM") => h + 12,
                _ => return None,
            };
            i64::from(h24 * 3600 + min * 60 + sec)
        }
    };
    Some(days_from_civil(y, m, d) * 86_400 + seconds)
}

/// The `ssl_invoice_number` limit: 25 characters (5005).
fn invoice_check(fields: &Fields) -> Result<(), ApiError> {
    if let Some(invoice) = fields.get("ssl_invoice_number") {
        if invoice.chars().count() > 25 {
            return Err(ApiError::new(
                5005,
                "Field Character Limit Exceeded",
                "The value of ssl_invoice_number exceeds 25 characters.",
            ));
        }
    }
    Ok(())
}

/// The fields of a `txnquery` search; none of them may come with `ssl_txn_id`.
const SEARCH_FIELDS: [&str; 5] = [
    "ssl_search_start_date",
    "ssl_search_end_date",
    "ssl_card_suffix",
    "ssl_card_number",
    "ssl_invoice_number",
];

/// What a `txnquery` search asks for (`ssl_search_start_date` required).
#[derive(Debug, PartialEq, Eq)]
struct Search {
    /// Unix seconds, inclusive, compared with `ssl_txn_time`.
    start: i64,
    end: i64,
    /// `ssl_card_suffix`: the card's last four digits.
    suffix: Option<String>,
    /// `ssl_card_number`: compared in its masked form (the terminal keeps no full number).
    masked: Option<String>,
    /// `ssl_invoice_number`: exact match.
    invoice: Option<String>,
}

impl Search {
    fn parse(fields: &Fields, now_s: i64) -> Result<Search, ApiError> {
        let date = |name: &str, end_of_day: bool| -> Result<Option<i64>, ApiError> {
            match fields.get(name) {
                None => Ok(None),
                Some(text) => parse_txn_time(text, end_of_day)
                    .map(Some)
                    .ok_or_else(|| ApiError::invalid_value(name, SEARCH_DATE_FORMS)),
            }
        };
        let start = date("ssl_search_start_date", false)?
            .ok_or_else(|| ApiError::required("ssl_search_start_date"))?;
        let end = date("ssl_search_end_date", true)?.unwrap_or(now_s);
        if start > end {
            return Err(ApiError::invalid_value(
                "ssl_search_start_date",
                "on or before ssl_search_end_date (now when it is not sent)",
            ));
        }
        let suffix = match fields.get("ssl_card_suffix") {
            None => None,
            Some(s) if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) => Some(s.to_string()),
            Some(_) => {
                return Err(ApiError::invalid_value(
                    "ssl_card_suffix",
                    "the last four digits of the card number",
                ))
            }
        };
        let masked = match fields.get("ssl_card_number") {
            None => None,
            Some(number) if valid_pan(number) => Some(testdata::mask(number)),
            Some(_) => return Err(card_invalid()),
        };
        invoice_check(fields)?;
        Ok(Search {
            start,
            end,
            suffix,
            masked,
            invoice: fields.get("ssl_invoice_number").map(str::to_string),
        })
    }

    /// Whether `txn` matches, and when (its `ssl_txn_time` in Unix seconds).
    fn matches(&self, txn: &Txn) -> Option<i64> {
        let at = parse_txn_time(&txn.time, false)?;
        let card = txn.card.as_ref();
        let ok = (self.start..=self.end).contains(&at)
            && self
                .suffix
                .as_ref()
                .is_none_or(|s| card.is_some_and(|c| &c.last4 == s))
            && self
                .masked
                .as_ref()
                .is_none_or(|m| card.is_some_and(|c| &c.masked == m))
            && self
                .invoice
                .as_ref()
                .is_none_or(|i| txn.invoice.as_ref() == Some(i));
        ok.then_some(at)
    }
}

const HEX: &[u8] = b"0123456789ABCDEF";
const DIGITS: &[u8] = b"0123456789";

/// Oldest first, for the batch-close answer.
fn sorted_ids<'a>(ids: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut ids: Vec<String> = ids.cloned().collect();
    ids.sort();
    ids
}

impl State {
    /// A fresh `ssl_txn_id`: `DDMMYY` + 3 characters + `-` + an upper-case UUID.
    fn new_txn_id(&self) -> String {
        let (y, m, d, ..) = now_parts();
        loop {
            let uuid = format!(
                "{}-{}-4{}-{}{}-{}",
                random_string(8, HEX),
                random_string(4, HEX),
                random_string(3, HEX),
                ["8", "9", "A", "B"][fastrand::usize(..4)],
                random_string(3, HEX),
                random_string(12, HEX)
            );
            let id = format!(
                "{d:02}{m:02}{:02}{}-{uuid}",
                y % 100,
                random_string(3, UPPER_ALNUM)
            );
            if !self.txns.contains_key(&id) {
                return id;
            }
        }
    }

    /// The card's token (Converge docs, "Tokenization": "Tokens are unique for each merchant
    /// [...] the same card will produce a different token for each merchant"; terminals of one
    /// tokenization domain "receive the same token for a unique card"): the one it already has
    /// on this terminal, else a new one in the card number's format, whose first digit (0-2 or
    /// 7-9) is outside the major brands' ranges and whose last four are the card's. The stored
    /// card takes the latest expiry date.
    fn token_for(&mut self, card: &CardInfo) -> String {
        if let Some(token) = self.token_of_card.get(&card.number_digest) {
            let token = token.clone();
            self.tokens.insert(token.clone(), card.clone());
            return token;
        }
        let token = loop {
            let first = [b'0', b'1', b'2', b'7', b'8', b'9'][fastrand::usize(..6)] as char;
            let middle = card.masked.len().saturating_sub(5).max(1);
            let token = format!("{first}{}{}", random_string(middle, DIGITS), card.last4);
            if !self.tokens.contains_key(&token) {
                break token;
            }
        };
        self.tokens.insert(token.clone(), card.clone());
        self.token_of_card
            .insert(card.number_digest.clone(), token.clone());
        token
    }

    /// The card of a request: `ssl_token` (a stored card), or `ssl_card_number` +
    /// `ssl_exp_date`. Returns the card and whether it came from a token.
    fn card_source(
        &self,
        fields: &Fields,
        allow_token: bool,
    ) -> Result<(CardInfo, bool), ApiError> {
        if let Some(token) = fields.get("ssl_token").filter(|_| allow_token) {
            let Some(stored) = self.tokens.get(token) else {
                return Err(ApiError::new(
                    5000,
                    "Credit Card Number Invalid",
                    "The token supplied in the authorization request appears to be invalid.",
                ));
            };
            let mut card = stored.clone();
            if let Some(exp) = fields.get("ssl_exp_date") {
                if !valid_exp(exp) {
                    return Err(exp_invalid());
                }
                card.exp = exp.to_string();
            }
            return Ok((card, true));
        }
        let Some(number) = fields.get("ssl_card_number") else {
            return Err(ApiError::required("ssl_card_number"));
        };
        if !valid_pan(number) {
            return Err(card_invalid());
        }
        let Some(exp) = fields.get("ssl_exp_date") else {
            return Err(ApiError::required("ssl_exp_date"));
        };
        if !valid_exp(exp) {
            return Err(exp_invalid());
        }
        Ok((
            CardInfo {
                masked: testdata::mask(number),
                brand: testdata::brand(number),
                exp: exp.to_string(),
                last4: number[number.len() - 4..].to_string(),
                number_digest: hex::encode(Sha256::digest(number.as_bytes())),
            },
            false,
        ))
    }

    fn lookup(&self, fields: &Fields) -> Result<&Txn, ApiError> {
        let Some(id) = fields.get("ssl_txn_id") else {
            return Err(ApiError::required("ssl_txn_id"));
        };
        self.txns.get(id).ok_or_else(ApiError::invalid_txn_id)
    }

    fn insert(&mut self, mut txn: Txn) {
        self.seq += 1;
        txn.seq = self.seq;
        self.txns.insert(txn.id.clone(), txn);
    }

    fn new_txn(&self, kind: Kind, amount: u64, card: Option<CardInfo>, fields: &Fields) -> Txn {
        Txn {
            id: self.new_txn_id(),
            kind,
            approved: true,
            result_message: "APPROVAL".into(),
            issuer: None,
            approval_code: random_string(6, UPPER_ALNUM),
            amount,
            completed: 0,
            open: false,
            returned: 0,
            reversed: false,
            parent: None,
            card,
            invoice: fields.get("ssl_invoice_number").map(str::to_string),
            status: TransStatus::open(),
            time: txn_time(),
            as_list: false,
            seq: 0,
        }
    }

    /// `ccsale` / `ccauthonly`: the outcome comes from the cent amount.
    pub fn sale(&mut self, fields: &Fields, auth_only: bool) -> Result<Answer, ApiError> {
        let Some(amount) = fields.get("ssl_amount") else {
            return Err(ApiError::required("ssl_amount"));
        };
        let amount = parse_amount(amount)?;
        if amount == 0 {
            return Err(parse_amount("x").unwrap_err());
        }
        let (card, from_token) = self.card_source(fields, true)?;
        common_checks(fields)?;
        let cvv = cvv_check(fields)?;
        let get_token = flag(fields, "ssl_get_token")?;
        let add_token = flag(fields, "ssl_add_token")?;
        let outcome = testdata::outcome(amount);
        if let Some(error) = outcome.error() {
            return Err(error);
        }
        let kind = if auth_only {
            Kind::AuthOnly
        } else {
            Kind::Sale
        };
        let mut txn = self.new_txn(kind, amount, Some(card.clone()), fields);
        let mut answer = Vec::new();
        match outcome {
            Outcome::Decline { message, issuer } => {
                txn.approved = false;
                txn.result_message = message.to_string();
                txn.issuer = Some(issuer.to_string());
                txn.approval_code = "      ".to_string();
                txn.status = TransStatus("PRE".into());
                answer.push(("ssl_result", "1".to_string()));
                answer.push(("ssl_result_message", message.to_string()));
            }
            _ => {
                txn.issuer = Some("00".to_string());
                txn.open = auth_only;
                answer.push(("ssl_result", "0".to_string()));
                answer.push(("ssl_result_message", "APPROVAL".to_string()));
            }
        }
        answer.extend([
            ("ssl_transaction_type", kind.wire().to_string()),
            ("ssl_txn_id", txn.id.clone()),
            ("ssl_approval_code", txn.approval_code.clone()),
            ("ssl_amount", amount_text(amount)),
            ("ssl_card_number", card.masked.clone()),
            ("ssl_card_short_description", card.brand.to_string()),
            ("ssl_card_type", "CREDITCARD".to_string()),
            ("ssl_exp_date", card.exp.clone()),
            ("ssl_avs_response", avs_response(fields).to_string()),
            ("ssl_cvv2_response", cvv.unwrap_or("").to_string()),
            (
                "ssl_issuer_response",
                txn.issuer.clone().unwrap_or_default(),
            ),
            (
                "ssl_invoice_number",
                txn.invoice.clone().unwrap_or_default(),
            ),
            ("ssl_account_balance", "0.00".to_string()),
            ("ssl_eci_ind", String::new()),
            ("ssl_salestax", String::new()),
            ("ssl_departure_date", String::new()),
            ("ssl_completion_date", String::new()),
            ("ssl_partner_app_id", "01".to_string()),
            ("ssl_txn_time", txn.time.clone()),
        ]);
        if txn.approved {
            answer.push(("ssl_oar_data", format!("0{}", random_string(21, DIGITS))));
            answer.push((
                "ssl_ps2000_data",
                format!("A{}M", random_string(22, UPPER_ALNUM)),
            ));
            if get_token || add_token {
                let token = match (from_token, fields.get("ssl_token")) {
                    (true, Some(token)) => token.to_string(),
                    _ => self.token_for(&card),
                };
                answer.push(("ssl_token", token));
                answer.push(("ssl_token_response", "SUCCESS".to_string()));
                if add_token {
                    answer.push(("ssl_add_token_response", "Card Added".to_string()));
                }
            }
        }
        let unscheduled = flag(fields, "ssl_merchant_initiated_unscheduled")?;
        answer.push((
            "ssl_merchant_initiated_unscheduled",
            if unscheduled { "Y" } else { "N" }.to_string(),
        ));
        self.insert(txn);
        Ok(Answer::Txn(answer))
    }

    /// `cccomplete`: completes an approved `ccauthonly`, fully or partly; the answer is type
    /// `FORCE` and keeps the authorization's `ssl_txn_id`.
    pub fn complete(&mut self, fields: &Fields) -> Result<Answer, ApiError> {
        let amount = optional_positive_amount(fields)?;
        let partial_shipment = flag(fields, "ssl_partial_shipment_flag")?;
        common_checks(fields)?;
        let txn = self.lookup(fields)?;
        if !txn.approved || txn.reversed || !txn.open {
            return Err(ApiError::invalid_txn_id());
        }
        let remaining = txn.amount - txn.completed;
        let amount = amount.unwrap_or(remaining);
        if amount > remaining {
            return Err(ApiError::amount_above_original());
        }
        let id = txn.id.clone();
        let txn = self.txns.get_mut(&id).expect("looked up");
        txn.completed += amount;
        txn.kind = Kind::Force;
        if let Some(invoice) = fields.get("ssl_invoice_number") {
            txn.invoice = Some(invoice.to_string());
        }
        txn.open = partial_shipment && txn.completed < txn.amount;
        let card = txn.card.clone();
        let mut answer = vec![
            ("ssl_result", "0".to_string()),
            ("ssl_result_message", "APPROVAL".to_string()),
            ("ssl_transaction_type", Kind::Force.wire().to_string()),
            ("ssl_txn_id", id),
            ("ssl_approval_code", txn.approval_code.clone()),
            ("ssl_amount", amount_text(amount)),
        ];
        push_card(&mut answer, card.as_ref());
        answer.push((
            "ssl_invoice_number",
            txn.invoice.clone().unwrap_or_default(),
        ));
        answer.push(("ssl_txn_time", txn_time()));
        Ok(Answer::Txn(answer))
    }

    /// `ccreturn`: returns all or part of a sale or a completed authorization; the answer is
    /// type `RETURN` with a new `ssl_txn_id`.
    pub fn refund(&mut self, fields: &Fields) -> Result<Answer, ApiError> {
        let amount = optional_positive_amount(fields)?;
        common_checks(fields)?;
        let original = self.lookup(fields)?;
        let base = match original.kind {
            Kind::Sale => original.amount,
            Kind::Force => original.completed,
            _ => return Err(ApiError::invalid_txn_id()),
        };
        if !original.approved || original.reversed {
            return Err(ApiError::invalid_txn_id());
        }
        let refundable = base - original.returned;
        let amount = amount.unwrap_or(refundable);
        if amount == 0 || amount > refundable {
            return Err(ApiError::amount_above_original());
        }
        let original_id = original.id.clone();
        let mut txn = self.new_txn(Kind::Return, amount, original.card.clone(), fields);
        if txn.invoice.is_none() {
            txn.invoice = original.invoice.clone();
        }
        txn.parent = Some(original_id.clone());
        if let Some(original) = self.txns.get_mut(&original_id) {
            original.returned += amount;
        }
        let mut answer = vec![
            ("ssl_result", "0".to_string()),
            ("ssl_result_message", "APPROVAL".to_string()),
            ("ssl_transaction_type", Kind::Return.wire().to_string()),
            ("ssl_txn_id", txn.id.clone()),
            ("ssl_approval_code", txn.approval_code.clone()),
            ("ssl_amount", amount_text(amount)),
        ];
        push_card(&mut answer, txn.card.as_ref());
        answer.push((
            "ssl_invoice_number",
            txn.invoice.clone().unwrap_or_default(),
        ));
        answer.push(("ssl_txn_time", txn.time.clone()));
        self.insert(txn);
        Ok(Answer::Txn(answer))
    }

    /// `ccdelete`: deletes (and reverses) an unsettled sale or an uncompleted authorization;
    /// the answer is type `DELETE` with a new `ssl_txn_id`.
    pub fn delete(&mut self, fields: &Fields) -> Result<Answer, ApiError> {
        let original = self.lookup(fields)?;
        let deletable = original.approved
            && !original.reversed
            && match original.kind {
                Kind::Sale => original.returned == 0,
                Kind::AuthOnly => original.completed == 0,
                _ => false,
            };
        if !deletable {
            return Err(ApiError::invalid_txn_id());
        }
        if original.status.is("STL") {
            return Err(settlement_in_progress());
        }
        self.reverse(fields, Kind::Delete)
    }

    /// `ccvoid`: removes an unsettled sale, completion or return from the open batch; the
    /// answer has a new `ssl_txn_id`, type `VOID`.
    pub fn void(&mut self, fields: &Fields) -> Result<Answer, ApiError> {
        let original = self.lookup(fields)?;
        let voidable = original.approved
            && !original.reversed
            && match original.kind {
                Kind::Sale | Kind::Force => original.returned == 0,
                Kind::Return => true,
                _ => false,
            };
        if !voidable {
            return Err(ApiError::invalid_txn_id());
        }
        if original.status.is("STL") {
            return Err(settlement_in_progress());
        }
        self.reverse(fields, Kind::Void)
    }

    /// Marks the looked-up transaction deleted / voided and records the reversal.
    fn reverse(&mut self, fields: &Fields, kind: Kind) -> Result<Answer, ApiError> {
        invoice_check(fields)?;
        let original = self.lookup(fields)?.clone();
        let amount = match original.kind {
            Kind::Force => original.completed,
            _ => original.amount,
        };
        let mut txn = self.new_txn(kind, amount, original.card.clone(), fields);
        txn.parent = Some(original.id.clone());
        if txn.invoice.is_none() {
            txn.invoice = original.invoice.clone();
        }
        if original.kind == Kind::Return {
            if let Some(parent) = original.parent.as_ref().and_then(|p| self.txns.get_mut(p)) {
                parent.returned = parent.returned.saturating_sub(original.amount);
            }
        }
        if let Some(o) = self.txns.get_mut(&original.id) {
            o.kind = kind;
            o.reversed = true;
            o.open = false;
        }
        let mut answer = vec![
            ("ssl_result", "0".to_string()),
            ("ssl_result_message", "APPROVAL".to_string()),
            ("ssl_transaction_type", kind.wire().to_string()),
            ("ssl_txn_id", txn.id.clone()),
            ("ssl_approval_code", txn.approval_code.clone()),
            ("ssl_amount", amount_text(amount)),
        ];
        push_card(&mut answer, txn.card.as_ref());
        answer.push((
            "ssl_invoice_number",
            txn.invoice.clone().unwrap_or_default(),
        ));
        answer.push(("ssl_txn_time", txn.time.clone()));
        txn.reversed = true;
        self.insert(txn);
        Ok(Answer::Txn(answer))
    }

    /// `txnquery`: by `ssl_txn_id`, the stored transaction plus `ssl_trans_status`; without
    /// it, a search (see [`State::search`]). `ssl_txn_id` cannot be combined with the search
    /// fields other than `ssl_invoice_number` (card data or dates); a request with neither
    /// needs `ssl_txn_id`.
    pub fn query(&mut self, fields: &Fields) -> Result<Answer, ApiError> {
        if fields.has("ssl_txn_id") {
            for search in SEARCH_FIELDS {
                if fields.has(search) && search != "ssl_invoice_number" {
                    return Err(ApiError::new(
                        4009,
                        "Required Field Not Supplied",
                        format!("ssl_txn_id cannot be combined with {search}."),
                    ));
                }
            }
        } else if SEARCH_FIELDS.iter().any(|f| fields.has(f)) {
            return self.search(fields);
        }
        let txn = self.lookup(fields)?;
        if !txn.as_list {
            return Ok(Answer::Txn(query_fields(txn)));
        }
        // A `<txnlist>`, as a search answers it: the newest other transaction comes first, so
        // a client must pick the `<txn>` whose `ssl_txn_id` it asked for.
        let decoy = self
            .txns
            .values()
            .filter(|other| other.id != txn.id)
            .max_by_key(|other| other.seq);
        let mut list: Vec<_> = decoy.map(query_fields).into_iter().collect();
        list.push(query_fields(txn));
        Ok(Answer::List(list))
    }

    /// A `txnquery` search: every stored transaction (any type: `SALE`, `AUTHONLY`, `FORCE`,
    /// `RETURN`, `DELETE`, `VOID`, `CARDVERIFICATION`, `GETTOKEN`, declined ones too) whose
    /// `ssl_txn_time` lies between `ssl_search_start_date` (required) and
    /// `ssl_search_end_date` (default: now), both inclusive, each `MM/DD/YYYY` (the whole day)
    /// or `MM/DD/YYYY hh:mm:ss AM/PM`; narrowed by `ssl_card_suffix` (last four digits),
    /// `ssl_card_number` and `ssl_invoice_number` (exact) when sent. The answer is a
    /// `<txnlist>` of the query fields, newest first (by `ssl_txn_time`, then creation), with
    /// `ssl_txn_count` (0 and no `<txn>` when nothing matches).
    fn search(&self, fields: &Fields) -> Result<Answer, ApiError> {
        let search = Search::parse(fields, (now_ms() / 1000) as i64)?;
        let mut found: Vec<(i64, &Txn)> = self
            .txns
            .values()
            .filter_map(|txn| search.matches(txn).map(|at| (at, txn)))
            .collect();
        found.sort_by_key(|(at, txn)| std::cmp::Reverse((*at, txn.seq)));
        Ok(Answer::List(
            found
                .into_iter()
                .map(|(_, txn)| query_fields(txn))
                .collect(),
        ))
    }

    /// `ccverify`: a zero-amount account verification; with `ssl_get_token=Y` /
    /// `ssl_add_token=Y` the answer carries a token.
    pub fn verify(&mut self, fields: &Fields) -> Result<Answer, ApiError> {
        if let Some(amount) = fields.get("ssl_amount") {
            if parse_amount(amount)? != 0 {
                return Err(ApiError::new(
                    5002,
                    "Amount Invalid",
                    "A card verification has no amount (or 0.00).",
                ));
            }
        }
        let (card, from_token) = self.card_source(fields, true)?;
        common_checks(fields)?;
        let cvv = cvv_check(fields)?;
        let get_token = flag(fields, "ssl_get_token")?;
        let add_token = flag(fields, "ssl_add_token")?;
        let txn = self.new_txn(Kind::CardVerification, 0, Some(card.clone()), fields);
        let mut answer = vec![
            ("ssl_result", "0".to_string()),
            ("ssl_result_message", "APPROVAL".to_string()),
            (
                "ssl_transaction_type",
                Kind::CardVerification.wire().to_string(),
            ),
            ("ssl_txn_id", txn.id.clone()),
            ("ssl_approval_code", txn.approval_code.clone()),
            ("ssl_amount", "0.00".to_string()),
        ];
        push_card(&mut answer, Some(&card));
        answer.push(("ssl_avs_response", avs_response(fields).to_string()));
        answer.push(("ssl_cvv2_response", cvv.unwrap_or("").to_string()));
        answer.push(("ssl_issuer_response", "85".to_string()));
        answer.push((
            "ssl_invoice_number",
            txn.invoice.clone().unwrap_or_default(),
        ));
        answer.push(("ssl_txn_time", txn.time.clone()));
        answer.push(("ssl_oar_data", format!("0{}", random_string(21, DIGITS))));
        answer.push((
            "ssl_ps2000_data",
            format!("A{}M", random_string(22, UPPER_ALNUM)),
        ));
        if get_token || add_token {
            let token = match (from_token, fields.get("ssl_token")) {
                (true, Some(token)) => token.to_string(),
                _ => self.token_for(&card),
            };
            answer.push(("ssl_token", token));
            answer.push(("ssl_token_response", "SUCCESS".to_string()));
            if add_token {
                answer.push(("ssl_add_token_response", "Card Added".to_string()));
            }
        }
        self.insert(txn);
        Ok(Answer::Txn(answer))
    }

    /// `ccgettoken`: tokenises a card (`ssl_verify=Y` verifies it first; `ssl_add_token=Y`
    /// needs `ssl_first_name` and `ssl_last_name`).
    pub fn get_token(&mut self, fields: &Fields) -> Result<Answer, ApiError> {
        let (card, _) = self.card_source(fields, false)?;
        common_checks(fields)?;
        let cvv = cvv_check(fields)?;
        let add_token = flag(fields, "ssl_add_token")?;
        let verify = flag(fields, "ssl_verify")?;
        if add_token {
            for name in ["ssl_first_name", "ssl_last_name"] {
                if !fields.has(name) {
                    return Err(ApiError::required(name));
                }
            }
        }
        let token = self.token_for(&card);
        let mut answer = vec![
            ("ssl_result", "0".to_string()),
            ("ssl_result_message", "APPROVAL".to_string()),
            ("ssl_transaction_type", Kind::GetToken.wire().to_string()),
        ];
        if verify {
            let txn = self.new_txn(Kind::GetToken, 0, Some(card.clone()), fields);
            answer.push(("ssl_txn_id", txn.id.clone()));
            answer.push(("ssl_approval_code", txn.approval_code.clone()));
            answer.push(("ssl_avs_response", avs_response(fields).to_string()));
            answer.push(("ssl_cvv2_response", cvv.unwrap_or("").to_string()));
            answer.push((
                "ssl_invoice_number",
                txn.invoice.clone().unwrap_or_default(),
            ));
            self.insert(txn);
        }
        push_card(&mut answer, Some(&card));
        for name in ["ssl_first_name", "ssl_last_name"] {
            if let Some(value) = fields.get(name) {
                answer.push((name, value.to_string()));
            }
        }
        answer.push(("ssl_token", token));
        answer.push(("ssl_token_response", "SUCCESS".to_string()));
        if add_token {
            answer.push(("ssl_add_token_response", "Card Added".to_string()));
        }
        Ok(Answer::Txn(answer))
    }

    /// Settles the open batch: approved, unreversed sales, completions and returns in `OPN`
    /// become `STL`. Authorizations are not in a batch and stay as they are.
    pub fn close_batch(&mut self) -> Value {
        let mut settled = Vec::new();
        for txn in self.txns.values_mut() {
            let in_batch = matches!(txn.kind, Kind::Sale | Kind::Force | Kind::Return);
            if in_batch && txn.approved && !txn.reversed && txn.status.is("OPN") {
                txn.status = TransStatus("STL".into());
                settled.push(&txn.id);
            }
        }
        let settled = sorted_ids(settled.into_iter());
        json!({"count": settled.len(), "settled": settled})
    }

    /// The sandbox's view of a transaction, for the hooks.
    pub fn describe(&self, id: &str) -> Option<Value> {
        let txn = self.txns.get(id)?;
        Some(json!({
            "ssl_txn_id": txn.id,
            "ssl_transaction_type": txn.kind.wire(),
            "ssl_trans_status": txn.status.0,
            "approved": txn.approved,
            "amount": amount_text(txn.amount),
            "completed": amount_text(txn.completed),
            "returned": amount_text(txn.returned),
            "open_for_completion": txn.open,
            "reversed": txn.reversed,
            "parent": txn.parent,
            "query_format": if txn.as_list { "txnlist" } else { "txn" },
        }))
    }

    /// Sets a transaction's `ssl_trans_status` and / or its `txnquery` format.
    pub fn override_transaction(
        &mut self,
        id: &str,
        status: Option<TransStatus>,
        as_list: Option<bool>,
    ) -> Option<Value> {
        let txn = self.txns.get_mut(id)?;
        if let Some(status) = status {
            txn.status = status;
        }
        if let Some(as_list) = as_list {
            txn.as_list = as_list;
        }
        self.describe(id)
    }
}

/// The fields `txnquery` answers for a transaction.
fn query_fields(txn: &Txn) -> Vec<(&'static str, String)> {
    let amount = match txn.kind {
        Kind::Force => txn.completed,
        _ => txn.amount,
    };
    let mut answer = vec![
        ("ssl_txn_id", txn.id.clone()),
        ("ssl_transaction_type", txn.kind.wire().to_string()),
        ("ssl_trans_status", txn.status.0.clone()),
        (
            "ssl_result",
            if txn.approved { "0" } else { "1" }.to_string(),
        ),
        ("ssl_result_message", txn.result_message.clone()),
        ("ssl_amount", amount_text(amount)),
        ("ssl_approval_code", txn.approval_code.clone()),
    ];
    push_card(&mut answer, txn.card.as_ref());
    answer.push((
        "ssl_issuer_response",
        txn.issuer.clone().unwrap_or_default(),
    ));
    answer.push((
        "ssl_invoice_number",
        txn.invoice.clone().unwrap_or_default(),
    ));
    answer.push(("ssl_txn_time", txn.time.clone()));
    answer
}

fn settlement_in_progress() -> ApiError {
    ApiError::new(
        4018,
        "Settlement is in progress",
        "Settlement is in progress, Void failed.",
    )
}

fn push_card(answer: &mut Vec<(&'static str, String)>, card: Option<&CardInfo>) {
    if let Some(card) = card {
        answer.push(("ssl_card_number", card.masked.clone()));
        answer.push(("ssl_card_short_description", card.brand.to_string()));
        answer.push(("ssl_card_type", "CREDITCARD".to_string()));
        answer.push(("ssl_exp_date", card.exp.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("10.00").unwrap(), 1000);
        assert_eq!(parse_amount("0.05").unwrap(), 5);
        assert_eq!(parse_amount("12345678.99").unwrap(), 1_234_567_899);
        for bad in [
            "10",
            "10.0",
            "10.000",
            "1000",
            ".50",
            "-1.00",
            "1,00",
            "123456789.00",
        ] {
            assert_eq!(parse_amount(bad).unwrap_err().code, 5002, "{bad}");
        }
        assert_eq!(amount_text(1414), "14.14");
        assert_eq!(amount_text(5), "0.05");
    }

    #[test]
    fn ids_and_times() {
        let state = State::default();
        let id = state.new_txn_id();
        assert_eq!(id.len(), 9 + 1 + 36, "{id}");
        assert!(id[..6].bytes().all(|b| b.is_ascii_digit()), "{id}");
        assert_eq!(&id[9..10], "-");
        let time = txn_time();
        assert_eq!(time.len(), 22, "{time}");
        assert!(time.ends_with("AM") || time.ends_with("PM"));
    }

    #[test]
    fn expiry() {
        assert!(valid_exp("1230"));
        assert!(valid_exp("0150"));
        assert!(!valid_exp("1330"));
        assert!(!valid_exp("0030"));
        assert!(!valid_exp("12/30"));
        assert!(!valid_exp("122030"));
    }

    /// A request's fields, read as the handler reads them.
    fn fields(pairs: &[(&str, &str)]) -> Fields {
        let owned: Vec<(&str, String)> = pairs.iter().map(|(k, v)| (*k, v.to_string())).collect();
        super::super::xml::parse_txn(&super::super::xml::txn_document(&owned)).unwrap()
    }

    const VISA: &str = "4124939999999990";
    const MC: &str = "5472063333333330";

    /// An approved sale or authorization; answers its `ssl_txn_id`.
    fn card_txn(state: &mut State, kind: &str, amount: &str, card: &str, invoice: &str) -> String {
        let mut pairs = vec![
            ("ssl_amount", amount),
            ("ssl_card_number", card),
            ("ssl_exp_date", "1230"),
        ];
        if !invoice.is_empty() {
            pairs.push(("ssl_invoice_number", invoice));
        }
        let answer = state.sale(&fields(&pairs), kind == "ccauthonly").unwrap();
        txn_id(&answer)
    }

    fn txn_id(answer: &Answer) -> String {
        match answer {
            Answer::Txn(f) => f
                .iter()
                .find(|(k, _)| *k == "ssl_txn_id")
                .unwrap()
                .1
                .clone(),
            Answer::List(_) => panic!("a <txnlist>"),
        }
    }

    fn field<'a>(txn: &'a [(&'static str, String)], name: &str) -> &'a str {
        txn.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} in {txn:?}"))
    }

    /// A search; answers the `<txn>` field lists.
    fn search(state: &mut State, pairs: &[(&str, &str)]) -> Vec<Vec<(&'static str, String)>> {
        let mut all = vec![("ssl_transaction_type", "txnquery")];
        all.extend_from_slice(pairs);
        match state.query(&fields(&all)) {
            Ok(Answer::List(txns)) => txns,
            Ok(Answer::Txn(t)) => panic!("{pairs:?}: a flat <txn> {t:?}"),
            Err(e) => panic!("{pairs:?}: {e:?}"),
        }
    }

    fn search_ids(state: &mut State, pairs: &[(&str, &str)]) -> Vec<String> {
        search(state, pairs)
            .iter()
            .map(|t| field(t, "ssl_txn_id").to_string())
            .collect()
    }

    fn search_error(state: &mut State, pairs: &[(&str, &str)]) -> ApiError {
        let mut all = vec![("ssl_transaction_type", "txnquery")];
        all.extend_from_slice(pairs);
        match state.query(&fields(&all)) {
            Err(e) => e,
            Ok(_) => panic!("{pairs:?}: accepted"),
        }
    }

    /// Today's date as `MM/DD/YYYY` on the sandbox's clock.
    fn today() -> String {
        let (y, m, d, ..) = now_parts();
        format!("{m:02}/{d:02}/{y:04}")
    }

    #[test]
    fn converge_times_parse_to_unix_seconds() {
        assert_eq!(parse_txn_time("01/01/1970", false), Some(0));
        assert_eq!(parse_txn_time("01/01/1970", true), Some(86_399));
        assert_eq!(parse_txn_time("01/01/1970 12:00:00 AM", true), Some(0));
        assert_eq!(
            parse_txn_time("01/01/1970 12:00:01 PM", false),
            Some(43_201)
        );
        assert_eq!(
            parse_txn_time("01/01/1970 01:02:03 pm", false),
            Some(46_923)
        );
        assert_eq!(
            parse_txn_time("01/01/1970 11:59:59 PM", false),
            Some(86_399)
        );
        assert_eq!(
            parse_txn_time("11/01/2025 10:15:30 AM", false),
            Some(1_761_992_130)
        );
        assert_eq!(parse_txn_time("2/29/2024", false), Some(1_709_164_800));
        for bad in [
            "",
            "2024-03-11",
            "03-11-2024",
            "13/01/2024",
            "00/10/2024",
            "02/30/2024",
            "02/29/2023",
            "03/11/24",
            "03/11/2024/1",
            "03/11/2024 10:00:00",
            "03/11/2024 10:00 AM",
            "03/11/2024 13:00:00 PM",
            "03/11/2024 00:10:00 AM",
            "03/11/2024 10:60:00 AM",
            "03/11/2024 10:00:00 XM",
            "03/11/2024 10:00:00 AM extra",
            "today",
        ] {
            assert_eq!(parse_txn_time(bad, false), None, "{bad}");
        }
        // `ssl_txn_time` reads back as now (to the second).
        let now = (now_ms() / 1000) as i64;
        let back = parse_txn_time(&txn_time(), false).unwrap();
        assert!((now - 1..=now + 1).contains(&back), "{back} vs {now}");
    }

    #[test]
    fn a_date_only_search_of_today_finds_every_kind_newest_first() {
        let mut state = State::default();
        // Taken first: transactions made after a midnight are still from this day on.
        let day = today();
        let sale = card_txn(&mut state, "ccsale", "10.00", VISA, "inv-sale");
        let auth = card_txn(&mut state, "ccauthonly", "20.00", VISA, "inv-auth");
        state
            .complete(&fields(&[("ssl_txn_id", &auth), ("ssl_amount", "20.00")]))
            .unwrap();
        let ret = txn_id(
            &state
                .refund(&fields(&[("ssl_txn_id", &sale), ("ssl_amount", "1.00")]))
                .unwrap(),
        );
        let verify = txn_id(
            &state
                .verify(&fields(&[
                    ("ssl_card_number", MC),
                    ("ssl_exp_date", "1230"),
                    ("ssl_invoice_number", "inv-verify"),
                ]))
                .unwrap(),
        );
        let auth2 = card_txn(&mut state, "ccauthonly", "5.00", VISA, "");
        let delete = txn_id(&state.delete(&fields(&[("ssl_txn_id", &auth2)])).unwrap());
        let void = txn_id(&state.void(&fields(&[("ssl_txn_id", &ret)])).unwrap());
        let declined = card_txn(&mut state, "ccsale", "1.05", MC, "inv-declined");
        let token = txn_id(
            &state
                .get_token(&fields(&[
                    ("ssl_card_number", VISA),
                    ("ssl_exp_date", "1230"),
                    ("ssl_verify", "Y"),
                ]))
                .unwrap(),
        );

        let found = search(&mut state, &[("ssl_search_start_date", &day)]);
        assert_eq!(found.len(), state.txns.len());
        let ids: Vec<&str> = found.iter().map(|t| field(t, "ssl_txn_id")).collect();
        assert_eq!(
            ids,
            vec![
                token.as_str(),
                declined.as_str(),
                void.as_str(),
                delete.as_str(),
                auth2.as_str(),
                verify.as_str(),
                ret.as_str(),
                auth.as_str(),
                sale.as_str(),
            ],
            "newest first"
        );
        let types: Vec<&str> = found
            .iter()
            .map(|t| field(t, "ssl_transaction_type"))
            .collect();
        assert_eq!(
            types,
            vec![
                "GETTOKEN",
                "SALE",
                "VOID",
                "DELETE",
                "DELETE",
                "CARDVERIFICATION",
                "VOID",
                "FORCE",
                "SALE"
            ]
        );
        // Each <txn> is what a query by id answers.
        for txn in &found {
            let id = field(txn, "ssl_txn_id");
            let by_id = state
                .query(&fields(&[("ssl_txn_id", id)]))
                .map(|a| match a {
                    Answer::Txn(f) => f,
                    Answer::List(_) => panic!("a list"),
                })
                .unwrap();
            assert_eq!(txn, &by_id);
            assert!(!field(txn, "ssl_txn_time").is_empty());
        }
        assert_eq!(field(&found[1], "ssl_result"), "1");
        assert_eq!(field(&found[1], "ssl_invoice_number"), "inv-declined");
        // Today, with an explicit end of today, is the same; so is a start at midnight.
        assert_eq!(
            search(
                &mut state,
                &[
                    ("ssl_search_start_date", &day),
                    ("ssl_search_end_date", &day)
                ]
            ),
            found
        );
        let midnight = format!("{day} 12:00:00 AM");
        assert_eq!(
            search(&mut state, &[("ssl_search_start_date", &midnight)]),
            found
        );
    }

    #[test]
    fn a_range_in_the_past_matches_nothing() {
        let mut state = State::default();
        card_txn(&mut state, "ccsale", "10.00", VISA, "inv-1");
        for range in [
            vec![
                ("ssl_search_start_date", "01/01/2020"),
                ("ssl_search_end_date", "12/31/2020"),
            ],
            vec![
                ("ssl_search_start_date", "01/01/2020 09:00:00 AM"),
                ("ssl_search_end_date", "01/01/2020 05:00:00 PM"),
            ],
        ] {
            assert!(search(&mut state, &range).is_empty(), "{range:?}");
        }
        assert_eq!(
            super::super::xml::txnlist_document(&search(
                &mut state,
                &[
                    ("ssl_search_start_date", "01/01/2020"),
                    ("ssl_search_end_date", "01/02/2020")
                ]
            )),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><txnlist><ssl_txn_count>0</ssl_txn_count></txnlist>"
        );
        // From long ago to now (the default end) finds it.
        assert_eq!(
            search(&mut state, &[("ssl_search_start_date", "01/01/2020")]).len(),
            1
        );
    }

    #[test]
    fn ranges_are_inclusive_and_whole_days() {
        let mut state = State::default();
        let times = [
            "03/10/2024 11:59:59 PM",
            "03/11/2024 12:00:00 AM",
            "03/11/2024 12:30:00 PM",
            "03/11/2024 11:59:59 PM",
            "03/12/2024 12:00:00 AM",
        ];
        let mut ids = Vec::new();
        for time in times {
            let id = card_txn(&mut state, "ccsale", "10.00", VISA, "");
            state.txns.get_mut(&id).unwrap().time = time.to_string();
            ids.push(id);
        }
        let newest_first = |range: std::ops::RangeInclusive<usize>| -> Vec<String> {
            ids[range].iter().rev().cloned().collect()
        };
        let day = [
            ("ssl_search_start_date", "03/11/2024"),
            ("ssl_search_end_date", "03/11/2024"),
        ];
        assert_eq!(search_ids(&mut state, &day), newest_first(1..=3));
        assert_eq!(
            search_ids(&mut state, &[("ssl_search_start_date", "3/11/2024")]),
            newest_first(1..=4)
        );
        let noon = [
            ("ssl_search_start_date", "03/11/2024 12:30:00 PM"),
            ("ssl_search_end_date", "03/11/2024 12:30:00 PM"),
        ];
        assert_eq!(search_ids(&mut state, &noon), newest_first(2..=2));
        let evening = [
            ("ssl_search_start_date", "03/10/2024 11:59:59 PM"),
            ("ssl_search_end_date", "03/11/2024 11:59:59 AM"),
        ];
        assert_eq!(search_ids(&mut state, &evening), newest_first(0..=1));
        // Newest by ssl_txn_time, not by creation.
        state.txns.get_mut(&ids[0]).unwrap().time = "03/11/2024 06:00:00 PM".into();
        assert_eq!(
            search_ids(&mut state, &day),
            vec![
                ids[3].clone(),
                ids[0].clone(),
                ids[2].clone(),
                ids[1].clone()
            ]
        );
    }

    #[test]
    fn card_suffix_card_number_and_invoice_narrow_a_search() {
        let mut state = State::default();
        let visa = card_txn(&mut state, "ccsale", "10.00", VISA, "order-42");
        let mc = card_txn(&mut state, "ccsale", "11.00", MC, "order-42");
        let other = card_txn(&mut state, "ccsale", "12.00", VISA, "order-420");
        let retry = card_txn(&mut state, "ccauthonly", "13.00", VISA, "order-42");
        let start = today();
        let with = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, String)> {
            let mut v = vec![("ssl_search_start_date", start.clone())];
            v.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
            v
        };
        let run = |state: &mut State, extra: &[(&'static str, &'static str)]| {
            let pairs = with(extra);
            let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            search_ids(state, &borrowed)
        };
        assert_eq!(
            run(&mut state, &[("ssl_invoice_number", "order-42")]),
            vec![retry.clone(), mc.clone(), visa.clone()]
        );
        assert_eq!(
            run(
                &mut state,
                &[
                    ("ssl_invoice_number", "order-42"),
                    ("ssl_card_suffix", "9990")
                ]
            ),
            vec![retry.clone(), visa.clone()]
        );
        assert_eq!(
            run(&mut state, &[("ssl_card_suffix", "3330")]),
            vec![mc.clone()]
        );
        assert_eq!(
            run(&mut state, &[("ssl_card_number", VISA)]),
            vec![retry.clone(), other.clone(), visa.clone()]
        );
        assert!(run(&mut state, &[("ssl_invoice_number", "ORDER-42")]).is_empty());
        assert!(run(&mut state, &[("ssl_invoice_number", "order")]).is_empty());
        assert!(run(&mut state, &[("ssl_card_suffix", "0000")]).is_empty());
        let found = search(
            &mut state,
            &[
                ("ssl_search_start_date", &start),
                ("ssl_invoice_number", "order-420"),
            ],
        );
        assert_eq!(field(&found[0], "ssl_invoice_number"), "order-420");
        assert_eq!(field(&found[0], "ssl_amount"), "12.00");
    }

    #[test]
    fn search_errors() {
        let mut state = State::default();
        let sale = card_txn(&mut state, "ccsale", "10.00", VISA, "");
        let required = search_error(&mut state, &[("ssl_search_end_date", "01/01/2024")]);
        assert_eq!(required, ApiError::required("ssl_search_start_date"));
        assert_eq!(required.code, 4009);
        for only in [
            ("ssl_invoice_number", "order-42"),
            ("ssl_card_suffix", "9990"),
            ("ssl_card_number", VISA),
        ] {
            assert_eq!(
                search_error(&mut state, &[only]),
                ApiError::required("ssl_search_start_date"),
                "{only:?}"
            );
        }
        // Neither an id nor a search: the id is what is missing, as before.
        assert_eq!(
            search_error(&mut state, &[]),
            ApiError::required("ssl_txn_id")
        );
        for (name, value) in [
            ("ssl_search_start_date", "2024-01-01"),
            ("ssl_search_start_date", "02/30/2024"),
            ("ssl_search_end_date", "01/02/2024 25:00:00 PM"),
            ("ssl_search_end_date", "01/02/2024 10:00:00"),
        ] {
            let mut pairs = vec![("ssl_search_start_date", "01/01/2024")];
            pairs.retain(|(k, _)| *k != name);
            pairs.push((name, value));
            let error = search_error(&mut state, &pairs);
            assert_eq!(error.code, 4009, "{value}");
            assert_eq!(
                error,
                ApiError::invalid_value(name, SEARCH_DATE_FORMS),
                "{value}"
            );
            assert!(error.message.contains(name));
        }
        let upside_down = search_error(
            &mut state,
            &[
                ("ssl_search_start_date", "01/02/2024"),
                ("ssl_search_end_date", "01/01/2024"),
            ],
        );
        assert_eq!(upside_down.code, 4009);
        assert!(upside_down.message.contains("ssl_search_start_date"));
        // A start in the future is after the default end (now).
        let future = search_error(&mut state, &[("ssl_search_start_date", "01/01/2999")]);
        assert_eq!(future.code, 4009);
        for suffix in ["999", "99900", "99a0"] {
            let error = search_error(
                &mut state,
                &[
                    ("ssl_search_start_date", "01/01/2024"),
                    ("ssl_card_suffix", suffix),
                ],
            );
            assert_eq!(error.code, 4009, "{suffix}");
            assert!(error.message.contains("ssl_card_suffix"));
        }
        let card = search_error(
            &mut state,
            &[
                ("ssl_search_start_date", "01/01/2024"),
                ("ssl_card_number", "4111"),
            ],
        );
        assert_eq!(card.code, 5000);
        let long = search_error(
            &mut state,
            &[
                ("ssl_search_start_date", "01/01/2024"),
                ("ssl_invoice_number", "12345678901234567890123456"),
            ],
        );
        assert_eq!(long.code, 5005);
        // ssl_txn_id cannot be combined with dates or card data; an invoice number is ignored.
        for search in [
            "ssl_search_start_date",
            "ssl_search_end_date",
            "ssl_card_suffix",
            "ssl_card_number",
        ] {
            let error = search_error(&mut state, &[("ssl_txn_id", &sale), (search, "01/01/2024")]);
            assert_eq!(error.code, 4009, "{search}");
            assert!(error.message.contains(search), "{search}");
        }
        let by_id = state
            .query(&fields(&[
                ("ssl_txn_id", &sale),
                ("ssl_invoice_number", "whatever"),
            ]))
            .unwrap();
        assert_eq!(txn_id(&by_id), sale);
    }

    #[test]
    fn every_transaction_type_keeps_its_invoice_number() {
        let mut state = State::default();
        let invoice_of = |state: &State, id: &str| state.txns[id].invoice.clone();
        let answered = |answer: &Answer| match answer {
            Answer::Txn(f) => field(f, "ssl_invoice_number").to_string(),
            Answer::List(_) => panic!("a list"),
        };
        let sale = card_txn(&mut state, "ccsale", "10.00", VISA, "inv-sale");
        // A return with its own invoice number keeps it; without, it takes the sale's.
        let answer = state
            .refund(&fields(&[
                ("ssl_txn_id", &sale),
                ("ssl_amount", "1.00"),
                ("ssl_invoice_number", "inv-return"),
            ]))
            .unwrap();
        assert_eq!(answered(&answer), "inv-return");
        assert_eq!(
            invoice_of(&state, &txn_id(&answer)).as_deref(),
            Some("inv-return")
        );
        let answer = state
            .refund(&fields(&[("ssl_txn_id", &sale), ("ssl_amount", "1.00")]))
            .unwrap();
        assert_eq!(answered(&answer), "inv-sale");
        // A void of that return, with its own.
        let voided = txn_id(&answer);
        let answer = state
            .void(&fields(&[
                ("ssl_txn_id", &voided),
                ("ssl_invoice_number", "inv-void"),
            ]))
            .unwrap();
        assert_eq!(answered(&answer), "inv-void");
        assert_eq!(
            invoice_of(&state, &txn_id(&answer)).as_deref(),
            Some("inv-void")
        );
        // A delete without one takes the original's.
        let auth = card_txn(&mut state, "ccauthonly", "5.00", VISA, "inv-auth");
        let answer = state.delete(&fields(&[("ssl_txn_id", &auth)])).unwrap();
        assert_eq!(answered(&answer), "inv-auth");
        // A verification.
        let answer = state
            .verify(&fields(&[
                ("ssl_card_number", VISA),
                ("ssl_exp_date", "1230"),
                ("ssl_invoice_number", "inv-verify"),
            ]))
            .unwrap();
        assert_eq!(answered(&answer), "inv-verify");
        assert_eq!(
            invoice_of(&state, &txn_id(&answer)).as_deref(),
            Some("inv-verify")
        );
        // A completion sending one sets the completed authorization's.
        let auth = card_txn(&mut state, "ccauthonly", "5.00", VISA, "");
        let answer = state
            .complete(&fields(&[
                ("ssl_txn_id", &auth),
                ("ssl_invoice_number", "inv-complete"),
            ]))
            .unwrap();
        assert_eq!(answered(&answer), "inv-complete");
        assert_eq!(invoice_of(&state, &auth).as_deref(), Some("inv-complete"));
        // A token with a verification.
        let answer = state
            .get_token(&fields(&[
                ("ssl_card_number", VISA),
                ("ssl_exp_date", "1230"),
                ("ssl_verify", "Y"),
                ("ssl_invoice_number", "inv-token"),
            ]))
            .unwrap();
        assert_eq!(answered(&answer), "inv-token");
        // Too long on a void is refused as on a sale.
        let sale = card_txn(&mut state, "ccsale", "10.00", VISA, "");
        let error = state
            .void(&fields(&[
                ("ssl_txn_id", &sale),
                ("ssl_invoice_number", "12345678901234567890123456"),
            ]))
            .unwrap_err();
        assert_eq!(error.code, 5005);
    }
}
