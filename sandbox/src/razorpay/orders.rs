//! Orders (Razorpay API docs, "CreateOrder — POST /v1/orders", with the recurring fields of Razorpay API docs, "SetupMandate — recurring payments"), their
//! list with its filters for reconciliation by `receipt` (Razorpay docs, "Fetch All Orders"),
//! and customers.

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

/// The largest `count` of a list (Razorpay API docs, "Fetch All Orders": default 10, max 100).
const MAX_COUNT: i64 = 100;
const DEFAULT_COUNT: i64 = 10;

/// What `GET /v1/orders` was asked for (Razorpay API docs, "Fetch All Orders").
#[derive(Debug, Default, PartialEq, Eq)]
struct ListQuery {
    /// `authorized`: `1` only orders with an authorized payment, `0` only orders without.
    authorized: Option<bool>,
    /// `receipt`: exact match of the order's receipt.
    receipt: Option<String>,
    /// `from` / `to`: Unix seconds, inclusive, on `created_at`.
    from: Option<i64>,
    to: Option<i64>,
    count: i64,
    skip: i64,
    /// `expand[]=payments` (or `payments.card`): each order carries its `payments` collection.
    expand_payments: bool,
}

/// An optional non-negative integer query parameter.
fn opt_non_negative(query: &Map<String, Value>, field: &str) -> Result<Option<i64>, ApiError> {
    match opt_int(query, field)? {
        Some(n) if n < 0 => Err(ApiError::field(
            field,
            format!("The {field} must be at least 0."),
        )),
        n => Ok(n),
    }
}

impl ListQuery {
    /// Reads the query parameters; unknown ones are ignored, as unknown body fields are.
    fn parse(query: &Map<String, Value>) -> Result<ListQuery, ApiError> {
        let authorized = match query.get("authorized") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => match s.trim() {
                "" => None,
                "1" | "true" => Some(true),
                "0" | "false" => Some(false),
                _ => return Err(ApiError::invalid("authorized")),
            },
            Some(_) => return Err(ApiError::invalid("authorized")),
        };
        let receipt = opt_str(query, "receipt")?.filter(|r| !r.is_empty());
        let from = opt_non_negative(query, "from")?;
        let to = opt_non_negative(query, "to")?;
        let count = opt_int(query, "count")?.unwrap_or(DEFAULT_COUNT);
        if count < 1 {
            return Err(ApiError::field("count", "The count must be at least 1."));
        }
        if count > MAX_COUNT {
            return Err(ApiError::field(
                "count",
                format!("The count may not be greater than {MAX_COUNT}."),
            ));
        }
        let skip = opt_non_negative(query, "skip")?.unwrap_or(0);
        let expand: Vec<&Value> = match query.get("expand") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(other) => vec![other],
        };
        let mut expand_payments = false;
        for item in expand {
            match item.as_str().map(str::trim) {
                Some("payments" | "payments.card") => expand_payments = true,
                Some("") => {}
                // `transfers` and `virtual_account` exist at Razorpay but are not emulated.
                _ => return Err(ApiError::field("expand", "The selected expand is invalid.")),
            }
        }
        Ok(ListQuery {
            authorized,
            receipt,
            from,
            to,
            count,
            skip,
            expand_payments,
        })
    }
}

/// Whether a payment of the order has been authorized (it may since have been captured,
/// refunded or expired).
fn has_authorized_payment(state: &State, order_id: &str) -> bool {
    state
        .payments
        .values()
        .any(|p| p.order_id == order_id && p.authorized_at_ms.is_some())
}

