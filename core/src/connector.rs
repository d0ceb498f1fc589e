//! The connector abstraction: sans-IO, pure functions per flow.
//!
//! A flow is driven by calling the connector's function for it with the responses received so
//! far. With none, it returns [`Step::Send`] with the first request; given that request's
//! response, it returns [`Step::Done`] with the unified result, an error, or (for multi-step
//! flows) the next request. The functions perform no I/O and keep no state: the list of
//! responses *is* the state, so any HTTP client can drive them ([`run_flow`] shows how, and
//! [`crate::Client`] is one such driver).

use crate::call::{Call, References};
use crate::error::{Error, Result};
use crate::http::{FlowContext, HttpRequest, HttpResponse, Step};
use crate::types::*;
use crate::validate::Validate;

/// How a connector supports a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// The processor answers with the final outcome.
    Synchronous,
    /// The processor answers "accepted"; the outcome arrives later by webhook (or sync).
    Asynchronous,
    /// The processor's API has no such flow. The reason says what to do instead.
    Unsupported(&'static str),
}

impl Support {
    pub fn is_supported(&self) -> bool {
        !matches!(self, Support::Unsupported(_))
    }
}

/// A payment processor, as pure functions from requests to HTTP requests and from HTTP
/// responses to unified results.
///
/// Every flow method has the same shape: `(request, context, responses so far) -> Step`.
/// Flows a processor does not offer keep the default body, which returns a typed
/// `unsupported` error naming the flow, the connector and the reason from [`Connector::support`].
pub trait Connector: Send + Sync + 'static {
    fn name(&self) -> ConnectorName;

    /// How this connector supports `flow`.
    fn support(&self, flow: Flow) -> Support;

    /// The `unsupported` error for `flow`.
    fn unsupported(&self, flow: Flow) -> Error {
        let reason = match self.support(flow) {
            Support::Unsupported(reason) => reason,
            _ => "not implemented by this connector",
        };
        Error::unsupported(self.name(), flow, reason)
    }

    fn authorize(
        &self,
        _req: &AuthorizeRequest,
        _cx: &FlowContext,
        _responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        Err(self.unsupported(Flow::Authorize))
    }
    fn get_payment(
        &self,
        _req: &PaymentGetRequest,
        _cx: &FlowContext,
        _responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        Err(self.unsupported(Flow::Psync))
    }
    fn capture(
        &self,
        _req: &CaptureRequest,
        _cx: &FlowContext,
        _responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        Err(self.unsupported(Flow::Capture))
    }
    fn void(
        &self,
        _req: &VoidRequest,
        _cx: &FlowContext,
        _responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        Err(self.unsupported(Flow::Void))
    }
    fn refund(
        &self,
        _req: &RefundRequest,
        _cx: &FlowContext,
        _responses: &[HttpResponse],
    ) -> Result<Step<RefundResponse>> {
        Err(self.unsupported(Flow::Refund))
    }
    fn get_refund(
        &self,
        _req: &RefundGetRequest,
        _cx: &FlowContext,
        _responses: &[HttpResponse],
    ) -> Result<Step<RefundResponse>> {
        Err(self.unsupported(Flow::Rsync))
    }
    fn setup_mandate(
        &self,
        _req: &SetupMandateRequest,
        _cx: &FlowContext,
        _responses: &[HttpResponse],
    ) -> Result<Step<PaymentResponse>> {
        Err(self.unsupported(Flow::SetupMandate))
    }
    fn create_order(
        &self,
        _req: &CreateOrderRequest,
        _cx: &FlowContext,
        _responses: &[HttpResponse],
    ) -> Result<Step<OrderResponse>> {
        Err(self.unsupported(Flow::CreateOrder))
    }
    fn accept_dispute(
        &self,
        _req: &AcceptDisputeRequest,
        _cx: &FlowContext,
        _responses: &[HttpResponse],
    ) -> Result<Step<DisputeResponse>> {
        Err(self.unsupported(Flow::AcceptDispute))
    }
    fn submit_evidence(
        &self,
        _req: &SubmitEvidenceRequest,
        _cx: &FlowContext,
        _responses: &[HttpResponse],
    ) -> Result<Step<DisputeResponse>> {
        Err(self.unsupported(Flow::SubmitEvidence))
    }
    fn defend_dispute(
        &self,
        _req: &DefendDisputeRequest,
        _cx: &FlowContext,
        _responses: &[HttpResponse],
    ) -> Result<Step<DisputeResponse>> {
        Err(self.unsupported(Flow::DefendDispute))
    }

    /// The processor's ids of what a call may already have created, read from the responses it
    /// received before failing (e.g. the order of a two-step payment). The driver adds them to
    /// the call's error so that the caller can reconcile; the ids named by the request itself
    /// are added without the connector's help. Connectors whose flows take one exchange keep
    /// the default.
    fn references(&self, _request: &FlowRequest, _responses: &[HttpResponse]) -> References {
        References::default()
    }

    /// Verifies an incoming webhook's source (signature or token) and parses it into typed
    /// events. A failed verification is a `webhook_verification_failed` error; the content of
    /// an unverified request is never returned.
    fn handle_webhook(&self, _req: &WebhookRequest) -> Result<WebhookNotification> {
        Err(self.unsupported(Flow::Webhook))
    }
}

