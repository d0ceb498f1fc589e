//! Payments: authorize (card, or a mandate charge), PSync, capture and setup_mandate
//! (Razorpay docs: "S2S integration: Create Payment Json", API reference "Payments > Fetch a
//! Payment" and "Payments > Capture a Payment", "Recurring Payments API").
//!
//! Multi-step flows use the Step API: the responses received so far are the state.
//!
//! | flow | steps |
//! |---|---|
//! | authorize, card, with `connector_order_id` | `create/json` |
//! | authorize, card, without it | `POST /v1/orders`, then `create/json` |
//! | authorize, mandate | (`POST /v1/orders`), then `create/recurring` |
//! | setup_mandate | `POST /v1/customers`, (`POST /v1/orders` with `token{}`), then `create/json` with `recurring` |
//! | psync | `GET /v1/payments/{id}`, or `GET /v1/orders/{id}/payments` |
//! | psync by `merchant_reference` | `GET /v1/orders?receipt=`, then `GET /v1/orders/{id}/payments` |
//! | capture | `POST /v1/payments/{id}/capture` |

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::{json, Map, Value};

use super::orders::{order_request, parse_order, OrderSpec};
use super::wire::{
    non_empty, Collection, CreatedPayment, IdEntity, NextEntry, OrderEntity, PaymentEntity,
};
use super::{
    checked_id, errors, hmac_matches, parse_success, response_money, wire_amount, Razorpay,
};
use crate::connector::single_exchange;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{HttpRequest, HttpResponse, Step};
use crate::mask::mask_body;
use crate::money::Money;
use crate::types::*;

/// The order a payment goes into: known, or to be created by the next request.
enum OrderStep<'r> {
    /// Send this order creation first.
    Send(HttpRequest),
    /// The order exists; `rest` are the responses after the order's (if it was created here).
    Ready {
        order_id: String,
        created: Option<OrderResponse>,
        rest: &'r [HttpResponse],
    },
}

/// What a PSync reads.
enum PsyncTarget<'a> {
    Payment(&'a str, &'static str),
    OrderPayments(&'a str),
    /// The order whose `receipt` is this reference, then its payments.
    Receipt(&'a str),
}

/// Uses the given order, or creates one from `spec` as the next request.
fn order_step<'r>(
    c: &Razorpay,
    given: Option<&str>,
    spec: &OrderSpec<'_>,
    responses: &'r [HttpResponse],
) -> Result<OrderStep<'r>> {
    if let Some(id) = given {
        let id = checked_id("connector_order_id", id)?;
        return Ok(OrderStep::Ready {
            order_id: id.to_string(),
            created: None,
            rest: responses,
        });
    }
    match responses.split_first() {
        None => Ok(OrderStep::Send(order_request(c, spec)?)),
        Some((first, rest)) => {
            let order = parse_order(first)?;
            Ok(OrderStep::Ready {
                order_id: order.connector_order_id.clone(),
                created: Some(order),
                rest,
            })
        }
    }
}

// ---- authorize ------------------------------------------------------------------------

pub(super) fn authorize(
    c: &Razorpay,
    req: &AuthorizeRequest,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    // Everything that can be checked is checked before the first request, so that no order
    // is created for a payment that cannot be sent.
    let (url, body, mandate) = match &req.payment_method {
        PaymentMethod::Card(card) => {
            let body = card_payment_body(
                &req.amount,
                card,
                req.customer.as_ref(),
                req.browser_info.as_ref(),
                req.return_url.as_deref(),
                &req.metadata,
            )?;
            (c.urls.payment_create_json.clone(), body, None)
        }
        PaymentMethod::Mandate(m) => {
            let (body, customer_id) = recurring_payment_body(req, m)?;
            (
                c.urls.payment_create_recurring.clone(),
                body,
                Some((m.mandate_id.clone(), customer_id)),
            )
        }
        other => {
            let body = method_payment_body(req, other)?;
            (c.urls.payment_create_json.clone(), body, None)
        }
    };
    let spec = OrderSpec {
        amount: &req.amount,
        amount_field: "amount",
        receipt: &req.merchant_reference,
        receipt_field: "merchant_reference",
        capture_method: req.capture_method,
        notes: &req.metadata,
        recurring: None,
    };
    let (order_id, created, rest) =
        match order_step(c, req.connector_order_id.as_deref(), &spec, responses)? {
            OrderStep::Send(request) => return Ok(Step::Send(request)),
            OrderStep::Ready {
                order_id,
                created,
                rest,
            } => (order_id, created, rest),
        };
    // From here on the order exists: every error names it, so that the caller can look its
    // payments up (`GET /v1/orders/{id}/payments`) before paying again.
    let order_ref = order_id.clone();
    let step = match rest {
        [] => {
            let mut body = body;
            body.insert("order_id".into(), Value::String(order_id));
            Ok(Step::Send(c.post_json(url, &Value::Object(body))))
        }
        [response] => {
            let parsed = match &mandate {
                None => {
                    parse_created_payment(response, &order_id, Shopper::of(&req.payment_method))
                }
                Some((token, customer_id)) => {
                    parse_recurring_payment(response, &order_id, token, customer_id)
                }
            };
            let mut result = parsed.map_err(|e| e.with_references(Some(&order_ref), None, None))?;
            if let Some(order) = created {
                result.merchant_reference = result.merchant_reference.or(order.merchant_reference);
                result.amount = result.amount.or(order.amount);
            }
            Ok(Step::Done(result))
        }
        _ => Err(Error::internal(
            "razorpay authorize: more responses than requests",
        )),
    };
    step.map_err(|e| e.with_references(Some(&order_ref), None, None))
}

