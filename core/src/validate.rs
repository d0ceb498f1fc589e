//! Checks every request passes before anything is sent. A failure is an `invalid_request`
//! error naming the field.

use crate::error::{Error, Result};
use crate::money::Money;
use crate::types::*;

/// A request that can be checked before sending.
pub trait Validate {
    fn validate(&self) -> Result<()>;
}

fn required(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(Error::invalid_request(field, "must not be empty"))
    } else if value.len() > 1024 {
        Err(Error::invalid_request(
            field,
            "must be at most 1024 characters",
        ))
    } else {
        Ok(())
    }
}

fn optional(field: &str, value: &Option<String>) -> Result<()> {
    match value {
        Some(v) => required(field, v),
        None => Ok(()),
    }
}

fn idempotency_key(value: &Option<String>) -> Result<()> {
    if let Some(key) = value {
        if key.is_empty() || key.len() > 64 {
            return Err(Error::invalid_request(
                "idempotency_key",
                "must be 1 to 64 characters",
            ));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid_request(
                "idempotency_key",
                "must be printable ASCII without spaces",
            ));
        }
    }
    Ok(())
}

fn url(field: &str, value: &Option<String>) -> Result<()> {
    if let Some(v) = value {
        match url::Url::parse(v) {
            Ok(u) if u.scheme() == "https" || u.scheme() == "http" => {}
            _ => return Err(Error::invalid_request(field, "must be an http(s) URL")),
        }
    }
    Ok(())
}

fn same_currency(field: &str, a: &Money, b: &Money) -> Result<()> {
    if a.currency != b.currency {
        return Err(Error::invalid_request(
            field,
            format!("currency {} differs from {}", a.currency, b.currency),
        ));
    }
    Ok(())
}

fn payment_method(pm: &PaymentMethod) -> Result<()> {
    match pm {
        PaymentMethod::Card(card) => {
            expiry(card.expiry_month, card.expiry_year)?;
            if let Some(cvc) = &card.cvc {
                let c = cvc.expose();
                if !(3..=4).contains(&c.len()) || !c.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Error::invalid_request(
                        "payment_method.cvc",
                        "must be 3 or 4 digits",
                    ));
                }
            }
            optional("payment_method.holder_name", &card.holder_name)
        }
        PaymentMethod::Mandate(m) => required("payment_method.mandate_id", &m.mandate_id),
        PaymentMethod::EncryptedCard(c) => {
            secret_required(
                "payment_method.encrypted_card_number",
                &c.encrypted_card_number,
            )?;
            secret_required(
                "payment_method.encrypted_expiry_month",
                &c.encrypted_expiry_month,
            )?;
            secret_required(
                "payment_method.encrypted_expiry_year",
                &c.encrypted_expiry_year,
            )?;
            if let Some(code) = &c.encrypted_security_code {
                secret_required("payment_method.encrypted_security_code", code)?;
            }
            optional("payment_method.holder_name", &c.holder_name)
        }
        PaymentMethod::ApplePay(ApplePay { token })
        | PaymentMethod::GooglePay(GooglePay { token }) => {
            secret_required("payment_method.token", token)
        }
        PaymentMethod::NetworkToken(t) => {
            expiry(t.expiry_month, t.expiry_year)?;
            secret_required("payment_method.cryptogram", &t.cryptogram)?;
            if let Some(eci) = &t.eci {
                if !(1..=2).contains(&eci.len()) || !eci.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Error::invalid_request(
                        "payment_method.eci",
                        "must be one or two digits (e.g. 05, 07)",
                    ));
                }
            }
            optional("payment_method.holder_name", &t.holder_name)
        }
        PaymentMethod::Upi(u) => match (u.flow, &u.vpa) {
            (UpiFlow::Collect, None) => Err(Error::invalid_request(
                "payment_method.vpa",
                "is required for a UPI collect payment",
            )),
            (_, Some(vpa)) => {
                let valid = vpa.split_once('@').is_some_and(|(name, handle)| {
                    !name.trim().is_empty() && !handle.trim().is_empty() && !handle.contains('@')
                });
                if valid && vpa.len() <= 255 {
                    Ok(())
                } else {
                    Err(Error::invalid_request(
                        "payment_method.vpa",
                        "must be a UPI address such as name@bank",
                    ))
                }
            }
            (UpiFlow::Intent, None) => Ok(()),
        },
        PaymentMethod::Netbanking(n) => required("payment_method.bank_code", &n.bank_code),
        PaymentMethod::BankRedirect(b) => {
            optional("payment_method.issuer", &b.issuer)?;
            if b.method.needs_issuer() && b.issuer.is_none() {
                return Err(Error::invalid_request(
                    "payment_method.issuer",
                    format!("is required for {}", b.method.as_str()),
                ));
            }
            Ok(())
        }
        PaymentMethod::Ewallet(w) => {
            required("payment_method.provider", &w.provider)?;
            optional("payment_method.cashtag", &w.cashtag)?;
            if let Some(number) = &w.mobile_number {
                let digits = number.strip_prefix('+').unwrap_or("");
                if !(6..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(Error::invalid_request(
                        "payment_method.mobile_number",
                        "must be in E.164 form (+ and 6 to 15 digits)",
                    ));
                }
            }
            Ok(())
        }
    }
}

