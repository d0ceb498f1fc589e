//! The payments service: requests and responses.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::*;
use crate::money::Money;
use crate::secret::{CardNumber, Secret};

/// How the customer pays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PaymentMethod {
    /// A card, with its number, expiry and CVC.
    Card(Card),
    /// A saved payment method (mandate) from `setup_mandate`: a merchant-initiated charge.
    Mandate(MandateReference),
    /// Card fields encrypted in the shopper's browser by the processor's client-side
    /// encryption (Adyen CSE): the merchant never sees the card number.
    EncryptedCard(EncryptedCard),
    /// An Apple Pay token as the wallet returned it (still encrypted).
    ApplePay(ApplePay),
    /// A Google Pay token as the wallet returned it (still encrypted).
    GooglePay(GooglePay),
    /// A network token (a decrypted Apple Pay / Google Pay token, or a scheme token) with its
    /// cryptogram.
    NetworkToken(NetworkToken),
    /// UPI (India): a collect request to a VPA, or an intent the shopper's UPI app opens.
    Upi(Upi),
    /// Netbanking (India): the shopper pays on their bank's page.
    Netbanking(Netbanking),
    /// A bank redirect method (iDEAL, EPS, online banking, ...): the shopper approves the
    /// payment on their bank's page.
    BankRedirect(BankRedirect),
    /// An e-wallet (OVO, DANA, GCash, ShopeePay, Paytm, ...): redirect, app switch or push
    /// approval in the wallet's app.
    Ewallet(Ewallet),
}

crate::tagged_union!(PaymentMethod, "type", {
    "card" => Card(Card),
    "mandate" => Mandate(MandateReference),
    "encrypted_card" => EncryptedCard(EncryptedCard),
    "apple_pay" => ApplePay(ApplePay),
    "google_pay" => GooglePay(GooglePay),
    "network_token" => NetworkToken(NetworkToken),
    "upi" => Upi(Upi),
    "netbanking" => Netbanking(Netbanking),
    "bank_redirect" => BankRedirect(BankRedirect),
    "ewallet" => Ewallet(Ewallet),
});

impl PaymentMethod {
    /// The method's name as in its JSON tag (`card`, `apple_pay`, `upi`, ...), for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            PaymentMethod::Card(_) => "card",
            PaymentMethod::Mandate(_) => "mandate",
            PaymentMethod::EncryptedCard(_) => "encrypted_card",
            PaymentMethod::ApplePay(_) => "apple_pay",
            PaymentMethod::GooglePay(_) => "google_pay",
            PaymentMethod::NetworkToken(_) => "network_token",
            PaymentMethod::Upi(_) => "upi",
            PaymentMethod::Netbanking(_) => "netbanking",
            PaymentMethod::BankRedirect(_) => "bank_redirect",
            PaymentMethod::Ewallet(_) => "ewallet",
        }
    }

    /// A precise name for messages: the kind, with the UPI flow, redirect method or wallet
    /// provider (`upi collect`, `bank_redirect ideal`, `ewallet OVO`).
    pub fn description(&self) -> String {
        match self {
            PaymentMethod::Upi(u) => format!("upi {}", u.flow.as_str()),
            PaymentMethod::BankRedirect(b) => format!("bank_redirect {}", b.method.as_str()),
            PaymentMethod::Ewallet(e) => format!("ewallet {}", e.provider),
            other => other.kind().to_string(),
        }
    }
}

/// Card fields from the processor's client-side encryption (Adyen's `encryptedCardNumber`,
/// ...). Opaque, forwarded unchanged, and masked like card data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EncryptedCard {
    pub encrypted_card_number: Secret<String>,
    pub encrypted_expiry_month: Secret<String>,
    pub encrypted_expiry_year: Secret<String>,
    #[serde(default)]
    pub encrypted_security_code: Option<Secret<String>>,
    #[serde(default)]
    pub holder_name: Option<String>,
}

/// An Apple Pay token exactly as the wallet returned it: the `paymentData` object as JSON text
/// (or its Base64).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplePay {
    pub token: Secret<String>,
}

/// A Google Pay token exactly as the wallet returned it: the
/// `paymentMethodData.tokenizationData.token` string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GooglePay {
    pub token: Secret<String>,
}

string_enum! {
    /// Which wallet a network token came from.
    pub enum WalletKind {
        ApplePay = "apple_pay",
        GooglePay = "google_pay",
    }
}

