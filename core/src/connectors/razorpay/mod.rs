//! Razorpay: REST API v1 (orders, payments, refunds, disputes, webhooks).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::connector::{Connector, Support};
use crate::connectors::Endpoint;
use crate::error::Result;
use crate::secret::Secret;
use crate::types::{ConnectorName, Flow};

/// Razorpay credentials and settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RazorpayConfig {
    /// Key id (`rzp_test_...` or `rzp_live_...`).
    pub key_id: String,
    /// Key secret.
    pub key_secret: Secret<String>,
    /// Webhook secrets accepted when verifying `X-Razorpay-Signature`. During a rotation, list
    /// the new secret and the old one.
    #[serde(default)]
    pub webhook_secrets: Vec<Secret<String>>,
}

impl RazorpayConfig {
    pub fn new(key_id: impl Into<String>, key_secret: impl Into<String>) -> RazorpayConfig {
        RazorpayConfig { key_id: key_id.into(), key_secret: Secret::new(key_secret.into()), webhook_secrets: Vec::new() }
    }
}

/// How Razorpay supports each flow.
pub fn support(flow: Flow) -> Support {
    let _ = flow;
    Support::Unsupported("not implemented yet")
}

/// The Razorpay connector.
pub struct Razorpay {}

impl Razorpay {
    pub fn new(_config: &RazorpayConfig, _endpoint: &Endpoint) -> Result<Razorpay> {
        Ok(Razorpay {})
    }
}

impl Connector for Razorpay {
    fn name(&self) -> ConnectorName {
        ConnectorName::Razorpay
    }
    fn support(&self, flow: Flow) -> Support {
        support(flow)
    }
}