fn expiry(month: u8, year: u16) -> Result<()> {
    if !(1..=12).contains(&month) {
        return Err(Error::invalid_request(
            "payment_method.expiry_month",
            "must be 1 to 12",
        ));
    }
    if !(2000..=2099).contains(&year) {
        return Err(Error::invalid_request(
            "payment_method.expiry_year",
            "must be a four-digit year",
        ));
    }
    Ok(())
}

fn secret_required(field: &str, value: &crate::secret::Secret<String>) -> Result<()> {
    if value.expose().trim().is_empty() {
        return Err(Error::invalid_request(field, "must not be empty"));
    }
    Ok(())
}

fn customer(c: &Option<Customer>) -> Result<()> {
    if let Some(c) = c {
        optional("customer.id", &c.id)?;
        if let Some(email) = &c.email {
            if !email.contains('@') {
                return Err(Error::invalid_request(
                    "customer.email",
                    "must be an email address",
                ));
            }
        }
    }
    Ok(())
}

impl Validate for AuthorizeRequest {
    fn validate(&self) -> Result<()> {
        self.amount.validate("amount", false)?;
        required("merchant_reference", &self.merchant_reference)?;
        payment_method(&self.payment_method)?;
        idempotency_key(&self.idempotency_key)?;
        customer(&self.customer)?;
        url("return_url", &self.return_url)?;
        optional("connector_order_id", &self.connector_order_id)
    }
}

impl Validate for PaymentGetRequest {
    fn validate(&self) -> Result<()> {
        optional("connector_transaction_id", &self.connector_transaction_id)?;
        optional("connector_order_id", &self.connector_order_id)?;
        optional("merchant_reference", &self.merchant_reference)?;
        idempotency_key(&self.idempotency_key)?;
        if self.connector_transaction_id.is_none()
            && self.redirect_result.is_none()
            && self.connector_order_id.is_none()
            && self.merchant_reference.is_none()
        {
            return Err(Error::invalid_request(
                "connector_transaction_id",
                "give connector_transaction_id, connector_order_id, redirect_result or merchant_reference",
            ));
        }
        Ok(())
    }
}

