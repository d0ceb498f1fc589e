//! Payment requests (Xendit Node SDK `PaymentRequest` API, cards and e-wallets): create, get, list,
//! captures, the shopper pages (3-D Secure challenge, e-wallet mock checkout) and the
//! `payment.*` / `capture.*` callbacks.

use http::{header, StatusCode};
use serde_json::{json, Map, Value};

use super::amounts;
use super::ewallets::{self, Magic};
use super::methods::{self, Behaviour, EwalletDetails};
use super::{
    callback, new_id, new_token, now_iso, opt_metadata, opt_obj, opt_str, req_str, ApiError,
    ApiResult, State, BUSINESS_ID,
};
use crate::processor::{Context, Request, Response, Webhook};
use crate::util::html_escape;

/// Statuses after which nothing changes any more.
const FINAL: [&str; 5] = ["SUCCEEDED", "FAILED", "CANCELED", "VOIDED", "EXPIRED"];

#[derive(Clone, Debug)]
pub struct Capture {
    pub id: String,
    pub reference_id: Option<String>,
    /// This capture's amount, in hundredths.
    pub amount: i64,
    /// Everything captured on the request once this capture succeeded.
    pub captured_total: i64,
    pub created: String,
}

/// Which shopper page a payment request waits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKind {
    ThreeDs,
    Ewallet,
}

#[derive(Clone, Debug)]
pub struct PaymentRequest {
    pub id: String,
    /// The payment's own id (`py-...`), in callbacks and captures.
    pub payment_id: String,
    pub seq: u64,
    pub reference_id: Option<String>,
    pub description: Option<String>,
    pub metadata: Value,
    pub customer_id: Value,
    pub initiator: Value,
    pub currency: &'static str,
    pub country: String,
    /// In hundredths of the major unit.
    pub amount: i64,
    /// `AUTOMATIC` or `MANUAL`.
    pub capture_method: &'static str,
    pub payment_method_id: String,
    pub status: &'static str,
    pub failure_code: Option<String>,
    pub actions: Vec<Value>,
    pub captures: Vec<Capture>,
    pub captured: i64,
    pub refunded: i64,
    /// Top-level `channel_properties` (payments with a saved `payment_method_id`).
    pub channel_properties: Value,
    pub shipping_information: Value,
    pub items: Value,
    pub created: String,
    pub updated: String,
    /// Creation time in Unix milliseconds, for the expiry of unfinished requests.
    pub created_ms: u64,
    /// The shopper page the request waits on, with its token.
    pub page: Option<(PageKind, String)>,
    /// The `failure_code` a test-mode amount forces when the shopper completes the page.
    pub forced_failure: Option<&'static str>,
    pub success_return_url: Option<String>,
    pub failure_return_url: Option<String>,
    /// How 3-D Secure went, for `card_verification_results`.
    pub three_ds_flow: Option<&'static str>,
}

impl PaymentRequest {
    pub fn to_json(&self, state: &State) -> Value {
        let method = state
            .payment_methods
            .get(&self.payment_method_id)
            .map(methods::PaymentMethod::to_json)
            .unwrap_or(Value::Null);
        let verification = match self.three_ds_flow {
            Some(flow) if self.status != "REQUIRES_ACTION" => {
                let authenticated = self.failure_code.as_deref() != Some("AUTHENTICATION_FAILED");
                json!({
                    "three_d_secure": {
                        "three_d_secure_flow": flow,
                        "eci_code": if authenticated { "05" } else { "07" },
                        "three_d_secure_result": if authenticated { "AUTHENTICATED" } else { "NOT_AUTHENTICATED" },
                        "three_d_secure_result_reason": null,
                        "three_d_secure_version": "2.2.0",
                    },
                    "cvv_result": "MATCH",
                    "address_verification_result": null,
                })
            }
            _ => Value::Null,
        };
        json!({
            "id": self.id,
            "business_id": BUSINESS_ID,
            "reference_id": self.reference_id,
            "customer_id": self.customer_id,
            "customer": null,
            "created": self.created,
            "updated": self.updated,
            "currency": self.currency,
            "amount": amounts::to_json(self.amount),
            "country": self.country,
            "description": self.description,
            "capture_method": self.capture_method,
            "initiator": self.initiator,
            "payment_method": method,
            "channel_properties": self.channel_properties,
            "card_verification_results": verification,
            "status": self.status,
            "failure_code": self.failure_code,
            "actions": self.actions,
            "shipping_information": self.shipping_information,
            "items": self.items,
            "metadata": self.metadata,
        })
    }

