//! Payments: authorize and setup_mandate (`POST /payment_requests`), PSync
//! (`GET /payment_requests/{id}`) and capture (`POST /payment_requests/{id}/captures`).
//!
//! Request fields: the Xendit Node SDK `PaymentRequestParameters`, `PaymentMethodParameters`,
//! `CardChannelProperties`, `CardInformation` and `CaptureParameters` models. Declines are not
//! HTTP errors: the payment request comes back 2xx with `status: "FAILED"` and a
//! `failure_code` (Xendit docs "Card declines and error codes"), which is a `failure` result
//! with [`DeclineDetails`].

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::amounts::{from_wire, to_wire};
use super::errors::{self, invalid_response, parse_success};
use super::wire::{Action, Capture, OperationStatus, PaymentRequest, PaymentRequestStatus};
use super::{ewallets, Xendit};
use crate::error::{Error, Result};
use crate::http::HttpResponse;
use crate::mask::mask_body;
use crate::secret::Secret;
use crate::types::*;

/// `payment_method.reusability`: the card is used once, or saved for later payments.
const ONE_TIME_USE: &str = "ONE_TIME_USE";
const MULTIPLE_USE: &str = "MULTIPLE_USE";

impl Xendit {
    /// The `POST /payment_requests` body of an authorization: a card (with 3-D Secure unless
    /// skipped), or a saved payment method (`payment_method_id`) charged by the merchant.
    pub(super) fn authorize_body(&self, req: &AuthorizeRequest) -> Result<Value> {
        let mut body = Map::new();
        body.insert("reference_id".into(), req.merchant_reference.clone().into());
        body.insert("amount".into(), to_wire(&req.amount, "amount")?);
        body.insert("currency".into(), req.amount.currency.code().into());
        body.insert(
            "capture_method".into(),
            capture_method(req.capture_method).into(),
        );
        match &req.payment_method {
            PaymentMethod::Card(card) => {
                let method = card_payment_method(
                    card,
                    req.customer.as_ref(),
                    req.return_url.as_deref(),
                    req.authentication_type,
                    ONE_TIME_USE,
                )?;
                body.insert("payment_method".into(), method);
            }
            PaymentMethod::Mandate(mandate) => {
                let id = mandate.mandate_id.trim();
                if id.is_empty() {
                    return Err(Error::invalid_request(
                        "payment_method.mandate_id",
                        "must not be empty",
                    ));
                }
                // A merchant-initiated charge of a saved card: the shopper is not there to
                // authenticate, so 3-D Secure is skipped unless it is asked for explicitly.
                body.insert("payment_method_id".into(), id.into());
                body.insert(
                    "channel_properties".into(),
                    channel_properties(
                        req.return_url.as_deref(),
                        req.authentication_type != AuthenticationType::ThreeDs,
                    ),
                );
            }
            PaymentMethod::Ewallet(wallet) => return ewallets::ewallet_body(req, wallet),
            other => {
                return Err(Error::unsupported_payment_method(
                    ConnectorName::Xendit,
                    Flow::Authorize,
                    other,
                ))
            }
        }
        put_metadata(&mut body, &req.metadata);
        Ok(Value::Object(body))
    }

    /// The body that saves a card: a card payment request with `reusability: MULTIPLE_USE`
    /// ("pay and save"); the answer's `payment_method.id` (`pm-...`) is the mandate. Xendit's
    /// Payment Requests API has no zero-amount verification, so the amount must be positive.
    pub(super) fn setup_mandate_body(&self, req: &SetupMandateRequest) -> Result<Value> {
        let PaymentMethod::Card(card) = &req.payment_method else {
            return Err(Error::invalid_request(
                "payment_method",
                "Xendit saves a card: give a card payment method",
            ));
        };
        if req.amount.minor_units == 0 {
            return Err(Error::invalid_request(
                "amount",
                "Xendit saves a card with a payment (reusability MULTIPLE_USE); the Payment \
                 Requests API has no zero-amount verification, so give a positive amount",
            ));
        }
        let mut body = Map::new();
        body.insert("reference_id".into(), req.merchant_reference.clone().into());
        body.insert("amount".into(), to_wire(&req.amount, "amount")?);
        body.insert("currency".into(), req.amount.currency.code().into());
        body.insert(
            "capture_method".into(),
            capture_method(CaptureMethod::Automatic).into(),
        );
        body.insert(
            "payment_method".into(),
            card_payment_method(
                card,
                Some(&req.customer),
                req.return_url.as_deref(),
                req.authentication_type,
                MULTIPLE_USE,
            )?,
        );
        put_metadata(&mut body, &req.metadata);
        Ok(Value::Object(body))
    }
}

