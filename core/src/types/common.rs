//! Types shared by every service: names, statuses, customers, addresses, bytes.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// String-to-string metadata passed to the processor where it accepts it.
pub type Metadata = BTreeMap<String, String>;

string_enum! {
    /// The payment processors this library speaks to.
    #[derive(PartialOrd, Ord)]
    pub enum ConnectorName {
        Adyen = "adyen",
        Checkout = "checkout",
        Razorpay = "razorpay",
        Fiserv = "fiserv",
        Elavon = "elavon",
        Xendit = "xendit",
    }
}

impl ConnectorName {
    pub fn display_name(&self) -> &'static str {
        match self {
            ConnectorName::Adyen => "Adyen",
            ConnectorName::Checkout => "Checkout.com",
            ConnectorName::Razorpay => "Razorpay",
            ConnectorName::Fiserv => "Fiserv",
            ConnectorName::Elavon => "Elavon",
            ConnectorName::Xendit => "Xendit",
        }
    }
}

string_enum! {
    /// The flows of the unified API.
    #[derive(PartialOrd, Ord)]
    pub enum Flow {
        Authorize = "authorize",
        Psync = "psync",
        Capture = "capture",
        Void = "void",
        Refund = "refund",
        Rsync = "rsync",
        SetupMandate = "setup_mandate",
        CreateOrder = "create_order",
        AcceptDispute = "accept_dispute",
        SubmitEvidence = "submit_evidence",
        DefendDispute = "defend_dispute",
        Webhook = "webhook",
    }
}

/// Unified payment (attempt) status. Declines are `failure`, with [`DeclineDetails`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Created locally; nothing sent yet.
    Started,
    /// The shopper must act (3-D Secure challenge, redirect, OTP, ...): see `next_action`.
    AuthenticationPending,
    /// Authentication finished; the authorization result is not known yet.
    AuthenticationSuccessful,
    /// Shopper authentication failed.
    AuthenticationFailed,
    /// Sent; the processor is still processing.
    Authorizing,
    /// Accepted by the processor; the final outcome comes later by sync or webhook.
    Pending,
    /// Funds are held; a capture is required.
    Authorized,
    /// Captured, or a sale that is complete.
    Charged,
    /// Part of the authorized amount was captured.
    PartialCharged,
    /// The authorization was cancelled.
    Voided,
    /// The processor accepted the void; confirmation follows.
    VoidInitiated,
    /// The void was rejected; the payment stays authorized.
    VoidFailed,
    /// The capture was rejected or failed after acceptance.
    CaptureFailed,
    /// Declined or failed; see `decline`.
    Failure,
    /// The processor refunded an uncaptured authorization on its own.
    AutoRefunded,
    /// The authorization expired without capture.
    Expired,
}

impl PaymentStatus {
    /// Whether no further change is expected (refunds are tracked separately).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            PaymentStatus::AuthenticationFailed
                | PaymentStatus::Charged
                | PaymentStatus::PartialCharged
                | PaymentStatus::Voided
                | PaymentStatus::Failure
                | PaymentStatus::AutoRefunded
                | PaymentStatus::Expired
        )
    }
}

/// Unified refund status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// Accepted or in progress; the outcome comes later by sync or webhook.
    Pending,
    /// Refund processed.
    Success,
    /// Refund rejected or failed (including reversals).
    Failure,
    /// Held for review by the processor.
    ManualReview,
}

/// Unified dispute status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    /// Raised; the merchant may respond.
    Opened,
    /// The response window closed without a defence.
    Expired,
    /// Accepted by (or on behalf of) the merchant.
    Accepted,
    /// Closed without a decision.
    Cancelled,
    /// Evidence or a defence was submitted and is under review.
    Challenged,
    /// Decided for the merchant.
    Won,
    /// Decided for the cardholder.
    Lost,
}

/// Unified dispute stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStage {
    /// Information request, fraud notification, or notice of a coming chargeback.
    PreDispute,
    /// The chargeback itself.
    Dispute,
    /// Second chargeback, pre-arbitration or arbitration.
    PreArbitration,
}

/// Whether funds are captured with the authorization or later by a capture call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaptureMethod {
    #[default]
    Automatic,
    Manual,
}

/// Whether to ask for 3-D Secure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthenticationType {
    /// Let the processor (and its risk rules) decide.
    #[default]
    Auto,
    /// Ask for 3-D Secure.
    ThreeDs,
    /// Ask to skip 3-D Secure where the processor allows it.
    NoThreeDs,
}

/// How a saved payment method will be used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MandateUsage {
    /// Merchant-initiated charges at irregular times (unscheduled card-on-file).
    #[default]
    Unscheduled,
    /// Shopper-initiated payments with the saved card (card-on-file).
    CardOnFile,
    /// A subscription: charges on a fixed schedule.
    Subscription,
}

string_enum! {
    /// HTTP method of a redirect or request.
    #[derive(Default)]
    pub enum HttpMethod {
        #[default]
        Get = "GET",
        Post = "POST",
        Put = "PUT",
        Patch = "PATCH",
        Delete = "DELETE",
    }
}

/// The customer (shopper).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// Your id for the customer; required to save or charge a mandate.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number, with country code (e.g. `+919999999999`).
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    /// The shopper's IP address.
    #[serde(default)]
    pub ip_address: Option<String>,
}

/// A postal address.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default)]
    pub line1: Option<String>,
    #[serde(default)]
    pub line2: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

/// The shopper's browser, for 3-D Secure 2.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BrowserInfo {
    #[serde(default)]
    pub user_agent: Option<String>,
    #[serde(default)]
    pub accept_header: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub color_depth: Option<u32>,
    #[serde(default)]
    pub screen_height: Option<u32>,
    #[serde(default)]
    pub screen_width: Option<u32>,
    /// Minutes from UTC, as JavaScript's `Date.getTimezoneOffset()` gives it.
    #[serde(default)]
    pub time_zone_offset_minutes: Option<i32>,
    #[serde(default)]
    pub java_enabled: Option<bool>,
    #[serde(default)]
    pub javascript_enabled: Option<bool>,
    /// The page the shopper pays on (Razorpay's `referer`).
    #[serde(default)]
    pub referer: Option<String>,
}

/// Binary data. In JSON: a Base64 string (an array of byte values, or Node's
/// `{"type":"Buffer","data":[...]}`, are also accepted on input).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Bytes(v)
    }
}

impl From<&[u8]> for Bytes {
    fn from(v: &[u8]) -> Self {
        Bytes(v.to_vec())
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Base64(String),
            Array(Vec<u8>),
            Buffer { data: Vec<u8> },
        }
        match Repr::deserialize(d)? {
            Repr::Base64(s) => base64::engine::general_purpose::STANDARD
                .decode(s.as_bytes())
                .map(Bytes)
                .map_err(|_| serde::de::Error::custom("expected Base64-encoded bytes")),
            Repr::Array(v) | Repr::Buffer { data: v } => Ok(Bytes(v)),
        }
    }
}

impl JsonSchema for Bytes {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Bytes".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "contentEncoding": "base64",
            "x-bytes": true
        })
    }
}
