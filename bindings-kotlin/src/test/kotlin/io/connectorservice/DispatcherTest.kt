package io.connectorservice

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.UUID
import java.util.concurrent.CopyOnWriteArrayList

/** [ConnectorClient.dispatcher]: coroutines on the thread that reads the calls' answers. */
class DispatcherTest {
    @BeforeEach
    fun reset() = Sandbox.reset()

    private val linux = System.getProperty("os.name") == "Linux"

    private fun authorize() = AuthorizeRequest(
        amount = Money(1000, "EUR"),
        merchantReference = "dispatcher-${UUID.randomUUID()}",
        paymentMethod = Card(number = "4111111111111111", expiryMonth = 3, expiryYear = 2030, cvc = "737"),
        returnUrl = "https://shop.example/return",
    )

    /** The thread's name (without the coroutine's, which debug mode appends). */
    private fun thread(): String = Thread.currentThread().name.substringBefore(" @")

    @Test
    fun `coroutines on the dispatcher make their calls on the reactor's thread`() = runBlocking {
        val hooks = CopyOnWriteArrayList<String>()
        ConnectorClient(Sandbox.clientConfig("adyen")) { hooks.add(thread()) }.use { client ->
            val seen = withContext(ConnectorClient.dispatcher) {
                val seen = mutableListOf(thread())
                // A new connection, then a kept-alive one; then a wait on a timer (a dispatch
                // from another thread, which interrupts the reactor's wait).
                repeat(2) {
                    assertEquals(PaymentStatus.CHARGED, client.payments.authorize(authorize()).status)
                    seen.add(thread())
                }
                delay(20)
                seen.add(thread())
                seen
            }
            if (linux) {
                assertEquals(List(4) { "connector-service-reactor" }, seen)
                assertEquals(List(2) { "connector-service-reactor" }, hooks)
            }
        }
    }

    @Test
    fun `many coroutines share the dispatcher`() = runBlocking {
        ConnectorClient(Sandbox.clientConfig("adyen")).use { client ->
            val ids = withContext(ConnectorClient.dispatcher) {
                List(40) { async { client.payments.authorize(authorize()) } }.awaitAll()
            }
            assertEquals(List(40) { PaymentStatus.CHARGED }, ids.map { it.status })
            assertEquals(40, ids.map { it.connectorTransactionId }.toSet().size)
        }
    }

    @Test
    fun `an onCall hook on the dispatcher's thread may wait for a suspend call of its own`() = runBlocking {
        val statuses = CopyOnWriteArrayList<PaymentStatus>()
        val hooks = CopyOnWriteArrayList<String>()
        ConnectorClient(Sandbox.clientConfig("adyen")).use { inner ->
            val hook = CallObserver {
                hooks.add(thread())
                // On the reactor's thread, outside its wait (the call below ends as it starts):
                // a call awaited there must not need that thread.
                statuses.add(runBlocking { withTimeout(10_000) { inner.payments.authorize(authorize()).status } })
            }
            ConnectorClient(Sandbox.clientConfig("adyen"), hook).use { client ->
                withContext(ConnectorClient.dispatcher) {
                    assertThrows<InvalidRequestException> {
                        client.payments.capture(CaptureRequest(connectorTransactionId = "x", amount = Money(-5, "EUR")))
                    }
                }
            }
        }
        assertEquals(listOf(PaymentStatus.CHARGED), statuses)
        if (linux) assertEquals(listOf("connector-service-reactor"), hooks)
    }
}