/// The `create/json` body for a card, without `order_id`.
fn card_payment_body(
    amount: &Money,
    card: &Card,
    customer: Option<&Customer>,
    browser: Option<&BrowserInfo>,
    return_url: Option<&str>,
    notes: &Metadata,
) -> Result<Map<String, Value>> {
    let wire = wire_amount(amount, "amount")?;
    let contact = required_contact(customer)?;
    let email = required_email(customer)?;
    let mut card_json = Map::new();
    card_json.insert("number".into(), json!(card.number.expose()));
    card_json.insert("expiry_month".into(), json!(card.expiry_month));
    // Two digits, as in Razorpay's documented example.
    card_json.insert("expiry_year".into(), json!(card.expiry_year % 100));
    if let Some(cvc) = &card.cvc {
        // A string keeps leading zeros ("012").
        card_json.insert("cvv".into(), json!(cvc.expose()));
    }
    if let Some(name) = card_name(card, customer) {
        card_json.insert("name".into(), json!(name));
    }

    let mut body = Map::new();
    body.insert("amount".into(), json!(wire));
    body.insert("currency".into(), json!(amount.currency.code()));
    body.insert("method".into(), json!("card"));
    body.insert("card".into(), Value::Object(card_json));
    body.insert("contact".into(), json!(contact));
    body.insert("email".into(), json!(email));
    match browser {
        Some(b) => {
            body.insert(
                "authentication".into(),
                json!({"authentication_channel": "browser"}),
            );
            let mut browser_json = Map::new();
            let mut put = |k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    browser_json.insert(k.into(), v);
                }
            };
            put("java_enabled", b.java_enabled.map(Value::from));
            put("javascript_enabled", b.javascript_enabled.map(Value::from));
            put(
                "timezone_offset",
                b.time_zone_offset_minutes.map(Value::from),
            );
            put("color_depth", b.color_depth.map(Value::from));
            put("screen_width", b.screen_width.map(Value::from));
            put("screen_height", b.screen_height.map(Value::from));
            body.insert("browser".into(), Value::Object(browser_json));
            if let Some(ua) = non_empty(b.user_agent.clone()) {
                body.insert("user_agent".into(), json!(ua));
            }
            // The checkout page's URL (never the Accept header).
            if let Some(referer) = non_empty(b.referer.clone()) {
                body.insert("referer".into(), json!(referer));
            }
        }
        None => {
            body.insert(
                "authentication".into(),
                json!({"authentication_channel": "app"}),
            );
        }
    }
    if let Some(ip) = customer.and_then(|c| non_empty(c.ip_address.clone())) {
        body.insert("ip".into(), json!(ip));
    }
    if let Some(url) = return_url {
        body.insert("callback_url".into(), json!(url));
    }
    if !notes.is_empty() {
        body.insert("notes".into(), json!(notes));
    }
    Ok(body)
}

/// The `create/json` body of a UPI, netbanking or wallet payment, without `order_id`
/// (Razorpay docs, "S2S integration: payment methods"): `method` plus `upi{flow, vpa}`,
/// `bank` or `wallet`. Other methods are the typed `unsupported` error.
fn method_payment_body(
    req: &AuthorizeRequest,
    method: &PaymentMethod,
) -> Result<Map<String, Value>> {
    let mut body = Map::new();
    match method {
        PaymentMethod::Upi(upi) => {
            body.insert("method".into(), json!("upi"));
            let mut upi_json = Map::new();
            upi_json.insert("flow".into(), json!(upi.flow.as_str()));
            if let (UpiFlow::Collect, Some(vpa)) = (upi.flow, &upi.vpa) {
                upi_json.insert("vpa".into(), json!(vpa.trim()));
            }
            body.insert("upi".into(), Value::Object(upi_json));
        }
        PaymentMethod::Netbanking(nb) => {
            body.insert("method".into(), json!("netbanking"));
            body.insert("bank".into(), json!(nb.bank_code.trim()));
        }
        PaymentMethod::Ewallet(wallet) => {
            body.insert("method".into(), json!("wallet"));
            body.insert(
                "wallet".into(),
                json!(wallet.provider.trim().to_lowercase()),
            );
        }
        other => {
            return Err(Error::unsupported_payment_method(
                ConnectorName::Razorpay,
                Flow::Authorize,
                other,
            ))
        }
    }
    let redirects = !matches!(method, PaymentMethod::Upi(_));
    if redirects && req.return_url.is_none() {
        return Err(Error::invalid_request(
            "return_url",
            "Razorpay returns the shopper from the bank or wallet page to a callback URL: give a return_url",
        ));
    }
    let wire = wire_amount(&req.amount, "amount")?;
    let customer = req.customer.as_ref();
    body.insert("amount".into(), json!(wire));
    body.insert("currency".into(), json!(req.amount.currency.code()));
    body.insert("contact".into(), json!(required_contact(customer)?));
    body.insert("email".into(), json!(required_email(customer)?));
    if let Some(ip) = customer.and_then(|c| non_empty(c.ip_address.clone())) {
        body.insert("ip".into(), json!(ip));
    }
    if let Some(b) = &req.browser_info {
        if let Some(ua) = non_empty(b.user_agent.clone()) {
            body.insert("user_agent".into(), json!(ua));
        }
        if let Some(referer) = non_empty(b.referer.clone()) {
            body.insert("referer".into(), json!(referer));
        }
    }
    if let Some(url) = &req.return_url {
        body.insert("callback_url".into(), json!(url));
    }
    if !req.metadata.is_empty() {
        body.insert("notes".into(), json!(req.metadata));
    }
    Ok(body)
}

