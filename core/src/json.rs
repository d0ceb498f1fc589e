//! The JSON interface: the whole API with JSON text in and out.
//!
//! The language bindings are thin layers over this module: each passes JSON produced from its
//! generated types (see `codegen/`) and gets JSON back, so every binding exposes exactly the
//! core's types, validation and errors. [`api_schema`] describes every type and operation; the
//! bindings' type declarations are generated from it.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;

use crate::call::Call;
use crate::client::{Client, ClientConfig};
use crate::connector::{Connector, FlowRequest, FlowResponse, OPERATIONS};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{new_idempotency_key, HttpResponse, Step};
use crate::mask::mask_text;
use crate::transport::CallOptions;
use crate::types::{ConnectorName, WebhookNotification, WebhookRequest};

/// Deserializes a request from JSON. Failures are `invalid_request` errors naming the field's
/// path; the offending value is never echoed (it may be a card number).
pub fn from_json<T: DeserializeOwned>(json: &str) -> Result<T> {
    // Valid input (the usual case) is read without tracking the path, which costs about as much
    // as the parsing; only a failure is read again, with the path, to name the field.
    if let Ok(value) = serde_json::from_str(json) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(json);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let (path, message) = full_path(&e.path().to_string(), &e.inner().to_string());
        let field = if path.is_empty() {
            "request".to_string()
        } else {
            path
        };
        Error::invalid_request(field, sanitize_serde_message(&message))
    })?;
    de.end().map_err(|_| {
        Error::invalid_request("request", "trailing characters after the JSON value")
    })?;
    Ok(value)
}

/// Marks the path inside an error message that crosses a buffered (tagged-enum) deserializer,
/// which would otherwise lose it.
const PATH_MARK: char = '\u{1F}';

/// Joins the outer path with an inner path carried in `message`, returning (path, message).
fn full_path(outer: &str, message: &str) -> (String, String) {
    let outer = if outer == "." { "" } else { outer };
    let (inner, message) = match message
        .strip_prefix(PATH_MARK)
        .and_then(|m| m.split_once(PATH_MARK))
    {
        Some((inner, rest)) => (inner, rest),
        None => ("", message),
    };
    let path = match (outer.is_empty(), inner.is_empty()) {
        (true, _) => inner.to_string(),
        (false, true) => outer.to_string(),
        (false, false) => format!("{outer}.{inner}"),
    };
    (path, message.to_string())
}

/// Deserializes the content of a tagged-enum variant, keeping the path of any error (see
/// [`crate::tagged_union`]).
#[doc(hidden)]
pub fn from_value_with_path<T: DeserializeOwned>(
    value: serde_json::Value,
) -> std::result::Result<T, String> {
    if let Ok(parsed) = T::deserialize(&value) {
        return Ok(parsed);
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let (path, message) = full_path(&e.path().to_string(), &e.inner().to_string());
        format!("{PATH_MARK}{path}{PATH_MARK}{message}")
    })
}

