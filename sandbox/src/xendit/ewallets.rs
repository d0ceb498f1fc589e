//! E-wallets through `POST /payment_requests` with `payment_method.type: "EWALLET"`
//! (Xendit Node SDK `EWalletParameters`, `EWalletChannelProperties`): the channel table
//! (developers.xendit.co "Payments API Introduction"), validation, `actions[]` per channel
//! (Xendit docs "eWallet Checkout Methods"), and the test-mode amounts (Xendit docs e-wallet
//! "Testing Scenarios").

use http::StatusCode;
use serde_json::{json, Map, Value};

use super::{join, opt_obj, opt_str, req_str, ApiError};

/// One e-wallet channel in one currency.
#[derive(Debug, PartialEq, Eq)]
pub struct Channel {
    pub code: &'static str,
    pub currency: &'static str,
    /// Approved in the wallet's app (push notification): no redirect, `PENDING`.
    pub push: bool,
    /// Account linking (`MULTIPLE_USE`) available.
    pub linking: bool,
    /// Refunds available.
    pub refund: bool,
    pub web: bool,
    pub mobile: bool,
    pub deeplink: bool,
    pub qr: bool,
}

const fn channel(
    code: &'static str,
    currency: &'static str,
    linking: bool,
    refund: bool,
    actions: (bool, bool, bool, bool),
) -> Channel {
    Channel {
        code,
        currency,
        push: false,
        linking,
        refund,
        web: actions.0,
        mobile: actions.1,
        deeplink: actions.2,
        qr: actions.3,
    }
}

const fn push(code: &'static str, linking: bool, refund: bool) -> Channel {
    Channel {
        code,
        currency: "IDR",
        push: true,
        linking,
        refund,
        web: false,
        mobile: false,
        deeplink: false,
        qr: false,
    }
}

const WEB_MOBILE: (bool, bool, bool, bool) = (true, true, false, false);
const DEEPLINK_QR: (bool, bool, bool, bool) = (false, false, true, true);
const WEB_DEEPLINK: (bool, bool, bool, bool) = (true, false, true, false);

/// The channels (developers.xendit.co supported-channel table; actions from "eWallet Checkout
/// Methods"; WEB + MOBILE where the table has no detail).
pub static CHANNELS: [Channel; 24] = [
    channel("DANA", "IDR", true, false, WEB_MOBILE),
    push("OVO", true, false),
    channel("LINKAJA", "IDR", true, true, WEB_MOBILE),
    channel("SHOPEEPAY", "IDR", true, true, DEEPLINK_QR),
    channel("ASTRAPAY", "IDR", false, false, WEB_MOBILE),
    channel("NEXCASH", "IDR", false, false, WEB_MOBILE),
    push("JENIUSPAY", false, true),
    channel("GCASH", "PHP", true, true, WEB_MOBILE),
    channel("GRABPAY", "PHP", true, true, WEB_DEEPLINK),
    channel("PAYMAYA", "PHP", true, true, WEB_MOBILE),
    channel("SHOPEEPAY", "PHP", true, true, DEEPLINK_QR),
    channel("APPOTA", "VND", false, true, WEB_MOBILE),
    channel("MOMO", "VND", false, true, WEB_MOBILE),
    channel("ZALOPAY", "VND", false, true, WEB_MOBILE),
    channel("VNPTWALLET", "VND", false, true, WEB_MOBILE),
    channel("SHOPEEPAY", "VND", false, true, WEB_MOBILE),
    channel("VIETTELPAY", "VND", false, false, WEB_MOBILE),
    channel("WECHATPAY", "THB", false, false, WEB_MOBILE),
    channel("LINEPAY", "THB", false, true, WEB_MOBILE),
    channel("TRUEMONEY", "THB", false, true, WEB_MOBILE),
    channel("SHOPEEPAY", "THB", false, true, WEB_MOBILE),
    channel("TOUCHNGO", "MYR", true, true, WEB_MOBILE),
    channel("SHOPEEPAY", "MYR", true, true, WEB_MOBILE),
    channel("GRABPAY", "MYR", false, true, WEB_MOBILE),
];