/// A network token (device PAN) with its one-time cryptogram: a wallet token you decrypted
/// yourself, or a scheme network token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkToken {
    /// The token's number (DPAN).
    pub number: CardNumber,
    /// Expiry month, 1-12.
    pub expiry_month: u8,
    /// Expiry year, four digits.
    pub expiry_year: u16,
    /// The cryptogram (TAVV / online payment cryptogram), Base64.
    pub cryptogram: Secret<String>,
    /// The electronic commerce indicator, where the wallet gave one (e.g. `05`, `07`).
    #[serde(default)]
    pub eci: Option<String>,
    /// The wallet the token was decrypted from; none for a scheme network token.
    #[serde(default)]
    pub wallet: Option<WalletKind>,
    #[serde(default)]
    pub holder_name: Option<String>,
}

string_enum! {
    /// How a UPI payment is approved.
    pub enum UpiFlow {
        /// A collect request is sent to the shopper's VPA; they approve it in their UPI app.
        Collect = "collect",
        /// The shopper's UPI app is opened with a `upi://pay` intent (deep link or QR).
        Intent = "intent",
    }
}

/// A UPI payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Upi {
    pub flow: UpiFlow,
    /// The shopper's virtual payment address (`name@bank`); required for `collect`.
    #[serde(default)]
    pub vpa: Option<String>,
}

/// A netbanking payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Netbanking {
    /// The processor's bank code (Razorpay: `HDFC`, `ICIC`, `SBIN`, ...).
    pub bank_code: String,
}

string_enum! {
    /// The bank redirect methods.
    pub enum BankRedirectMethod {
        /// iDEAL (Netherlands).
        Ideal = "ideal",
        /// EPS (Austria); needs an issuer.
        Eps = "eps",
        /// Online banking Poland; needs an issuer.
        OnlineBankingPl = "online_banking_pl",
        /// Online banking Czech Republic; needs an issuer.
        OnlineBankingCz = "online_banking_cz",
        /// Online banking Slovakia; needs an issuer.
        OnlineBankingSk = "online_banking_sk",
        /// Pay by Bank (open banking).
        PayByBank = "pay_by_bank",
        /// Trustly.
        Trustly = "trustly",
        /// Sofort / Klarna Pay now (Adyen `directEbanking`).
        Sofort = "sofort",
    }
}

impl BankRedirectMethod {
    /// Whether the method needs the shopper's bank (`issuer`).
    pub fn needs_issuer(&self) -> bool {
        matches!(
            self,
            BankRedirectMethod::Eps
                | BankRedirectMethod::OnlineBankingPl
                | BankRedirectMethod::OnlineBankingCz
                | BankRedirectMethod::OnlineBankingSk
        )
    }
}

/// A bank redirect payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BankRedirect {
    pub method: BankRedirectMethod,
    /// The shopper's bank, where the method takes one (required for EPS and online banking).
    #[serde(default)]
    pub issuer: Option<String>,
}

/// An e-wallet payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ewallet {
    /// The wallet, as the processor names it (Xendit channel codes such as `OVO`, `DANA`,
    /// `GCASH`, `SHOPEEPAY`; Razorpay wallet names such as `mobikwik`).
    pub provider: String,
    /// The shopper's mobile number in E.164 (`+628...`), for wallets that push an approval to
    /// it (Xendit OVO).
    #[serde(default)]
    pub mobile_number: Option<String>,
    /// The shopper's `$cashtag` (Xendit Jenius Pay).
    #[serde(default)]
    pub cashtag: Option<String>,
}

/// Card details. The number and CVC are secrets: masked in every rendering.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Card {
    /// Card number (PAN).
    pub number: CardNumber,
    /// Expiry month, 1-12.
    pub expiry_month: u8,
    /// Expiry year, four digits.
    pub expiry_year: u16,
    /// Card security code (CVC/CVV/CID).
    #[serde(default)]
    pub cvc: Option<Secret<String>>,
    /// Name on the card.
    #[serde(default)]
    pub holder_name: Option<String>,
}

impl Card {
    pub fn new(number: CardNumber, expiry_month: u8, expiry_year: u16) -> Card {
        Card {
            number,
            expiry_month,
            expiry_year,
            cvc: None,
            holder_name: None,
        }
    }
}

