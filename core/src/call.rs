//! The one tail of every driver: running a step of a flow and attributing what comes out.
//!
//! Three drivers run flows: [`crate::Client`] (with its transport and retries),
//! [`crate::connector::run_flow`] (with a caller-supplied HTTP function) and
//! [`crate::json::JsonConnector::step`] (the bindings' sans-IO API, one step per call). Each
//! goes through a [`Call`] so that results and errors carry the same facts whoever sent the
//! HTTP requests: connector and flow, the idempotency key, the processor's request id and HTTP
//! status, and the processor ids a caller needs to reconcile a call that failed half-way.
//! Connectors only build requests and parse responses; they never attribute.

use crate::connector::{Connector, FlowRequest, FlowResponse};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{FlowContext, HttpResponse, Step};

/// The processor's ids that a call concerns or may already have created: what a caller syncs
/// before trying a failed call again (see the README's "Failure handling").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct References {
    pub order_id: Option<String>,
    pub transaction_id: Option<String>,
    pub refund_id: Option<String>,
}

impl References {
    /// The ids named by the request itself (the payment a capture is for, the refund a refund
    /// sync asks about, ...).
    pub fn of_request(request: &FlowRequest) -> References {
        let some = |s: &String| Some(s.clone());
        match request {
            FlowRequest::Authorize(r) => References {
                order_id: r.connector_order_id.clone(),
                ..References::default()
            },
            FlowRequest::GetPayment(r) => References {
                order_id: r.connector_order_id.clone(),
                transaction_id: r.connector_transaction_id.clone(),
                ..References::default()
            },
            FlowRequest::Capture(r) => References {
                transaction_id: some(&r.connector_transaction_id),
                ..References::default()
            },
            FlowRequest::Void(r) => References {
                transaction_id: some(&r.connector_transaction_id),
                ..References::default()
            },
            FlowRequest::Refund(r) => References {
                transaction_id: some(&r.connector_transaction_id),
                ..References::default()
            },
            FlowRequest::GetRefund(r) => References {
                transaction_id: r.connector_transaction_id.clone(),
                refund_id: r.connector_refund_id.clone(),
                ..References::default()
            },
            FlowRequest::SetupMandate(_)
            | FlowRequest::CreateOrder(_)
            | FlowRequest::AcceptDispute(_)
            | FlowRequest::SubmitEvidence(_)
            | FlowRequest::DefendDispute(_) => References::default(),
        }
    }

    /// Fills the ids this one lacks from `other`.
    pub fn or(mut self, other: References) -> References {
        self.order_id = self.order_id.or(other.order_id);
        self.transaction_id = self.transaction_id.or(other.transaction_id);
        self.refund_id = self.refund_id.or(other.refund_id);
        self
    }
}

/// One call of one flow on one connector, with its idempotency key: the same on every step and
/// every retry of the operation.
pub struct Call<'a> {
    connector: &'a dyn Connector,
    request: &'a FlowRequest,
    key: &'a str,
}