/// The usual single-exchange flow: build one request, then parse its response.
pub fn single_exchange<T>(
    responses: &[HttpResponse],
    build: impl FnOnce() -> Result<HttpRequest>,
    parse: impl FnOnce(&HttpResponse) -> Result<T>,
) -> Result<Step<T>> {
    match responses {
        [] => build().map(Step::Send),
        [response] => parse(response).map(Step::Done),
        _ => Err(Error::internal("this flow takes exactly one HTTP exchange")),
    }
}

macro_rules! define_flows {
    ($( $variant:ident { flow: $flow:ident, op: $op:literal, method: $method:ident, request: $req:ident, response: $resp:ident($resp_ty:ident) } )*) => {
        /// A request to any flow; what the JSON API and the scenario runner dispatch on.
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[allow(clippy::large_enum_variant)]
        pub enum FlowRequest {
            $( $variant($req), )*
        }

        /// The result of any flow.
        #[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
        #[serde(untagged)]
        pub enum FlowResponse {
            Payment(PaymentResponse),
            Refund(RefundResponse),
            Order(OrderResponse),
            Dispute(DisputeResponse),
        }

        /// One operation of the API, as the bindings name it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct Operation {
            /// `service.method`, e.g. `payments.authorize`.
            pub name: &'static str,
            pub flow: Flow,
            pub request_type: &'static str,
            pub response_type: &'static str,
        }

        /// Every operation of the payments, refunds and disputes services.
        pub const OPERATIONS: &[Operation] = &[
            $( Operation { name: $op, flow: Flow::$flow, request_type: stringify!($req), response_type: stringify!($resp_ty) }, )*
        ];

        impl FlowRequest {
            pub fn flow(&self) -> Flow {
                match self { $( FlowRequest::$variant(_) => Flow::$flow, )* }
            }

            /// The operation name (`payments.authorize`, ...).
            pub fn operation(&self) -> &'static str {
                match self { $( FlowRequest::$variant(_) => $op, )* }
            }

            pub fn idempotency_key(&self) -> Option<&str> {
                match self { $( FlowRequest::$variant(r) => r.idempotency_key.as_deref(), )* }
            }

            /// The request as JSON with its secrets as digests, for the idempotency-key
            /// fingerprint (see [`crate::Client`]).
            pub(crate) fn fingerprint_json(&self) -> serde_json::Value {
                crate::secret::with_secret_digests(|| match self {
                    $( FlowRequest::$variant(r) => serde_json::to_value(r), )*
                })
                .unwrap_or(serde_json::Value::Null)
            }

            /// Reads a request for the operation `op` from any serde data format (a binding's
            /// native values); `None` for an unknown operation. [`FlowRequest::from_json`] is
            /// the reference: a format whose reading fails here reads JSON there, for the error.
            pub fn deserialize_for<'de, D: serde::Deserializer<'de>>(op: &str, de: D) -> Option<std::result::Result<FlowRequest, D::Error>> {
                match op {
                    $( $op => Some(<$req as serde::Deserialize>::deserialize(de).map(FlowRequest::$variant)), )*
                    _ => None,
                }
            }

            /// Parses a request for the operation `op` from JSON.
            pub fn from_json(op: &str, json: &str) -> Result<FlowRequest> {
                match op {
                    $( $op => crate::json::from_json::<$req>(json).map(FlowRequest::$variant), )*
                    _ => Err(Error::invalid_request("operation", format!("unknown operation `{op}`"))),
                }
            }

            /// Checks the request before anything is sent.
            pub fn validate(&self) -> Result<()> {
                match self { $( FlowRequest::$variant(r) => r.validate(), )* }
            }

            /// Runs one step of this request's flow on `connector`.
            pub fn step(&self, connector: &dyn Connector, cx: &FlowContext, responses: &[HttpResponse]) -> Result<Step<FlowResponse>> {
                match self {
                    $( FlowRequest::$variant(r) => connector.$method(r, cx, responses).map(|s| s.map(FlowResponse::$resp)), )*
                }
            }
        }

        $(
            impl From<$req> for FlowRequest {
                fn from(r: $req) -> FlowRequest { FlowRequest::$variant(r) }
            }
        )*
    };
}

