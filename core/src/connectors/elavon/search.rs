//! Finding a transaction by your reference (its `ssl_invoice_number`) after a call that failed
//! without an id: Converge has no idempotency, so this is how a timed-out sale, return or
//! verification is reconciled (Converge docs, "Transaction query": a search by date range;
//! Converge SDK model: search answers are a `<txnlist>`).
//!
//! The search asks for the transactions from [`SEARCH_DAYS`] days ago to tomorrow (UTC dates:
//! the terminal's dates are its local time, which may be a day off either way) with the
//! documented date-range fields only; the answer is filtered here by invoice number and
//! transaction type.

use super::errors::{error_document, invalid_response, read_document};
use super::payments::MAX_INVOICE_CHARS;
use super::wire::{Document, Outcome, TransactionType, Txn};
use super::xml::{clean_text, truncate};
use super::Elavon;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{HttpRequest, HttpResponse};

/// How far back a search by reference looks, in days.
pub const SEARCH_DAYS: u64 = 2;

/// A reference as Converge stores it in `ssl_invoice_number`: cleaned, cut to 25 characters.
pub fn invoice_number(reference: &str) -> Option<String> {
    clean_text(reference).map(|r| truncate(&r, MAX_INVOICE_CHARS).trim_end().to_string())
}

/// A `txnquery` search for the transactions from [`SEARCH_DAYS`] days before `now_ms` to the
/// day after, narrowed to a card's when its last four digits are given (`ssl_card_suffix`,
/// Converge SDK model: card data and a date range may be combined); retry-safe: it only reads.
pub fn request(elavon: &Elavon, now_ms: u64, card_suffix: Option<&str>) -> Result<HttpRequest> {
    let mut txn = elavon.txn("txnquery");
    txn.ssl_card_suffix = card_suffix.map(str::to_string);
    let today = (now_ms / 86_400_000) as i64;
    txn.ssl_search_start_date = Some(us_date(today - SEARCH_DAYS as i64));
    txn.ssl_search_end_date = Some(us_date(today + 1));
    elavon.post(&txn, true)
}

/// The transaction a search found for `invoice` among those `wanted` accepts: an approved one
/// before a declined one, then the latest. `not_found` when there is none: nothing was made
/// under that reference in the searched days.
pub fn find(
    response: &HttpResponse,
    invoice: &str,
    what: &str,
    wanted: impl Fn(&TransactionType) -> bool,
) -> Result<Txn> {
    latest(response, invoice, wanted, false)?.ok_or_else(|| {
        let mut e = Error::new(
            ErrorCode::NotFound,
            format!(
                "Elavon has no {what} with invoice number `{invoice}` in the last {SEARCH_DAYS} days"
            ),
        );
        e.http_status = Some(response.status);
        e.with_request_id(response.request_id())
    })
}

/// The latest approved transaction a search found for `invoice` among those `wanted` accepts.
pub fn find_approved(
    response: &HttpResponse,
    invoice: &str,
    wanted: impl Fn(&TransactionType) -> bool,
) -> Result<Option<Txn>> {
    latest(response, invoice, wanted, true)
}

fn latest(
    response: &HttpResponse,
    invoice: &str,
    wanted: impl Fn(&TransactionType) -> bool,
    approved_only: bool,
) -> Result<Option<Txn>> {
    let entries = match read_document(response, true)? {
        Document::Txn(txn) if txn.outcome() == Outcome::Error => {
            return Err(error_document(response, &txn, true));
        }
        Document::Txn(txn) => vec![*txn],
        Document::List(list) => list.txn,
    };
    let chosen = entries
        .into_iter()
        .enumerate()
        .filter(|(_, t)| {
            t.ssl_invoice_number.as_deref() == Some(invoice)
                && t.transaction_type().as_ref().is_some_and(&wanted)
                && (!approved_only || is_approved(t))
        })
        .max_by_key(|(i, t)| {
            (
                is_approved(t),
                t.ssl_txn_time.as_deref().and_then(sortable_time),
                std::cmp::Reverse(*i),
            )
        })
        .map(|(_, t)| t);
    match chosen {
        Some(txn) if txn.ssl_txn_id.is_none() => Err(invalid_response(
            response,
            "Elavon's search answer holds a transaction without ssl_txn_id",
        )),
        other => Ok(other),
    }
}

/// Whether a search entry is an approved transaction: `ssl_result` `0`, or, since search
/// answers carry no `ssl_result` (Converge SDK model, `<txnlist>` sample), no result, no error
/// and a status of the open batch (`OPN`) or settled (`STL`), the statuses `payments.get` reads
/// as charged or authorized. Pended, under review, failed by a rule, or unknown: not approved.
pub fn is_approved(txn: &Txn) -> bool {
    match txn.outcome() {
        Outcome::Approved => true,
        Outcome::Unknown => txn.trans_status().is_some_and(|s| s.is_through()),
        Outcome::Error | Outcome::Declined => false,
    }
}

/// `MM/DD/YYYY` of a day counted from the Unix epoch.
fn us_date(days: i64) -> String {
    let (y, m, d) = crate::calendar::civil_from_days(days);
    format!("{m:02}/{d:02}/{y:04}")
}

/// `MM/DD/YYYY hh:mm:ss AM/PM` as `(year, month, day, hour 0-23, minute, second)`.
fn sortable_time(text: &str) -> Option<(u32, u32, u32, u32, u32, u32)> {
    let (date, rest) = text.trim().split_once(' ')?;
    let mut d = date.split('/').map(|p| p.parse::<u32>().ok());
    let (month, day, year) = (d.next()??, d.next()??, d.next()??);
    let (clock, half) = rest.trim().split_once(' ')?;
    let mut c = clock.split(':').map(|p| p.parse::<u32>().ok());
    let (hour, minute, second) = (c.next()??, c.next()??, c.next().flatten().unwrap_or(0));
    let hour = match (half.trim().to_ascii_uppercase().as_str(), hour) {
        ("AM", 12) => 0,
        ("AM", h) => h,
        ("PM", 12) => 12,
        ("PM", h) => h + 12,
        _ => return None,
    };
    Some((year, month, day, hour, minute, second))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(us_date(0), "01/01/1970");
        assert_eq!(us_date(19_723), "01/01/2024");
        assert_eq!(us_date(19_782), "02/29/2024");
        assert_eq!(us_date(20_793), "12/06/2026");
    }

    #[test]
    fn times_sort_by_the_clock() {
        let t = |s| sortable_time(s).unwrap();
        assert!(t("12/06/2026 12:05:00 AM") < t("12/06/2026 01:00:00 AM"));
        assert!(t("12/06/2026 11:59:59 AM") < t("12/06/2026 12:00:00 PM"));
        assert!(t("12/06/2026 12:00:00 PM") < t("12/06/2026 01:00:00 PM"));
        assert!(t("12/31/2025 11:00:00 PM") < t("01/01/2026 01:00:00 AM"));
        assert_eq!(sortable_time("yesterday"), None);
    }

    #[test]
    fn invoice_numbers_are_cut_like_the_requests() {
        assert_eq!(invoice_number("  order-42 ").as_deref(), Some("order-42"));
        assert_eq!(
            invoice_number("a-reference-longer-than-twenty-five").as_deref(),
            Some("a-reference-longer-than-t")
        );
        assert_eq!(invoice_number("   "), None);
    }
}
