package io.connectorservice

import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.UUID
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CountDownLatch

/** Payment lifecycles against the sandbox through the typed Kotlin API. */
class LifecycleTest {
    @BeforeEach
    fun reset() = Sandbox.reset()

    private fun client() = ConnectorClient(Sandbox.clientConfig("adyen"))

    private fun card(holder: String? = null, number: String = "4111111111111111") =
        Card(number = number, expiryMonth = 3, expiryYear = 2030, cvc = "737", holderName = holder)

    private fun authorize(
        amount: Long = 1000,
        capture: CaptureMethod = CaptureMethod.AUTOMATIC,
        holder: String? = null,
        reference: String = "order-${UUID.randomUUID()}",
    ) = AuthorizeRequest(
        amount = Money(amount, "EUR"),
        merchantReference = reference,
        paymentMethod = card(holder),
        captureMethod = capture,
        returnUrl = "https://shop.example/return",
    )

    private fun webhook(client: ConnectorClient, event: String, psp: String): WebhookNotification {
        val hook = Sandbox.nextWebhook("adyen", event, contains = psp) ?: error("no $event webhook for $psp")
        @Suppress("UNCHECKED_CAST")
        return client.webhooks.verifyAndParse(hook["headers"] as Map<String, String>, (hook["body"] as String).toByteArray())
    }

    @Test
    fun `authorize, capture, refund and their webhooks`() = runBlocking {
        client().use { client ->
            val payment = client.payments.authorize(authorize(amount = 2500, capture = CaptureMethod.MANUAL))
            assertEquals(PaymentStatus.AUTHORIZED, payment.status)
            assertEquals(Money(2500, "EUR"), payment.amount)
            val psp = payment.connectorTransactionId!!
            assertNotNull(payment.idempotencyKey)

            val authorisation = webhook(client, "AUTHORISATION", psp)
            val event = authorisation.events.single() as PaymentEvent
            assertEquals(psp, event.connectorTransactionId)
            assertEquals(PaymentStatus.AUTHORIZED, event.status)
            assertEquals(200, authorisation.acknowledgement.status)

            val capture = client.payments.capture(CaptureRequest(connectorTransactionId = psp, amount = Money(2000, "EUR")))
            assertEquals(psp, capture.connectorTransactionId)
            val captured = webhook(client, "CAPTURE", psp).events.single() as PaymentEvent
            assertEquals(Money(2000, "EUR"), captured.amount)

            val refund = client.payments.refund(RefundRequest(connectorTransactionId = psp, amount = Money(500, "EUR")))
            assertEquals(RefundStatus.PENDING, refund.status)
            val refunded = webhook(client, "REFUND", psp).events.single() as RefundEvent
            assertEquals(RefundStatus.SUCCESS, refunded.status)
            assertEquals(refund.connectorRefundId, refunded.connectorRefundId)
        }
    }

    @Test
    fun `a decline is a response, not an exception`() {
        client().use { client ->
            val payment = client.payments.authorizeBlocking(authorize(holder = "DECLINED"))
            assertEquals(PaymentStatus.FAILURE, payment.status)
            assertEquals("2", payment.decline?.code)
            assertEquals("Refused", payment.decline?.message)
        }
    }

    @Test
    fun `3-D Secure redirect, then the result after the shopper returns`() = runBlocking {
        client().use { client ->
            val request = AuthorizeRequest(
                amount = Money(3000, "EUR"),
                merchantReference = "order-${UUID.randomUUID()}",
                paymentMethod = card(number = "4212345678910006"),
                authenticationType = AuthenticationType.THREE_DS,
                returnUrl = "https://shop.example/return",
                browserInfo = BrowserInfo(userAgent = "Mozilla/5.0", acceptHeader = "text/html", language = "en-US"),
            )
            val pending = client.payments.authorize(request)
            assertEquals(PaymentStatus.AUTHENTICATION_PENDING, pending.status)
            val redirect = pending.nextAction as RedirectAction
            val returned = Sandbox.followRedirect(redirect.url, mapOf("password" to "password"))
            val payment = client.payments.get(PaymentGetRequest(redirectResult = returned))
            assertEquals(PaymentStatus.CHARGED, payment.status)
            assertNotNull(payment.connectorTransactionId)
        }
    }

    @Test
    fun `a tampered webhook body is rejected`() {
        client().use { client ->
            val psp = client.payments.authorizeBlocking(authorize(amount = 1234)).connectorTransactionId!!
            val hook = Sandbox.nextWebhook("adyen", "AUTHORISATION", contains = psp) ?: error("no webhook")

            @Suppress("UNCHECKED_CAST")
            val headers = hook["headers"] as Map<String, String>
            val body = (hook["body"] as String).toByteArray()
            val e = assertThrows<WebhookVerificationException> {
                client.webhooks.verifyAndParse(
                    WebhookRequest(body = Sandbox.tamper(body, "\"value\":1234", "\"value\":1235")!!, headers = headers),
                )
            }
            assertEquals(ConnectorName.ADYEN, e.connector)
            assertEquals(Flow.WEBHOOK, e.flow)
            // The untouched body verifies.
            assertEquals(1, client.webhooks.verifyAndParse(headers, body).events.size)
        }
    }

