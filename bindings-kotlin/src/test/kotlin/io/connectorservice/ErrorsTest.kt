package io.connectorservice

import java.net.InetAddress
import java.net.ServerSocket
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The sealed exception hierarchy: one class per code, every field, and no secret anywhere. */
class ErrorsTest {
    private val secret = "rzp_secret_DO_NOT_LEAK_8d7f"

    private fun razorpay(baseUrl: String, timeoutMs: Long = 30_000) = ClientConfig(
        connector = RazorpayConfig(keyId = "rzp_test_kotlin", keySecret = secret, webhookSecrets = listOf("whsec_DO_NOT_LEAK")),
        baseUrl = baseUrl,
        transport = TransportOptions(timeoutMs = timeoutMs, retry = RetryOptions(enabled = false)),
    )

    private fun authorize(number: String = "4111111111111111") = AuthorizeRequest(
        amount = Money(5000, "INR"),
        merchantReference = "order-errors",
        paymentMethod = Card(number = number, expiryMonth = 3, expiryYear = 2030, cvc = "123"),
        returnUrl = "https://shop.example/return",
        customer = Customer(email = "a@b.example", phone = "+919999999999"),
    )

    private fun assertNoSecret(e: Throwable) {
        for (text in listOf(e.message.orEmpty(), e.toString(), (e as? ConnectorServiceException)?.toJson().orEmpty())) {
            for (s in listOf(secret, "whsec_DO_NOT_LEAK", "4111111111111111", "4111111111111112", "AQE_WRONG_KEY_SECRET")) {
                assertFalse(text.contains(s), "`$s` leaked into: $text")
            }
        }
    }

    /** The core's naming table (exported with the API schema): error code -> class stem. */
    @Suppress("UNCHECKED_CAST")
    private val naming: Map<String, Any?> =
        (Json.parse(uniffi.connectorservice.apiSchemaJson()) as Map<String, Any?>)["error_classes"] as Map<String, Any?>

    @Suppress("UNCHECKED_CAST")
    private val stems: Map<String, String> = naming["stems"] as Map<String, String>

    @Test
    fun `class names come from the core's naming table and shadow no standard class`() {
        assertEquals(naming["base"].toString() + "Exception", ConnectorServiceException::class.java.simpleName)
        val names = ErrorCode.entries.map { stems.getValue(it.value) + "Exception" } + "ConnectorServiceException"
        // Every package of the Java SE and JDK modules (java.*, javax.*), and Kotlin's default imports.
        val packages = ModuleLayer.boot().modules().flatMap { it.packages }
            .filter { it.startsWith("java.") || it.startsWith("javax.") } +
            listOf("kotlin", "kotlin.collections", "kotlin.coroutines", "kotlin.io", "kotlin.text", "kotlinx.coroutines")
        for (name in names) {
            for (pkg in packages) {
                val clash = runCatching { Class.forName("$pkg.$name", false, javaClass.classLoader) }.isSuccess
                assertFalse(clash, "$name shadows $pkg.$name")
            }
        }
    }

    @Test
    fun `every error code has its exception class`() {
        for (code in ErrorCode.entries) {
            val e = ConnectorServiceException.fromInfo(ErrorInfo(code = code, message = "m"))
            assertSame(code, e.code)
            assertEquals(stems[code.value] + "Exception", e.javaClass.simpleName)
        }
        val e = ConnectorServiceException.fromJson(
            """{"code":"processor_unavailable","message":"processor returned HTTP 503","connector":"adyen","flow":"capture",
               "http_status":503,"processor_code":"000","processor_message":"Service Unavailable","request_id":"PSP1",
               "idempotency_key":"key-1","retryable":true}""",
        )
        assertTrue(e is ProcessorUnavailableException)
        assertEquals(ConnectorName.ADYEN, e.connector)
        assertEquals(Flow.CAPTURE, e.flow)
        assertEquals(503, e.httpStatus)
        assertEquals("000", e.processorCode)
        assertEquals("Service Unavailable", e.processorMessage)
        assertEquals("PSP1", e.requestId)
        assertEquals("key-1", e.idempotencyKey)
        assertTrue(e.retryable)
        assertEquals(
            "ProcessorUnavailableException: [processor_unavailable] processor returned HTTP 503 " +
                "[connector=adyen, flow=capture, http_status=503, processor_code=000, request_id=PSP1, idempotency_key=key-1, retryable]",
            e.toString(),
        )
    }

