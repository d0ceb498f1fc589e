package io.connectorservice

import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.UUID
import java.util.concurrent.CopyOnWriteArrayList

/** The onCall hook (fields present, secrets absent) and the bridge of the core's logs. */
class ObservabilityTest {
    @BeforeEach
    fun reset() = Sandbox.reset()

    private val pan = "4111111111111111"

    private fun apiKey(): String = Sandbox.credentials()["adyen"]!!["api_key"] as String

    private fun authorize(holder: String = "A Shopper", key: String? = null) = AuthorizeRequest(
        amount = Money(1000, "EUR"),
        merchantReference = "observe-${UUID.randomUUID()}",
        paymentMethod = Card(number = pan, expiryMonth = 3, expiryYear = 2030, cvc = "737", holderName = holder),
        returnUrl = "https://shop.example/return",
        idempotencyKey = key,
    )

    private fun assertNoSecret(text: String, extra: List<String> = emptyList()) {
        for (secret in listOf(pan, apiKey()) + extra) assertFalse(text.contains(secret), "secret in $text")
        for (cvc in listOf("\"737\"", "=737", ": 737")) assertFalse(text.contains(cvc), "CVC in $text")
    }

    @Test
    fun `onCall receives a typed record of every call`() = runBlocking {
        val records = CopyOnWriteArrayList<CallRecord>()
        ConnectorClient(Sandbox.clientConfig("adyen")) { records.add(it) }.use { client ->
            val payment = client.payments.authorize(authorize(key = "kt-observe-1"))
            val declined = client.payments.authorizeBlocking(authorize(holder = "DECLINED"))
            assertEquals(PaymentStatus.FAILURE, declined.status)
            assertThrows<InvalidRequestException> {
                client.payments.capture(CaptureRequest(connectorTransactionId = "x", amount = Money(-5, "EUR")))
            }
            assertEquals(3, records.size)
            val ok = records[0]
            assertEquals(ConnectorName.ADYEN, ok.connector)
            assertEquals("payments.authorize", ok.operation)
            assertEquals(Flow.AUTHORIZE, ok.flow)
            assertEquals(payment.status.value, ok.outcome)
            assertEquals(payment.status.value, ok.status)
            assertNull(ok.errorCode)
            assertEquals(200, ok.httpStatus)
            assertEquals(1, ok.attempts)
            assertTrue(ok.latencyUs > 0)
            assertEquals("kt-observe-1", ok.idempotencyKey)
            assertEquals(payment.requestId, ok.requestId)
            assertEquals("failure", records[1].outcome)
            val invalid = records[2]
            assertEquals(ErrorCode.INVALID_REQUEST, invalid.errorCode)
            assertEquals("invalid_request", invalid.outcome)
            assertEquals(0, invalid.attempts)
            assertNull(invalid.httpStatus)
            for (record in records) assertNoSecret("$record ${record.toJson()}", listOf("A Shopper"))
        }
    }

    @Test
    fun `a suspend call ends on the reactor's thread, a blocking call on its own`() = runBlocking {
        val threads = CopyOnWriteArrayList<String>()
        ConnectorClient(Sandbox.clientConfig("adyen")) { threads.add(Thread.currentThread().name) }.use { client ->
            // A new connection, then a kept-alive one.
            repeat(2) { assertEquals(PaymentStatus.CHARGED, client.payments.authorize(authorize()).status) }
            val here = Thread.currentThread().name
            client.payments.authorizeBlocking(authorize())
            assertEquals(here, threads[2])
        }
        if (System.getProperty("os.name") == "Linux") {
            // Its answer was read and parsed there: the coroutine's thread only wrote the request.
            assertEquals(listOf("connector-service-reactor", "connector-service-reactor"), threads.take(2))
        }
    }