    @Test
    fun `200 concurrent calls in coroutines all get their own correct answer`() = runBlocking {
        client().use { client ->
            val requests = (1..200).map { i -> authorize(amount = 100L + i, reference = "concurrent-$i-${UUID.randomUUID()}") }
            val payments = coroutineScope {
                requests.map { r -> async(Dispatchers.Default) { client.payments.authorize(r) } }.awaitAll()
            }
            for ((request, payment) in requests.zip(payments)) {
                assertEquals(PaymentStatus.CHARGED, payment.status)
                assertEquals(request.merchantReference, payment.merchantReference)
                assertEquals(request.amount, payment.amount)
            }
            assertEquals(200, payments.map { it.connectorTransactionId!! }.toSet().size)
            assertEquals(200, payments.map { it.idempotencyKey!! }.toSet().size)
            @Suppress("UNCHECKED_CAST")
            val byPath = (Sandbox.get("/_sandbox/requests?processor=adyen") as Map<String, Any?>)["by_path"] as Map<String, Any?>
            assertEquals(200L, byPath["POST /v68/payments"])
        }
    }

    @Test
    fun `blocking calls from plain threads share the client`() {
        client().use { client ->
            val results = ConcurrentHashMap<Int, PaymentResponse>()
            val errors = ConcurrentHashMap<Int, Throwable>()
            val start = CountDownLatch(1)
            val threads = (1..16).map { i ->
                Thread {
                    start.await()
                    try {
                        results[i] = client.payments.authorizeBlocking(authorize(amount = 1000L + i, reference = "thread-$i"))
                    } catch (e: Throwable) {
                        errors[i] = e
                    }
                }.apply { start() }
            }
            start.countDown()
            threads.forEach { it.join() }
            assertTrue(errors.isEmpty(), errors.toString())
            for (i in 1..16) {
                assertEquals("thread-$i", results[i]!!.merchantReference)
                assertEquals(Money(1000L + i, "EUR"), results[i]!!.amount)
            }
        }
    }

    @Test
    fun `a blocking call right after a suspend call resumed without a dispatcher`() = runBlocking {
        client().use { client ->
            withContext(Dispatchers.Unconfined) {
                // Resumed on whatever thread completed the call (a native runtime thread).
                val first = client.payments.authorize(authorize())
                val second = client.payments.authorizeBlocking(authorize())
                assertEquals(PaymentStatus.CHARGED, first.status)
                assertEquals(PaymentStatus.CHARGED, second.status)
            }
        }
    }

    @Test
    fun `CompletableFuture calls complete with the response or the typed exception`() {
        client().use { client ->
            val ok = client.payments.authorizeAsync(authorize()).get()
            assertEquals(PaymentStatus.CHARGED, ok.status)
            val failed = client.payments.captureAsync(CaptureRequest(connectorTransactionId = "NOSUCHPAYMENT000", amount = Money(1, "EUR")))
            val e = assertThrows<java.util.concurrent.ExecutionException> { failed.get() }
            assertTrue(e.cause is ConnectorServiceException, e.cause.toString())
        }
    }

    @Test
    fun `a cancelled call leaves the client usable`() = runBlocking {
        client().use { client ->
            Sandbox.post(
                "/_sandbox/faults",
                mapOf(
                    "processor" to "adyen",
                    "path" to "/v68/payments",
                    "fault" to mapOf("type" to "latency", "ms" to 3000),
                ),
            )
            assertThrows<TimeoutCancellationException> {
                runBlocking { withTimeout(200) { client.payments.authorize(authorize()) } }
            }
            Sandbox.request("DELETE", "/_sandbox/faults")
            assertEquals(PaymentStatus.CHARGED, client.payments.authorize(authorize()).status)
        }
    }

    @Test
    fun `a call made from a cancelled coroutine sends nothing`() = runBlocking {
        client().use { client ->
            val job = launch(start = CoroutineStart.UNDISPATCHED) {
                cancel()
                client.payments.authorize(authorize())
            }
            job.join()
            assertTrue(job.isCancelled)
            @Suppress("UNCHECKED_CAST")
            val requests = Sandbox.get("/_sandbox/requests?processor=adyen") as Map<String, Any?>
            assertEquals(0L, requests["count"], "no request reached the processor")
            assertEquals(PaymentStatus.CHARGED, client.payments.authorize(authorize()).status)
        }
    }

    @Test
    fun `call options override the client's timeout and retries`() {
        client().use { client ->
            Sandbox.post(
                "/_sandbox/faults",
                mapOf(
                    "processor" to "adyen",
                    "path" to "/v68/payments",
                    "fault" to mapOf("type" to "status", "status" to 503),
                ),
            )
            val e = assertThrows<ProcessorUnavailableException> {
                client.payments.authorizeBlocking(authorize(), CallOptions(retry = false))
            }
            assertEquals(503, e.httpStatus)
            assertTrue(e.retryable)
            @Suppress("UNCHECKED_CAST")
            val byPath = (Sandbox.get("/_sandbox/requests?processor=adyen") as Map<String, Any?>)["by_path"] as Map<String, Any?>
            assertEquals(1L, byPath["POST /v68/payments"], "retry = false: one attempt")
        }
    }

    @Test
    fun `the client reports its connector and the core's version`() {
        client().use { client ->
            assertEquals(ConnectorName.ADYEN, client.connector)
            assertFalse(client.toString().contains("AQE_"))
        }
        assertTrue(ConnectorClient.coreVersion.isNotEmpty())
    }
}
