//! The emulated terminal: its transactions (by `ssl_txn_id`), stored-card tokens, and every
//! transaction type of the XML API.

use serde_json::{json, Value};

use super::testdata::{self, Outcome};
use super::xml::Fields;
use super::{Answer, ApiError, Map};
use crate::util::{now_ms, random_string, UPPER_ALNUM};

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
    first_digit: char,
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
    if let Some(invoice) = fields.get("ssl_invoice_number") {
        if invoice.chars().count() > 25 {
            return Err(ApiError::new(
                5005,
                "Field Character Limit Exceeded",
                "The value of ssl_invoice_number exceeds 25 characters.",
            ));
        }
    }
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
    // Days since 1970-01-01 to a civil date (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
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

    /// A fresh token: 16 digits ending with the card's last four, like Converge's.
    fn new_token(&self, card: &CardInfo) -> String {
        loop {
            let token = format!(
                "{}{}{}",
                card.first_digit,
                random_string(11, DIGITS),
                card.last4
            );
            if !self.tokens.contains_key(&token) {
                return token;
            }
        }
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
                first_digit: number.chars().next().unwrap_or('4'),
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
                    _ => {
                        let token = self.new_token(&card);
                        self.tokens.insert(token.clone(), card.clone());
                        token
                    }
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
        let original = self.lookup(fields)?.clone();
        let amount = match original.kind {
            Kind::Force => original.completed,
            _ => original.amount,
        };
        let mut txn = self.new_txn(kind, amount, original.card.clone(), fields);
        txn.parent = Some(original.id.clone());
        txn.invoice = original.invoice.clone();
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

    /// `txnquery` by `ssl_txn_id`: the stored transaction plus `ssl_trans_status`.
    pub fn query(&mut self, fields: &Fields) -> Result<Answer, ApiError> {
        for search in [
            "ssl_card_number",
            "ssl_search_start_date",
            "ssl_search_end_date",
        ] {
            if fields.has(search) && fields.has("ssl_txn_id") {
                return Err(ApiError::new(
                    4009,
                    "Required Field Not Supplied",
                    format!("ssl_txn_id cannot be combined with {search}."),
                ));
            }
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
        answer.push(("ssl_txn_time", txn.time.clone()));
        answer.push(("ssl_oar_data", format!("0{}", random_string(21, DIGITS))));
        answer.push((
            "ssl_ps2000_data",
            format!("A{}M", random_string(22, UPPER_ALNUM)),
        ));
        if get_token || add_token {
            let token = match (from_token, fields.get("ssl_token")) {
                (true, Some(token)) => token.to_string(),
                _ => {
                    let token = self.new_token(&card);
                    self.tokens.insert(token.clone(), card.clone());
                    token
                }
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
        let token = self.new_token(&card);
        self.tokens.insert(token.clone(), card.clone());
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
}