/// `GET /v1/orders` (Razorpay API docs, "Fetch All Orders"), newest first, with the query
/// parameters `authorized` (`1` / `0`), `receipt` (exact match), `from` and `to` (Unix
/// seconds on `created_at`, inclusive), `count` (1-100, default 10), `skip` (default 0) and
/// `expand[]` (`payments`, `payments.card`). `count` in the answer is the number of items
/// returned. A `from` after `to` matches nothing.
pub(super) fn list(state: &State, query: &Map<String, Value>) -> ApiResult {
    let query = ListQuery::parse(query)?;
    let mut orders: Vec<&Order> = state
        .orders
        .values()
        .filter(|o| query.receipt.is_none() || o.receipt == query.receipt)
        .filter(|o| query.from.is_none_or(|from| o.created_at >= from))
        .filter(|o| query.to.is_none_or(|to| o.created_at <= to))
        .filter(|o| {
            query
                .authorized
                .is_none_or(|wanted| has_authorized_payment(state, &o.id) == wanted)
        })
        .collect();
    orders.sort_by_key(|x| std::cmp::Reverse(x.seq));
    let items = orders
        .iter()
        .skip(usize::try_from(query.skip).unwrap_or(usize::MAX))
        .take(usize::try_from(query.count).unwrap_or(0))
        .map(|o| {
            let mut entity = o.entity();
            if query.expand_payments {
                entity["payments"] = order_payments(state, &o.id);
            }
            entity
        })
        .collect();
    ok(&collection(items))
}