/// Implements `Deserialize` and `JsonSchema` for an internally tagged enum whose variants
/// wrap structs (its `Serialize` is derived with `#[serde(tag = ...)]`).
///
/// Deserializing keeps the field path of errors inside a variant (serde's derive buffers the
/// content and loses it) and removes the tag before the variant's `deny_unknown_fields`
/// check. An object whose first key is the tag (as the core and every binding write it) is
/// read in place, without buffering it: a third less to read a card payment's
/// request. The schema names each variant's struct (`x-tag`, `x-variants`), which the
/// bindings' code generator turns into a union of named types.
#[macro_export]
#[doc(hidden)]
macro_rules! tagged_union {
    ($ty:ident, $tag:literal, { $($name:expr => $variant:ident($inner:ty)),* $(,)? }) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("an object")
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<$ty, A::Error> {
                        use serde::de::Error as _;
                        let first: Option<String> = map.next_key()?;
                        if first.as_deref() == Some($tag) {
                            // The tag first (as the core and the bindings write it): the rest of
                            // the object is the variant's, read in place.
                            let tag: String = map
                                .next_value()
                                .map_err(|_| A::Error::custom(concat!("the ", $tag, " must be a string")))?;
                            let rest = serde::de::value::MapAccessDeserializer::new(map);
                            $(
                                if tag == $name {
                                    return <$inner as serde::Deserialize>::deserialize(rest).map($ty::$variant);
                                }
                            )*
                            return Err(A::Error::unknown_variant(&tag, &[$($name),*]));
                        }
                        // The tag elsewhere: the object is buffered to find it.
                        let mut object = serde_json::Map::new();
                        if let Some(key) = first {
                            let value: serde_json::Value = map.next_value()?;
                            object.insert(key, value);
                        }
                        while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
                            object.insert(key, value);
                        }
                        let tag = object.remove($tag).ok_or_else(|| A::Error::missing_field($tag))?;
                        let tag = tag.as_str().ok_or_else(|| A::Error::custom(concat!("the ", $tag, " must be a string")))?;
                        let value = serde_json::Value::Object(object);
                        $(
                            if tag == $name {
                                return $crate::json::from_value_with_path::<$inner>(value).map($ty::$variant).map_err(A::Error::custom);
                            }
                        )*
                        Err(A::Error::unknown_variant(tag, &[$($name),*]))
                    }
                }
                d.deserialize_map(Visitor)
            }
        }

        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }
            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let mut one_of = Vec::new();
                let mut variants = serde_json::Map::new();
                $(
                    let reference = serde_json::Value::from(generator.subschema_for::<$inner>());
                    one_of.push(serde_json::json!({
                        "allOf": [reference.clone()],
                        "properties": { $tag: { "const": $name } },
                        "required": [$tag],
                    }));
                    variants.insert($name.to_string(), reference);
                )*
                let value = serde_json::json!({ "oneOf": one_of, "x-tag": $tag, "x-variants": variants });
                schemars::Schema::try_from(value).expect("a tagged union schema is an object")
            }
        }
    };
}

/// Rewrites a serde message so that it names what was wrong and what was expected, never the
/// offending value: `invalid type: integer `737`, expected a string` becomes `invalid type:
/// integer, expected a string`. Whatever the input was (a CVC, a card number, an API key given
/// with the wrong JSON type), none of it is echoed. Field names (`unknown field `x``, `missing
/// field `x``) and the expected part come from the types, not the input, and are kept.
fn sanitize_serde_message(message: &str) -> String {
    // serde_json appends the position ("at line 1 column 226"): noise for a caller who built
    // the JSON from typed objects.
    let message = match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => &message[..i],
        _ => message,
    };
    let (head, tail) = match message.find(", expected ") {
        Some(i) => (&message[..i], &message[i..]),
        None => (message, ""),
    };
    let names_a_field = ["unknown field ", "missing field ", "duplicate field "]
        .iter()
        .any(|p| head.starts_with(p));
    let head = if names_a_field {
        head.to_string()
    } else {
        strip_quoted(head)
    };
    mask_text(&format!("{head}{tail}"))
}

/// Removes every backtick- or double-quote-delimited part of `text` (serde quotes input values
/// that way: integers and characters in backticks, strings in double quotes). An unterminated
/// quote removes the rest.
fn strip_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '`' || c == '"' => quote = Some(c),
            None => out.push(c),
        }
    }
    // `integer `737`` leaves "integer " before the removed value: tidy the spaces.
    let mut tidy = String::with_capacity(out.len());
    for part in out.split(' ').filter(|p| !p.is_empty()) {
        if !tidy.is_empty() && !part.starts_with(',') {
            tidy.push(' ');
        }
        tidy.push_str(part);
    }
    tidy
}

/// Serializes a value to JSON text.
pub fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::internal(format!("cannot serialize: {e}")))
}