    @Test
    fun `an invalid card number fails before sending, naming the field`() {
        ConnectorClient(razorpay("http://127.0.0.1:1/razorpay")).use { client ->
            val e = assertThrows<InvalidRequestException> { client.payments.authorizeBlocking(authorize("4111111111111112")) }
            assertEquals(ErrorCode.INVALID_REQUEST, e.code)
            assertEquals("payment_method.number", e.field)
            assertTrue(e.message!!.contains("Luhn"), e.message)
            assertNull(e.httpStatus)
            assertFalse(e.retryable)
            assertNoSecret(e)
            // The same through the suspend API.
            val e2 = assertThrows<InvalidRequestException> { runBlocking { client.payments.authorize(authorize("4111111111111112")) } }
            assertEquals("payment_method.number", e2.field)
        }
    }

    @Test
    fun `an invalid configuration is a typed error at construction`() {
        val e = assertThrows<InvalidConfigurationException> { ConnectorClient(razorpay("ftp://127.0.0.1/razorpay")) }
        assertTrue(e.message!!.contains("base_url"), e.message)
        assertNoSecret(e)
        assertThrows<InvalidConfigurationException> { SansIoConnector(razorpay("not a url")) }
    }

    @Test
    fun `a refused connection is a network error carrying the call's context`() {
        val port = ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { it.localPort } // now closed
        ConnectorClient(razorpay("http://127.0.0.1:$port/razorpay")).use { client ->
            val e = assertThrows<NetworkException> { runBlocking { client.payments.authorize(authorize()) } }
            assertEquals(ErrorCode.NETWORK, e.code)
            assertEquals(ConnectorName.RAZORPAY, e.connector)
            assertEquals(Flow.AUTHORIZE, e.flow)
            assertNotNull(e.idempotencyKey)
            assertNull(e.httpStatus)
            assertNoSecret(e)
        }
    }

    @Test
    fun `no answer within the timeout is a timeout error`() {
        // A server that accepts connections and never answers.
        ServerSocket(0, 50, InetAddress.getLoopbackAddress()).use { server ->
            val accepted = mutableListOf<java.net.Socket>()
            val acceptor = Thread {
                try {
                    while (true) accepted.add(server.accept())
                } catch (_: java.io.IOException) {
                }
            }.apply { isDaemon = true; start() }
            ConnectorClient(razorpay("http://127.0.0.1:${server.localPort}/razorpay", timeoutMs = 300)).use { client ->
                val e = assertThrows<ProcessorTimeoutException> {
                    client.refunds.getBlocking(RefundGetRequest(connectorRefundId = "rfnd_1", connectorTransactionId = "pay_1"))
                }
                assertEquals(ErrorCode.TIMEOUT, e.code)
                assertEquals(Flow.RSYNC, e.flow)
                assertNoSecret(e)
            }
            server.close()
            acceptor.join(5000)
            accepted.forEach { it.close() }
        }
    }

    @Test
    fun `processor errors carry status, processor code and request id`() {
        val config = Sandbox.clientConfig("adyen", overrides = mapOf("api_key" to "AQE_WRONG_KEY_SECRET"))
        ConnectorClient(config).use { client ->
            val request = AuthorizeRequest(
                amount = Money(1000, "EUR"),
                merchantReference = "order-auth-error",
                paymentMethod = Card(number = "4111111111111111", expiryMonth = 3, expiryYear = 2030, cvc = "737"),
                returnUrl = "https://shop.example/return",
                idempotencyKey = "auth-error-key-1",
            )
            val e = assertThrows<AuthenticationFailedException> { runBlocking { client.payments.authorize(request) } }
            assertEquals(401, e.httpStatus)
            assertEquals("000", e.processorCode)
            assertEquals(ConnectorName.ADYEN, e.connector)
            assertEquals(Flow.AUTHORIZE, e.flow)
            assertEquals("auth-error-key-1", e.idempotencyKey)
            assertFalse(e.retryable)
            assertNoSecret(e)
        }
        ConnectorClient(Sandbox.clientConfig("adyen")).use { client ->
            // A capture of an unknown payment: Adyen answers 422 with a pspReference.
            val e = assertThrows<ConnectorServiceException> {
                client.payments.captureBlocking(CaptureRequest(connectorTransactionId = "NOSUCHPAYMENT000", amount = Money(100, "EUR")))
            }
            assertEquals(422, e.httpStatus)
            assertEquals("167", e.processorCode)
            assertNotNull(e.requestId)
            assertEquals(Flow.CAPTURE, e.flow)
        }
    }
}
