//! The connectors, and the registry that lists them.
//!
//! Each connector lives in its own folder and is registered by one line in `connectors!`
//! below, which generates the [`ConnectorConfig`] variant (tagged by `type`), the construction
//! and the support matrix.

use std::sync::Arc;

use serde::Serialize;

use crate::client::Environment;
use crate::connector::{Connector, Support};
use crate::error::{Error, Result};
use crate::types::{ConnectorName, Flow};

pub mod adyen;
pub mod checkout;
pub mod elavon;
pub mod fiserv;
pub mod razorpay;
pub mod xendit;

/// Where a connector sends requests: the environment, and an optional base URL that replaces
/// the processor's host(s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub environment: Environment,
    /// The override, without a trailing slash.
    pub base_url: Option<String>,
}

impl Endpoint {
    pub fn new(environment: Environment, base_url: Option<&str>) -> Result<Endpoint> {
        let base_url = match base_url {
            None => None,
            Some(raw) => {
                let parsed = url::Url::parse(raw)
                    .map_err(|_| Error::configuration("base_url is not a valid URL"))?;
                if parsed.scheme() != "http" && parsed.scheme() != "https" {
                    return Err(Error::configuration(
                        "base_url must be an http or https URL",
                    ));
                }
                if parsed.query().is_some() || parsed.fragment().is_some() {
                    return Err(Error::configuration(
                        "base_url must not have a query or fragment",
                    ));
                }
                Some(raw.trim_end_matches('/').to_string())
            }
        };
        Ok(Endpoint {
            environment,
            base_url,
        })
    }

    /// The base URL to use: the override when set, else `default`.
    pub fn base_or(&self, default: &str) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| default.trim_end_matches('/').to_string())
    }
}

/// Joins a base URL and a path with exactly one slash between them.
pub fn join_url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

macro_rules! connectors {
    ($( $variant:ident => $module:ident :: $connector:ident ( $config:ident ) ),* $(,)?) => {
        /// The processor a client talks to, with its credentials. Tagged by `type`
        /// (`{"type": "adyen", "api_key": ..., ...}`).
        #[derive(Clone, Debug, PartialEq, Eq, Serialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        pub enum ConnectorConfig {
            $( $variant($module::$config), )*
        }

        crate::tagged_union!(ConnectorConfig, "type", {
            $( stringify!($module) => $variant($module::$config), )*
        });

        impl ConnectorConfig {
            pub fn name(&self) -> ConnectorName {
                match self { $( ConnectorConfig::$variant(_) => ConnectorName::$variant, )* }
            }

            /// Builds the connector: validates credentials and does every piece of per-client
            /// work (URLs, auth headers, decoded keys) once.
            pub fn build(&self, endpoint: &Endpoint) -> Result<Arc<dyn Connector>> {
                match self { $( ConnectorConfig::$variant(c) => Ok(Arc::new($module::$connector::new(c, endpoint)?)), )* }
            }
        }

        $(
            impl From<$module::$config> for ConnectorConfig {
                fn from(c: $module::$config) -> Self { ConnectorConfig::$variant(c) }
            }
        )*

        /// The connectors this library implements.
        pub const IMPLEMENTED: &[ConnectorName] = &[ $( ConnectorName::$variant, )* ];

        /// How `connector` supports `flow`; `None` for a connector not implemented yet.
        pub fn support(connector: ConnectorName, flow: Flow) -> Option<Support> {
            match connector {
                $( ConnectorName::$variant => Some($module::support(flow)), )*
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
    };
}

connectors! {
    Adyen => adyen::Adyen(AdyenConfig),
    Checkout => checkout::Checkout(CheckoutConfig),
    Razorpay => razorpay::Razorpay(RazorpayConfig),
    Fiserv => fiserv::Fiserv(FiservConfig),
    Elavon => elavon::Elavon(ElavonConfig),
    Xendit => xendit::Xendit(XenditConfig),
}

/// The connector × flow support table of the README (Markdown), generated from each
/// connector's `support` so the documentation cannot drift from the code.
pub fn support_table_markdown() -> String {
    let mut out = String::from("| Flow |");
    for &c in ConnectorName::ALL {
        out.push_str(&format!(" {} |", c.display_name()));
    }
    out.push_str("\n|---|");
    for _ in ConnectorName::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for &flow in Flow::ALL {
        out.push_str(&format!("| {} |", flow.as_str()));
        for &c in ConnectorName::ALL {
            let cell = match support(c, flow) {
                Some(Support::Synchronous) => "✓",
                Some(Support::Asynchronous) => "✓ (async)",
                Some(Support::Unsupported(_)) => "✗",
                None => "planned",
            };
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_overrides_are_validated() {
        assert!(Endpoint::new(crate::client::Environment::Sandbox, Some("ftp://x")).is_err());
        assert!(Endpoint::new(crate::client::Environment::Sandbox, Some("not a url")).is_err());
        let e = Endpoint::new(
            crate::client::Environment::Sandbox,
            Some("http://127.0.0.1:9/adyen/"),
        )
        .unwrap();
        assert_eq!(e.base_or("https://x"), "http://127.0.0.1:9/adyen");
        assert_eq!(join_url("http://h/", "/v1/x"), "http://h/v1/x");
    }
}