/// The `create/recurring` body of a mandate charge (Razorpay "Recurring Payments API > Create a
/// Recurring Payment"), without `order_id`;
/// also returns the customer id.
fn recurring_payment_body(
    req: &AuthorizeRequest,
    m: &MandateReference,
) -> Result<(Map<String, Value>, String)> {
    let wire = wire_amount(&req.amount, "amount")?;
    let customer_id = m
        .connector_customer_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            Error::invalid_request(
                "payment_method.connector_customer_id",
                "Razorpay charges a mandate for a customer: pass the connector_customer_id returned by setup_mandate",
            )
        })?;
    let customer_id = checked_id("payment_method.connector_customer_id", customer_id)?.to_string();
    let token = checked_id("payment_method.mandate_id", &m.mandate_id)?.to_string();
    let contact = required_contact(req.customer.as_ref())?;
    let email = required_email(req.customer.as_ref())?;
    let mut body = Map::new();
    body.insert("amount".into(), json!(wire));
    body.insert("currency".into(), json!(req.amount.currency.code()));
    body.insert("customer_id".into(), json!(customer_id));
    body.insert("token".into(), json!(token));
    body.insert("recurring".into(), json!("1"));
    body.insert("contact".into(), json!(contact));
    body.insert("email".into(), json!(email));
    if !req.metadata.is_empty() {
        body.insert("notes".into(), json!(req.metadata));
    }
    Ok((body, customer_id))
}

// ---- setup_mandate --------------------------------------------------------------------

pub(super) fn setup_mandate(
    c: &Razorpay,
    req: &SetupMandateRequest,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    let card = match &req.payment_method {
        PaymentMethod::Card(card) => card,
        _ => {
            return Err(Error::invalid_request(
                "payment_method",
                "a Razorpay mandate is set up from a card",
            ))
        }
    };
    if req.amount.minor_units <= 0 {
        return Err(Error::invalid_request(
            "amount",
            "Razorpay sets up a card mandate with a paid authorization transaction (₹1 in its docs); \
             a zero amount is not accepted",
        ));
    }
    let payment_body = card_payment_body(
        &req.amount,
        card,
        Some(&req.customer),
        req.browser_info.as_ref(),
        req.return_url.as_deref(),
        &req.metadata,
    )?;

    // Step 0: the customer (an existing one with the same details is returned, not an error).
    let (customer_response, rest) = match responses.split_first() {
        None => return Ok(Step::Send(customer_request(c, req, card)?)),
        Some(split) => split,
    };
    let customer_id = parse_customer(customer_response)?;

    // Step 1: the authorization order, bound to the customer, with the mandate's limits.
    let mut recurring = Map::new();
    recurring.insert("customer_id".into(), json!(customer_id));
    recurring.insert("method".into(), json!("card"));
    recurring.insert(
        "token".into(),
        json!({
            "max_amount": c.mandate_max_amount,
            "expire_at": card_expiry_end(card),
            "frequency": c.mandate_frequency,
        }),
    );
    let spec = OrderSpec {
        amount: &req.amount,
        amount_field: "amount",
        receipt: &req.merchant_reference,
        receipt_field: "merchant_reference",
        // The token is confirmed once the authorization payment is captured.
        capture_method: CaptureMethod::Automatic,
        notes: &req.metadata,
        recurring: Some(recurring),
    };
    let (order_id, created, rest) =
        match order_step(c, req.connector_order_id.as_deref(), &spec, rest)? {
            OrderStep::Send(request) => return Ok(Step::Send(request)),
            OrderStep::Ready {
                order_id,
                created,
                rest,
            } => (order_id, created, rest),
        };

    // Step 2: the authorization payment; the customer then authenticates (redirect). Every
    // error from here on names the order.
    let order_ref = order_id.clone();
    let step = match rest {
        [] => {
            let mut body = payment_body;
            body.insert("order_id".into(), Value::String(order_id));
            body.insert("customer_id".into(), json!(customer_id));
            body.insert("recurring".into(), json!("1"));
            Ok(Step::Send(c.post_json(
                c.urls.payment_create_json.clone(),
                &Value::Object(body),
            )))
        }
        [response] => {
            let mut result = parse_created_payment(response, &order_id, Shopper::Card)
                .map_err(|e| e.with_references(Some(&order_ref), None, None))?;
            result.connector_customer_id = Some(customer_id);
            if let Some(order) = created {
                result.merchant_reference = result.merchant_reference.or(order.merchant_reference);
                result.amount = result.amount.or(order.amount);
            }
            Ok(Step::Done(result))
        }
        _ => Err(Error::internal(
            "razorpay setup_mandate: more responses than requests",
        )),
    };
    step.map_err(|e| e.with_references(Some(&order_ref), None, None))
}