    @Test
    fun `an onCall hook may wait for a suspend call of its own`() = runBlocking {
        val statuses = CopyOnWriteArrayList<PaymentStatus>()
        ConnectorClient(Sandbox.clientConfig("adyen")).use { inner ->
            val hook = CallObserver {
                // On the reactor's thread: a call awaited there must not need that thread.
                statuses.add(runBlocking { withTimeout(10_000) { inner.payments.authorize(authorize()).status } })
            }
            ConnectorClient(Sandbox.clientConfig("adyen"), hook).use { client ->
                assertEquals(PaymentStatus.CHARGED, client.payments.authorize(authorize()).status)
            }
        }
        assertEquals(listOf(PaymentStatus.CHARGED), statuses)
    }

    @Test
    fun `onCall sees errors with their HTTP status`() = runBlocking {
        val records = CopyOnWriteArrayList<CallRecord>()
        val config = Sandbox.clientConfig("adyen", overrides = mapOf("api_key" to "wrong-key-value"))
        ConnectorClient.create(config, CallObserver { records.add(it) }).use { client ->
            val error = assertThrows<AuthenticationFailedException> { client.payments.authorize(authorize()) }
            val record = records.single()
            assertEquals(ErrorCode.AUTHENTICATION, record.errorCode)
            assertEquals(401, record.httpStatus)
            assertEquals(1, record.attempts)
            assertEquals(error.idempotencyKey, record.idempotencyKey)
            assertNoSecret(record.toString(), listOf("wrong-key-value"))
        }
    }

    @Test
    fun `a call its coroutine gave up is reported as cancelled`() = runBlocking {
        val records = CopyOnWriteArrayList<CallRecord>()
        ConnectorClient(Sandbox.clientConfig("adyen")) { records.add(it) }.use { client ->
            Sandbox.post(
                "/_sandbox/faults",
                mapOf("processor" to "adyen", "path" to "/v68/payments", "fault" to mapOf("type" to "latency", "ms" to 3000)),
            )
            try {
                assertThrows<TimeoutCancellationException> {
                    runBlocking { withTimeout(200) { client.payments.authorize(authorize(key = "kt-cancelled-1")) } }
                }
            } finally {
                Sandbox.request("DELETE", "/_sandbox/faults")
            }
            // Reported by the thread that drops the call, once the cancel reaches it.
            val deadline = System.nanoTime() + 5_000_000_000L
            while (records.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10)
            val record = records.single()
            assertEquals("cancelled", record.outcome)
            assertNull(record.status)
            assertNull(record.errorCode)
            assertEquals(1, record.attempts)
            assertEquals("kt-cancelled-1", record.idempotencyKey)
            assertNoSecret(record.toString())
        }
    }

    @Test
    fun `a throwing observer does not break the call`() = runBlocking {
        ConnectorClient(Sandbox.clientConfig("adyen")) { throw IllegalStateException("observer bug") }.use { client ->
            val payment = client.payments.authorize(authorize())
            assertNotNull(payment.connectorTransactionId)
        }
    }

    @Test
    fun `the core's logs reach the bridge at TRACE without secrets`() = runBlocking {
        val records = CopyOnWriteArrayList<LogRecord>()
        ConnectorServiceLogging.listener = { records.add(it) }
        try {
            ConnectorServiceLogging.setLevel("trace")
            ConnectorClient(Sandbox.clientConfig("adyen")).use { client -> client.payments.authorize(authorize()) }
        } finally {
            ConnectorServiceLogging.listener = null
            ConnectorServiceLogging.setLevel("info")
        }
        val sending = records.first { it.message == "sending request" }
        assertEquals("debug", sending.level)
        assertTrue(sending.target.startsWith("connector_service"))
        assertEquals("adyen", sending.fields["connector"])
        assertEquals("payments.authorize", sending.fields["operation"])
        assertNotNull(sending.fields["idempotency_key"])
        assertTrue(records.any { it.level == "trace" && it.message == "request body" })
        for (record in records) assertNoSecret(record.toString())
    }

    @Test
    fun `a bad log filter is a configuration error`() {
        assertThrows<InvalidConfigurationException> { ConnectorServiceLogging.setLevel("connector_service=[[[") }
    }
}
