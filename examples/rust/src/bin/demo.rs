//! `make demo`: a full payment lifecycle against the embedded sandbox, with no credentials.
//!
//! Authorize (manual capture) → partial capture → refund → the signed webhooks verified and
//! parsed → a decline → a 3-D Secure redirect completed and synced. Every step prints what the
//! processor answered, in the unified model.

use std::collections::BTreeMap;

use connector_sandbox::Sandbox;
use connector_service::*;

fn card(number: &str, holder: &str) -> Result<PaymentMethod> {
    let mut card = Card::new(CardNumber::new(number)?, 3, 2030);
    card.cvc = Some(Secret::new("737".to_string()));
    card.holder_name = Some(holder.to_string());
    Ok(PaymentMethod::Card(card))
}

fn order(amount: i64, pm: PaymentMethod, capture: CaptureMethod) -> AuthorizeRequest {
    let mut request = AuthorizeRequest::new(Money::new(amount, Currency::EUR), "demo-order-42", pm);
    request.capture_method = capture;
    request.return_url = Some("https://shop.example/checkout/return".into());
    request
}

fn step(n: u32, title: &str) {
    println!("\n{n}. {title}");
}

fn show_payment(p: &PaymentResponse) {
    println!(
        "   status: {:?} (Adyen: {})",
        p.status,
        p.connector_status.as_deref().unwrap_or("-")
    );
    if let Some(id) = &p.connector_transaction_id {
        println!("   payment: {id}");
    }
    if let Some(id) = &p.connector_operation_id {
        println!("   operation: {id}");
    }
    if let Some(d) = &p.decline {
        println!(
            "   declined: code {} \"{}\"",
            d.code.as_deref().unwrap_or("-"),
            d.message.as_deref().unwrap_or("-")
        );
    }
}

async fn next_webhook(sandbox: &Sandbox, event: &str) -> WebhookRequest {
    let delivered: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/_sandbox/webhooks/next", sandbox.base_url()))
        .json(&serde_json::json!({"processor": "adyen", "event": event, "timeout_ms": 5000}))
        .send()
        .await
        .expect("sandbox is up")
        .json()
        .await
        .expect("a webhook");
    let headers: BTreeMap<String, String> =
        serde_json::from_value(delivered["headers"].clone()).unwrap_or_default();
    WebhookRequest::new(
        headers,
        delivered["body"]
            .as_str()
            .unwrap_or_default()
            .as_bytes()
            .to_vec(),
    )
}

fn show_events(n: &WebhookNotification) {
    for event in &n.events {
        match event {
            WebhookEvent::Payment(e) => println!(
                "   verified {} → payment {} is {:?}",
                e.event_type, e.connector_transaction_id, e.status
            ),
            WebhookEvent::Refund(e) => println!(
                "   verified {} → refund {} is {:?}",
                e.event_type, e.connector_refund_id, e.status
            ),
            WebhookEvent::Dispute(e) => println!(
                "   verified {} → dispute {} is {:?}",
                e.event_type, e.connector_dispute_id, e.status
            ),
            WebhookEvent::Ignored(e) => println!("   verified {} (not mapped)", e.event_type),
        }
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let sandbox = Sandbox::start().await.expect("start the embedded sandbox");
    println!(
        "connector-service demo — Adyen, against the embedded sandbox at {}",
        sandbox.url("adyen")
    );
    let credentials = sandbox.credentials()["adyen"].clone();
    let config: ClientConfig = serde_json::from_value(serde_json::json!({
        "connector": credentials,
        "base_url": sandbox.url("adyen"),
    }))
    .expect("the sandbox's credentials are a connector config");
    let client = Client::new(config)?;

    step(1, "Authorize EUR 20.00 with manual capture");
    let payment = client
        .payments()
        .authorize(order(
            2000,
            card("4111111111111111", "John Smith")?,
            CaptureMethod::Manual,
        ))
        .await?;
    show_payment(&payment);
    let psp = payment.connector_transaction_id.clone().unwrap_or_default();

    step(
        2,
        "Capture EUR 15.00 of it (Adyen answers \"received\"; the webhook confirms)",
    );
    let capture = CaptureRequest {
        connector_transaction_id: psp.clone(),
        amount: Money::new(1500, Currency::EUR),
        authorized_amount: Some(Money::new(2000, Currency::EUR)),
        merchant_reference: Some("demo-capture-1".into()),
        idempotency_key: None,
    };
    show_payment(&client.payments().capture(capture).await?);
    show_events(
        &client
            .webhooks()
            .verify_and_parse(&next_webhook(&sandbox, "CAPTURE").await)?,
    );

    step(3, "Refund EUR 5.00");
    let refund = RefundRequest {
        connector_transaction_id: psp.clone(),
        amount: Money::new(500, Currency::EUR),
        merchant_refund_reference: Some("demo-refund-1".into()),
        reason: Some(RefundReason::CustomerRequest),
        refundable_amount: Some(Money::new(1500, Currency::EUR)),
        idempotency_key: None,
        metadata: Default::default(),
    };
    let refund = client.payments().refund(refund).await?;
    println!(
        "   refund {} is {:?}",
        refund.connector_refund_id.as_deref().unwrap_or("-"),
        refund.status
    );
    show_events(
        &client
            .webhooks()
            .verify_and_parse(&next_webhook(&sandbox, "REFUND").await)?,
    );

    step(4, "A webhook whose body was changed is rejected");
    let mut forged = next_webhook(&sandbox, "AUTHORISATION").await;
    forged.body.0 = String::from_utf8_lossy(&forged.body.0)
        .replace("2000", "9999")
        .into_bytes();
    match client.webhooks().verify_and_parse(&forged) {
        Ok(_) => println!("   accepted (unexpected!)"),
        Err(e) => println!("   rejected: {e}"),
    }

    step(5, "A declined card is a result, not an exception");
    show_payment(
        &client
            .payments()
            .authorize(order(
                2000,
                card("4111111111111111", "NOT_ENOUGH_BALANCE")?,
                CaptureMethod::Automatic,
            ))
            .await?,
    );

    step(6, "A 3-D Secure card asks for a redirect");
    let mut request = order(
        3000,
        card("4212345678910006", "Three Ds")?,
        CaptureMethod::Automatic,
    );
    request.authentication_type = AuthenticationType::ThreeDs;
    let pending = client.payments().authorize(request).await?;
    show_payment(&pending);
    if let Some(NextAction::Redirect(redirect)) = &pending.next_action {
        println!(
            "   send the shopper to {} ({:?})",
            redirect.url, redirect.method
        );
        // The shopper completes the challenge on the sandbox's page and comes back.
        let back = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client")
            .post(&redirect.url)
            .form(&[("password", "password")])
            .send()
            .await
            .expect("challenge page");
        let location = back
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let params: BTreeMap<String, String> = url::Url::parse(&location)
            .map(|u| {
                u.query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        println!(
            "   the shopper returned to the shop with {:?}",
            params.keys().collect::<Vec<_>>()
        );
        step(7, "PSync with the redirect result");
        let synced = client
            .payments()
            .get(PaymentGetRequest {
                redirect_result: Some(params),
                ..Default::default()
            })
            .await?;
        show_payment(&synced);
    }

    step(8, "Flows Adyen does not offer are typed errors");
    let err = client
        .refunds()
        .get(RefundGetRequest {
            connector_refund_id: refund.connector_refund_id,
            ..Default::default()
        })
        .await
        .expect_err("Adyen has no RSync");
    println!("   {err}");
    println!("\nDone: every step above went through the same API any processor answers to.");
    Ok(())
}
