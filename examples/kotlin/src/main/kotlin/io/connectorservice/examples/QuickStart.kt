// The Kotlin quick start of the top-level README, kept here so that it always compiles.
// It needs real Adyen test credentials (ADYEN_API_KEY); Lifecycle.kt runs against the sandbox.

package io.connectorservice.examples

import io.connectorservice.AdyenConfig
import io.connectorservice.AuthorizeRequest
import io.connectorservice.CaptureMethod
import io.connectorservice.CaptureRequest
import io.connectorservice.Card
import io.connectorservice.ClientConfig
import io.connectorservice.ConnectorClient
import io.connectorservice.Environment
import io.connectorservice.Money
import io.connectorservice.PaymentStatus

suspend fun quickStart() {
    val config = ClientConfig(
        connector = AdyenConfig(apiKey = System.getenv("ADYEN_API_KEY"), merchantAccount = "YourMerchantAccount"),
        environment = Environment.SANDBOX,
    )
    ConnectorClient(config).use { client ->
        val payment = client.payments.authorize(
            AuthorizeRequest(
                amount = Money(1000, "USD"), // USD 10.00, in minor units
                merchantReference = "order-42",
                paymentMethod = Card(number = "4111111111111111", expiryMonth = 3, expiryYear = 2030, cvc = "737"),
                captureMethod = CaptureMethod.MANUAL,
                returnUrl = "https://shop.example/return",
            ),
        )
        when (payment.status) {
            PaymentStatus.AUTHORIZED ->
                client.payments.capture(CaptureRequest(payment.connectorTransactionId!!, Money(1000, "USD")))

            PaymentStatus.AUTHENTICATION_PENDING -> println("redirect the shopper: ${payment.nextAction}")

            PaymentStatus.FAILURE -> println("declined: ${payment.decline?.code} ${payment.decline?.message}")

            else -> println(payment.status)
        }
    }
}