/// What a test-mode amount does (Xendit docs e-wallet "Testing Scenarios"), in hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Magic {
    /// The create call fails with this status and code.
    Error(StatusCode, &'static str, &'static str),
    /// The payment fails with this `failure_code` when it completes.
    Failure(&'static str),
    None,
}

pub fn magic(amount: i64) -> Magic {
    if amount % 100 != 0 {
        return Magic::None;
    }
    match amount / 100 {
        10100 => Magic::Error(
            StatusCode::FORBIDDEN,
            "CHANNEL_NOT_ACTIVATED",
            "The payment channel requested has not been activated for this account",
        ),
        10101 => Magic::Error(
            StatusCode::SERVICE_UNAVAILABLE,
            "CHANNEL_UNAVAILABLE",
            "The payment channel requested is currently experiencing unexpected issues",
        ),
        10102 => Magic::Error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SERVER_ERROR",
            "An unexpected error occurred, our team has been notified",
        ),
        20103 => Magic::Failure("ACCOUNT_ACCESS_BLOCKED"),
        20104 => Magic::Failure("INVALID_MERCHANT_CREDENTIALS"),
        20105 => Magic::Failure("USER_DECLINED_PAYMENT"),
        20106 => Magic::Failure("INVALID_ACCOUNT_DETAILS"),
        21107 => Magic::Failure("MAXIMUM_LIMIT_REACHED"),
        21110 => Magic::Failure("INSUFFICIENT_BALANCE"),
        _ => Magic::None,
    }
}

/// `payment_method.ewallet` of a request, validated for the currency, reusability and
/// capture method: the channel and its `channel_properties`.
pub fn from_request(
    ewallet: &Map<String, Value>,
    path: &str,
    currency: &str,
    reusability: &str,
    capture_method: &str,
) -> Result<(&'static Channel, Value), ApiError> {
    let code = req_str(ewallet, path, "channel_code")?;
    let known: Vec<&'static Channel> = CHANNELS.iter().filter(|c| c.code == code).collect();
    if known.is_empty() {
        return Err(ApiError::validation(
            &join(path, "channel_code"),
            format!("{code:?} is not a supported e-wallet channel"),
        ));
    }
    let channel = known
        .into_iter()
        .find(|c| c.currency == currency)
        .ok_or_else(|| {
            ApiError::bad_request(
                "UNSUPPORTED_CURRENCY",
                format!("The currency {currency} is not supported by the channel {code}"),
            )
        })?;
    if capture_method == "MANUAL" {
        return Err(ApiError::validation(
            "capture_method",
            "MANUAL is not supported for EWALLET payments",
        ));
    }
    if reusability == "MULTIPLE_USE" && !channel.linking {
        return Err(ApiError::validation(
            "payment_method.reusability",
            format!("MULTIPLE_USE is not supported by the channel {code}"),
        ));
    }
    let props_path = join(path, "channel_properties");
    let props = opt_obj(ewallet, path, "channel_properties")?;
    let empty = Map::new();
    let props_map = props.unwrap_or(&empty);
    for field in [
        "success_return_url",
        "failure_return_url",
        "pending_return_url",
        "cancel_return_url",
    ] {
        super::methods::opt_url(props_map, &props_path, field)?;
    }
    if !channel.push && props_map.get("success_return_url").is_none() {
        return Err(ApiError::required(&join(&props_path, "success_return_url")));
    }
    if code == "OVO" && reusability == "ONE_TIME_USE" {
        let number = opt_str(props_map, &props_path, "mobile_number")?;
        let valid = number.as_deref().is_some_and(|n| {
            n.len() >= 9
                && n.len() <= 16
                && n.starts_with('+')
                && n[1..].bytes().all(|b| b.is_ascii_digit())
        });
        if !valid {
            return Err(ApiError::validation(
                &join(&props_path, "mobile_number"),
                "is required for OVO and must be in E.164 format (+628...)",
            ));
        }
    }
    if code == "JENIUSPAY" {
        let cashtag = opt_str(props_map, &props_path, "cashtag")?;
        if cashtag.as_deref().is_none_or(|c| c.trim().is_empty()) {
            return Err(ApiError::required(&join(&props_path, "cashtag")));
        }
    }
    Ok((
        channel,
        props
            .map(|p| Value::Object(p.clone()))
            .unwrap_or(Value::Null),
    ))
}