define_flows! {
    Authorize { flow: Authorize, op: "payments.authorize", method: authorize, request: AuthorizeRequest, response: Payment(PaymentResponse) }
    GetPayment { flow: Psync, op: "payments.get", method: get_payment, request: PaymentGetRequest, response: Payment(PaymentResponse) }
    Capture { flow: Capture, op: "payments.capture", method: capture, request: CaptureRequest, response: Payment(PaymentResponse) }
    Void { flow: Void, op: "payments.void", method: void, request: VoidRequest, response: Payment(PaymentResponse) }
    Refund { flow: Refund, op: "payments.refund", method: refund, request: RefundRequest, response: Refund(RefundResponse) }
    SetupMandate { flow: SetupMandate, op: "payments.setup_mandate", method: setup_mandate, request: SetupMandateRequest, response: Payment(PaymentResponse) }
    CreateOrder { flow: CreateOrder, op: "payments.create_order", method: create_order, request: CreateOrderRequest, response: Order(OrderResponse) }
    GetRefund { flow: Rsync, op: "refunds.get", method: get_refund, request: RefundGetRequest, response: Refund(RefundResponse) }
    AcceptDispute { flow: AcceptDispute, op: "disputes.accept", method: accept_dispute, request: AcceptDisputeRequest, response: Dispute(DisputeResponse) }
    SubmitEvidence { flow: SubmitEvidence, op: "disputes.submit_evidence", method: submit_evidence, request: SubmitEvidenceRequest, response: Dispute(DisputeResponse) }
    DefendDispute { flow: DefendDispute, op: "disputes.defend", method: defend_dispute, request: DefendDisputeRequest, response: Dispute(DisputeResponse) }
}

impl FlowResponse {
    /// Records the call's idempotency key, and the request id when the connector found none.
    pub(crate) fn set_call_info(&mut self, idempotency_key: &str, request_id: Option<String>) {
        macro_rules! set {
            ($r:expr) => {{
                $r.idempotency_key = Some(idempotency_key.to_string());
                if $r.request_id.is_none() {
                    $r.request_id = request_id;
                }
            }};
        }
        match self {
            FlowResponse::Payment(r) => {
                set!(r);
                if let Some(d) = &mut r.decline {
                    d.mask();
                }
            }
            FlowResponse::Refund(r) => {
                set!(r);
                if let Some(d) = &mut r.failure {
                    d.mask();
                }
            }
            FlowResponse::Order(r) => set!(r),
            FlowResponse::Dispute(r) => set!(r),
        }
    }

    pub fn into_payment(self) -> Result<PaymentResponse> {
        match self {
            FlowResponse::Payment(r) => Ok(r),
            _ => Err(Error::internal("flow returned an unexpected response type")),
        }
    }
    pub fn into_refund(self) -> Result<RefundResponse> {
        match self {
            FlowResponse::Refund(r) => Ok(r),
            _ => Err(Error::internal("flow returned an unexpected response type")),
        }
    }
    pub fn into_order(self) -> Result<OrderResponse> {
        match self {
            FlowResponse::Order(r) => Ok(r),
            _ => Err(Error::internal("flow returned an unexpected response type")),
        }
    }
    pub fn into_dispute(self) -> Result<DisputeResponse> {
        match self {
            FlowResponse::Dispute(r) => Ok(r),
            _ => Err(Error::internal("flow returned an unexpected response type")),
        }
    }
}

/// Drives a flow to completion with a caller-supplied HTTP function (no retries): the
/// smallest possible transport, and the pattern for bringing your own HTTP client.
pub async fn run_flow<F, Fut>(
    connector: &dyn Connector,
    request: &FlowRequest,
    idempotency_key: &str,
    mut send: F,
) -> Result<FlowResponse>
where
    F: FnMut(HttpRequest) -> Fut,
    Fut: std::future::Future<Output = Result<HttpResponse>>,
{
    let call = Call::new(connector, request, idempotency_key);
    let mut responses = Vec::new();
    loop {
        match call.step(&responses)? {
            Step::Send(http) => match send(http).await {
                Ok(response) => responses.push(response),
                Err(e) => return Err(call.attribute(e, &responses)),
            },
            Step::Done(result) => return Ok(result),
        }
    }
}