/// `POST /v1/customers` with `fail_existing: "0"` (return the existing customer with the same
/// details instead of failing).
fn customer_request(c: &Razorpay, req: &SetupMandateRequest, card: &Card) -> Result<HttpRequest> {
    let customer = &req.customer;
    let contact = required_contact(Some(customer))?;
    let mut body = Map::new();
    if let Some(name) = customer_name(customer).or_else(|| non_empty(card.holder_name.clone())) {
        body.insert("name".into(), json!(name));
    }
    if let Some(email) = non_empty(customer.email.clone()) {
        body.insert("email".into(), json!(email));
    }
    body.insert("contact".into(), json!(contact));
    body.insert("fail_existing".into(), json!("0"));
    if let Some(id) = non_empty(customer.id.clone()) {
        body.insert("notes".into(), json!({"merchant_customer_id": id}));
    }
    Ok(c.post_json(c.urls.customers.clone(), &Value::Object(body)))
}

// ---- psync ----------------------------------------------------------------------------

pub(super) fn get_payment(
    c: &Razorpay,
    req: &PaymentGetRequest,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    let capture_method = req.capture_method;
    let order_hint = req.connector_order_id.as_deref();
    match psync_target(c, req)? {
        PsyncTarget::Payment(id, field) => single_exchange(
            responses,
            || Ok(c.get(c.id_url("payments", field, id, "")?)),
            |r| parse_payment(r, capture_method, order_hint, Some(id.trim())),
        )
        .map_err(|e| e.with_references(order_hint, Some(id.trim()), None)),
        PsyncTarget::OrderPayments(id) => single_exchange(
            responses,
            || Ok(c.get(c.id_url("orders", "connector_order_id", id, "/payments")?)),
            |r| parse_order_payments(r, id.trim(), capture_method),
        )
        .map_err(|e| e.with_references(Some(id.trim()), None, None)),
        PsyncTarget::Receipt(reference) => {
            payment_by_receipt(c, reference, capture_method, responses)
        }
    }
}

/// PSync by your `merchant_reference` (the order `receipt`), for a call that failed without
/// an id: `GET /v1/orders?receipt=` (Razorpay API reference, "Fetch All Orders"), then the
/// chosen order's payments. `not_found` without an order id: no order has that receipt, so
/// nothing was made under it; `not_found` with `connector_order_id`: the order exists and
/// nothing was paid on it.
fn payment_by_receipt(
    c: &Razorpay,
    reference: &str,
    capture_method: Option<CaptureMethod>,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    let reference = super::receipt(reference, "merchant_reference", "order")?;
    let Some((list, rest)) = responses.split_first() else {
        let query = utf8_percent_encode(reference, NON_ALPHANUMERIC);
        return Ok(Step::Send(c.get(format!(
            "{}?receipt={query}&count={}",
            c.urls.orders,
            super::LIST_MAX
        ))));
    };
    let order_id = order_with_receipt(list, reference)?;
    let step = match rest {
        [] => Ok(Step::Send(c.get(c.id_url(
            "orders",
            "connector_order_id",
            &order_id,
            "/payments",
        )?))),
        [payments] => parse_order_payments(payments, &order_id, capture_method).map(Step::Done),
        _ => Err(Error::internal(
            "razorpay psync: more responses than requests",
        )),
    };
    step.map_err(|e| e.with_references(Some(&order_id), None, None))
}

/// The order an order list gives for `reference`: of those whose receipt it is, the paid one,
/// else one with a payment attempt, else the newest.
fn order_with_receipt(response: &HttpResponse, reference: &str) -> Result<String> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let list: Collection<OrderEntity> = parse_success(response, "order collection")?;
    let rank = |o: &OrderEntity| match o.status.as_deref() {
        Some("paid") => 2,
        Some("attempted") => 1,
        _ => 0,
    };
    let best = list
        .items
        .into_iter()
        .enumerate()
        .filter(|(_, o)| o.receipt.as_deref().map(str::trim) == Some(reference))
        // Razorpay lists the newest first: on equal timestamps, the earlier item wins.
        .max_by_key(|(i, o)| {
            (
                rank(o),
                o.created_at.unwrap_or(i64::MIN),
                std::cmp::Reverse(*i),
            )
        })
        .map(|(_, o)| o);
    let Some(order) = best else {
        let mut e = Error::new(
            ErrorCode::NotFound,
            format!("Razorpay has no order with receipt `{reference}`: nothing was made under it"),
        );
        e.http_status = Some(response.status);
        return Err(e.with_request_id(response.request_id()));
    };
    // The id goes into the next request's path.
    non_empty(order.id)
        .filter(|id| checked_id("id", id).is_ok())
        .ok_or_else(|| {
            super::invalid_response(
                response,
                "Razorpay listed an order without a valid Razorpay id",
            )
        })
}