/// A [`Client`] driven with JSON.
#[derive(Clone, Debug)]
pub struct JsonClient {
    client: Client,
}

impl JsonClient {
    /// Builds a client from a JSON [`ClientConfig`].
    pub fn new(config_json: &str) -> Result<JsonClient> {
        Ok(JsonClient {
            client: Client::new(config_from_json(config_json)?)?,
        })
    }

    pub fn from_client(client: Client) -> JsonClient {
        JsonClient { client }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// This client with `observer` receiving a record of every call (see
    /// [`Client::with_observer`]); the record's JSON is [`to_json`] of it.
    pub fn with_observer(&self, observer: Arc<dyn crate::observe::CallObserver>) -> JsonClient {
        JsonClient {
            client: self.client.with_observer(observer),
        }
    }

    pub fn connector_name(&self) -> ConnectorName {
        self.client.connector().name()
    }

    /// Calls operation `op` (e.g. `payments.authorize`) with a JSON request and optional JSON
    /// [`CallOptions`]; returns the JSON response.
    pub async fn call(
        &self,
        op: &str,
        request_json: &str,
        options_json: Option<&str>,
    ) -> Result<String> {
        let request = self.read_request(op, request_json)?;
        to_json(&self.call_typed(request, options_json).await?)
    }

    /// Reads a request of operation `op` from JSON, as [`JsonClient::call`] does; an error names
    /// the field, the connector and the flow.
    pub fn read_request(&self, op: &str, request_json: &str) -> Result<FlowRequest> {
        request_from_json(self.connector_name(), op, request_json)
    }

    /// [`JsonClient::call`] with the request already read (by [`JsonClient::read_request`], or
    /// by a binding from its native values: see [`FlowRequest::deserialize_for`]), returning
    /// the typed response (for a binding that converts it to its native values itself).
    pub async fn call_typed(
        &self,
        request: FlowRequest,
        options_json: Option<&str>,
    ) -> Result<FlowResponse> {
        let options = read_options(options_json)?;
        // `execute` attributes its errors to the connector and the flow.
        self.client.execute(request, &options).await
    }

    /// [`JsonClient::call`] for a caller that blocks until the answer, its exchanges made by
    /// the thread that polls it ([`Client::execute_blocking_io`]: poll it only where blocking
    /// is allowed).
    pub async fn call_blocking_io(
        &self,
        op: &str,
        request_json: &str,
        options_json: Option<&str>,
    ) -> Result<String> {
        let request = self.read_request(op, request_json)?;
        let options = read_options(options_json)?;
        to_json(&self.client.execute_blocking_io(request, &options).await?)
    }

    /// [`JsonClient::call`] for a caller on an event loop, its exchanges watched by
    /// `event_loop` ([`Client::execute_on_event_loop`]).
    #[cfg(unix)]
    pub async fn call_on_event_loop(
        &self,
        op: &str,
        request_json: &str,
        options_json: Option<&str>,
        event_loop: Arc<dyn crate::transport::EventLoop>,
    ) -> Result<String> {
        let request = self.read_request(op, request_json)?;
        to_json(
            &self
                .call_typed_on_event_loop(request, options_json, event_loop)
                .await?,
        )
    }

    /// [`JsonClient::call_typed`] for a caller on an event loop, its exchanges watched by
    /// `event_loop` ([`Client::execute_on_event_loop`]: poll it on the loop's thread).
    #[cfg(unix)]
    pub async fn call_typed_on_event_loop(
        &self,
        request: FlowRequest,
        options_json: Option<&str>,
        event_loop: Arc<dyn crate::transport::EventLoop>,
    ) -> Result<FlowResponse> {
        let options = read_options(options_json)?;
        self.client
            .execute_on_event_loop(request, &options, event_loop)
            .await
    }

    /// Verifies and parses a webhook: headers as a JSON object of strings, and the raw body.
    pub fn handle_webhook(&self, headers_json: &str, body: &[u8]) -> Result<String> {
        to_json(&self.handle_webhook_typed(headers_json, body)?)
    }

    /// [`JsonClient::handle_webhook`], returning the typed notification.
    pub fn handle_webhook_typed(
        &self,
        headers_json: &str,
        body: &[u8],
    ) -> Result<WebhookNotification> {
        let request = webhook_request(headers_json, body)?;
        self.client.webhooks().verify_and_parse(&request)
    }
}

/// A call's `CallOptions` JSON; none, empty or `null` for the defaults.
fn read_options(options_json: Option<&str>) -> Result<CallOptions> {
    match options_json {
        Some(o) if !o.trim().is_empty() && o.trim() != "null" => from_json(o),
        _ => Ok(CallOptions::default()),
    }
}

/// A client configuration from JSON; a malformed one is a `configuration` error naming the field.
fn config_from_json(config_json: &str) -> Result<ClientConfig> {
    from_json(config_json).map_err(|mut e| {
        e.code = ErrorCode::Configuration;
        e
    })
}

/// Parses a request, attributing any error to the connector and the operation's flow.
fn request_from_json(
    connector: ConnectorName,
    op: &str,
    request_json: &str,
) -> Result<FlowRequest> {
    FlowRequest::from_json(op, request_json).map_err(|e| {
        match OPERATIONS.iter().find(|o| o.name == op) {
            Some(operation) => e.with_connector(connector, operation.flow),
            None => e,
        }
    })
}

fn webhook_request(headers_json: &str, body: &[u8]) -> Result<WebhookRequest> {
    let headers = if headers_json.trim().is_empty() {
        Default::default()
    } else {
        from_json(headers_json)?
    };
    Ok(WebhookRequest::new(headers, body.to_vec()))
}

/// The sans-IO connector driven with JSON: build requests and parse responses with your own
/// HTTP client.
#[derive(Clone)]
pub struct JsonConnector {
    connector: Arc<dyn Connector>,
}

impl JsonConnector {
    /// Builds the connector from a JSON [`ClientConfig`] (its `transport` part is unused).
    pub fn new(config_json: &str) -> Result<JsonConnector> {
        Ok(JsonConnector {
            connector: config_from_json(config_json)?.build_connector()?,
        })
    }