/// A reference to a saved payment method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MandateReference {
    /// The mandate id returned by `setup_mandate` (`PaymentResponse.mandate_id`).
    pub mandate_id: String,
    /// How the mandate is used; must match the usage given at setup.
    #[serde(default)]
    pub usage: MandateUsage,
    /// The network transaction id of the setup, where the processor wants it.
    #[serde(default)]
    pub network_transaction_id: Option<String>,
    /// The processor's customer id the mandate belongs to, for processors that keep customers
    /// (`PaymentResponse.connector_customer_id` of the setup).
    #[serde(default)]
    pub connector_customer_id: Option<String>,
}

/// Authorize a payment (with automatic or manual capture).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizeRequest {
    /// Amount to authorize.
    pub amount: Money,
    /// Your reference for this payment (order number).
    pub merchant_reference: String,
    /// How the customer pays.
    pub payment_method: PaymentMethod,
    /// Capture now (automatic) or later with `capture` (manual).
    #[serde(default)]
    pub capture_method: CaptureMethod,
    /// Idempotency key; generated when absent and returned on the response.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    #[serde(default)]
    pub customer: Option<Customer>,
    #[serde(default)]
    pub billing_address: Option<Address>,
    #[serde(default)]
    pub shipping_address: Option<Address>,
    /// Browser data for 3-D Secure 2.
    #[serde(default)]
    pub browser_info: Option<BrowserInfo>,
    /// Where the shopper returns after a redirect (3-D Secure). Required by some processors.
    #[serde(default)]
    pub return_url: Option<String>,
    /// Whether to ask for 3-D Secure.
    #[serde(default)]
    pub authentication_type: AuthenticationType,
    /// Text on the shopper's statement.
    #[serde(default)]
    pub statement_descriptor: Option<String>,
    /// The processor's order id from `create_order`, for processors that need an order first.
    #[serde(default)]
    pub connector_order_id: Option<String>,
    #[serde(default)]
    pub metadata: Metadata,
}

impl AuthorizeRequest {
    pub fn new(
        amount: Money,
        merchant_reference: impl Into<String>,
        payment_method: PaymentMethod,
    ) -> Self {
        AuthorizeRequest {
            amount,
            merchant_reference: merchant_reference.into(),
            payment_method,
            capture_method: CaptureMethod::Automatic,
            idempotency_key: None,
            customer: None,
            billing_address: None,
            shipping_address: None,
            browser_info: None,
            return_url: None,
            authentication_type: AuthenticationType::Auto,
            statement_descriptor: None,
            connector_order_id: None,
            metadata: Metadata::new(),
        }
    }
}

/// Get a payment's current status (PSync).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentGetRequest {
    /// The processor's payment id.
    #[serde(default)]
    pub connector_transaction_id: Option<String>,
    /// Parameters the return URL received after a redirect (query or form fields, e.g.
    /// Adyen's `redirectResult`, Razorpay's `razorpay_payment_id`/`razorpay_signature`).
    #[serde(default)]
    pub redirect_result: Option<BTreeMap<String, String>>,
    /// The capture method of the original authorization, to tell `authorized` from `charged`.
    #[serde(default)]
    pub capture_method: Option<CaptureMethod>,
    /// The processor's order id, for processors that can look payments up by order.
    #[serde(default)]
    pub connector_order_id: Option<String>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// Your reference (the `merchant_reference` of authorize, setup_mandate or create_order),
    /// to find what a call that failed without an id made (Razorpay: the order whose `receipt`
    /// it is, then its payments; Elavon: a `txnquery` search for the transaction with that
    /// invoice number; Fiserv: the transaction inquiry by `merchantTransactionId`; Xendit: the
    /// payment requests with that `reference_id`; Adyen and Checkout.com cannot). Used when no
    /// id is given; a `not_found` error means the processor holds nothing under it.
    #[serde(default)]
    pub merchant_reference: Option<String>,
}

