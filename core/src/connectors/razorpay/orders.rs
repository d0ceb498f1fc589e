//! CreateOrder (`POST /v1/orders`, Razorpay API reference, "Orders > Create an Order"): the order every payment belongs to.

use serde_json::{json, Map, Value};

use super::wire::{non_empty, OrderEntity};
use super::{errors, parse_success, response_money, wire_amount, Razorpay};
use crate::connector::single_exchange;
use crate::error::Result;
use crate::http::{HttpRequest, HttpResponse, Step};
use crate::mask::mask_body;
use crate::money::Money;
use crate::types::*;

/// The order fields shared by create_order, the order pre-step of authorize, and the
/// authorization order of setup_mandate.
pub(super) struct OrderSpec<'a> {
    pub amount: &'a Money,
    pub amount_field: &'a str,
    pub receipt: &'a str,
    pub receipt_field: &'a str,
    pub capture_method: CaptureMethod,
    pub notes: &'a Metadata,
    /// For a mandate's authorization order: `customer_id`, `method` and `token{}`.
    pub recurring: Option<Map<String, Value>>,
}

pub(super) fn create_order(
    c: &Razorpay,
    req: &CreateOrderRequest,
    responses: &[HttpResponse],
) -> Result<Step<OrderResponse>> {
    let spec = OrderSpec {
        amount: &req.amount,
        amount_field: "amount",
        receipt: &req.merchant_reference,
        receipt_field: "merchant_reference",
        capture_method: req.capture_method,
        notes: &req.metadata,
        recurring: None,
    };
    single_exchange(responses, || order_request(c, &spec), parse_order)
}

/// `POST /v1/orders`.
pub(super) fn order_request(c: &Razorpay, spec: &OrderSpec<'_>) -> Result<HttpRequest> {
    let amount = wire_amount(spec.amount, spec.amount_field)?;
    let receipt = super::receipt(spec.receipt, spec.receipt_field, "order")?;
    let mut body = json!({
        "amount": amount,
        "currency": spec.amount.currency.code(),
        "receipt": receipt,
        "payment_capture": match spec.capture_method {
            CaptureMethod::Automatic => 1,
            CaptureMethod::Manual => 0,
        },
    });
    if !spec.notes.is_empty() {
        body["notes"] = json!(spec.notes);
    }
    if let Some(extra) = &spec.recurring {
        for (k, v) in extra {
            body[k] = v.clone();
        }
    }
    Ok(c.post_json(c.urls.orders.clone(), &body))
}

/// The order entity into an [`OrderResponse`]; errors for non-2xx answers.
pub(super) fn parse_order(response: &HttpResponse) -> Result<OrderResponse> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let order: OrderEntity = parse_success(response, "order")?;
    let id = non_empty(order.id)
        .ok_or_else(|| super::invalid_response(response, "Razorpay's order has no id"))?;
    // A status this connector does not know is taken as `created` (nothing known to be paid);
    // the raw value stays in `connector_status`.
    let status = match order.status.as_deref().map(str::trim) {
        Some("attempted") => OrderStatus::Attempted,
        Some("paid") => OrderStatus::Paid,
        _ => OrderStatus::Created,
    };
    let amount = response_money(response, &order.amount, order.currency.as_deref())?;
    Ok(OrderResponse {
        status,
        connector: ConnectorName::Razorpay,
        connector_order_id: id,
        connector_status: order.status,
        merchant_reference: non_empty(order.receipt),
        amount,
        idempotency_key: None,
        request_id: response.request_id(),
        http_status: Some(response.status),
        raw_response: Some(mask_body(response.body.as_slice())),
    })
}