    /// The payment object of `payment.*` callbacks (Python SDK `PaymentCallback`).
    fn payment_data(&self, state: &State) -> Value {
        let method = state
            .payment_methods
            .get(&self.payment_method_id)
            .map(methods::PaymentMethod::to_json)
            .unwrap_or(Value::Null);
        json!({
            "id": self.payment_id,
            "payment_request_id": self.id,
            "reference_id": self.reference_id,
            "customer_id": self.customer_id,
            "currency": self.currency,
            "amount": amounts::to_json(self.amount),
            "country": self.country,
            "status": self.status,
            "capture_method": self.capture_method,
            "payment_method": method,
            "channel_properties": self.channel_properties,
            "payment_detail": null,
            "failure_code": self.failure_code,
            "created": self.created,
            "updated": self.updated,
            "metadata": self.metadata,
            "description": self.description,
        })
    }

    fn capture_json(&self, capture: &Capture, state: &State) -> Value {
        let method = state
            .payment_methods
            .get(&self.payment_method_id)
            .map(methods::PaymentMethod::to_json)
            .unwrap_or(Value::Null);
        json!({
            "id": capture.id,
            "payment_request_id": self.id,
            "payment_id": self.payment_id,
            "reference_id": capture.reference_id,
            "currency": self.currency,
            "authorized_amount": amounts::to_json(self.amount),
            "captured_amount": amounts::to_json(capture.captured_total),
            "capture_amount": amounts::to_json(capture.amount),
            "status": "SUCCEEDED",
            "payment_method": method,
            "failure_code": null,
            "customer_id": self.customer_id,
            "metadata": self.metadata,
            "channel_properties": self.channel_properties,
            "created": capture.created,
            "updated": capture.created,
        })
    }

    pub fn refundable(&self) -> i64 {
        self.captured - self.refunded
    }

    pub fn channel_code(&self, state: &State) -> Option<&'static str> {
        state
            .payment_methods
            .get(&self.payment_method_id)
            .and_then(|m| m.ewallet.as_ref())
            .map(|e| e.channel.code)
    }

    pub fn method_type(&self, state: &State) -> &'static str {
        state
            .payment_methods
            .get(&self.payment_method_id)
            .map(|m| m.kind)
            .unwrap_or("CARD")
    }

    fn touch(&mut self) {
        self.updated = now_iso();
    }
}

/// How a payment request ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Approve,
    Fail(&'static str),
}

/// Moves a request to its final status (approved: `SUCCEEDED`, or `AWAITING_CAPTURE` for
/// manual capture; failed: `FAILED` with the code), updates its payment method, and answers
/// the callback to send.
fn finish(state: &mut State, id: &str, outcome: Outcome) -> Option<Webhook> {
    let pr = state.payment_requests.get_mut(id)?;
    if let Some((_, token)) = pr.page.take() {
        state.pages.remove(&token);
    }
    pr.actions.clear();
    let (status, event, method_status) = match outcome {
        Outcome::Approve if pr.capture_method == "MANUAL" => {
            ("AWAITING_CAPTURE", "payment.awaiting_capture", "ACTIVE")
        }
        Outcome::Approve => {
            pr.captured = pr.amount;
            ("SUCCEEDED", "payment.succeeded", "ACTIVE")
        }
        Outcome::Fail(code) => {
            pr.failure_code = Some(code.to_string());
            ("FAILED", "payment.failed", "FAILED")
        }
    };
    pr.status = status;
    pr.touch();
    let method_id = pr.payment_method_id.clone();
    if let Some(method) = state.payment_methods.get_mut(&method_id) {
        if method.status == "PENDING" {
            method.set_status(method_status);
        }
    }
    let pr = state.payment_requests.get(id)?;
    Some(callback(event, pr.payment_data(state)))
}

/// `capture_method`: `AUTOMATIC` (default) or `MANUAL`.
fn capture_method(body: &Map<String, Value>) -> Result<&'static str, ApiError> {
    match opt_str(body, "", "capture_method")?.as_deref() {
        None | Some("AUTOMATIC") => Ok("AUTOMATIC"),
        Some("MANUAL") => Ok("MANUAL"),
        Some(_) => Err(ApiError::validation(
            "capture_method",
            "must be one of AUTOMATIC, MANUAL",
        )),
    }
}