/// Capture an authorized payment, fully or partially.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaptureRequest {
    /// The processor's payment id.
    pub connector_transaction_id: String,
    /// Amount to capture: the authorized amount for a full capture, less for a partial one.
    pub amount: Money,
    /// The authorized amount, when known: a capture above it is rejected before sending.
    #[serde(default)]
    pub authorized_amount: Option<Money>,
    /// Your reference for this capture.
    #[serde(default)]
    pub merchant_reference: Option<String>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// Cancel (void) an authorization that was not captured.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidRequest {
    /// The processor's payment id.
    pub connector_transaction_id: String,
    /// Your reference for this cancellation.
    #[serde(default)]
    pub merchant_reference: Option<String>,
    /// The authorized amount, for processors that need it on a void.
    #[serde(default)]
    pub amount: Option<Money>,
    /// Why the payment is cancelled (free text, where the processor takes one).
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// Save a payment method for later merchant-initiated charges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupMandateRequest {
    /// Amount of the verification (zero for a zero-value verification where supported).
    pub amount: Money,
    /// Your reference for the setup.
    pub merchant_reference: String,
    /// The card to save.
    pub payment_method: PaymentMethod,
    /// The customer; `id` is required (it identifies the saved card's owner).
    pub customer: Customer,
    /// How the mandate will be used.
    #[serde(default)]
    pub usage: MandateUsage,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    #[serde(default)]
    pub billing_address: Option<Address>,
    #[serde(default)]
    pub browser_info: Option<BrowserInfo>,
    #[serde(default)]
    pub return_url: Option<String>,
    #[serde(default)]
    pub authentication_type: AuthenticationType,
    /// The processor's order id, for processors that need an order first. Usually left empty:
    /// the connector creates the order the mandate needs (at Razorpay an order bound to the
    /// customer with mandate limits, which `create_order` does not make).
    #[serde(default)]
    pub connector_order_id: Option<String>,
    #[serde(default)]
    pub metadata: Metadata,
}

impl SetupMandateRequest {
    /// A mandate setup with the required fields; the others at their defaults (unscheduled
    /// usage, automatic authentication, no addresses, no metadata).
    pub fn new(
        amount: Money,
        merchant_reference: impl Into<String>,
        payment_method: PaymentMethod,
        customer: Customer,
    ) -> Self {
        SetupMandateRequest {
            amount,
            merchant_reference: merchant_reference.into(),
            payment_method,
            customer,
            usage: MandateUsage::Unscheduled,
            idempotency_key: None,
            billing_address: None,
            browser_info: None,
            return_url: None,
            authentication_type: AuthenticationType::Auto,
            connector_order_id: None,
            metadata: Metadata::new(),
        }
    }
}

/// Create an order at the processor (for processors that need one before a payment).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrderRequest {
    pub amount: Money,
    /// Your reference for the order (Razorpay's `receipt`).
    pub merchant_reference: String,
    /// Capture mode of the payments on this order.
    #[serde(default)]
    pub capture_method: CaptureMethod,
    #[serde(default)]
    pub customer: Option<Customer>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    #[serde(default)]
    pub metadata: Metadata,
}

/// The processor's answer to authorize, psync, capture, void and setup_mandate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PaymentResponse {
    /// Unified status.
    pub status: PaymentStatus,
    /// Which processor answered.
    pub connector: ConnectorName,
    /// The processor's own status or result code (e.g. Adyen `Authorised`).
    #[serde(default)]
    pub connector_status: Option<String>,
    /// The processor's payment id (Adyen PSP reference, Razorpay `pay_...`).
    #[serde(default)]
    pub connector_transaction_id: Option<String>,
    /// The processor's id of this operation when it differs from the payment's (a capture's or
    /// cancellation's own reference).
    #[serde(default)]
    pub connector_operation_id: Option<String>,
    /// Your reference, as the processor echoed it.
    #[serde(default)]
    pub merchant_reference: Option<String>,
    /// The processor's order id, where orders exist.
    #[serde(default)]
    pub connector_order_id: Option<String>,
    /// The card network's transaction id (for later merchant-initiated charges).
    #[serde(default)]
    pub network_transaction_id: Option<String>,
    /// The saved payment method's id, after `setup_mandate` (or an authorization that saved it).
    #[serde(default)]
    pub mandate_id: Option<String>,
    /// The processor's customer id, for processors that keep customers (needed with the
    /// mandate id to charge it later).
    #[serde(default)]
    pub connector_customer_id: Option<String>,
    /// The amount the processor reports for this operation.
    #[serde(default)]
    pub amount: Option<Money>,
    /// What the customer must do next (3-D Secure redirect, ...), when status is
    /// `authentication_pending`.
    #[serde(default)]
    pub next_action: Option<NextAction>,
    /// Why the payment was declined, when status is `failure`.
    #[serde(default)]
    pub decline: Option<DeclineDetails>,
    /// The idempotency key the call carried.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// The processor's request id for this call.
    #[serde(default)]
    pub request_id: Option<String>,
    /// HTTP status of the processor's answer.
    #[serde(default)]
    pub http_status: Option<u16>,
    /// The processor's raw answer, with card data and secrets masked.
    #[serde(default)]
    pub raw_response: Option<String>,
}

