// Install check (packaging/install_check.sh): the packaged sandbox started in process with the
// `io.connectorservice.sandbox.Sandbox` class, and one payment against it with the packaged
// library, from a Maven project that knows nothing of the repository.

package installcheck

import io.connectorservice.AuthorizeRequest
import io.connectorservice.Card
import io.connectorservice.ClientConfig
import io.connectorservice.ConnectorClient
import io.connectorservice.ConnectorConfig
import io.connectorservice.Money
import io.connectorservice.PaymentStatus
import io.connectorservice.sandbox.Sandbox
import kotlinx.coroutines.runBlocking

fun main() {
    Sandbox.start().use { sandbox ->
        println("sandbox: $sandbox (binary ${Sandbox.binary()})")
        val config = ClientConfig(connector = ConnectorConfig.fromJson(sandbox.credentialsJson("adyen")), baseUrl = sandbox.baseUrl("adyen"))
        ConnectorClient(config).use { client ->
            val payment = runBlocking {
                client.payments.authorize(
                    AuthorizeRequest(
                        amount = Money(1000, "EUR"),
                        merchantReference = "install-check",
                        paymentMethod = Card(number = "4111111111111111", expiryMonth = 3, expiryYear = 2030, cvc = "737"),
                        returnUrl = "https://shop.example/return",
                    ),
                )
            }
            println("authorize: ${payment.status} ${payment.connectorTransactionId}")
            check(payment.status == PaymentStatus.CHARGED) { "expected CHARGED (automatic capture, the default), got ${payment.status}" }
        }
    }
    println("kotlin sandbox smoke: ok")
}
