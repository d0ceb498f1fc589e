//! E-wallets through `POST /payment_requests` (`payment_method.type: "EWALLET"`): the Xendit
//! Node SDK `EWalletParameters`, `EWalletChannelProperties` and `EWalletChannelCode` models,
//! and the supported-channel table of developers.xendit.co "Payments API Introduction".
//!
//! * **Channels.** The unified `provider` is Xendit's `channel_code`. A channel Xendit's
//!   Payment Requests API does not list (e.g. `SAKUKU`) is the typed `unsupported` error, and
//!   the currency must be one of the channel's countries (IDR for DANA, PHP for GCASH, ...).
//! * **Redirect channels** (DANA, LINKAJA, GCASH, SHOPEEPAY, ...) need the shopper's return
//!   URL and answer `REQUIRES_ACTION` with `AUTH` actions: a web or mobile page (redirect), a
//!   deep link, or a QR code.
//! * **Push channels** (OVO, JENIUSPAY) send an approval request to the shopper's app: OVO
//!   needs the mobile number, Jenius Pay the `$cashtag`. They answer `PENDING` with no action,
//!   which is `authentication_pending` with an `await` next action (the shopper approves in
//!   the app; the outcome comes by callback or PSync).
//! * **Capture.** E-wallet payments are captured at once (Xendit docs, e-wallet
//!   "Integration Guide"); manual capture is refused before sending.

use serde_json::{json, Map, Value};

use super::amounts::to_wire;
use crate::error::{Error, Result};
use crate::types::*;

/// A Payment Requests API e-wallet channel and the currencies of its countries (`None`:
/// Xendit does not say which country, so any currency is passed on).
struct Channel {
    code: &'static str,
    currencies: Option<&'static [&'static str]>,
}

const IDR: &[&str] = &["IDR"];
const PHP: &[&str] = &["PHP"];
const VND: &[&str] = &["VND"];
const THB: &[&str] = &["THB"];
const MYR: &[&str] = &["MYR"];

const CHANNELS: &[Channel] = &[
    Channel {
        code: "DANA",
        currencies: Some(IDR),
    },
    Channel {
        code: "OVO",
        currencies: Some(IDR),
    },
    Channel {
        code: "LINKAJA",
        currencies: Some(IDR),
    },
    Channel {
        code: "ASTRAPAY",
        currencies: Some(IDR),
    },
    Channel {
        code: "NEXCASH",
        currencies: Some(IDR),
    },
    Channel {
        code: "JENIUSPAY",
        currencies: Some(IDR),
    },
    Channel {
        code: "SHOPEEPAY",
        currencies: Some(&["IDR", "PHP", "VND", "THB", "MYR"]),
    },
    Channel {
        code: "GCASH",
        currencies: Some(PHP),
    },
    Channel {
        code: "PAYMAYA",
        currencies: Some(PHP),
    },
    Channel {
        code: "GRABPAY",
        currencies: Some(&["PHP", "MYR"]),
    },
    Channel {
        code: "APPOTA",
        currencies: Some(VND),
    },
    Channel {
        code: "MOMO",
        currencies: Some(VND),
    },
    Channel {
        code: "ZALOPAY",
        currencies: Some(VND),
    },
    Channel {
        code: "VNPTWALLET",
        currencies: Some(VND),
    },
    Channel {
        code: "VIETTELPAY",
        currencies: Some(VND),
    },
    Channel {
        code: "WECHATPAY",
        currencies: Some(THB),
    },
    Channel {
        code: "LINEPAY",
        currencies: Some(THB),
    },
    Channel {
        code: "TRUEMONEY",
        currencies: Some(THB),
    },
    Channel {
        code: "TOUCHNGO",
        currencies: Some(MYR),
    },
    Channel {
        code: "ALIPAY",
        currencies: None,
    },
];

/// The channels that push an approval request to the shopper's app instead of redirecting.
const PUSH_CHANNELS: &[&str] = &["OVO", "JENIUSPAY"];

/// Whether `channel` approves by a push notification in the wallet's app.
pub(super) fn is_push_channel(channel: &str) -> bool {
    PUSH_CHANNELS
        .iter()
        .any(|c| c.eq_ignore_ascii_case(channel.trim()))
}

/// The country Xendit expects with an e-wallet payment in `currency`.
fn country(currency: &str) -> Option<&'static str> {
    Some(match currency {
        "IDR" => "ID",
        "PHP" => "PH",
        "VND" => "VN",
        "THB" => "TH",
        "MYR" => "MY",
        _ => return None,
    })
}

/// The `POST /payment_requests` body of a one-time e-wallet payment.
pub(super) fn ewallet_body(req: &AuthorizeRequest, wallet: &Ewallet) -> Result<Value> {
    let code = wallet.provider.trim().to_ascii_uppercase();
    let channel = CHANNELS.iter().find(|c| c.code == code).ok_or_else(|| {
        Error::unsupported_payment_method(
            ConnectorName::Xendit,
            Flow::Authorize,
            &req.payment_method,
        )
    })?;
    let currency = req.amount.currency.code();
    if let Some(currencies) = channel.currencies {
        if !currencies.contains(&currency) {
            return Err(Error::invalid_request(
                "amount.currency",
                format!(
                    "Xendit's {} channel takes {}, not {currency}",
                    channel.code,
                    currencies.join(" or ")
                ),
            ));
        }
    }
    if req.capture_method == CaptureMethod::Manual {
        return Err(Error::invalid_request(
            "capture_method",
            "Xendit captures e-wallet payments at once: use automatic capture",
        ));
    }

    let mut properties = Map::new();
    if is_push_channel(&code) {
        match code.as_str() {
            "OVO" => {
                let number = wallet.mobile_number.as_deref().ok_or_else(|| {
                    Error::invalid_request(
                        "payment_method.mobile_number",
                        "Xendit's OVO channel pushes the approval to the shopper's OVO account: \
                         give its mobile number (E.164, e.g. +628123123123)",
                    )
                })?;
                properties.insert("mobile_number".into(), number.trim().into());
            }
            _ => {
                if let Some(cashtag) = wallet.cashtag.as_deref() {
                    properties.insert("cashtag".into(), cashtag.trim().into());
                }
            }
        }
    } else {
        let url = req.return_url.as_deref().ok_or_else(|| {
            Error::invalid_request(
                "return_url",
                format!(
                    "Xendit's {} channel sends the shopper back from the wallet's page: give a return_url",
                    channel.code
                ),
            )
        })?;
        properties.insert("success_return_url".into(), url.into());
        properties.insert("failure_return_url".into(), url.into());
    }

    let mut body = Map::new();
    body.insert("reference_id".into(), req.merchant_reference.clone().into());
    body.insert("amount".into(), to_wire(&req.amount, "amount")?);
    body.insert("currency".into(), currency.into());
    if let Some(country) = country(currency) {
        body.insert("country".into(), country.into());
    }
    body.insert(
        "payment_method".into(),
        json!({
            "type": "EWALLET",
            "reusability": "ONE_TIME_USE",
            "ewallet": {
                "channel_code": code,
                "channel_properties": Value::Object(properties),
            }
        }),
    );
    if !req.metadata.is_empty() {
        body.insert("metadata".into(), json!(req.metadata));
    }
    Ok(Value::Object(body))
}