impl PaymentResponse {
    /// A response with only the status and connector set.
    pub fn new(connector: ConnectorName, status: PaymentStatus) -> PaymentResponse {
        PaymentResponse {
            status,
            connector,
            connector_status: None,
            connector_transaction_id: None,
            connector_operation_id: None,
            merchant_reference: None,
            connector_order_id: None,
            network_transaction_id: None,
            mandate_id: None,
            connector_customer_id: None,
            amount: None,
            next_action: None,
            decline: None,
            idempotency_key: None,
            request_id: None,
            http_status: None,
            raw_response: None,
        }
    }

    /// Whether the processor declined the payment.
    pub fn is_declined(&self) -> bool {
        self.status == PaymentStatus::Failure
    }
}

/// Details of a decline: the processor's code and message, and the card network's where given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DeclineDetails {
    /// The processor's decline code (e.g. Adyen `refusalReasonCode`).
    #[serde(default)]
    pub code: Option<String>,
    /// The processor's decline message.
    #[serde(default)]
    pub message: Option<String>,
    /// A machine-readable reason, where the processor gives one besides the code.
    #[serde(default)]
    pub reason: Option<String>,
    /// The issuer's or network's raw response code (e.g. `51`).
    #[serde(default)]
    pub network_decline_code: Option<String>,
    /// The network's advice code (e.g. Mastercard merchant advice code).
    #[serde(default)]
    pub network_advice_code: Option<String>,
}

impl DeclineDetails {
    /// Masks card-number-like text in the processor's code, message and reason (a processor
    /// may quote the card number it refused, in any formatting).
    pub fn mask(&mut self) {
        for text in [&mut self.code, &mut self.message, &mut self.reason]
            .into_iter()
            .flatten()
        {
            *text = crate::mask::mask_text(text);
        }
    }
}

/// What the customer must do next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum NextAction {
    /// Send the customer's browser to `url` (GET), or post `form_fields` to it (POST).
    Redirect(RedirectAction),
    /// Hand processor-specific data to the processor's client SDK (e.g. native 3-D Secure 2,
    /// voucher).
    Sdk(SdkAction),
    /// Open another app: a deep link or intent URI (`upi://pay?...`, a wallet's app link).
    DeepLink(DeepLinkAction),
    /// Show a QR code the shopper scans with their app.
    QrCode(QrCodeAction),
    /// Nothing to open: the shopper approves in another app (a push notification, a UPI
    /// collect request). Poll with a sync or wait for the webhook.
    Await(AwaitAction),
}

crate::tagged_union!(NextAction, "type", {
    "redirect" => Redirect(RedirectAction),
    "sdk" => Sdk(SdkAction),
    "deep_link" => DeepLink(DeepLinkAction),
    "qr_code" => QrCode(QrCodeAction),
    "await" => Await(AwaitAction),
});

/// An app hand-off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DeepLinkAction {
    pub url: String,
}

/// A QR code to display.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct QrCodeAction {
    /// The payload to encode in the QR code.
    pub data: String,
    /// An image of the code, where the processor hosts one.
    #[serde(default)]
    pub image_url: Option<String>,
}

/// Waiting for the shopper's approval elsewhere.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AwaitAction {
    /// What the shopper has to do, where the processor says.
    #[serde(default)]
    pub description: Option<String>,
}

/// A redirect of the customer's browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RedirectAction {
    pub url: String,
    #[serde(default)]
    pub method: HttpMethod,
    /// Form fields for a POST redirect (or the query pairs of a GET URL).
    #[serde(default)]
    pub form_fields: BTreeMap<String, String>,
}

/// Processor-specific data for a client SDK.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SdkAction {
    /// The processor's action type (e.g. Adyen `threeDS2`, `qrCode`).
    pub action_type: String,
    /// The action's fields, as the processor sent them (JSON text).
    pub data: String,
}

/// Order status at the processor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Created,
    Attempted,
    Paid,
}

/// The processor's answer to create_order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OrderResponse {
    pub status: OrderStatus,
    pub connector: ConnectorName,
    /// The processor's order id; pass it as `connector_order_id` to authorize.
    pub connector_order_id: String,
    #[serde(default)]
    pub connector_status: Option<String>,
    #[serde(default)]
    pub merchant_reference: Option<String>,
    #[serde(default)]
    pub amount: Option<Money>,
    #[serde(default)]
    pub idempotency_key: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub http_status: Option<u16>,
    #[serde(default)]
    pub raw_response: Option<String>,
}
