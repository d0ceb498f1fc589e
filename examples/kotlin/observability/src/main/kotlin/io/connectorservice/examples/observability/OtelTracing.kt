// OpenTelemetry spans for every connector-service call, with the OpenTelemetry SDK.
//
// The client's onCall hook receives a CallRecord when a call finishes; this creates one client
// span per call, backdated by its latency, with the record's fields as attributes. The hook runs
// on the core's thread, outside the caller's context: the caller passes its own idempotency key
// and remembers its context under it, so the span gets the caller's span as parent. Spans are
// logged here (LoggingSpanExporter); use the OTLP exporter to send them to a collector.
package io.connectorservice.examples.observability

import io.connectorservice.AuthorizeRequest
import io.connectorservice.CallRecord
import io.connectorservice.Card
import io.connectorservice.ConnectorClient
import io.connectorservice.Money
import io.opentelemetry.api.common.AttributeKey
import io.opentelemetry.api.common.Attributes
import io.opentelemetry.api.trace.SpanKind
import io.opentelemetry.api.trace.StatusCode
import io.opentelemetry.context.Context
import io.opentelemetry.exporter.logging.LoggingSpanExporter
import io.opentelemetry.sdk.trace.SdkTracerProvider
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor
import java.time.Instant
import java.time.temporal.ChronoUnit
import java.util.UUID
import java.util.concurrent.ConcurrentHashMap

val provider: SdkTracerProvider = SdkTracerProvider.builder()
    .addSpanProcessor(SimpleSpanProcessor.create(LoggingSpanExporter.create()))
    .build()
val tracer = provider.get("connector-service-example")

/** The caller's context of each call in progress, by idempotency key. */
val parents = ConcurrentHashMap<String, Context>()

fun callKey(): String = UUID.randomUUID().toString().also { parents[it] = Context.current() }

fun spanOfCall(record: CallRecord) {
    val end = Instant.now()
    val attributes = Attributes.builder()
        .put("payment.connector", record.connector.value)
        .put("payment.operation", record.operation)
        .put("payment.outcome", record.outcome)
        .put("payment.attempts", record.attempts.toLong())
        .put("payment.idempotency_key", record.idempotencyKey)
    record.httpStatus?.let { attributes.put(AttributeKey.longKey("http.response.status_code"), it.toLong()) }
    record.requestId?.let { attributes.put("payment.request_id", it) }
    val span = tracer.spanBuilder("${record.connector.value} ${record.operation}")
        .setSpanKind(SpanKind.CLIENT)
        .setParent(parents.remove(record.idempotencyKey) ?: Context.current())
        .setStartTimestamp(end.minus(record.latencyUs, ChronoUnit.MICROS))
        .setAllAttributes(attributes.build())
        .startSpan()
    record.errorCode?.let { span.setStatus(StatusCode.ERROR, it.value) }
    span.end(end)
}

fun main() {
    Sandbox.start().use { sandbox ->
        ConnectorClient(sandbox.adyenConfig(), ::spanOfCall).use { client ->
            val checkout = tracer.spanBuilder("checkout").startSpan()
            checkout.makeCurrent().use {
                val payment = client.payments.authorizeBlocking(
                    AuthorizeRequest(
                        amount = Money(1000, "EUR"),
                        merchantReference = "order-${UUID.randomUUID()}",
                        paymentMethod = Card(number = "4111111111111111", expiryMonth = 3, expiryYear = 2030, cvc = "737"),
                        returnUrl = "https://shop.example/return",
                        idempotencyKey = callKey(),
                    ),
                )
                println("authorize: ${payment.status.value}")
            }
            checkout.end()
        }
    }
    provider.shutdown()
}