impl<'a> Call<'a> {
    pub fn new(connector: &'a dyn Connector, request: &'a FlowRequest, key: &'a str) -> Call<'a> {
        Call {
            connector,
            request,
            key,
        }
    }

    pub fn idempotency_key(&self) -> &str {
        self.key
    }

    /// The next step given the responses so far (the request is validated before the first
    /// one). A finished result records the idempotency key and the processor's request id; an
    /// error is attributed with [`Call::attribute`], plus the HTTP status of the response it
    /// was parsed from.
    pub fn step(&self, responses: &[HttpResponse]) -> Result<Step<FlowResponse>> {
        let outcome = if responses.is_empty() {
            self.request.validate()
        } else {
            Ok(())
        }
        .and_then(|()| {
            self.request
                .step(self.connector, &FlowContext::new(self.key), responses)
        });
        match outcome {
            Ok(Step::Done(mut result)) => {
                result.set_call_info(
                    self.key,
                    responses.last().and_then(HttpResponse::request_id),
                );
                Ok(Step::Done(result))
            }
            Ok(send) => Ok(send),
            Err(mut e) => {
                if let Some(last) = responses.last() {
                    e.http_status.get_or_insert(last.status);
                    // A processor's answer that says "try again" is only worth following when
                    // the request it answered is one the processor deduplicates: otherwise it
                    // may have been carried out.
                    //
                    // Conversely, a success answer that could not be read (cut short, garbled)
                    // to a request the processor deduplicates is worth asking again with the
                    // same key: the processor answers what it did the first time, and nothing
                    // can happen twice. Without that, the caller would hold no id at all.
                    let unreadable_success =
                        e.code == ErrorCode::InvalidResponse && (200..300).contains(&last.status);
                    if e.retryable || unreadable_success {
                        e.retryable = self.was_retry_safe(responses);
                    }
                }
                Err(self.attribute(e, responses))
            }
        }
    }

    /// Attributes an error of this call after `responses`: connector, flow, idempotency key,
    /// the processor's request id of the last response, and the processor ids known so far (from
    /// the request and from the connector's reading of the responses).
    pub fn attribute(&self, e: Error, responses: &[HttpResponse]) -> Error {
        let mut e = e
            .with_connector(self.connector.name(), self.request.flow())
            .with_request_id(responses.last().and_then(HttpResponse::request_id));
        e.idempotency_key
            .get_or_insert_with(|| self.key.to_string());
        let refs = self
            .connector
            .references(self.request, responses)
            .or(References::of_request(self.request));
        e.with_references(
            refs.order_id.as_deref(),
            refs.transaction_id.as_deref(),
            refs.refund_id.as_deref(),
        )
    }

    /// Whether the request answered by the last of `responses` was retry-safe: the step that
    /// built it is run again (connectors are pure functions of their inputs).
    fn was_retry_safe(&self, responses: &[HttpResponse]) -> bool {
        let before = &responses[..responses.len().saturating_sub(1)];
        matches!(
            self.request.step(self.connector, &FlowContext::new(self.key), before),
            Ok(Step::Send(http)) if http.retry_safe
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::Support;
    use crate::error::ErrorCode;
    use crate::http::HttpRequest;
    use crate::types::*;

    /// A two-step capture: an order (POST, not retry-safe), then the capture (GET, retry-safe
    /// for the test's sake). A 5xx answer is a retryable processor error; the order id is read
    /// back from the first response.
    struct TwoSteps;

    impl Connector for TwoSteps {
        fn name(&self) -> ConnectorName {
            ConnectorName::Razorpay
        }
        fn support(&self, _flow: Flow) -> Support {
            Support::Synchronous
        }
        fn capture(
            &self,
            _req: &CaptureRequest,
            _cx: &FlowContext,
            responses: &[HttpResponse],
        ) -> Result<Step<PaymentResponse>> {
            if let Some(last) = responses.last().filter(|r| r.status >= 500) {
                return Err(Error::processor(
                    ErrorCode::ProcessorUnavailable,
                    last.status,
                    None,
                    None,
                ));
            }
            match responses.len() {
                0 => Ok(Step::Send(HttpRequest::new(
                    HttpMethod::Post,
                    "http://p/orders",
                ))),
                1 => Ok(Step::Send(HttpRequest::new(
                    HttpMethod::Get,
                    "http://p/capture",
                ))),
                _ => Err(Error::invalid_response("no status")),
            }
        }
        fn references(&self, _request: &FlowRequest, responses: &[HttpResponse]) -> References {
            References {
                order_id: responses.first().map(|_| "order_1".to_string()),
                ..References::default()
            }
        }
    }

    fn capture() -> FlowRequest {
        FlowRequest::Capture(CaptureRequest {
            connector_transaction_id: "pay_1".into(),
            amount: crate::Money::new(100, crate::Currency::USD),
            authorized_amount: None,
            merchant_reference: None,
            idempotency_key: None,
        })
    }

    #[test]
    fn errors_are_attributed_once_with_what_the_caller_needs_to_reconcile() {
        let request = capture();
        let call = Call::new(&TwoSteps, &request, "key-1");
        let ok = HttpResponse::new(200, "{}").with_header("x-request-id", "req_1");
        let e = call
            .step(&[ok.clone(), HttpResponse::new(200, "{}")])
            .expect_err("no status");
        assert_eq!(e.connector, Some(ConnectorName::Razorpay));
        assert_eq!(e.flow, Some(Flow::Capture));
        assert_eq!(e.idempotency_key.as_deref(), Some("key-1"));
        assert_eq!(e.http_status, Some(200));
        assert_eq!(e.connector_order_id.as_deref(), Some("order_1"));
        assert_eq!(e.connector_transaction_id.as_deref(), Some("pay_1"));
        // A transport error after the first exchange: the request id of the last answer.
        let e = call.attribute(Error::new(ErrorCode::Timeout, "timed out"), &[ok]);
        assert_eq!(e.request_id.as_deref(), Some("req_1"));
        assert_eq!(e.connector_order_id.as_deref(), Some("order_1"));
    }

    #[test]
    fn a_retryable_answer_to_a_request_that_is_not_retry_safe_is_not_retryable() {
        let request = capture();
        let call = Call::new(&TwoSteps, &request, "key-1");
        // The POST was answered 503: it may have been carried out.
        let e = call
            .step(&[HttpResponse::new(503, "")])
            .expect_err("unavailable");
        assert_eq!(e.code, ErrorCode::ProcessorUnavailable);
        assert!(!e.retryable);
        // The GET was answered 503: asking again is safe.
        let e = call
            .step(&[HttpResponse::new(200, "{}"), HttpResponse::new(503, "")])
            .expect_err("unavailable");
        assert!(e.retryable);
    }

    #[test]
    fn an_unreadable_success_is_retryable_only_for_a_request_the_processor_deduplicates() {
        let request = capture();
        let call = Call::new(&TwoSteps, &request, "key-1");
        // The GET (retry-safe) got a 200 it could not read: the same request again is safe.
        let e = call
            .step(&[HttpResponse::new(200, "{}"), HttpResponse::new(200, "{}")])
            .expect_err("no status");
        assert_eq!(e.code, ErrorCode::InvalidResponse);
        assert!(e.retryable);
        // Not so for the POST, which the processor does not deduplicate.
        struct Unreadable;
        impl Connector for Unreadable {
            fn name(&self) -> ConnectorName {
                ConnectorName::Razorpay
            }
            fn support(&self, _flow: Flow) -> Support {
                Support::Synchronous
            }
            fn capture(
                &self,
                _req: &CaptureRequest,
                _cx: &FlowContext,
                responses: &[HttpResponse],
            ) -> Result<Step<PaymentResponse>> {
                match responses.len() {
                    0 => Ok(Step::Send(HttpRequest::new(HttpMethod::Post, "http://p/c"))),
                    _ => Err(Error::invalid_response("cut short")),
                }
            }
        }
        let call = Call::new(&Unreadable, &request, "key-1");
        let e = call
            .step(&[HttpResponse::new(200, "{\"id\":")])
            .expect_err("cut short");
        assert!(!e.retryable);
    }
}
