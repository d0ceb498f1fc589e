//! Adyen: Checkout API v68, Disputes API v30, standard webhooks.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::connector::{Connector, Support};
use crate::connectors::Endpoint;
use crate::error::Result;
use crate::secret::Secret;
use crate::types::{ConnectorName, Flow};

/// Adyen credentials and settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdyenConfig {
    /// API key of the web-service user (`X-API-Key`).
    pub api_key: Secret<String>,
    /// The merchant account code.
    pub merchant_account: String,
    /// The live endpoint prefix from the Customer Area (required in the live environment).
    #[serde(default)]
    pub live_endpoint_prefix: Option<String>,
    /// The webhook HMAC key (hex), to verify standard notifications.
    #[serde(default)]
    pub webhook_hmac_key: Option<Secret<String>>,
    /// A separate API key for the Disputes API, when the account uses one.
    #[serde(default)]
    pub dispute_api_key: Option<Secret<String>>,
}

impl AdyenConfig {
    pub fn new(api_key: impl Into<String>, merchant_account: impl Into<String>) -> AdyenConfig {
        AdyenConfig {
            api_key: Secret::new(api_key.into()),
            merchant_account: merchant_account.into(),
            live_endpoint_prefix: None,
            webhook_hmac_key: None,
            dispute_api_key: None,
        }
    }
}

/// How Adyen supports each flow.
pub fn support(flow: Flow) -> Support {
    let _ = flow;
    Support::Unsupported("not implemented yet")
}

/// The Adyen connector.
pub struct Adyen {}

impl Adyen {
    pub fn new(_config: &AdyenConfig, _endpoint: &Endpoint) -> Result<Adyen> {
        Ok(Adyen {})
    }
}

impl Connector for Adyen {
    fn name(&self) -> ConnectorName {
        ConnectorName::Adyen
    }
    fn support(&self, flow: Flow) -> Support {
        support(flow)
    }
}