/// What happens after the create answer.
enum Next {
    /// Wait on a shopper page.
    Page(PageKind),
    /// Answer `PENDING`, then end with this outcome (callback after the sandbox's delay).
    Pending(Outcome),
    /// Answer `FAILED` at once (a card decline), with a `payment.failed` callback.
    Declined(&'static str),
}

/// `POST /payment_requests`.
pub(super) fn create(state: &mut State, body: &Map<String, Value>, ctx: &Context) -> ApiResult {
    let currency = amounts::currency(body, "")?;
    let amount = amounts::parse(body, "", "amount", currency, true)?.unwrap_or(0);
    let capture_method = capture_method(body)?;
    let reference_id = opt_str(body, "", "reference_id")?;
    let description = opt_str(body, "", "description")?;
    let metadata = opt_metadata(body)?;
    let initiator = match opt_str(body, "", "initiator")?.as_deref() {
        None => Value::Null,
        Some(i @ ("CUSTOMER" | "MERCHANT")) => json!(i),
        Some(_) => {
            return Err(ApiError::validation(
                "initiator",
                "must be one of CUSTOMER, MERCHANT",
            ))
        }
    };
    let country = match opt_str(body, "", "country")? {
        Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) => c,
        Some(_) => {
            return Err(ApiError::validation(
                "country",
                "must be an ISO 3166-1 alpha-2 code",
            ))
        }
        None => amounts::country(currency).to_string(),
    };
    let customer_id = match body.get("customer_id") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(s)) => json!(s),
        Some(_) => return Err(ApiError::validation("customer_id", "must be a string")),
    };
    let top_properties = methods::card_channel_properties(body, "")?;
    let has_method = !matches!(body.get("payment_method"), None | Some(Value::Null));
    let has_method_id = !matches!(body.get("payment_method_id"), None | Some(Value::Null));
    if has_method && has_method_id {
        return Err(ApiError::validation(
            "payment_method_id",
            "cannot be used together with payment_method",
        ));
    }

    let mut new_method = None;
    let method_id: String;
    let next: Next;
    let success_url;
    let failure_url;
    let mut forced_failure = None;
    let mut three_ds_flow = None;
    let mut page_channel = None;

    if has_method {
        let pm = opt_obj(body, "", "payment_method")?
            .ok_or_else(|| ApiError::required("payment_method"))?;
        let kind = req_str(pm, "payment_method", "type")?;
        let reusability = methods::reusability(pm, "payment_method")?;
        let pm_reference = opt_str(pm, "payment_method", "reference_id")?;
        match kind.as_str() {
            "CARD" => {
                let card = opt_obj(pm, "payment_method", "card")?
                    .ok_or_else(|| ApiError::required("payment_method.card"))?;
                let details = methods::card_from_request(card, "payment_method.card", Some(currency))?;
                if amount < amounts::card_minimum(currency) {
                    return Err(amounts::below_minimum(
                        "amount",
                        amounts::card_minimum(currency),
                        currency,
                    ));
                }
                // The card's channel properties, else the top-level ones.
                let props = &details.channel_properties;
                let prop = |key: &str| props.get(key).or_else(|| top_properties.get(key));
                let skip = prop("skip_three_d_secure")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                success_url = prop("success_return_url")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                failure_url = prop("failure_return_url")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                next = card_next(
                    methods::behaviour(&details.number, currency, amount),
                    skip,
                    success_url.is_some(),
                    "payment_method.card.channel_properties.success_return_url",
                    &mut three_ds_flow,
                )?;
                let method = methods::new_method(
                    "CARD",
                    reusability,
                    pm_reference,
                    customer_id.clone(),
                    Some(details),
                    None,
                );
                method_id = method.id.clone();
                new_method = Some(method);
            }
            "EWALLET" => {
                let ewallet = opt_obj(pm, "payment_method", "ewallet")?
                    .ok_or_else(|| ApiError::required("payment_method.ewallet"))?;
                let (channel, props) = ewallets::from_request(
                    ewallet,
                    "payment_method.ewallet",
                    currency,
                    reusability,
                    capture_method,
                )?;
                if amount < amounts::ewallet_minimum(currency) {
                    return Err(amounts::below_minimum(
                        "amount",
                        amounts::ewallet_minimum(currency),
                        currency,
                    ));
                }
                let failure = match ewallets::magic(amount) {
                    Magic::Error(status, code, message) => {
                        return Err(ApiError::new(status, code, message))
                    }
                    Magic::Failure(code) => Some(code),
                    Magic::None => None,
                };
                success_url = props
                    .get("success_return_url")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                failure_url = props
                    .get("failure_return_url")
                    .or_else(|| props.get("cancel_return_url"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                next = if channel.push {
                    Next::Pending(failure.map_or(Outcome::Approve, Outcome::Fail))
                } else {
                    forced_failure = failure;
                    page_channel = Some(channel);
                    Next::Page(PageKind::Ewallet)
                };
                let method = methods::new_method(
                    "EWALLET",
                    reusability,
                    pm_reference,
                    customer_id.clone(),
                    None,
                    Some(EwalletDetails {
                        channel,
                        channel_properties: props,
                    }),
                );
                method_id = method.id.clone();
                new_method = Some(method);
            }
            "DIRECT_DEBIT" | "VIRTUAL_ACCOUNT" | "OVER_THE_COUNTER" | "QR_CODE" => {
                return Err(ApiError::validation(
                    "payment_method.type",
                    format!("{kind} is not available in the sandbox"),
                ))
            }
            _ => {
                return Err(ApiError::validation(
                    "payment_method.type",
                    "must be one of CARD, EWALLET, DIRECT_DEBIT, VIRTUAL_ACCOUNT, OVER_THE_COUNTER, QR_CODE",
                ))
            }
        }
    } else if has_method_id {
        let id = match body.get("payment_method_id") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            _ => {
                return Err(ApiError::validation(
                    "payment_method_id",
                    "must be a string",
                ))
            }
        };
        let method = state.payment_methods.get(&id).ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_PAYMENT_METHOD_ID",
                format!("The payment method {id} does not exist"),
            )
        })?;
        if method.reusability != "MULTIPLE_USE" || method.status != "ACTIVE" {
            return Err(ApiError::bad_request(
                "INVALID_PAYMENT_METHOD_ID",
                format!(
                    "The payment method {id} cannot be used for another payment ({}, {})",
                    method.reusability, method.status
                ),
            ));
        }
        let skip = top_properties
            .get("skip_three_d_secure")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let url = |key: &str| {
            top_properties
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        success_url = url("success_return_url");
        failure_url = url("failure_return_url");
        if let Some(card) = &method.card {
            if amount < amounts::card_minimum(currency) {
                return Err(amounts::below_minimum(
                    "amount",
                    amounts::card_minimum(currency),
                    currency,
                ));
            }
            next = card_next(
                methods::behaviour(&card.number, currency, amount),
                skip,
                success_url.is_some(),
                "channel_properties.success_return_url",
                &mut three_ds_flow,
            )?;
        } else {
            if amount < amounts::ewallet_minimum(currency) {
                return Err(amounts::below_minimum(
                    "amount",
                    amounts::ewallet_minimum(currency),
                    currency,
                ));
            }
            let failure = match ewallets::magic(amount) {
                Magic::Error(status, code, message) => {
                    return Err(ApiError::new(status, code, message))
                }
                Magic::Failure(code) => Some(code),
                Magic::None => None,
            };
            next = Next::Pending(failure.map_or(Outcome::Approve, Outcome::Fail));
        }
        method_id = id;
    } else {
        return Err(ApiError::required("payment_method"));
    }

    let now = now_iso();
    let seq = state.next_seq();
    let mut pr = PaymentRequest {
        id: new_id("pr"),
        payment_id: new_id("py"),
        seq,
        reference_id,
        description,
        metadata,
        customer_id,
        initiator,
        currency,
        country,
        amount,
        capture_method,
        payment_method_id: method_id,
        status: "PENDING",
        failure_code: None,
        actions: Vec::new(),
        captures: Vec::new(),
        captured: 0,
        refunded: 0,
        channel_properties: top_properties,
        shipping_information: body
            .get("shipping_information")
            .cloned()
            .unwrap_or(Value::Null),
        items: body.get("items").cloned().unwrap_or(Value::Null),
        created: now.clone(),
        updated: now,
        created_ms: crate::util::now_ms(),
        page: None,
        forced_failure,
        success_return_url: success_url,
        failure_return_url: failure_url,
        three_ds_flow,
    };
    let mut method = new_method;
    let mut webhooks = Vec::new();
    match &next {
        Next::Page(kind) => {
            let token = new_token();
            pr.status = "REQUIRES_ACTION";
            pr.actions = match (kind, page_channel) {
                (PageKind::Ewallet, Some(channel)) => ewallets::actions(
                    channel,
                    &format!("{}/web/ewallet/{token}", ctx.processor_url()),
                    &token,
                ),
                _ => vec![json!({
                    "action": "AUTH", "url_type": "WEB", "method": "GET",
                    "url": format!("{}/web/3ds/{token}", ctx.processor_url()), "qr_code": null,
                })],
            };
            state.pages.insert(token.clone(), pr.id.clone());
            pr.page = Some((*kind, token));
        }
        Next::Declined(code) => {
            pr.status = "FAILED";
            pr.failure_code = Some(code.to_string());
            if let Some(m) = method.as_mut() {
                m.set_status("FAILED");
            }
        }
        Next::Pending(_) => {}
    }
    let id = pr.id.clone();
    if let Some(m) = method.take() {
        state.payment_methods.insert(m.id.clone(), m);
    }
    state.payment_requests.insert(id.clone(), pr);
    let answer = state.payment_requests[&id].to_json(state);
    match next {
        Next::Pending(outcome) => webhooks.extend(finish(state, &id, outcome)),
        Next::Declined(_) => {
            let pr = &state.payment_requests[&id];
            webhooks.push(callback("payment.failed", pr.payment_data(state)));
        }
        Next::Page(_) => {}
    }
    ctx.emit_webhooks(webhooks);
    Ok((StatusCode::CREATED, answer))
}