/// Which payment to read. A return carrying `razorpay_signature` is verified first against
/// the order id of the request (never the one in the return); a mismatch is an
/// `invalid_request` error: the return is forged, or belongs to another order.
fn psync_target<'a>(c: &Razorpay, req: &'a PaymentGetRequest) -> Result<PsyncTarget<'a>> {
    if let Some(rr) = &req.redirect_result {
        let get = |k: &str| rr.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
        let payment_id = get("razorpay_payment_id");
        let signature = get("razorpay_signature");
        if let Some(signature) = signature {
            let payment_id = payment_id.ok_or_else(|| {
                Error::invalid_request(
                    "redirect_result.razorpay_payment_id",
                    "is missing next to razorpay_signature",
                )
            })?;
            let order_id = req.connector_order_id.as_deref().map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| {
                Error::invalid_request(
                    "connector_order_id",
                    "is required to verify razorpay_signature: the signature covers the order you created, \
                     whose id is never taken from the return",
                )
            })?;
            if !return_signature_valid(c, order_id, payment_id, signature)? {
                return Err(Error::invalid_request(
                    "redirect_result.razorpay_signature",
                    "does not match the order and the payment: the return parameters are forged, altered, \
                     or belong to another order",
                ));
            }
            return Ok(PsyncTarget::Payment(
                payment_id,
                "redirect_result.razorpay_payment_id",
            ));
        }
        if payment_id.is_some()
            && req.connector_transaction_id.is_none()
            && req.connector_order_id.is_none()
        {
            return Err(Error::invalid_request(
                "redirect_result.razorpay_signature",
                "is missing, so the return cannot be trusted: pass connector_order_id or connector_transaction_id",
            ));
        }
        // A return without a signature (e.g. a failed payment's error fields) proves nothing:
        // the payment is read by the ids the merchant already holds.
    }
    if let Some(id) = req.connector_transaction_id.as_deref() {
        return Ok(PsyncTarget::Payment(id, "connector_transaction_id"));
    }
    if let Some(id) = req.connector_order_id.as_deref() {
        return Ok(PsyncTarget::OrderPayments(id));
    }
    if let Some(reference) = req.merchant_reference.as_deref() {
        return Ok(PsyncTarget::Receipt(reference));
    }
    Err(Error::invalid_request(
        "connector_transaction_id",
        "give connector_transaction_id, connector_order_id, merchant_reference, or a verifiable redirect_result",
    ))
}

/// `razorpay_signature` = hex HMAC-SHA256(key_secret, `order_id|payment_id`), compared in
/// constant time.
pub(super) fn return_signature_valid(
    c: &Razorpay,
    order_id: &str,
    payment_id: &str,
    signature: &str,
) -> Result<bool> {
    let message = format!("{order_id}|{payment_id}");
    hmac_matches(
        c.key_secret.expose().as_bytes(),
        message.as_bytes(),
        signature,
    )
}

// ---- capture --------------------------------------------------------------------------

pub(super) fn capture(
    c: &Razorpay,
    req: &CaptureRequest,
    responses: &[HttpResponse],
) -> Result<Step<PaymentResponse>> {
    let amount = wire_amount(&req.amount, "amount")?;
    if let Some(authorized) = &req.authorized_amount {
        if authorized != &req.amount {
            return Err(Error::invalid_request(
                "amount",
                format!(
                    "Razorpay captures exactly the authorized amount (no partial capture): capture {authorized}, not {}",
                    req.amount
                ),
            ));
        }
    }
    single_exchange(
        responses,
        || {
            let url = c.id_url(
                "payments",
                "connector_transaction_id",
                &req.connector_transaction_id,
                "/capture",
            )?;
            Ok(c.post_json(
                url,
                &json!({"amount": amount, "currency": req.amount.currency.code()}),
            ))
        },
        |r| {
            parse_payment(
                r,
                Some(CaptureMethod::Manual),
                None,
                Some(req.connector_transaction_id.trim()),
            )
        },
    )
    // The payment concerned: sync it before capturing again.
    .map_err(|e| e.with_references(None, Some(req.connector_transaction_id.trim()), None))
}

/// The customer's phone number, which Razorpay requires (`contact`) to create a payment.
fn required_contact(customer: Option<&Customer>) -> Result<String> {
    customer
        .and_then(|c| non_empty(c.phone.clone()))
        .ok_or_else(|| {
            Error::invalid_request(
                "customer.phone",
                "Razorpay requires the customer's phone number (`contact`) to create a payment",
            )
        })
}

