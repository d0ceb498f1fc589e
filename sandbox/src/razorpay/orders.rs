//! Orders (Razorpay API docs, "CreateOrder — POST /v1/orders", with the recurring fields of Razorpay API docs, "SetupMandate — recurring payments") and customers.

use serde_json::{json, Map, Value};

use super::{
    collection, now_s, ok, opt_flag, opt_int, opt_object, opt_str, parse_notes, req_amount,
    req_currency, ApiError, ApiResult, State,
};

/// The smallest order amount: INR 1.00 (100 paise), or 100 minor units of another currency.
const MIN_AMOUNT: i64 = 100;
/// Recurring methods whose authorisation order may be of zero amount.
const ZERO_AMOUNT_METHODS: [&str; 3] = ["emandate", "nach", "upi"];
const RECURRING_METHODS: [&str; 4] = ["card", "emandate", "upi", "nach"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderStatus {
    Created,
    Attempted,
    Paid,
}

impl OrderStatus {
    fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Created => "created",
            OrderStatus::Attempted => "attempted",
            OrderStatus::Paid => "paid",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Order {
    pub id: String,
    pub seq: u64,
    pub amount: i64,
    pub currency: String,
    pub receipt: Option<String>,
    pub notes: Value,
    pub partial_payment: bool,
    pub first_payment_min_amount: Option<i64>,
    /// `payment_capture: 1`: payments are captured when authorized.
    pub auto_capture: bool,
    pub customer_id: Option<String>,
    pub method: Option<String>,
    /// The recurring `token{}` settings, as sent (numbers kept as numbers).
    pub token: Option<Map<String, Value>>,
    pub status: OrderStatus,
    pub attempts: u32,
    pub amount_paid: i64,
    pub created_at: i64,
}

impl Order {
    pub fn amount_due(&self) -> i64 {
        self.amount - self.amount_paid
    }

    /// The order entity (Razorpay API docs, "CreateOrder — POST /v1/orders"). `notes` is `[]` when empty.
    pub fn entity(&self) -> Value {
        let mut entity = json!({
            "id": self.id,
            "entity": "order",
            "amount": self.amount,
            "amount_paid": self.amount_paid,
            "amount_due": self.amount_due(),
            "currency": self.currency,
            "receipt": self.receipt,
            "offer_id": null,
            "status": self.status.as_str(),
            "attempts": self.attempts,
            "notes": self.notes,
            "created_at": self.created_at,
        });
        if self.partial_payment {
            entity["partial_payment"] = json!(true);
            if let Some(min) = self.first_payment_min_amount {
                entity["first_payment_min_amount"] = json!(min);
            }
        }
        if let Some(customer) = &self.customer_id {
            entity["customer_id"] = json!(customer);
        }
        if let Some(method) = &self.method {
            entity["method"] = json!(method);
        }
        if let Some(token) = &self.token {
            entity["token"] = Value::Object(token.clone());
        }
        entity
    }

    /// A payment was created on the order.
    pub fn record_attempt(&mut self) {
        self.attempts += 1;
        if self.status == OrderStatus::Created {
            self.status = OrderStatus::Attempted;
        }
    }

    /// A payment of `amount` was captured; answers whether the order became `paid`.
    pub fn record_capture(&mut self, amount: i64) -> bool {
        self.amount_paid = (self.amount_paid + amount).min(self.amount);
        if self.amount_due() == 0 && self.status != OrderStatus::Paid {
            self.status = OrderStatus::Paid;
            return true;
        }
        false
    }
}

/// The recurring `token{}` of an order: numbers stay numbers (form encoding sends text).
fn parse_token(token: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    for (k, v) in token {
        let value = match (k.as_str(), v) {
            ("max_amount" | "expire_at", _) => {
                let n = opt_int(token, k).map_err(|_| {
                    ApiError::field(
                        &format!("token[{k}]"),
                        format!("The token.{k} must be an integer."),
                    )
                })?;
                match n {
                    Some(n) if n > 0 => json!(n),
                    Some(_) => {
                        return Err(ApiError::field(
                            &format!("token[{k}]"),
                            format!("The token.{k} must be at least 1."),
                        ))
                    }
                    None => continue,
                }
            }
            (_, v) => v.clone(),
        };
        out.insert(k.clone(), value);
    }
    if let Some(expire_at) = out.get("expire_at").and_then(Value::as_i64) {
        if expire_at <= now_s() {
            return Err(ApiError::field(
                "token[expire_at]",
                "The token.expire_at must be a time in the future.",
            ));
        }
    }
    Ok(out)
}

/// `POST /v1/orders`
pub(super) fn create(state: &mut State, body: &Map<String, Value>) -> ApiResult {
    let amount = req_amount(body)?;
    let currency = req_currency(body)?;
    let receipt = opt_str(body, "receipt")?;
    if receipt.as_ref().is_some_and(|r| r.chars().count() > 40) {
        return Err(ApiError::field(
            "receipt",
            "The receipt may not be greater than 40 characters.",
        ));
    }
    let notes = parse_notes(body)?;
    let partial_payment = opt_flag(body, "partial_payment")?.unwrap_or(false);
    let first_payment_min_amount = opt_int(body, "first_payment_min_amount")?;
    if let Some(min) = first_payment_min_amount {
        if !partial_payment {
            return Err(ApiError::field(
                "first_payment_min_amount",
                "first_payment_min_amount is allowed only when partial_payment is true",
            ));
        }
        if min <= 0 || min > amount {
            return Err(ApiError::invalid("first_payment_min_amount"));
        }
    }
    let auto_capture = opt_flag(body, "payment_capture")?.unwrap_or(false);
    let method = opt_str(body, "method")?;
    if let Some(m) = &method {
        if !RECURRING_METHODS.contains(&m.as_str()) && m != "netbanking" {
            return Err(ApiError::field("method", "The selected method is invalid."));
        }
    }
    let customer_id = opt_str(body, "customer_id")?;
    if let Some(customer) = &customer_id {
        if !state.customers.contains_key(customer) {
            return Err(ApiError::no_such_id(Some("customer_id")));
        }
    }
    let token = match opt_object(body, "token")? {
        Some(token) => {
            if customer_id.is_none() {
                return Err(ApiError::required("customer_id"));
            }
            if method.is_none() {
                return Err(ApiError::required("method"));
            }
            Some(parse_token(token)?)
        }
        None => None,
    };
    let zero_allowed = token.is_some()
        && method
            .as_deref()
            .is_some_and(|m| ZERO_AMOUNT_METHODS.contains(&m));
    if amount < MIN_AMOUNT && !(zero_allowed && amount == 0) {
        return Err(ApiError::field(
            "amount",
            format!("The amount must be atleast {currency} 1.00"),
        ));
    }
    let seq = state.next_seq();
    let order = Order {
        id: state.new_id("order_"),
        seq,
        amount,
        currency,
        receipt,
        notes,
        partial_payment,
        first_payment_min_amount,
        auto_capture,
        customer_id,
        method,
        token,
        status: OrderStatus::Created,
        attempts: 0,
        amount_paid: 0,
        created_at: now_s(),
    };
    let entity = order.entity();
    state.orders.insert(order.id.clone(), order);
    ok(&entity)
}

/// `GET /v1/orders`, newest first.
pub(super) fn list(state: &State) -> ApiResult {
    let mut orders: Vec<&Order> = state.orders.values().collect();
    orders.sort_by_key(|x| std::cmp::Reverse(x.seq));
    ok(&collection(orders.iter().map(|o| o.entity()).collect()))
}

/// `GET /v1/orders/{id}`
pub(super) fn get(state: &State, id: &str) -> ApiResult {
    let order = state
        .orders
        .get(id)
        .ok_or_else(|| ApiError::no_such_id(None))?;
    ok(&order.entity())
}

/// `GET /v1/orders/{id}/payments`: the order's payments, newest first.
pub(super) fn payments(state: &State, id: &str) -> ApiResult {
    if !state.orders.contains_key(id) {
        return Err(ApiError::no_such_id(None));
    }
    let mut payments: Vec<_> = state
        .payments
        .values()
        .filter(|p| p.order_id == id)
        .collect();
    payments.sort_by_key(|x| std::cmp::Reverse(x.seq));
    ok(&collection(payments.iter().map(|p| p.entity()).collect()))
}

#[derive(Clone, Debug)]
pub struct Customer {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub contact: Option<String>,
    pub gstin: Option<String>,
    pub notes: Value,
    pub created_at: i64,
}

impl Customer {
    pub fn entity(&self) -> Value {
        json!({
            "id": self.id,
            "entity": "customer",
            "name": self.name,
            "email": self.email,
            "contact": self.contact,
            "gstin": self.gstin,
            "notes": self.notes,
            "created_at": self.created_at,
        })
    }
}

/// `POST /v1/customers`. `fail_existing` (default `1`): a customer with the same email and
/// contact is an error, or with `0` is answered as it is.
pub(super) fn create_customer(state: &mut State, body: &Map<String, Value>) -> ApiResult {
    let name = opt_str(body, "name")?;
    if name.as_ref().is_some_and(|n| n.chars().count() > 50) {
        return Err(ApiError::field(
            "name",
            "The name may not be greater than 50 characters.",
        ));
    }
    let email = opt_str(body, "email")?.filter(|e| !e.trim().is_empty());
    if let Some(e) = &email {
        if !super::payments::valid_email(e) {
            return Err(ApiError::field(
                "email",
                "The email must be a valid email address.",
            ));
        }
    }
    let contact = opt_str(body, "contact")?.filter(|c| !c.trim().is_empty());
    if let Some(c) = &contact {
        if !super::payments::valid_contact(c) {
            return Err(ApiError::field(
                "contact",
                "Contact number should be at least 8 digits, including country code",
            ));
        }
    }
    let gstin = opt_str(body, "gstin")?;
    let notes = parse_notes(body)?;
    let fail_existing = match opt_str(body, "fail_existing")?.as_deref() {
        None | Some("1") | Some("true") => true,
        Some("0") | Some("false") => false,
        Some(_) => return Err(ApiError::invalid("fail_existing")),
    };
    if email.is_some() || contact.is_some() {
        let existing = state
            .customers
            .values()
            .find(|c| c.email == email && c.contact == contact);
        if let Some(existing) = existing {
            if fail_existing {
                return Err(ApiError::bad_request(
                    "Customer already exists for the merchant",
                    None,
                ));
            }
            return ok(&existing.entity());
        }
    }
    let customer = Customer {
        id: state.new_id("cust_"),
        name,
        email,
        contact,
        gstin,
        notes,
        created_at: now_s(),
    };
    let entity = customer.entity();
    state.customers.insert(customer.id.clone(), customer);
    ok(&entity)
}

/// `GET /v1/customers/{id}`
pub(super) fn get_customer(state: &State, id: &str) -> ApiResult {
    let customer = state
        .customers
        .get(id)
        .ok_or_else(|| ApiError::no_such_id(None))?;
    ok(&customer.entity())
}
