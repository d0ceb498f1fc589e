//! # connector-service
//!
//! One Rust core for many payment processors. Each processor is a *connector*: pure functions
//! that build the HTTP request for a flow and parse the processor's answer into one unified
//! model (see [`connector::Connector`]). A [`Client`] drives them over a pooled HTTP transport
//! with timeouts and safe retries; you can also drive them with your own HTTP client.
//!
//! ```no_run
//! use connector_service::*;
//! use connector_service::connectors::adyen::AdyenConfig;
//!
//! # async fn demo() -> Result<()> {
//! let client = Client::new(ClientConfig::new(AdyenConfig::new("API_KEY", "MerchantAccount")))?;
//! let mut card = Card::new(CardNumber::new("4111111111111111")?, 3, 2030);
//! card.cvc = Some(Secret::new("737".into()));
//! let mut request = AuthorizeRequest::new(
//!     Money::new(1000, Currency::USD), "order-42", PaymentMethod::Card(card));
//! request.return_url = Some("https://shop.example/return".into());
//! let payment = client.payments().authorize(request).await?;
//! if payment.is_declined() {
//!     println!("declined: {:?}", payment.decline);
//! }
//! # Ok(()) }
//! ```
//!
//! Amounts are integer minor units plus an ISO 4217 currency ([`Money`]). A decline is a
//! response whose status is `failure`, never an error; [`Error`] is for calls that could not
//! be processed, with a stable [`ErrorCode`]. Card numbers and secrets are wrapped
//! ([`CardNumber`], [`Secret`]) and masked in every rendering.

#[macro_use]
mod macros;

mod calendar;

pub mod call;
pub mod client;
pub mod connector;
pub mod connectors;
pub mod error;
pub mod ffi;
pub mod http;
pub mod json;
pub mod mask;
pub mod money;
pub mod observe;
pub mod secret;
pub mod transport;
pub mod types;
pub mod validate;

pub use client::{Client, ClientConfig, Disputes, Environment, Payments, Refunds, Webhooks};
pub use connector::{Connector, FlowRequest, FlowResponse, Support, OPERATIONS};
pub use connectors::ConnectorConfig;
pub use error::{Error, ErrorCode, ErrorInfo, Result};
pub use http::{FlowContext, HttpRequest, HttpResponse, Step};
pub use money::{Currency, Money};
pub use observe::{CallObserver, CallRecord};
pub use secret::{CardNumber, Secret};
pub use transport::{CallOptions, HttpTransport, RetryOptions, TransportOptions};
pub use types::*;

/// Compiles the README's Rust quick start as a doctest, so it cannot rot.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