fn capture_method(capture: CaptureMethod) -> &'static str {
    match capture {
        CaptureMethod::Automatic => "AUTOMATIC",
        CaptureMethod::Manual => "MANUAL",
    }
}

/// `channel_properties` of a card: where the shopper lands after 3-D Secure (the same URL for
/// success and failure: the outcome is read by PSync or a callback), and whether to skip 3-D
/// Secure.
fn channel_properties(return_url: Option<&str>, skip_three_d_secure: bool) -> Value {
    let mut properties = Map::new();
    properties.insert("skip_three_d_secure".into(), skip_three_d_secure.into());
    if let Some(url) = return_url {
        properties.insert("success_return_url".into(), url.into());
        properties.insert("failure_return_url".into(), url.into());
    }
    Value::Object(properties)
}

/// `payment_method` for a card. Xendit expects the cardholder's name, email and phone number
/// with the card (`CardInformation`), so all three are required.
fn card_payment_method(
    card: &Card,
    customer: Option<&Customer>,
    return_url: Option<&str>,
    authentication: AuthenticationType,
    reusability: &str,
) -> Result<Value> {
    let holder_name = card
        .holder_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .or_else(|| customer.and_then(customer_name))
        .ok_or_else(|| {
            Error::invalid_request(
                "payment_method.holder_name",
                "Xendit requires the cardholder's name (the card's holder_name or the customer's name)",
            )
        })?;
    let email = customer
        .and_then(|c| c.email.as_deref())
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| {
            Error::invalid_request(
                "customer.email",
                "Xendit requires the cardholder's email address",
            )
        })?;
    let phone = customer
        .and_then(|c| c.phone.as_deref())
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            Error::invalid_request(
                "customer.phone",
                "Xendit requires the cardholder's phone number (E.164, e.g. +6281234567890)",
            )
        })?;
    let mut information = Map::new();
    information.insert("card_number".into(), card.number.expose().into());
    information.insert(
        "expiry_month".into(),
        format!("{:02}", card.expiry_month).into(),
    );
    information.insert(
        "expiry_year".into(),
        format!("{:04}", card.expiry_year).into(),
    );
    if let Some(cvv) = card.cvc.as_ref().map(Secret::expose) {
        information.insert("cvv".into(), cvv.clone().into());
    }
    information.insert("cardholder_name".into(), holder_name.into());
    information.insert("cardholder_email".into(), email.into());
    information.insert("cardholder_phone_number".into(), phone.into());
    let skip_three_d_secure = authentication == AuthenticationType::NoThreeDs;
    Ok(json!({
        "type": "CARD",
        "reusability": reusability,
        "card": {
            "channel_properties": channel_properties(return_url, skip_three_d_secure),
            "card_information": Value::Object(information),
        }
    }))
}

