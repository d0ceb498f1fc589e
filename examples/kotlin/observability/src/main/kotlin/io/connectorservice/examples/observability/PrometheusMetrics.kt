// Prometheus metrics for every connector-service call, with Micrometer's Prometheus registry.
//
// The client's onCall hook receives a CallRecord per call (connector, operation, outcome, HTTP
// status, attempts, latency; never a secret): a counter by outcome, a latency timer and an
// attempts counter. Prints the exposition text; serve `registry.scrape()` on /metrics in an app.
package io.connectorservice.examples.observability

import io.connectorservice.AuthorizeRequest
import io.connectorservice.CallRecord
import io.connectorservice.CaptureRequest
import io.connectorservice.Card
import io.connectorservice.ConnectorClient
import io.connectorservice.ConnectorServiceException
import io.connectorservice.Money
import io.micrometer.core.instrument.Counter
import io.micrometer.core.instrument.Timer
import io.micrometer.prometheusmetrics.PrometheusConfig
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry
import java.time.Duration
import java.util.UUID

val registry = PrometheusMeterRegistry(PrometheusConfig.DEFAULT)

/** The hook: runs on the core's thread when a call finishes; quick, never throws. */
fun recordCall(record: CallRecord) {
    val connector = record.connector.value
    Counter.builder("connector.calls")
        .description("Calls to payment processors, by outcome (a response status or an error code)")
        .tags("connector", connector, "operation", record.operation, "outcome", record.outcome)
        .register(registry)
        .increment()
    Timer.builder("connector.call.duration")
        .description("Duration of calls to payment processors, retries included")
        .tags("connector", connector, "operation", record.operation)
        .publishPercentileHistogram()
        .register(registry)
        .record(Duration.ofNanos(record.latencyUs * 1000))
    Counter.builder("connector.http.attempts")
        .description("HTTP requests sent to payment processors (retries included)")
        .tags("connector", connector, "operation", record.operation)
        .register(registry)
        .increment(record.attempts.toDouble())
}

fun main() {
    Sandbox.start().use { sandbox ->
        ConnectorClient(sandbox.adyenConfig(), ::recordCall).use { client ->
            for (holder in listOf("Ada Lovelace", "Grace Hopper", "DECLINED")) {
                client.payments.authorizeBlocking(
                    AuthorizeRequest(
                        amount = Money(1000, "EUR"),
                        merchantReference = "order-${UUID.randomUUID()}",
                        paymentMethod = Card(number = "4111111111111111", expiryMonth = 3, expiryYear = 2030, cvc = "737", holderName = holder),
                        returnUrl = "https://shop.example/return",
                    ),
                )
            }
            try {
                client.payments.captureBlocking(CaptureRequest(connectorTransactionId = "unknown", amount = Money(-1, "EUR")))
            } catch (e: ConnectorServiceException) {
                println("an error, counted too: ${e.code.value}")
            }
        }
    }
    println(registry.scrape())
}