    pub fn connector_name(&self) -> ConnectorName {
        self.connector.name()
    }

    /// One step of operation `op`: given the request and the responses received so far (a JSON
    /// array of `HttpResponse`), returns `{"type":"send","request":HttpRequest,
    /// "idempotency_key":...}` or `{"type":"done","response":...}`. Pass the same
    /// `idempotency_key` on every step and retry of one operation; when `None`, the request's
    /// own key or a new one is used and returned.
    pub fn step(
        &self,
        op: &str,
        request_json: &str,
        responses_json: &str,
        idempotency_key: Option<&str>,
    ) -> Result<String> {
        let responses: Vec<HttpResponse> = if responses_json.trim().is_empty() {
            Vec::new()
        } else {
            from_json(responses_json)?
        };
        let (step, key) = self.step_parts(op, request_json, &responses, idempotency_key)?;
        let key = to_json(&key)?;
        Ok(match step {
            Step::Send(http) => format!(
                r#"{{"type":"send","request":{},"idempotency_key":{key}}}"#,
                to_json(&http)?
            ),
            Step::Done(response) => {
                format!(r#"{{"type":"done","response":{response},"idempotency_key":{key}}}"#)
            }
        })
    }

    /// [`JsonConnector::step`] for bindings that pass the HTTP exchanges as native values (no
    /// JSON, no Base64 for the bodies): the request as JSON, the responses received so far;
    /// returns the step (the response of a finished flow as JSON) and the idempotency key used.
    pub fn step_parts(
        &self,
        op: &str,
        request_json: &str,
        responses: &[HttpResponse],
        idempotency_key: Option<&str>,
    ) -> Result<(Step<String>, String)> {
        let request = self.read_request(op, request_json)?;
        let (step, key) = self.step_typed(&request, responses, idempotency_key)?;
        let step = match step {
            Step::Send(http) => Step::Send(http),
            Step::Done(response) => Step::Done(to_json(&response)?),
        };
        Ok((step, key))
    }

    /// Reads a request of operation `op` from JSON, as [`JsonConnector::step`] does; an error
    /// names the field, the connector and the flow.
    pub fn read_request(&self, op: &str, request_json: &str) -> Result<FlowRequest> {
        request_from_json(self.connector.name(), op, request_json)
    }

    /// [`JsonConnector::step_parts`] with the request already read (by
    /// [`JsonConnector::read_request`], or by a binding from its native values: see
    /// [`FlowRequest::deserialize_for`]), returning the finished flow's typed response.
    pub fn step_typed(
        &self,
        request: &FlowRequest,
        responses: &[HttpResponse],
        idempotency_key: Option<&str>,
    ) -> Result<(Step<FlowResponse>, String)> {
        let key = idempotency_key
            .map(str::to_string)
            .or_else(|| request.idempotency_key().map(str::to_string))
            .unwrap_or_else(new_idempotency_key);
        let step = Call::new(self.connector.as_ref(), request, &key).step(responses)?;
        Ok((step, key))
    }

    /// Verifies and parses a webhook, as [`JsonClient::handle_webhook`].
    pub fn handle_webhook(&self, headers_json: &str, body: &[u8]) -> Result<String> {
        to_json(&self.handle_webhook_typed(headers_json, body)?)
    }

    /// [`JsonConnector::handle_webhook`], returning the typed notification.
    pub fn handle_webhook_typed(
        &self,
        headers_json: &str,
        body: &[u8],
    ) -> Result<WebhookNotification> {
        let request = webhook_request(headers_json, body)?;
        crate::client::handle_webhook(self.connector.as_ref(), &request)
    }
}

/// Serializes an error for a binding.
pub fn error_to_json(error: &Error) -> String {
    serde_json::to_string(error).unwrap_or_else(|_| {
        json!({"code": ErrorCode::Internal, "message": "cannot serialize the error"}).to_string()
    })
}

/// The machine-readable description of the API that the bindings' types are generated from:
/// every type's JSON Schema, every operation, every error code.
pub fn api_schema() -> serde_json::Value {
    use crate::types::*;
    let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    macro_rules! roots {
        ($($t:ty),* $(,)?) => { $( generator.subschema_for::<$t>(); )* };
    }
    roots!(
        ClientConfig,
        CallOptions,
        AuthorizeRequest,
        PaymentGetRequest,
        CaptureRequest,
        VoidRequest,
        RefundRequest,
        RefundGetRequest,
        SetupMandateRequest,
        CreateOrderRequest,
        AcceptDisputeRequest,
        SubmitEvidenceRequest,
        DefendDisputeRequest,
        PaymentResponse,
        RefundResponse,
        OrderResponse,
        DisputeResponse,
        WebhookRequest,
        WebhookNotification,
        crate::http::HttpRequest,
        crate::http::HttpResponse,
        crate::error::ErrorInfo,
        crate::observe::CallRecord,
        Flow,
    );
    let definitions = generator.take_definitions(true);
    let operations: Vec<_> = OPERATIONS
        .iter()
        .map(|op| json!({"name": op.name, "flow": op.flow, "request": op.request_type, "response": op.response_type}))
        .collect();
    json!({
        "version": env!("CARGO_PKG_VERSION"),
        "definitions": definitions,
        "operations": operations,
        "error_codes": ErrorCode::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        // The naming table of the exception classes: `<stem>Error` (Python, Node),
        // `<stem>Exception` (Kotlin).
        "error_classes": {
            "base": ErrorCode::BASE_CLASS_STEM,
            "stems": ErrorCode::ALL.iter().map(|c| (c.as_str().to_string(), json!(c.class_stem()))).collect::<serde_json::Map<_, _>>(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_errors_name_the_field_and_hide_the_value() {
        let json = r#"{"amount":{"minor_units":100,"currency":"USD"},"merchant_reference":"x",
            "payment_method":{"type":"card","number":"4111111111111111","expiry_month":"4111111111111111","expiry_year":2030}}"#;
        let err = FlowRequest::from_json("payments.authorize", json).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidRequest);
        assert_eq!(err.field.as_deref(), Some("payment_method.expiry_month"));
        assert!(!err.to_string().contains("4111111111111111"), "{err}");
    }

    #[test]
    fn a_tagged_union_reads_the_same_with_its_tag_first_or_elsewhere() {
        let request = |method: &str| {
            format!(
                r#"{{"amount":{{"minor_units":100,"currency":"USD"}},"merchant_reference":"x","payment_method":{method}}}"#
            )
        };
        let read = |method: &str| FlowRequest::from_json("payments.authorize", &request(method));
        let first =
            r#"{"type":"card","number":"4111111111111111","expiry_month":3,"expiry_year":2030}"#;
        let last =
            r#"{"number":"4111111111111111","expiry_month":3,"expiry_year":2030,"type":"card"}"#;
        assert_eq!(read(first).unwrap(), read(last).unwrap());
        // An error inside the variant names its field either way.
        for method in [
            r#"{"type":"card","number":"4111111111111111","expiry_month":"x","expiry_year":2030}"#,
            r#"{"number":"4111111111111111","expiry_month":"x","expiry_year":2030,"type":"card"}"#,
        ] {
            let err = read(method).unwrap_err();
            assert_eq!(
                err.field.as_deref(),
                Some("payment_method.expiry_month"),
                "{method}"
            );
        }
        for (method, message) in [
            (
                r#"{"type":"card","number":"4111111111111111","expiry_month":3,"expiry_year":2030,"bogus":1}"#,
                "unknown field `bogus`",
            ),
            (
                r#"{"bogus":1,"number":"4111111111111111","expiry_month":3,"expiry_year":2030,"type":"card"}"#,
                "unknown field `bogus`",
            ),
            (
                r#"{"type":"4111 1111 1111 1111","number":"4111111111111111"}"#,
                "unknown variant, expected one of",
            ),
            (
                r#"{"number":"4111111111111111","type":"4111 1111 1111 1111"}"#,
                "unknown variant, expected one of",
            ),
            (
                r#"{"type":4111111111111111,"number":"4111111111111111"}"#,
                "the type must be a string",
            ),
            (
                r#"{"number":"4111111111111111","type":4111111111111111}"#,
                "the type must be a string",
            ),
            (r#"{"number":"4111111111111111"}"#, "missing field `type`"),
            (r#"{}"#, "missing field `type`"),
            (r#""4111111111111111""#, "expected an object"),
        ] {
            let err = read(method).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidRequest, "{method}");
            assert!(err.message.contains(message), "{method}: {}", err.message);
            assert!(!err.message.contains("4111"), "{method}: {}", err.message);
        }
    }

    #[test]
    fn wrong_json_types_never_echo_the_value() {
        // An integer CVC, an integer PAN, a numeric key secret: serde quotes integers in
        // backticks; none of it may come back.
        let json = r#"{"amount":{"minor_units":100,"currency":"USD"},"merchant_reference":"x",
            "payment_method":{"type":"card","number":"4111111111111111","cvc":737,"expiry_month":3,"expiry_year":2030}}"#;
        let err = FlowRequest::from_json("payments.authorize", json).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("payment_method.cvc"));
        assert!(!err.message.contains("737"), "{}", err.message);
        assert!(err.message.contains("expected"), "{}", err.message);
        let json = r#"{"amount":{"minor_units":100,"currency":"USD"},"merchant_reference":"x",
            "payment_method":{"type":"card","number":4111111111111111,"expiry_month":3,"expiry_year":2030}}"#;
        let err = FlowRequest::from_json("payments.authorize", json).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("payment_method.number"));
        assert!(!err.message.contains("4111"), "{}", err.message);
        let err = JsonConnector::new(
            r#"{"connector":{"type":"razorpay","key_id":"rzp_test_1","key_secret":98765432101}}"#,
        )
        .err()
        .expect("numeric secret");
        assert_eq!(err.field.as_deref(), Some("connector.key_secret"));
        assert!(!err.message.contains("98765432101"), "{}", err.message);
        let json = r#"{"amount":{"minor_units":100,"currency":"USD"},"merchant_reference":"x",
            "payment_method":{"type":"card","number":"4111111111111111","cvc":true,"expiry_month":3.5,"expiry_year":2030}}"#;
        let err = FlowRequest::from_json("payments.authorize", json).unwrap_err();
        assert!(
            !err.message.contains("true") && !err.message.contains("3.5"),
            "{}",
            err.message
        );
        // Field names stay (they come from the types, not the input).
        let err = FlowRequest::from_json(
            "payments.capture",
            r#"{"connector_transaction_id":"p","amount":{"minor_units":1,"currency":"USD"},"bogus_field":"4111 1111 1111 1111"}"#,
        )
        .unwrap_err();
        assert!(err.message.contains("bogus_field"), "{}", err.message);
        assert!(!err.message.contains("4111"), "{}", err.message);
    }