/// `actions[]` of a redirect channel: `AUTH` actions to the mock checkout page, shaped per
/// channel (Xendit docs "eWallet Checkout Methods").
pub fn actions(channel: &Channel, page_url: &str, token: &str) -> Vec<Value> {
    let action = |url_type: &str, url: String| json!({"action": "AUTH", "url_type": url_type, "method": "GET", "url": url, "qr_code": null});
    let mut actions = Vec::new();
    if channel.web {
        actions.push(action("WEB", page_url.to_string()));
    }
    if channel.mobile {
        actions.push(action("MOBILE", format!("{page_url}?device=mobile")));
    }
    if channel.deeplink {
        actions.push(action("DEEPLINK", format!("{page_url}?device=app")));
    }
    if channel.qr {
        actions.push(json!({
            "action": "PRESENT_TO_CUSTOMER", "url_type": null, "method": null, "url": null,
            "qr_code": format!("00020101021226610016ID.CO.XENDIT.WWW0118SANDBOX{}5204599953033605802ID6304SBX0", token.to_uppercase()),
        }));
    }
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(value: Value, currency: &str, reusability: &str) -> Result<&'static str, ApiError> {
        from_request(
            value.as_object().unwrap(),
            "payment_method.ewallet",
            currency,
            reusability,
            "AUTOMATIC",
        )
        .map(|(c, _)| c.code)
    }

    #[test]
    fn validates_channels() {
        let ok = json!({"channel_code": "DANA", "channel_properties": {"success_return_url": "https://shop.example/ok"}});
        assert_eq!(request(ok.clone(), "IDR", "ONE_TIME_USE").unwrap(), "DANA");
        assert_eq!(
            request(ok, "PHP", "ONE_TIME_USE").unwrap_err().code,
            "UNSUPPORTED_CURRENCY"
        );
        let no_url = json!({"channel_code": "GCASH"});
        assert!(request(no_url, "PHP", "ONE_TIME_USE").is_err());
        let ovo = json!({"channel_code": "OVO", "channel_properties": {}});
        assert_eq!(
            request(ovo, "IDR", "ONE_TIME_USE").unwrap_err().code,
            "API_VALIDATION_ERROR"
        );
        let ovo = json!({"channel_code": "OVO", "channel_properties": {"mobile_number": "+628123123123"}});
        assert_eq!(request(ovo, "IDR", "ONE_TIME_USE").unwrap(), "OVO");
        let jenius =
            json!({"channel_code": "JENIUSPAY", "channel_properties": {"cashtag": "$shopper"}});
        assert_eq!(
            request(jenius.clone(), "IDR", "ONE_TIME_USE").unwrap(),
            "JENIUSPAY"
        );
        assert!(request(jenius, "IDR", "MULTIPLE_USE").is_err());
        assert!(request(json!({"channel_code": "SAKUKU"}), "IDR", "ONE_TIME_USE").is_err());
    }

    #[test]
    fn magic_amounts() {
        assert!(matches!(
            magic(10_100 * 100),
            Magic::Error(StatusCode::FORBIDDEN, "CHANNEL_NOT_ACTIVATED", _)
        ));
        assert_eq!(magic(20_105 * 100), Magic::Failure("USER_DECLINED_PAYMENT"));
        assert_eq!(magic(25_000 * 100), Magic::None);
        assert_eq!(magic(1_010_050), Magic::None);
    }

    #[test]
    fn actions_per_channel() {
        let shopee = CHANNELS
            .iter()
            .find(|c| c.code == "SHOPEEPAY" && c.currency == "IDR")
            .unwrap();
        let a = actions(shopee, "http://x/xendit/web/ewallet/t", "t");
        assert_eq!(a.len(), 2);
        assert_eq!(a[0]["url_type"], "DEEPLINK");
        assert!(a[1]["qr_code"].is_string());
        let dana = &CHANNELS[0];
        let a = actions(dana, "http://x/p", "t");
        assert_eq!(
            a.iter().map(|a| a["url_type"].clone()).collect::<Vec<_>>(),
            [json!("WEB"), json!("MOBILE")]
        );
    }
}
