package io.connectorservice

import java.util.UUID
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The sans-IO connector driven with the JDK's own HTTP client. */
class SansIoTest {
    @BeforeEach
    fun reset() = Sandbox.reset()

    private fun request() = AuthorizeRequest(
        amount = Money(4200, "EUR"),
        merchantReference = "sansio-${UUID.randomUUID()}",
        paymentMethod = Card(number = "4111111111111111", expiryMonth = 3, expiryYear = 2030, cvc = "737"),
        captureMethod = CaptureMethod.MANUAL,
        returnUrl = "https://shop.example/return",
    )

    @Test
    fun `build the request, send it yourself, parse the answer`() {
        SansIoConnector(Sandbox.clientConfig("adyen")).use { connector ->
            assertEquals(ConnectorName.ADYEN, connector.connector)
            val request = request()
            val first = connector.payments.authorize(request)
            val send = first as Step.Send
            assertEquals(HttpMethod.POST, send.request.method)
            assertTrue(send.request.url.endsWith("/v68/payments"), send.request.url)
            // The request carries the card and the API key, but its toString shows neither.
            assertTrue(String(send.request.body!!).contains("4111111111111111"))
            val text = send.toString()
            assertFalse(text.contains("4111111111111111"), text)
            assertFalse(text.contains("AQE_sandbox_adyen_api_key"), text)

            val response = Sandbox.send(send.request)
            val done = connector.payments.authorize(request, listOf(response), send.idempotencyKey) as Step.Done
            assertEquals(PaymentStatus.AUTHORIZED, done.response.status)
            assertEquals(send.idempotencyKey, done.response.idempotencyKey)

            // `run` drives the steps with any HTTP function.
            val psp = done.response.connectorTransactionId!!
            val key = UUID.randomUUID().toString()
            val capture = connector.run(Sandbox::send) { responses ->
                connector.payments.capture(CaptureRequest(connectorTransactionId = psp, amount = Money(4200, "EUR")), responses, key)
            }
            assertEquals(psp, capture.connectorTransactionId)
            assertEquals(key, capture.idempotencyKey)
        }
    }

    @Test
    fun `validation and processor errors are the same typed exceptions`() {
        SansIoConnector(Sandbox.clientConfig("adyen")).use { connector ->
            val bad = request().copy(amount = Money(-1, "EUR"))
            val e = assertThrows<InvalidRequestException> { connector.payments.authorize(bad) }
            assertEquals("amount", e.field)

            val refused = HttpResponse(status = 401, body = """{"status":401,"errorCode":"000","message":"HTTP Status Response - Unauthorized","errorType":"security"}""".toByteArray())
            val auth = assertThrows<AuthenticationFailedException> { connector.payments.authorize(request(), listOf(refused), "k-1") }
            assertEquals(401, auth.httpStatus)
            assertEquals("000", auth.processorCode)
            assertEquals(Flow.AUTHORIZE, auth.flow)
        }
    }
}