fn customer_name(customer: &Customer) -> Option<String> {
    let parts: Vec<&str> = [
        customer.first_name.as_deref(),
        customer.last_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .filter(|p| !p.is_empty())
    .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn put_metadata(body: &mut Map<String, Value>, metadata: &Metadata) {
    if !metadata.is_empty() {
        body.insert("metadata".into(), json!(metadata));
    }
}

/// The capture body: `capture_amount` and, when given, the capture's `reference_id`.
pub(super) fn capture_body(req: &CaptureRequest) -> Result<Value> {
    let mut body = Map::new();
    body.insert("capture_amount".into(), to_wire(&req.amount, "amount")?);
    if let Some(reference) = req
        .merchant_reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        body.insert("reference_id".into(), reference.into());
    }
    Ok(Value::Object(body))
}

/// The unified status of a payment request's `status`. `manual` is whether the payment is
/// captured manually (from the answer's `capture_method`, else the request's).
pub(super) fn payment_status(status: &PaymentRequestStatus, manual: bool) -> PaymentStatus {
    match status {
        PaymentRequestStatus::Succeeded | PaymentRequestStatus::Verified if manual => {
            PaymentStatus::Authorized
        }
        PaymentRequestStatus::Succeeded | PaymentRequestStatus::Verified => PaymentStatus::Charged,
        PaymentRequestStatus::AwaitingCapture => PaymentStatus::Authorized,
        PaymentRequestStatus::RequiresAction => PaymentStatus::AuthenticationPending,
        PaymentRequestStatus::Failed => PaymentStatus::Failure,
        // No void in this API: a cancelled manual-capture request is an authorization that
        // was released; anything else never took money.
        PaymentRequestStatus::Canceled if manual => PaymentStatus::Voided,
        PaymentRequestStatus::Canceled => PaymentStatus::Failure,
        PaymentRequestStatus::Voided => PaymentStatus::Voided,
        PaymentRequestStatus::Expired => PaymentStatus::Expired,
        PaymentRequestStatus::Pending
        | PaymentRequestStatus::Unknown
        | PaymentRequestStatus::Other(_) => PaymentStatus::Pending,
    }
}

/// Whether a `capture_method` value means manual capture.
fn is_manual(capture_method: Option<&str>, requested: Option<CaptureMethod>) -> bool {
    match capture_method {
        Some(m) => m.eq_ignore_ascii_case("MANUAL"),
        None => requested == Some(CaptureMethod::Manual),
    }
}

/// Reads a payment request (authorize, setup_mandate, PSync). `creating` is whether the call
/// created it: then a card-decline error code is a `failure` result, not an error.
/// `requested_channel` is the e-wallet channel of the request, when known (the answer's
/// `payment_method.ewallet.channel_code` is used first).
pub(super) fn parse_payment_request(
    response: &HttpResponse,
    requested_capture: Option<CaptureMethod>,
    requested_channel: Option<&str>,
    creating: bool,
) -> Result<PaymentResponse> {
    if !response.is_success() {
        return if creating {
            errors::payment_failure(response)
        } else {
            Err(errors::error(response))
        };
    }
    let request: PaymentRequest = parse_success(response, "payment request")?;
    let raw_status = request
        .status
        .clone()
        .ok_or_else(|| invalid_response(response, "Xendit's payment request has no status"))?;
    let parsed = PaymentRequestStatus::parse(&raw_status);
    let manual = is_manual(request.capture_method.as_deref(), requested_capture);
    let channel = request
        .payment_method
        .as_ref()
        .and_then(|m| m.ewallet_channel())
        .or(requested_channel);
    let push = channel.is_some_and(ewallets::is_push_channel);
    let mut status = payment_status(&parsed, manual);
    if push && parsed == PaymentRequestStatus::Pending {
        // OVO / Jenius Pay: waiting for the shopper to approve the push in the wallet's app.
        // (`UNKNOWN` or a status not known yet stays `pending`.)
        status = PaymentStatus::AuthenticationPending;
    }
    if request.id.is_none() && status != PaymentStatus::Failure {
        return Err(invalid_response(
            response,
            "Xendit's payment request has no id",
        ));
    }

    let mut payment = PaymentResponse::new(ConnectorName::Xendit, status);
    payment.connector_status = Some(raw_status);
    payment.connector_transaction_id = request.id.clone();
    payment.merchant_reference = request.reference_id.clone();
    payment.connector_customer_id = request.customer_id.clone();
    payment.amount = from_wire(request.amount.as_ref(), request.currency.as_deref());
    payment.mandate_id = request
        .payment_method
        .as_ref()
        .and_then(|m| m.reusable_id());
    if status == PaymentStatus::AuthenticationPending {
        payment.next_action = next_action(&request.actions)
            .or_else(|| push.then(|| NextAction::Await(AwaitAction::default())));
    }
    if status == PaymentStatus::Failure {
        payment.decline = Some(DeclineDetails {
            code: request.failure_code.clone().or_else(|| {
                matches!(parsed, PaymentRequestStatus::Canceled).then(|| "CANCELED".to_string())
            }),
            ..DeclineDetails::default()
        });
    }
    payment.http_status = Some(response.status);
    payment.request_id = response.request_id();
    payment.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(payment)
}

/// The shopper's next step from `actions[]`: the `AUTH` actions (chosen by name, never by
/// position; `PRESENT_TO_CUSTOMER` when there is no `AUTH`), preferring a web page, then a
/// mobile page, then any other page, then a deep link (`DEEPLINK`), then a QR code. `API`
/// actions are server-side calls, never shown to the shopper.
pub(super) fn next_action(actions: &[Action]) -> Option<NextAction> {
    let named = |name: &str| -> Vec<&Action> {
        actions
            .iter()
            .filter(|a| {
                a.action
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .collect()
    };
    let mut shopper = named("AUTH");
    if shopper.is_empty() {
        shopper = named("PRESENT_TO_CUSTOMER");
    }
    let is_type = |a: &Action, t: &str| {
        a.url_type
            .as_deref()
            .is_some_and(|u| u.eq_ignore_ascii_case(t))
    };
    let with_url = |pick: &dyn Fn(&Action) -> bool| {
        shopper.iter().copied().find(|a| a.url.is_some() && pick(a))
    };
    let page = with_url(&|a| is_type(a, "WEB"))
        .or_else(|| with_url(&|a| is_type(a, "MOBILE")))
        .or_else(|| with_url(&|a| !is_type(a, "API") && !is_type(a, "DEEPLINK")));
    if let Some(action) = page {
        return redirect(action);
    }
    if let Some(url) = with_url(&|a| is_type(a, "DEEPLINK")).and_then(|a| a.url.clone()) {
        return Some(NextAction::DeepLink(DeepLinkAction { url }));
    }
    shopper.iter().find_map(|a| a.qr_code.clone()).map(|data| {
        NextAction::QrCode(QrCodeAction {
            data,
            image_url: None,
        })
    })
}

/// A redirect to the action's URL with its method (GET when the method is null); the query
/// pairs of a GET URL are listed as form fields.
fn redirect(action: &Action) -> Option<NextAction> {
    let url = action.url.clone()?;
    let method = match action.method.as_deref() {
        Some(m) if m.eq_ignore_ascii_case("POST") => HttpMethod::Post,
        _ => HttpMethod::Get,
    };
    let form_fields: BTreeMap<String, String> = match (method, url::Url::parse(&url)) {
        (HttpMethod::Get, Ok(parsed)) => parsed
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        _ => BTreeMap::new(),
    };
    Some(NextAction::Redirect(RedirectAction {
        url,
        method,
        form_fields,
    }))
}

/// Reads a capture: `SUCCEEDED` is `charged` (`partial_charged` when less than the authorized
/// amount was captured), `PENDING` is `pending`, `FAILED` is `capture_failed` with the
/// `failure_code`.
pub(super) fn parse_capture(
    response: &HttpResponse,
    req: &CaptureRequest,
) -> Result<PaymentResponse> {
    if !response.is_success() {
        return Err(errors::error(response));
    }
    let capture: Capture = parse_success(response, "capture")?;
    let raw_status = capture
        .status
        .clone()
        .ok_or_else(|| invalid_response(response, "Xendit's capture has no status"))?;
    let captured = from_wire(
        capture.captured_amount.as_ref(),
        capture.currency.as_deref(),
    );
    let authorized = from_wire(
        capture.authorized_amount.as_ref(),
        capture.currency.as_deref(),
    );
    let status = match OperationStatus::parse(&raw_status) {
        OperationStatus::Succeeded => match (captured, authorized) {
            (Some(c), Some(a)) if c.minor_units < a.minor_units => PaymentStatus::PartialCharged,
            _ => PaymentStatus::Charged,
        },
        OperationStatus::Failed | OperationStatus::Cancelled => PaymentStatus::CaptureFailed,
        OperationStatus::Pending | OperationStatus::RequiresAction | OperationStatus::Other(_) => {
            PaymentStatus::Pending
        }
    };
    let mut payment = PaymentResponse::new(ConnectorName::Xendit, status);
    payment.connector_status = Some(raw_status);
    payment.connector_transaction_id = capture
        .payment_request_id
        .clone()
        .or_else(|| Some(req.connector_transaction_id.trim().to_string()));
    payment.connector_operation_id = capture.id.clone();
    payment.merchant_reference = capture.reference_id.clone();
    payment.amount = captured;
    if status == PaymentStatus::CaptureFailed {
        payment.decline = Some(DeclineDetails {
            code: capture.failure_code.clone(),
            ..DeclineDetails::default()
        });
    }
    payment.http_status = Some(response.status);
    payment.request_id = response.request_id();
    payment.raw_response = Some(mask_body(response.body.as_slice()));
    Ok(payment)
}