/// What a card payment does next: a challenge page, a decline, or pending then approved.
fn card_next(
    behaviour: Behaviour,
    skip_three_d_secure: bool,
    has_return_url: bool,
    return_url_field: &str,
    three_ds_flow: &mut Option<&'static str>,
) -> Result<Next, ApiError> {
    Ok(match behaviour {
        Behaviour::Challenge if !skip_three_d_secure => {
            if !has_return_url {
                return Err(ApiError::required(return_url_field));
            }
            *three_ds_flow = Some("CHALLENGE");
            Next::Page(PageKind::ThreeDs)
        }
        Behaviour::Decline(code) => Next::Declined(code),
        _ => {
            if !skip_three_d_secure {
                *three_ds_flow = Some("FRICTIONLESS");
            }
            Next::Pending(Outcome::Approve)
        }
    })
}

/// `GET /payment_requests/{id}`.
pub(super) fn get(state: &State, id: &str) -> ApiResult {
    let pr = state
        .payment_requests
        .get(id)
        .ok_or_else(|| ApiError::not_found("Payment request", id))?;
    Ok((StatusCode::OK, pr.to_json(state)))
}

/// `GET /payment_requests?reference_id=&id=&customer_id=&limit=`.
pub(super) fn list(state: &State, query: &[(String, String)]) -> ApiResult {
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let limit = param("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(10)
        .clamp(1, 100);
    let mut found: Vec<&PaymentRequest> = state
        .payment_requests
        .values()
        .filter(|pr| param("reference_id").is_none_or(|r| pr.reference_id.as_deref() == Some(r)))
        .filter(|pr| param("id").is_none_or(|i| pr.id == i))
        .filter(|pr| param("customer_id").is_none_or(|c| pr.customer_id.as_str() == Some(c)))
        .collect();
    found.sort_by_key(|pr| std::cmp::Reverse(pr.seq));
    let has_more = found.len() > limit;
    let data: Vec<Value> = found
        .into_iter()
        .take(limit)
        .map(|pr| pr.to_json(state))
        .collect();
    Ok((
        StatusCode::OK,
        json!({"data": data, "has_more": has_more, "links": []}),
    ))
}

/// `POST /payment_requests/{id}/captures` with `capture_amount` and an optional
/// `reference_id`: several partial captures up to the authorised amount.
pub(super) fn capture(
    state: &mut State,
    id: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> ApiResult {
    let pr = state
        .payment_requests
        .get(id)
        .ok_or_else(|| ApiError::not_found("Payment request", id))?;
    let reference_id = opt_str(body, "", "reference_id")?;
    let amount = amounts::parse(body, "", "capture_amount", pr.currency, true)?.unwrap_or(0);
    if FINAL.contains(&pr.status) {
        return Err(ApiError::bad_request(
            "INACTIVE_PAYMENT_REQUEST",
            format!("The payment request is already {}", pr.status),
        ));
    }
    if pr.capture_method != "MANUAL" || pr.status != "AWAITING_CAPTURE" {
        return Err(ApiError::bad_request(
            "INELIGIBLE_TRANSACTION_STATUS",
            format!(
                "The payment request cannot be captured in status {}",
                pr.status
            ),
        ));
    }
    if amount > pr.amount - pr.captured {
        return Err(ApiError::bad_request(
            "CAPTURE_AMOUNT_EXCEEDED",
            format!(
                "The capture amount exceeds the uncaptured authorized amount of {}",
                amounts::render(pr.amount - pr.captured)
            ),
        ));
    }
    let now = now_iso();
    let pr = state
        .payment_requests
        .get_mut(id)
        .ok_or_else(|| ApiError::not_found("Payment request", id))?;
    pr.captured += amount;
    let capture = Capture {
        id: new_id("capt"),
        reference_id,
        amount,
        captured_total: pr.captured,
        created: now,
    };
    if pr.captured == pr.amount {
        pr.status = "SUCCEEDED";
    }
    pr.touch();
    pr.captures.push(capture.clone());
    let pr = &state.payment_requests[id];
    let answer = pr.capture_json(&capture, state);
    ctx.emit_webhooks(vec![callback("capture.succeeded", answer.clone())]);
    Ok((StatusCode::CREATED, answer))
}

/// `GET /payment_requests/{id}/captures`.
pub(super) fn list_captures(state: &State, id: &str) -> ApiResult {
    let pr = state
        .payment_requests
        .get(id)
        .ok_or_else(|| ApiError::not_found("Payment request", id))?;
    let data: Vec<Value> = pr
        .captures
        .iter()
        .map(|c| pr.capture_json(c, state))
        .collect();
    Ok((
        StatusCode::OK,
        json!({"data": data, "has_more": false, "links": []}),
    ))
}

/// `POST /payment_requests/{id}/payments/simulate`: the shopper approves an e-wallet payment
/// request waiting on the checkout page (test-mode amounts still fail it); answers
/// `{"status", "message"}` (`PaymentSimulation`).
pub(super) fn simulate(state: &mut State, id: &str, ctx: &Context) -> ApiResult {
    let pr = state
        .payment_requests
        .get(id)
        .ok_or_else(|| ApiError::not_found("Payment request", id))?;
    if pr.method_type(state) != "EWALLET" {
        return Err(ApiError::validation(
            "payment_request_id",
            "payment simulation is available for EWALLET payment requests",
        ));
    }
    if pr.status != "REQUIRES_ACTION" {
        return Err(ApiError::bad_request(
            "INACTIVE_PAYMENT_REQUEST",
            format!("The payment request is already {}", pr.status),
        ));
    }
    let outcome = pr.forced_failure.map_or(Outcome::Approve, Outcome::Fail);
    let webhooks: Vec<Webhook> = finish(state, id, outcome).into_iter().collect();
    ctx.emit_webhooks(webhooks);
    let status = state.payment_requests[id].status;
    Ok((
        StatusCode::OK,
        json!({"status": status, "message": "Payment simulation completed; the callback follows"}),
    ))
}

/// The shopper pages: `GET`/`POST /web/3ds/{token}` and `/web/ewallet/{token}`. GET shows the
/// page; POST with `result=success` (default) or `result=failure` completes it and answers
/// `302` to the merchant's return URL.
pub(super) fn page(state: &mut State, request: &Request, page: &str, ctx: &Context) -> Response {
    let (kind, token) = match page.trim_end_matches('/').split_once('/') {
        Some(("3ds", token)) => (PageKind::ThreeDs, token),
        Some(("ewallet", token)) => (PageKind::Ewallet, token),
        _ => return page_error(StatusCode::NOT_FOUND, "No such page."),
    };
    let Some(target) = state.pages.get(token).cloned() else {
        return page_error(
            StatusCode::NOT_FOUND,
            "This page does not exist or has been completed already.",
        );
    };
    let method = request.method.as_str();
    if method != "GET" && method != "POST" {
        return page_error(StatusCode::METHOD_NOT_ALLOWED, "Use GET or POST.");
    }
    if target.starts_with("pm-") {
        if kind != PageKind::ThreeDs {
            return page_error(StatusCode::NOT_FOUND, "No such page.");
        }
        return method_page(state, request, token, &target, ctx);
    }
    let Some(pr) = state.payment_requests.get(&target) else {
        return page_error(StatusCode::NOT_FOUND, "No such payment.");
    };
    if pr.page.as_ref().map(|(k, _)| *k) != Some(kind) {
        return page_error(StatusCode::NOT_FOUND, "No such page.");
    }
    if method == "GET" {
        let what = match kind {
            PageKind::ThreeDs => {
                let masked = state
                    .payment_methods
                    .get(&pr.payment_method_id)
                    .and_then(|m| {
                        m.to_json()["card"]["card_information"]["masked_card_number"]
                            .as_str()
                            .map(str::to_string)
                    })
                    .unwrap_or_default();
                format!("3-D Secure challenge for card {masked}")
            }
            PageKind::Ewallet => format!(
                "{} e-wallet checkout",
                pr.channel_code(state).unwrap_or("E-wallet")
            ),
        };
        return form_page(
            &what,
            &format!("{} {}", amounts::render(pr.amount), pr.currency),
        );
    }
    let success = form_result(request);
    let outcome = match (success, kind) {
        (false, PageKind::ThreeDs) => Outcome::Fail("AUTHENTICATION_FAILED"),
        (false, PageKind::Ewallet) => Outcome::Fail("USER_DECLINED_PAYMENT"),
        (true, _) => pr.forced_failure.map_or(Outcome::Approve, Outcome::Fail),
    };
    let (success_url, failure_url) = (pr.success_return_url.clone(), pr.failure_return_url.clone());
    let webhooks: Vec<Webhook> = finish(state, &target, outcome).into_iter().collect();
    ctx.emit_webhooks(webhooks);
    let location = match outcome {
        Outcome::Approve => success_url,
        Outcome::Fail(_) => failure_url.or(success_url),
    };
    match location {
        Some(url) => Response::redirect(&url),
        None => page_error(StatusCode::OK, "Done. You can close this page."),
    }
}

/// The 3-D Secure page of a payment method created with `POST /v2/payment_methods`.
fn method_page(
    state: &mut State,
    request: &Request,
    token: &str,
    id: &str,
    ctx: &Context,
) -> Response {
    let Some(method) = state.payment_methods.get_mut(id) else {
        return page_error(StatusCode::NOT_FOUND, "No such payment method.");
    };
    if request.method.as_str() == "GET" {
        let masked = method.to_json()["card"]["card_information"]["masked_card_number"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        return form_page(&format!("3-D Secure challenge for card {masked}"), "0");
    }
    let success = form_result(request);
    method.actions.clear();
    if success {
        method.set_status("ACTIVE");
    } else {
        method.failure_code = Some("AUTHENTICATION_FAILED".to_string());
        method.set_status("FAILED");
    }
    let props = method
        .card
        .as_ref()
        .map(|c| c.channel_properties.clone())
        .unwrap_or(Value::Null);
    ctx.emit_webhooks(vec![methods::method_callback(method)]);
    state.pages.remove(token);
    let url = |key: &str| props.get(key).and_then(Value::as_str).map(str::to_string);
    let location = if success {
        url("success_return_url")
    } else {
        url("failure_return_url").or_else(|| url("success_return_url"))
    };
    match location {
        Some(url) => Response::redirect(&url),
        None => page_error(StatusCode::OK, "Done. You can close this page."),
    }
}

/// The page's `result` field: anything but `failure`/`failed`/`fail` succeeds.
fn form_result(request: &Request) -> bool {
    !request.form_pairs().iter().any(|(k, v)| {
        k == "result"
            && matches!(
                v.to_ascii_lowercase().as_str(),
                "failure" | "failed" | "fail"
            )
    })
}

fn form_page(what: &str, amount: &str) -> Response {
    Response::html(
        StatusCode::OK,
        format!(
            "<!doctype html><html><head><title>Xendit sandbox</title></head><body>\
             <h1>{}</h1><p>Amount: {}</p><form method=\"post\">\
             <button name=\"result\" value=\"success\">Authorize</button> \
             <button name=\"result\" value=\"failure\">Fail</button></form></body></html>",
            html_escape(what),
            html_escape(amount)
        ),
    )
}

fn page_error(status: StatusCode, message: &str) -> Response {
    Response::html(
        status,
        format!(
            "<!doctype html><html><head><title>Xendit sandbox</title></head><body><p>{}</p></body></html>",
            html_escape(message)
        ),
    )
    .with_header(header::CACHE_CONTROL, "no-store")
}

/// `POST /xendit/_sandbox/payment_requests/{id}/complete` with `{"result": "success" |
/// "failure", "failure_code"?}`: what the shopper page does, without the redirect.
pub(super) fn complete_hook(
    state: &mut State,
    id: &str,
    body: &Map<String, Value>,
    ctx: &Context,
) -> Result<Value, (StatusCode, String)> {
    let pr = state.payment_requests.get(id).ok_or_else(|| {
        (
            StatusCode::NOT_FOUND,
            format!("no Xendit payment request {id:?}"),
        )
    })?;
    if pr.status != "REQUIRES_ACTION" {
        return Err((
            StatusCode::CONFLICT,
            format!("the payment request is {}, not REQUIRES_ACTION", pr.status),
        ));
    }
    let default_failure = match pr.page.as_ref().map(|(k, _)| *k) {
        Some(PageKind::ThreeDs) => "AUTHENTICATION_FAILED",
        _ => "USER_DECLINED_PAYMENT",
    };
    let outcome = match body.get("result").and_then(Value::as_str) {
        None | Some("success") => pr.forced_failure.map_or(Outcome::Approve, Outcome::Fail),
        Some("failure") => {
            let code = match body.get("failure_code").and_then(Value::as_str) {
                None => default_failure,
                Some(code) => known_code(code),
            };
            Outcome::Fail(code)
        }
        Some(_) => {
            return Err((
                StatusCode::BAD_REQUEST,
                "result must be success or failure".to_string(),
            ))
        }
    };
    let webhooks: Vec<Webhook> = finish(state, id, outcome).into_iter().collect();
    ctx.emit_webhooks(webhooks);
    Ok(state.payment_requests[id].to_json(state))
}

/// A failure code given to the hook, as a `&'static str` from a fixed list (or a generic
/// one), so that no request can grow memory.
fn known_code(code: &str) -> &'static str {
    const KNOWN: [&str; 14] = [
        "AUTHENTICATION_FAILED",
        "DECLINED_BY_ISSUER",
        "DECLINED_BY_PROCESSOR",
        "EXPIRED_CARD",
        "INSUFFICIENT_BALANCE",
        "INVALID_CVV",
        "STOLEN_CARD",
        "ACCOUNT_ACCESS_BLOCKED",
        "INVALID_MERCHANT_CREDENTIALS",
        "USER_DECLINED_PAYMENT",
        "INVALID_ACCOUNT_DETAILS",
        "MAXIMUM_LIMIT_REACHED",
        "CHANNEL_UNAVAILABLE",
        "PROCESSOR_ERROR",
    ];
    KNOWN
        .iter()
        .find(|k| **k == code)
        .copied()
        .unwrap_or("PROCESSOR_ERROR")
}

/// `POST /xendit/_sandbox/payment_requests/{id}/expire`: a request still waiting on the
/// shopper goes to `EXPIRED` at once.
pub(super) fn expire_hook(state: &mut State, id: &str) -> Result<Value, (StatusCode, String)> {
    let pr = state.payment_requests.get(id).ok_or_else(|| {
        (
            StatusCode::NOT_FOUND,
            format!("no Xendit payment request {id:?}"),
        )
    })?;
    if pr.status != "REQUIRES_ACTION" {
        return Err((
            StatusCode::CONFLICT,
            format!("the payment request is {}, not REQUIRES_ACTION", pr.status),
        ));
    }
    expire(state, id);
    Ok(state.payment_requests[id].to_json(state))
}

/// Expires every request that waited on the shopper longer than the account's expiry time
/// (Xendit e-wallet checkouts expire when the shopper does not act).
pub(super) fn expire_stale(state: &mut State) {
    let now = crate::util::now_ms();
    let limit = state.expiry.as_millis() as u64;
    let stale: Vec<String> = state
        .payment_requests
        .values()
        .filter(|pr| pr.status == "REQUIRES_ACTION" && now.saturating_sub(pr.created_ms) >= limit)
        .map(|pr| pr.id.clone())
        .collect();
    for id in stale {
        expire(state, &id);
    }
}

/// `EXPIRED`, with no callback (expiry events exist only in the v3 API); the page is gone and
/// a payment method still pending expires too.
fn expire(state: &mut State, id: &str) {
    let Some(pr) = state.payment_requests.get_mut(id) else {
        return;
    };
    pr.status = "EXPIRED";
    pr.actions.clear();
    pr.touch();
    if let Some((_, token)) = pr.page.take() {
        state.pages.remove(&token);
    }
    let method_id = pr.payment_method_id.clone();
    if let Some(method) = state.payment_methods.get_mut(&method_id) {
        if method.status == "PENDING" {
            method.set_status("EXPIRED");
        }
    }
}
