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

/// A wire reader for an optional nested object: `T` read from an object field, `None` for
/// `null`, for another JSON type, or for an object that does not read as `T` (the flow files
/// treat such a field as absent, so one odd part of an answer never fails the whole parse).
///
/// The object's text is only delimited first (a `RawValue`, no tree of `Value`s), then read
/// as `T`: the same result as going through `Value` at a fraction of the cost.
///
/// A raw value can only be read from serde_json's own deserializers (text, or a `Value`):
/// not from a field of a struct that is itself `#[serde(flatten)]`ed or inside an untagged
/// enum, which serde buffers first. There, read the field through `Value` instead.
pub(crate) fn lenient_object<'de, D, T>(d: D) -> std::result::Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let raw = <Option<Box<serde_json::value::RawValue>> as serde::Deserialize>::deserialize(d)?;
    Ok(raw
        .filter(|raw| raw.get().starts_with('{'))
        .and_then(|raw| serde_json::from_str(raw.get()).ok()))
}

/// The items of an array field, delimited but not parsed; `None` for `null` or another type.
/// (Only under serde_json's own deserializers, as [`lenient_object`].)
pub(crate) fn raw_array_items<'de, D>(
    d: D,
) -> std::result::Result<Option<Vec<Box<serde_json::value::RawValue>>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let raw = <Option<Box<serde_json::value::RawValue>> as serde::Deserialize>::deserialize(d)?;
    match raw.filter(|raw| raw.get().starts_with('[')) {
        Some(raw) => serde_json::from_str(raw.get())
            .map(Some)
            .map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

/// A wire reader for a list: the items that read as `T` (the others skipped), and an empty
/// list for `null` or another type.
pub(crate) fn lenient_vec<'de, D, T>(d: D) -> std::result::Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(raw_array_items(d)?
        .unwrap_or_default()
        .iter()
        .filter_map(|item| serde_json::from_str(item.get()).ok())
        .collect())
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

    #[test]
    fn a_lenient_object_is_none_for_anything_that_does_not_read_as_its_type() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Inner {
            n: u32,
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Outer {
            #[serde(default, deserialize_with = "lenient_object")]
            inner: Option<Inner>,
            tail: Option<u32>,
        }
        let read = |text: &str| {
            let from_text: Outer = serde_json::from_str(text).unwrap();
            // Read from a `Value` too (webhooks and tests do), with the same result.
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let from_value: Outer = serde_json::from_value(value).unwrap();
            assert_eq!(from_text, from_value, "{text}");
            assert_eq!(
                from_text.tail,
                Some(9),
                "{text}: the fields after it are read"
            );
            from_text.inner
        };
        assert_eq!(
            read(r#"{"inner": {"n": 3, "new": [1, {"x": null}]}, "tail": 9}"#),
            Some(Inner { n: 3 })
        );
        assert_eq!(
            read(r#"{"inner" : { "n" : 4 } , "tail": 9}"#),
            Some(Inner { n: 4 })
        );
        for odd in [
            r#"null"#,
            r#"{}"#,
            r#"{"n": "three"}"#,
            r#"{"n": -1}"#,
            r#"[{"n": 3}]"#,
            r#""{}""#,
            "7",
            "true",
        ] {
            assert_eq!(
                read(&format!(r#"{{"inner": {odd}, "tail": 9}}"#)),
                None,
                "{odd}"
            );
        }
        assert_eq!(read(r#"{"tail": 9}"#), None);
        // Broken JSON inside is still an error of the whole document.
        assert!(serde_json::from_str::<Outer>(r#"{"inner": {"n": 3,}, "tail": 9}"#).is_err());
    }
}