impl Validate for CaptureRequest {
    fn validate(&self) -> Result<()> {
        required("connector_transaction_id", &self.connector_transaction_id)?;
        self.amount.validate("amount", false)?;
        optional("merchant_reference", &self.merchant_reference)?;
        idempotency_key(&self.idempotency_key)?;
        if let Some(authorized) = &self.authorized_amount {
            same_currency("amount.currency", &self.amount, authorized)?;
            if self.amount.minor_units > authorized.minor_units {
                return Err(Error::invalid_request(
                    "amount",
                    format!(
                        "capture of {} exceeds the authorized {}",
                        self.amount, authorized
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Validate for VoidRequest {
    fn validate(&self) -> Result<()> {
        required("connector_transaction_id", &self.connector_transaction_id)?;
        optional("merchant_reference", &self.merchant_reference)?;
        if let Some(amount) = &self.amount {
            amount.validate("amount", false)?;
        }
        idempotency_key(&self.idempotency_key)
    }
}

impl Validate for RefundRequest {
    fn validate(&self) -> Result<()> {
        required("connector_transaction_id", &self.connector_transaction_id)?;
        self.amount.validate("amount", false)?;
        optional("merchant_refund_reference", &self.merchant_refund_reference)?;
        idempotency_key(&self.idempotency_key)?;
        if let Some(refundable) = &self.refundable_amount {
            same_currency("amount.currency", &self.amount, refundable)?;
            if self.amount.minor_units > refundable.minor_units {
                return Err(Error::invalid_request(
                    "amount",
                    format!(
                        "refund of {} exceeds the refundable {}",
                        self.amount, refundable
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Validate for RefundGetRequest {
    fn validate(&self) -> Result<()> {
        optional("connector_refund_id", &self.connector_refund_id)?;
        optional("connector_transaction_id", &self.connector_transaction_id)?;
        optional("merchant_refund_reference", &self.merchant_refund_reference)?;
        if self.connector_refund_id.is_none() && self.merchant_refund_reference.is_none() {
            return Err(Error::invalid_request(
                "connector_refund_id",
                "give connector_refund_id, or merchant_refund_reference where the processor can look refunds up by it",
            ));
        }
        idempotency_key(&self.idempotency_key)
    }
}

impl Validate for SetupMandateRequest {
    fn validate(&self) -> Result<()> {
        self.amount.validate("amount", true)?;
        required("merchant_reference", &self.merchant_reference)?;
        if !matches!(self.payment_method, PaymentMethod::Card(_)) {
            return Err(Error::invalid_request(
                "payment_method",
                "a mandate is set up from a card",
            ));
        }
        payment_method(&self.payment_method)?;
        match &self.customer.id {
            Some(id) => required("customer.id", id)?,
            None => {
                return Err(Error::invalid_request(
                    "customer.id",
                    "is required to save a payment method",
                ))
            }
        }
        customer(&Some(self.customer.clone()))?;
        idempotency_key(&self.idempotency_key)?;
        url("return_url", &self.return_url)
    }
}

impl Validate for CreateOrderRequest {
    fn validate(&self) -> Result<()> {
        self.amount.validate("amount", false)?;
        required("merchant_reference", &self.merchant_reference)?;
        customer(&self.customer)?;
        idempotency_key(&self.idempotency_key)
    }
}

impl Validate for AcceptDisputeRequest {
    fn validate(&self) -> Result<()> {
        required("connector_dispute_id", &self.connector_dispute_id)?;
        idempotency_key(&self.idempotency_key)
    }
}

impl Validate for SubmitEvidenceRequest {
    fn validate(&self) -> Result<()> {
        required("connector_dispute_id", &self.connector_dispute_id)?;
        idempotency_key(&self.idempotency_key)?;
        let summary = self
            .summary
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
        if self.documents.is_empty() && !summary {
            // A processor that needs documents (Adyen) says so itself.
            return Err(Error::invalid_request(
                "documents",
                "at least one document, or a summary, is required",
            ));
        }
        for (i, doc) in self.documents.iter().enumerate() {
            if doc.content.0.is_empty() {
                return Err(Error::invalid_request(
                    format!("documents[{i}].content"),
                    "must not be empty",
                ));
            }
            // `type/subtype`, optionally followed by `; parameters` (e.g. a charset).
            let essence = doc.mime_type.split(';').next().unwrap_or("").trim();
            let valid_mime = essence
                .split_once('/')
                .map(|(t, s)| {
                    !t.is_empty() && !s.is_empty() && !essence.contains(char::is_whitespace)
                })
                .unwrap_or(false);
            if !valid_mime {
                return Err(Error::invalid_request(
                    format!("documents[{i}].mime_type"),
                    "must be a MIME type such as application/pdf",
                ));
            }
        }
        Ok(())
    }
}

impl Validate for DefendDisputeRequest {
    fn validate(&self) -> Result<()> {
        required("connector_dispute_id", &self.connector_dispute_id)?;
        optional("reason_code", &self.reason_code)?;
        idempotency_key(&self.idempotency_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::secret::CardNumber;

    fn card() -> PaymentMethod {
        let mut c = Card::new(CardNumber::new("4111111111111111").unwrap(), 3, 2030);
        c.cvc = Some("737".to_string().into());
        PaymentMethod::Card(c)
    }

    #[test]
    fn authorize_checks() {
        let ok = AuthorizeRequest::new(Money::new(1000, Currency::USD), "o-1", card());
        assert!(ok.validate().is_ok());
        let mut r = ok.clone();
        r.amount.minor_units = -5;
        assert_eq!(r.validate().unwrap_err().field(), Some("amount"));
        let mut r = ok.clone();
        r.merchant_reference = " ".into();
        assert_eq!(
            r.validate().unwrap_err().field(),
            Some("merchant_reference")
        );
        let mut r = ok.clone();
        if let PaymentMethod::Card(c) = &mut r.payment_method {
            c.expiry_month = 13;
        }
        assert_eq!(
            r.validate().unwrap_err().field(),
            Some("payment_method.expiry_month")
        );
        let mut r = ok;
        r.return_url = Some("not a url".into());
        assert_eq!(r.validate().unwrap_err().field(), Some("return_url"));
    }

    #[test]
    fn evidence_mime_types() {
        let doc = |mime: &str| EvidenceDocument {
            evidence_type: EvidenceType::Receipt,
            content: Bytes(vec![1]),
            mime_type: mime.into(),
            file_name: None,
            connector_document_type: None,
        };
        let req = |mime: &str| SubmitEvidenceRequest {
            connector_dispute_id: "d".into(),
            documents: vec![doc(mime)],
            ..Default::default()
        };
        assert!(req("application/pdf").validate().is_ok());
        assert!(req("text/plain; charset=utf-8").validate().is_ok());
        // Evidence is documents, a summary, or both.
        let mut text_only = req("application/pdf");
        text_only.documents.clear();
        assert_eq!(text_only.validate().unwrap_err().field(), Some("documents"));
        text_only.summary = Some("  ".into());
        assert_eq!(text_only.validate().unwrap_err().field(), Some("documents"));
        text_only.summary = Some("Delivered and signed for.".into());
        assert!(text_only.validate().is_ok());
        for bad in ["pdf", "application/", "text /plain", ""] {
            assert_eq!(
                req(bad).validate().unwrap_err().field(),
                Some("documents[0].mime_type"),
                "{bad}"
            );
        }
    }

    #[test]
    fn capture_above_authorized_is_rejected() {
        let r = CaptureRequest {
            connector_transaction_id: "psp".into(),
            amount: Money::new(1500, Currency::USD),
            authorized_amount: Some(Money::new(1000, Currency::USD)),
            merchant_reference: None,
            idempotency_key: None,
        };
        let e = r.validate().unwrap_err();
        assert_eq!(e.field(), Some("amount"));
        assert_eq!(e.code(), crate::ErrorCode::InvalidRequest);
    }

    #[test]
    fn new_payment_methods_are_checked_with_the_field_named() {
        let bad = [
            (
                serde_json::json!({"type": "upi", "flow": "collect"}),
                "payment_method.vpa",
            ),
            (
                serde_json::json!({"type": "upi", "flow": "collect", "vpa": "no-at-sign"}),
                "payment_method.vpa",
            ),
            (
                serde_json::json!({"type": "netbanking", "bank_code": " "}),
                "payment_method.bank_code",
            ),
            (
                serde_json::json!({"type": "bank_redirect", "method": "eps"}),
                "payment_method.issuer",
            ),
            (
                serde_json::json!({"type": "ewallet", "provider": "OVO", "mobile_number": "0812"}),
                "payment_method.mobile_number",
            ),
            (
                serde_json::json!({"type": "apple_pay", "token": ""}),
                "payment_method.token",
            ),
            (
                serde_json::json!({"type": "network_token", "number": "4111111111111111", "expiry_month": 13, "expiry_year": 2030, "cryptogram": "x"}),
                "payment_method.expiry_month",
            ),
            (
                serde_json::json!({"type": "network_token", "number": "4111111111111111", "expiry_month": 1, "expiry_year": 2030, "cryptogram": "x", "eci": "005"}),
                "payment_method.eci",
            ),
        ];
        for (method, field) in bad {
            let pm: PaymentMethod = serde_json::from_value(method.clone()).unwrap();
            let e = payment_method(&pm).unwrap_err();
            assert_eq!(e.field(), Some(field), "{method}");
        }
        let good = [
            serde_json::json!({"type": "upi", "flow": "intent"}),
            serde_json::json!({"type": "upi", "flow": "collect", "vpa": "success@razorpay"}),
            serde_json::json!({"type": "bank_redirect", "method": "ideal"}),
            serde_json::json!({"type": "ewallet", "provider": "OVO", "mobile_number": "+6281234567890"}),
        ];
        for method in good {
            let pm: PaymentMethod = serde_json::from_value(method.clone()).unwrap();
            assert!(payment_method(&pm).is_ok(), "{method}");
        }
    }
}