/// The customer's email, which Razorpay requires with `contact` to create a payment (Razorpay
/// docs, "S2S integration: Create Payment Json"; `create/recurring` takes both too).
fn required_email(customer: Option<&Customer>) -> Result<String> {
    customer.and_then(|c| non_empty(c.email.clone())).ok_or_else(|| {
        Error::invalid_request(
            "customer.email",
            "Razorpay requires the customer's email (`email`) with the phone number to create a payment",
        )
    })
}

fn customer_name(c: &Customer) -> Option<String> {
    let parts: Vec<String> = [&c.first_name, &c.last_name]
        .into_iter()
        .filter_map(|p| non_empty(p.clone()))
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(" "))
    }
}

fn card_name(card: &Card, customer: Option<&Customer>) -> Option<String> {
    non_empty(card.holder_name.clone()).or_else(|| customer.and_then(customer_name))
}

/// The last second of the card's expiry month (UTC), as Unix seconds: a card mandate cannot
/// outlive the card.
pub(super) fn card_expiry_end(card: &Card) -> i64 {
    let (year, month) = if card.expiry_month >= 12 {
        (card.expiry_year as i64 + 1, 1)
    } else {
        (card.expiry_year as i64, card.expiry_month as i64 + 1)
    };
    crate::calendar::days_from_civil(year, month, 1) * 86_400 - 1
}

/// The customer entity's id.
fn parse_customer(response: &HttpResponse) -> Result<String> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let customer: IdEntity = parse_success(response, "customer")?;
    non_empty(customer.id)
        .ok_or_else(|| super::invalid_response(response, "Razorpay's customer has no id"))
}

/// How the shopper of a created payment goes on, by its method.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shopper {
    /// A card: 3-D Secure or the native OTP (`next[]` always says which).
    Card,
    /// UPI: approves in their UPI app (collect), or opens it (intent).
    Upi,
    /// Netbanking or a wallet: the bank's or wallet's page (`next[]` redirect).
    Redirect,
}

impl Shopper {
    fn of(method: &PaymentMethod) -> Shopper {
        match method {
            PaymentMethod::Card(_) => Shopper::Card,
            PaymentMethod::Upi(_) => Shopper::Upi,
            _ => Shopper::Redirect,
        }
    }
}