    #[test]
    fn serde_messages_are_rewritten_without_values() {
        assert_eq!(
            sanitize_serde_message(
                "invalid type: integer `737`, expected a string at line 1 column 9"
            ),
            "invalid type: integer, expected a string"
        );
        assert_eq!(
            sanitize_serde_message("invalid value: string \"sk_live_1\", expected one of `a`, `b`"),
            "invalid value: string, expected one of `a`, `b`"
        );
        assert_eq!(
            sanitize_serde_message("unknown variant `4111 1111 1111 1111`, expected `card`"),
            "unknown variant, expected `card`"
        );
        assert_eq!(
            sanitize_serde_message("missing field `cvc`"),
            "missing field `cvc`"
        );
        assert_eq!(
            sanitize_serde_message("unknown ISO 4217 currency code `SEC`"),
            "unknown ISO 4217 currency code"
        );
    }

    #[test]
    fn oversized_webhook_bodies_are_refused_before_parsing() {
        let config = r#"{"connector":{"type":"adyen","api_key":"k","merchant_account":"M"}}"#;
        let body = vec![b' '; crate::client::MAX_WEBHOOK_BODY_BYTES + 1];
        let connector = JsonConnector::new(config).unwrap();
        let err = connector.handle_webhook("{}", &body).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidRequest);
        assert_eq!(err.field.as_deref(), Some("body"));
        assert_eq!(err.flow, Some(crate::types::Flow::Webhook));
        let client = JsonClient::new(config).unwrap();
        let err = client.handle_webhook("{}", &body).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("body"));
        // At the limit, the connector gets the body (and rejects this one for what it is).
        let body = vec![b' '; crate::client::MAX_WEBHOOK_BODY_BYTES];
        let err = connector.handle_webhook("{}", &body).unwrap_err();
        assert_ne!(err.field.as_deref(), Some("body"));
    }

    #[test]
    fn decline_messages_and_errors_mask_formatted_card_numbers() {
        let connector = JsonConnector::new(
            r#"{"connector":{"type":"adyen","api_key":"k","merchant_account":"M"}}"#,
        )
        .unwrap();
        let request = r#"{"amount":{"minor_units":100,"currency":"USD"},"merchant_reference":"x",
            "payment_method":{"type":"card","number":"4111111111111111","cvc":"737","expiry_month":3,"expiry_year":2030}}"#;
        let answer = r#"[{"status":200,"headers":{},"body":"eyJwc3BSZWZlcmVuY2UiOiJQU1AxIiwicmVzdWx0Q29kZSI6IlJlZnVzZWQiLCJyZWZ1c2FsUmVhc29uIjoiY2FyZCA0MTExLTExMTEtMTExMS0xMTExIHJlZnVzZWQiLCJyZWZ1c2FsUmVhc29uQ29kZSI6IjIifQ=="}]"#;
        let out = connector
            .step("payments.authorize", request, answer, Some("k1"))
            .unwrap();
        assert!(out.contains("refused"), "{out}");
        assert!(!out.contains("4111-1111"), "{out}");
        assert!(!out.contains("4111111111111111"), "{out}");
        // An error whose text a connector set directly is masked on its way out.
        let err = Error::new(ErrorCode::ProcessorError, "x");
        let mut err = err;
        err.message = "card 4111 1111 1111 1111".into();
        err.processor_message = Some("４１１１１１１１１１１１１１１１".into());
        let err = err.with_connector(ConnectorName::Adyen, crate::types::Flow::Authorize);
        assert!(!err.message.contains("1111 1111"), "{}", err.message);
        assert!(!err
            .processor_message
            .as_deref()
            .unwrap()
            .contains("１１１１１１"));
    }

    #[test]
    fn bad_card_number_is_rejected_without_echo() {
        let json = r#"{"amount":{"minor_units":100,"currency":"USD"},"merchant_reference":"x",
            "payment_method":{"type":"card","number":"4111111111111112","expiry_month":3,"expiry_year":2030}}"#;
        let err = FlowRequest::from_json("payments.authorize", json).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("payment_method.number"));
        assert!(err.message.contains("Luhn"));
        assert!(!err.to_string().contains("4111111111111112"));
    }

    #[test]
    fn messages_drop_serde_positions_and_configs_fail_as_configuration() {
        let json =
            r#"{"connector_transaction_id":"p","amount":{"minor_units":"x","currency":"USD"}}"#;
        let err = FlowRequest::from_json("payments.capture", json).unwrap_err();
        assert!(!err.message.contains("line 1"), "{}", err.message);
        let err = JsonConnector::new(
            r#"{"connector":{"type":"adyen","api_key":"k","merchant_account":"M","bogus":1}}"#,
        )
        .err()
        .expect("unknown field");
        assert_eq!(err.code, ErrorCode::Configuration);
        assert_eq!(err.field.as_deref(), Some("connector.bogus"));
        let connector = JsonConnector::new(
            r#"{"connector":{"type":"adyen","api_key":"k","merchant_account":"M"}}"#,
        )
        .unwrap();
        let err = connector
            .step("payments.capture", json, "", None)
            .unwrap_err();
        assert_eq!(err.connector, Some(ConnectorName::Adyen));
        assert_eq!(err.flow, Some(crate::types::Flow::Capture));
    }

    #[test]
    fn unknown_operation_and_currency() {
        assert_eq!(
            FlowRequest::from_json("payments.nope", "{}")
                .unwrap_err()
                .field
                .as_deref(),
            Some("operation")
        );
        let json =
            r#"{"connector_transaction_id":"p","amount":{"minor_units":100,"currency":"ZZZ"}}"#;
        let err = FlowRequest::from_json("payments.capture", json).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("amount.currency"));
    }

    #[test]
    fn fractional_amounts_are_rejected() {
        let json =
            r#"{"connector_transaction_id":"p","amount":{"minor_units":10.5,"currency":"USD"}}"#;
        let err = FlowRequest::from_json("payments.capture", json).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("amount.minor_units"));
    }

    #[test]
    fn schema_lists_every_operation_and_type() {
        let schema = api_schema();
        let defs = schema["definitions"].as_object().unwrap();
        for op in OPERATIONS {
            assert!(defs.contains_key(op.request_type), "{}", op.request_type);
            assert!(defs.contains_key(op.response_type), "{}", op.response_type);
        }
        assert_eq!(
            schema["error_codes"].as_array().unwrap().len(),
            ErrorCode::ALL.len()
        );
    }
}