/// The order's payments as a collection, newest first.
fn order_payments(state: &State, order_id: &str) -> Value {
    let mut payments: Vec<_> = state
        .payments
        .values()
        .filter(|p| p.order_id == order_id)
        .collect();
    payments.sort_by_key(|x| std::cmp::Reverse(x.seq));
    collection(payments.iter().map(|p| p.entity()).collect())
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
    ok(&order_payments(state, id))
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

#[cfg(test)]
mod tests {
    use super::super::form_to_object;
    use super::super::payments::{test_payment, PaymentStatus};
    use super::*;

    /// The query string `q` as the handler reads it.
    fn query(q: &str) -> Map<String, Value> {
        form_to_object(
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect(),
        )
        .unwrap()
    }

    /// Adds an order with `receipt`, created at `created_at`; answers its id.
    fn add_order(state: &mut State, receipt: Option<&str>, created_at: i64) -> String {
        let seq = state.next_seq();
        let order = Order {
            id: state.new_id("order_"),
            seq,
            amount: 50_000,
            currency: "INR".into(),
            receipt: receipt.map(str::to_string),
            notes: json!([]),
            partial_payment: false,
            first_payment_min_amount: None,
            auto_capture: false,
            customer_id: None,
            method: None,
            token: None,
            status: OrderStatus::Created,
            attempts: 0,
            amount_paid: 0,
            created_at,
        };
        let id = order.id.clone();
        state.orders.insert(id.clone(), order);
        id
    }

    /// `GET /v1/orders?q`: the answer, or the error.
    fn list_ok(state: &State, q: &str) -> Value {
        let response = list(state, &query(q)).unwrap_or_else(|e| panic!("{q}: {:?}", e.body()));
        serde_json::from_slice(&response.body).unwrap()
    }

    fn list_err(state: &State, q: &str) -> Value {
        match list(state, &query(q)) {
            Ok(_) => panic!("{q}: accepted"),
            Err(e) => {
                assert_eq!(e.status(), http::StatusCode::BAD_REQUEST, "{q}");
                e.body()
            }
        }
    }

    fn ids(answer: &Value) -> Vec<String> {
        answer["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_string())
            .collect()
    }

    /// Twelve orders `r0`..`r11`, created one second apart from `t0`; ids oldest first.
    fn twelve(state: &mut State, t0: i64) -> Vec<String> {
        (0..12)
            .map(|i| add_order(state, Some(&format!("r{i}")), t0 + i))
            .collect()
    }

    #[test]
    fn defaults_are_ten_newest_first() {
        let mut state = State::new();
        let empty = list_ok(&state, "");
        assert_eq!(
            empty,
            json!({"entity": "collection", "count": 0, "items": []})
        );
        let created = twelve(&mut state, 1_700_000_000);
        let answer = list_ok(&state, "");
        assert_eq!(answer["entity"], "collection");
        assert_eq!(answer["count"], 10);
        let newest_first: Vec<String> = created.iter().rev().take(10).cloned().collect();
        assert_eq!(ids(&answer), newest_first);
        assert_eq!(answer["items"][0]["receipt"], "r11");
        assert!(answer["items"][0].get("payments").is_none());
    }

    #[test]
    fn count_and_skip_page() {
        let mut state = State::new();
        let created = twelve(&mut state, 1_700_000_000);
        let newest_first: Vec<String> = created.iter().rev().cloned().collect();
        let answer = list_ok(&state, "count=3&skip=2");
        assert_eq!(answer["count"], 3);
        assert_eq!(ids(&answer), newest_first[2..5].to_vec());
        // The last page is short; beyond the end is empty.
        assert_eq!(ids(&list_ok(&state, "count=5&skip=10")), newest_first[10..]);
        assert_eq!(list_ok(&state, "skip=12")["count"], 0);
        assert_eq!(list_ok(&state, "count=100")["count"], 12);
        assert_eq!(list_ok(&state, "count=1")["count"], 1);
        // Blank values are the defaults.
        assert_eq!(list_ok(&state, "count=&skip=")["count"], 10);
    }

    #[test]
    fn receipt_is_an_exact_match() {
        let mut state = State::new();
        let t0 = 1_700_000_000;
        let first = add_order(&mut state, Some("order-1"), t0);
        add_order(&mut state, Some("order-10"), t0);
        add_order(&mut state, None, t0);
        let retry = add_order(&mut state, Some("order-1"), t0 + 5);
        let answer = list_ok(&state, "receipt=order-1");
        assert_eq!(ids(&answer), vec![retry, first]);
        assert_eq!(answer["count"], 2);
        assert_eq!(list_ok(&state, "receipt=order")["count"], 0);
        assert_eq!(list_ok(&state, "receipt=ORDER-1")["count"], 0);
        // Encoded characters are decoded first.
        let odd = add_order(&mut state, Some("a b&c#1"), t0);
        assert_eq!(ids(&list_ok(&state, "receipt=a+b%26c%231")), vec![odd]);
    }

    #[test]
    fn from_and_to_are_inclusive_seconds_on_created_at() {
        let mut state = State::new();
        let created = twelve(&mut state, 1_700_000_000);
        let answer = list_ok(&state, "from=1700000003&to=1700000005");
        let expected: Vec<String> = created[3..=5].iter().rev().cloned().collect();
        assert_eq!(ids(&answer), expected);
        assert_eq!(list_ok(&state, "from=1700000011")["count"], 1);
        assert_eq!(list_ok(&state, "to=1700000000")["count"], 1);
        // A range in the past, and one upside down, match nothing.
        assert_eq!(list_ok(&state, "from=1000&to=2000")["count"], 0);
        assert_eq!(list_ok(&state, "from=1700000005&to=1700000003")["count"], 0);
        // Filters combine, then the page is cut.
        let answer = list_ok(&state, "from=1700000002&count=2&skip=1");
        assert_eq!(ids(&answer), vec![created[10].clone(), created[9].clone()]);
    }

    #[test]
    fn authorized_splits_orders_by_their_payments() {
        let mut state = State::new();
        let t0 = 1_700_000_000;
        let paid = add_order(&mut state, Some("a"), t0);
        let tried = add_order(&mut state, Some("b"), t0);
        let untouched = add_order(&mut state, Some("c"), t0);
        let expired = add_order(&mut state, Some("d"), t0);
        let pay = test_payment(&mut state, &paid, 50_000);
        test_payment(&mut state, &tried, 50_000);
        let gone = test_payment(&mut state, &expired, 50_000);
        for id in [&pay, &gone] {
            let p = state.payments.get_mut(id).unwrap();
            p.status = PaymentStatus::Captured;
            p.captured = true;
            p.authorized_at_ms = Some(crate::util::now_ms());
        }
        // An authorization that expired (refunded, not captured) was authorized all the same.
        state.payments.get_mut(&gone).unwrap().status = PaymentStatus::Refunded;
        for q in ["authorized=1", "authorized=true"] {
            assert_eq!(
                ids(&list_ok(&state, q)),
                vec![expired.clone(), paid.clone()]
            );
        }
        for q in ["authorized=0", "authorized=false"] {
            assert_eq!(
                ids(&list_ok(&state, q)),
                vec![untouched.clone(), tried.clone()]
            );
        }
        assert_eq!(list_ok(&state, "authorized=")["count"], 4);
        assert_eq!(
            ids(&list_ok(&state, "authorized=1&receipt=a")),
            vec![paid.clone()]
        );
    }

    #[test]
    fn expand_payments_embeds_each_orders_payments() {
        let mut state = State::new();
        let t0 = 1_700_000_000;
        let order = add_order(&mut state, Some("a"), t0);
        let bare = add_order(&mut state, Some("b"), t0);
        let older = test_payment(&mut state, &order, 50_000);
        let newer = test_payment(&mut state, &order, 50_000);
        for q in [
            "expand[]=payments",
            "expand%5B%5D=payments",
            "expand[]=payments.card",
        ] {
            let answer = list_ok(&state, q);
            let items = answer["items"].as_array().unwrap();
            assert_eq!(items[0]["id"], bare.as_str());
            assert_eq!(
                items[0]["payments"],
                json!({"entity": "collection", "count": 0, "items": []})
            );
            let payments = &items[1]["payments"];
            assert_eq!(payments["entity"], "collection");
            assert_eq!(payments["count"], 2);
            assert_eq!(payments["items"][0]["id"], newer.as_str());
            assert_eq!(payments["items"][1]["id"], older.as_str());
            assert_eq!(payments["items"][0]["card"]["last4"], "1111");
        }
    }

    #[test]
    fn unknown_parameters_are_ignored() {
        let mut state = State::new();
        twelve(&mut state, 1_700_000_000);
        assert_eq!(
            list_ok(&state, "status=paid&foo[bar]=1&key_id=x")["count"],
            10
        );
    }

    #[test]
    fn invalid_values_name_the_field() {
        let state = State::new();
        let cases = [
            ("count=abc", "count", "The count must be an integer."),
            ("count=1.5", "count", "The count must be an integer."),
            ("count=0", "count", "The count must be at least 1."),
            ("count=-3", "count", "The count must be at least 1."),
            (
                "count=101",
                "count",
                "The count may not be greater than 100.",
            ),
            ("skip=-1", "skip", "The skip must be at least 0."),
            ("skip=x", "skip", "The skip must be an integer."),
            ("from=yesterday", "from", "The from must be an integer."),
            ("from=-1", "from", "The from must be at least 0."),
            ("to=1.7e9", "to", "The to must be an integer."),
            ("authorized=yes", "authorized", "The authorized is invalid."),
            ("authorized=2", "authorized", "The authorized is invalid."),
            ("authorized[]=1", "authorized", "The authorized is invalid."),
            (
                "expand[]=transfers",
                "expand",
                "The selected expand is invalid.",
            ),
            (
                "expand[]=payments&expand[]=bogus",
                "expand",
                "The selected expand is invalid.",
            ),
        ];
        for (q, field, description) in cases {
            assert_eq!(
                list_err(&state, q),
                json!({"error": {"code": "BAD_REQUEST_ERROR", "description": description, "field": field}}),
                "{q}"
            );
        }
        // The shape is the module's minimal error.
        assert_eq!(
            list_err(&state, "count=0"),
            ApiError::field("count", "The count must be at least 1.").body()
        );
    }
}