/// The `create/json` answer of a card, UPI, netbanking or wallet payment: never final, the
/// shopper acts next (`next[]`: `redirect`, `intent`, `poll`, or the native OTP actions).
fn parse_created_payment(
    response: &HttpResponse,
    order_id: &str,
    shopper: Shopper,
) -> Result<PaymentResponse> {
    if !response.is_success() {
        return errors::payment_failure(response, Some(order_id));
    }
    let created: CreatedPayment = parse_success(response, "payment creation answer")?;
    if created.razorpay_payment_id.is_none() {
        if let Some(e) = respawn_error(&created) {
            return Err(e);
        }
    }
    let link = non_empty(created.link.clone());
    let payment_id = non_empty(created.razorpay_payment_id).ok_or_else(|| {
        super::invalid_response(
            response,
            "Razorpay's payment creation answer has no razorpay_payment_id",
        )
    })?;
    let entries: Vec<NextEntry> = match created.next {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => Vec::new(),
    };
    // A UPI collect created through `create/upi` answers with the payment id alone: the
    // shopper approves in their UPI app. A card or a redirect method cannot go on without an
    // action (spec §3.2: "a response without `next` is an error").
    if entries.is_empty() && link.is_none() && shopper != Shopper::Upi {
        return Err(super::invalid_response(
            response,
            "Razorpay's payment creation answer has no next[] actions (a card, netbanking or \
             wallet payment always needs one)",
        ));
    }
    let card = shopper == Shopper::Card;
    let url_of = |action: &str| {
        entries
            .iter()
            .find_map(|e| match (e.action.as_deref(), non_empty(e.url.clone())) {
                (Some(a), Some(url)) if a == action => Some(url),
                _ => None,
            })
    };
    // The shopper's step, most direct first: a page to open, an app to switch to (the intent
    // URI is opaque and passed on unchanged), or approval elsewhere while the payment is polled.
    let next_action = if let Some(url) = url_of("redirect") {
        NextAction::Redirect(RedirectAction {
            url,
            method: HttpMethod::Get,
            form_fields: Default::default(),
        })
    } else if let Some(url) = url_of("intent").or(link) {
        NextAction::DeepLink(DeepLinkAction { url })
    } else if entries.is_empty() || (!card && url_of("poll").is_some()) {
        NextAction::Await(AwaitAction {
            description: Some(
                "approve the payment in the UPI app; the outcome comes by sync or webhook".into(),
            ),
        })
    } else {
        // Only native actions (e.g. OTP) offered: hand them over as they came.
        let first = entries
            .iter()
            .find_map(|e| non_empty(e.action.clone()))
            .ok_or_else(|| {
                super::invalid_response(response, "Razorpay's next[] has no usable action")
            })?;
        let data = serde_json::to_string(
            &entries
                .iter()
                .map(|e| json!({"action": e.action, "url": e.url}))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_default();
        NextAction::Sdk(SdkAction {
            action_type: first,
            data,
        })
    };
    let mut r = PaymentResponse::new(
        ConnectorName::Razorpay,
        PaymentStatus::AuthenticationPending,
    );
    r.connector_transaction_id = Some(payment_id);
    r.connector_order_id = Some(order_id.to_string());
    r.next_action = Some(next_action);
    r.http_status = Some(response.status);
    r.request_id = response.request_id();
    r.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(r)
}

/// A `respawn` answer (HTTP 200, no payment id): Razorpay created no payment and asks for the
/// request fields in `missing` (e.g. `vpa` of a UPI collect). The request was incomplete, so
/// this is `invalid_request` naming those fields; nothing was created to look up.
fn respawn_error(created: &CreatedPayment) -> Option<Error> {
    let missing: Vec<&str> = created
        .missing
        .iter()
        .map(|m| m.trim())
        .filter(|m| !m.is_empty())
        .collect();
    let respawn = created
        .kind
        .as_deref()
        .is_some_and(|k| k.trim().eq_ignore_ascii_case("respawn"));
    if !respawn && missing.is_empty() {
        return None;
    }
    let field = match missing.as_slice() {
        [one] => format!("payment_method.{one}"),
        _ => "payment_method".to_string(),
    };
    let message = if missing.is_empty() {
        "Razorpay did not create the payment and asks for more details (a `respawn` answer)"
            .to_string()
    } else {
        format!(
            "Razorpay did not create the payment: it asks for the missing field(s) {}",
            missing.join(", ")
        )
    };
    Some(Error::invalid_request(field, message))
}

/// The `create/recurring` answer (`razorpay_payment_id`, `razorpay_order_id`,
/// `razorpay_signature`): the charge is accepted; its outcome comes by PSync or webhook.
fn parse_recurring_payment(
    response: &HttpResponse,
    order_id: &str,
    token: &str,
    customer_id: &str,
) -> Result<PaymentResponse> {
    let mut r = if response.is_success() {
        let created: CreatedPayment = parse_success(response, "recurring payment answer")?;
        let payment_id = non_empty(created.razorpay_payment_id).ok_or_else(|| {
            super::invalid_response(
                response,
                "Razorpay's recurring payment answer has no razorpay_payment_id",
            )
        })?;
        let mut r = PaymentResponse::new(ConnectorName::Razorpay, PaymentStatus::Pending);
        r.connector_transaction_id = Some(payment_id);
        r.connector_order_id =
            non_empty(created.razorpay_order_id).or_else(|| Some(order_id.to_string()));
        r.http_status = Some(response.status);
        r.request_id = response.request_id();
        r.raw_response = Some(mask_body(response.body.as_slice()));
        r
    } else {
        errors::payment_failure(response, Some(order_id))?
    };
    r.mandate_id = Some(token.to_string());
    r.connector_customer_id = Some(customer_id.to_string());
    Ok(r)
}

/// Razorpay payment status into the unified one (Razorpay docs, "Payments > Payment Life Cycle").
/// A status this connector does not know is `pending`: the payment exists, its outcome is not
/// final as far as this connector can tell, and it comes by sync or webhook (the raw status is
/// kept in `connector_status`).
pub(super) fn payment_status(
    status: &str,
    captured: Option<bool>,
    capture_method: Option<CaptureMethod>,
) -> PaymentStatus {
    match status.trim().to_ascii_lowercase().as_str() {
        // `created` is refined by [`payment_from_entity`]: a payment still waiting for the
        // customer is `authentication_pending`.
        "created" | "pending" => PaymentStatus::Pending,
        // With automatic capture the capture follows on its own; without knowing the capture
        // mode, the funds are held: authorized.
        "authorized" => match capture_method {
            Some(CaptureMethod::Automatic) => PaymentStatus::Pending,
            _ => PaymentStatus::Authorized,
        },
        "captured" => PaymentStatus::Charged,
        // An expired authorization refunded automatically; otherwise a refunded capture (the
        // refunds are tracked on their own).
        "refunded" if captured == Some(false) => PaymentStatus::AutoRefunded,
        "refunded" => PaymentStatus::Charged,
        "failed" => PaymentStatus::Failure,
        _ => PaymentStatus::Pending,
    }
}

/// The decline details of a failed payment entity.
pub(super) fn entity_decline(p: &PaymentEntity) -> DeclineDetails {
    DeclineDetails {
        code: non_empty(p.error_code.clone()),
        message: non_empty(p.error_description.clone()),
        reason: non_empty(p.error_reason.clone()),
        network_decline_code: None,
        network_advice_code: None,
    }
}

/// What a payment still in `created` waits for. Razorpay creates a payment in `created` and
/// moves it on once the customer has authenticated or approved it (Razorpay docs, "Payments >
/// Payment Life Cycle"), so a `created` payment is `authentication_pending`: for UPI the
/// customer approves in their UPI app (nothing to open, so `await`); for cards, netbanking and
/// wallets the redirect or OTP step returned by authorize is still outstanding (the entity does
/// not repeat its URL, so no next action). A charge of a saved token (`token_id`, e.g. a
/// mandate charge through `create/recurring`) involves no customer and stays `pending`.
fn awaiting_customer(p: &PaymentEntity) -> Option<Option<NextAction>> {
    if non_empty(p.token_id.clone()).is_some() {
        return None;
    }
    let method = p.method.as_deref().map(|m| m.trim().to_ascii_lowercase());
    Some(match method.as_deref() {
        Some("upi") => Some(NextAction::Await(AwaitAction {
            description: Some(
                "approve the payment in the UPI app; the outcome comes by sync or webhook".into(),
            ),
        })),
        _ => None,
    })
}

/// A payment entity into a [`PaymentResponse`]. With `expected_id`, an entity of another
/// payment is an `invalid_response` (never the other payment's status).
fn payment_from_entity(
    p: PaymentEntity,
    capture_method: Option<CaptureMethod>,
    response: &HttpResponse,
    expected_id: Option<&str>,
) -> Result<PaymentResponse> {
    let id = non_empty(p.id.clone())
        .ok_or_else(|| super::invalid_response(response, "Razorpay's payment has no id"))?;
    if let Some(expected) = expected_id {
        if id != expected {
            // Not `super::invalid_response`: the id in this body is not the payment concerned.
            let mut e = Error::invalid_response(format!(
                "Razorpay answered with payment {id} to a request about payment {expected}"
            ));
            e.http_status = Some(response.status);
            return Err(e.with_request_id(response.request_id()));
        }
    }
    let raw_status = non_empty(p.status.clone())
        .ok_or_else(|| super::invalid_response(response, "Razorpay's payment has no status"))?;
    let mut status = payment_status(&raw_status, p.captured, capture_method);
    let mut next_action = None;
    if raw_status == "created" {
        if let Some(action) = awaiting_customer(&p) {
            status = PaymentStatus::AuthenticationPending;
            next_action = action;
        }
    }
    let amount = response_money(response, &p.amount, p.currency.as_deref())?;
    let mut r = PaymentResponse::new(ConnectorName::Razorpay, status);
    r.next_action = next_action;
    if status == PaymentStatus::Failure {
        r.decline = Some(entity_decline(&p));
    }
    r.connector_status = Some(raw_status);
    r.connector_transaction_id = Some(id);
    r.connector_order_id = non_empty(p.order_id.clone());
    r.mandate_id = non_empty(p.token_id.clone());
    r.connector_customer_id = non_empty(p.customer_id.clone());
    r.amount = amount;
    r.http_status = Some(response.status);
    r.request_id = response.request_id();
    r.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(r)
}

/// A payment entity answer (PSync, capture).
fn parse_payment(
    response: &HttpResponse,
    capture_method: Option<CaptureMethod>,
    order_hint: Option<&str>,
    expected_id: Option<&str>,
) -> Result<PaymentResponse> {
    if !response.is_success() {
        return errors::payment_failure(response, order_hint);
    }
    let entity: PaymentEntity = parse_success(response, "payment")?;
    payment_from_entity(entity, capture_method, response, expected_id)
}

/// `GET /v1/orders/{id}/payments`: the payment that decides the order — the latest successful
/// one (an order is paid once; earlier attempts may have failed), else the latest attempt.
fn parse_order_payments(
    response: &HttpResponse,
    order_id: &str,
    capture_method: Option<CaptureMethod>,
) -> Result<PaymentResponse> {
    if !response.is_success() {
        return errors::payment_failure(response, Some(order_id));
    }
    let collection: Collection<PaymentEntity> = parse_success(response, "payment collection")?;
    // Every payment listed must belong to the order asked about.
    if let Some(other) = collection
        .items
        .iter()
        .filter_map(|p| non_empty(p.order_id.clone()))
        .find(|o| o != order_id)
    {
        let mut e = Error::invalid_response(format!(
            "Razorpay listed a payment of order {other} for order {order_id}"
        ));
        e.http_status = Some(response.status);
        return Err(e.with_request_id(response.request_id()));
    }
    let successful = |p: &PaymentEntity| {
        matches!(
            p.status.as_deref(),
            Some("captured" | "authorized" | "refunded")
        )
    };
    let chosen = collection
        .items
        .into_iter()
        .enumerate()
        // Razorpay lists the newest first: on equal timestamps, the earlier item wins.
        .max_by_key(|(i, p)| {
            (
                successful(p),
                p.created_at.unwrap_or(i64::MIN),
                std::cmp::Reverse(*i),
            )
        })
        .map(|(_, p)| p);
    match chosen {
        Some(p) => {
            let mut r = payment_from_entity(p, capture_method, response, None)?;
            r.connector_order_id
                .get_or_insert_with(|| order_id.to_string());
            Ok(r)
        }
        None => {
            let mut e = Error::new(
                ErrorCode::NotFound,
                format!("Razorpay order {order_id} has no payment yet"),
            );
            e.http_status = Some(response.status);
            Err(e.with_request_id(response.request_id()))
        }
    }
}
