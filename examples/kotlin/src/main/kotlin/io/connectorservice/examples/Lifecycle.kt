// A payment lifecycle with the Kotlin binding, against the local processor sandbox:
// authorize (manual capture), capture, refund, the webhooks of each, a decline, a 3-D Secure
// redirect, a tampered webhook and an invalid request. No credentials are needed: the example
// starts the sandbox and uses the test credentials it prints.
//
//     make -C ../../bindings-kotlin install && make run

package io.connectorservice.examples

import com.sun.net.httpserver.HttpServer
import io.connectorservice.AuthenticationType
import io.connectorservice.AuthorizeRequest
import io.connectorservice.BrowserInfo
import io.connectorservice.CaptureMethod
import io.connectorservice.CaptureRequest
import io.connectorservice.Card
import io.connectorservice.ClientConfig
import io.connectorservice.ConnectorClient
import io.connectorservice.ConnectorConfig
import io.connectorservice.InvalidRequestException
import io.connectorservice.Money
import io.connectorservice.PaymentEvent
import io.connectorservice.PaymentGetRequest
import io.connectorservice.PaymentStatus
import io.connectorservice.RedirectAction
import io.connectorservice.RefundEvent
import io.connectorservice.RefundRequest
import io.connectorservice.RefundStatus
import io.connectorservice.WebhookEvent
import io.connectorservice.WebhookVerificationException
import java.io.File
import java.net.InetSocketAddress
import java.net.URI
import java.net.URLDecoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.UUID
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess
import kotlinx.coroutines.runBlocking

/** A webhook as it reached our endpoint: headers and the raw body. */
class Delivery(val headers: Map<String, String>, val body: ByteArray, val events: List<WebhookEvent>)

fun main() {
    val deliveries = LinkedBlockingQueue<Delivery>()
    lateinit var client: ConnectorClient

    // 1. Our webhook endpoint: verify the signature, store the events, answer as the processor expects.
    val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
    server.createContext("/webhooks/adyen") { exchange ->
        val headers = exchange.requestHeaders.mapValues { (_, values) -> values.first() }
        val body = exchange.requestBody.readBytes()
        val (status, answer) = try {
            val notification = client.webhooks.verifyAndParse(headers, body)
            deliveries.put(Delivery(headers, body, notification.events))
            exchange.responseHeaders.add("Content-Type", notification.acknowledgement.contentType)
            notification.acknowledgement.status to notification.acknowledgement.body
        } catch (e: WebhookVerificationException) {
            401 to "invalid signature"
        }
        val bytes = answer.toByteArray()
        exchange.sendResponseHeaders(status, bytes.size.toLong())
        exchange.responseBody.use { it.write(bytes) }
    }
    server.start()

    // 2. The sandbox, delivering Adyen's webhooks to our endpoint.
    val sandbox = Sandbox.start("http://127.0.0.1:${server.address.port}/webhooks/adyen")
    val failure = try {
        client = ConnectorClient(ClientConfig(connector = sandbox.credentials("adyen"), baseUrl = "${sandbox.url}/adyen"))
        client.use { runBlocking { lifecycle(it, deliveries) } }
        println("\nThe lifecycle ran as expected.")
        null
    } catch (e: Throwable) {
        e
    } finally {
        sandbox.stop()
        server.stop(0)
    }
    if (failure != null) {
        System.err.println("The example failed: $failure")
        exitProcess(1)
    }
}

suspend fun lifecycle(client: ConnectorClient, deliveries: LinkedBlockingQueue<Delivery>) {
    val card = Card(number = "4111 1111 1111 1111", expiryMonth = 3, expiryYear = 2030, cvc = "737", holderName = "Ada Lovelace")
    println("Card as logged: $card")

    // Authorize EUR 25.00, to be captured later.
    val payment = client.payments.authorize(
        AuthorizeRequest(
            amount = Money(2500, "EUR"),
            merchantReference = "order-${UUID.randomUUID()}",
            paymentMethod = card,
            captureMethod = CaptureMethod.MANUAL,
            returnUrl = "https://shop.example/return",
        ),
    )
    val psp = payment.connectorTransactionId!!
    println("authorize -> ${payment.status} ($psp)")
    check(payment.status == PaymentStatus.AUTHORIZED)
    val authorisation = awaitPayment(deliveries, psp, "AUTHORISATION")
    println("  webhook: ${(authorisation.events.single() as PaymentEvent).status}")

    // Capture EUR 20.00 of it: Adyen answers "received"; the CAPTURE webhook confirms.
    val capture = client.payments.capture(CaptureRequest(connectorTransactionId = psp, amount = Money(2000, "EUR")))
    println("capture -> ${capture.status}")
    println("  webhook: ${(awaitPayment(deliveries, psp, "CAPTURE").events.single() as PaymentEvent).status}")

    // Refund EUR 5.00: pending until the REFUND webhook.
    val refund = client.payments.refund(RefundRequest(connectorTransactionId = psp, amount = Money(500, "EUR")))
    println("refund -> ${refund.status} (${refund.connectorRefundId})")
    check(refund.status == RefundStatus.PENDING)
    val refunded = awaitDelivery(deliveries) { it is RefundEvent && it.connectorTransactionId == psp }.events.single() as RefundEvent
    println("  webhook: refund ${refunded.status}")
    check(refunded.status == RefundStatus.SUCCESS)

    // A decline is a response with status FAILURE, not an exception.
    val declined = client.payments.authorize(
        AuthorizeRequest(
            amount = Money(1500, "EUR"),
            merchantReference = "order-${UUID.randomUUID()}",
            paymentMethod = card.copy(holderName = "NOT_ENOUGH_BALANCE"),
            returnUrl = "https://shop.example/return",
        ),
    )
    println("declined authorize -> ${declined.status}: ${declined.decline?.code} ${declined.decline?.message}")
    check(declined.status == PaymentStatus.FAILURE)

    // 3-D Secure: the shopper is redirected, authenticates, and comes back with a result.
    val pending = client.payments.authorize(
        AuthorizeRequest(
            amount = Money(3000, "EUR"),
            merchantReference = "order-${UUID.randomUUID()}",
            paymentMethod = card.copy(number = "4212345678910006"),
            authenticationType = AuthenticationType.THREE_DS,
            returnUrl = "https://shop.example/return",
            browserInfo = BrowserInfo(userAgent = "Mozilla/5.0", acceptHeader = "text/html", language = "en-US"),
        ),
    )
    val redirect = pending.nextAction as RedirectAction
    println("3-D Secure authorize -> ${pending.status}, redirect to ${redirect.url}")
    val returned = shopperCompletesChallenge(redirect.url)
    val authenticated = client.payments.get(PaymentGetRequest(redirectResult = returned))
    println("after the shopper returns -> ${authenticated.status}")
    check(authenticated.status == PaymentStatus.CHARGED)

    // A webhook whose body was changed in transit fails verification.
    val genuine = authorisation.body.decodeToString()
    check("\"value\":2500" in genuine)
    val tampered = genuine.replaceFirst("\"value\":2500", "\"value\":250000").toByteArray()
    try {
        client.webhooks.verifyAndParse(authorisation.headers, tampered)
        error("a tampered webhook was accepted")
    } catch (e: WebhookVerificationException) {
        println("tampered webhook -> rejected (${e.code.value})")
    }

    // Errors are typed exceptions naming the field; the card number never appears in them.
    try {
        client.payments.authorize(AuthorizeRequest(Money(100, "EUR"), "order-bad", card.copy(number = "4111111111111112")))
        error("an invalid card number was accepted")
    } catch (e: InvalidRequestException) {
        println("invalid card -> ${e.javaClass.simpleName} on ${e.field}: ${e.message}")
    }
}

/** Waits for the delivery with an event matching [predicate], keeping the others for later. */
fun awaitDelivery(deliveries: LinkedBlockingQueue<Delivery>, predicate: (WebhookEvent) -> Boolean): Delivery {
    val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
    val seen = ArrayList<Delivery>()
    try {
        while (System.nanoTime() < deadline) {
            val delivery = deliveries.poll(100, TimeUnit.MILLISECONDS) ?: continue
            if (delivery.events.any(predicate)) return delivery
            seen.add(delivery)
        }
        error("the expected webhook did not arrive")
    } finally {
        deliveries.addAll(seen)
    }
}

fun awaitPayment(deliveries: LinkedBlockingQueue<Delivery>, psp: String, type: String): Delivery =
    awaitDelivery(deliveries) { it is PaymentEvent && it.connectorTransactionId == psp && it.eventType == type }

/** The shopper's browser: posts the challenge form and follows the redirect back to the shop. */
fun shopperCompletesChallenge(url: String): Map<String, String> {
    val http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
    val request = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("password=password"))
        .build()
    val response = http.send(request, HttpResponse.BodyHandlers.discarding())
    val location = URI.create(response.headers().firstValue("location").orElseThrow())
    return location.rawQuery.split("&").associate { pair ->
        val (k, v) = pair.split("=", limit = 2)
        URLDecoder.decode(k, Charsets.UTF_8) to URLDecoder.decode(v, Charsets.UTF_8)
    }
}

/** The local sandbox, started as a child process on a free port. */
class Sandbox private constructor(private val process: Process, val url: String, private val credentials: Map<String, String>) {
    /** The test credentials the sandbox accepts for [processor], as the binding's typed config. */
    fun credentials(processor: String): ConnectorConfig = ConnectorConfig.fromJson(credentials.getValue(processor))

    fun stop() {
        process.destroy()
        process.waitFor(5, TimeUnit.SECONDS)
    }

    companion object {
        fun start(adyenWebhookUrl: String): Sandbox {
            val bin = System.getProperty("connector.sandbox.bin") ?: "../../target/debug/connector-sandbox"
            check(File(bin).canExecute()) { "build the sandbox first: cargo build -p connector-sandbox" }
            val process = ProcessBuilder(bin, "--port", "0", "--webhook-url", "adyen=$adyenWebhookUrl")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start()
            Runtime.getRuntime().addShutdownHook(Thread { process.destroy() })
            val lines = process.inputStream.bufferedReader()
            val url = lines.readLine()?.substringAfter("listening on ")?.trim() ?: error("the sandbox did not start")
            // Then one `credentials <processor> <json>` line per processor; we need Adyen's.
            val credentials = HashMap<String, String>()
            while ("adyen" !in credentials) {
                val line = lines.readLine() ?: error("the sandbox printed no Adyen credentials")
                if (!line.startsWith("credentials ")) continue
                val (_, processor, json) = line.split(" ", limit = 3)
                credentials[processor] = json
            }
            Thread { lines.forEachLine { } }.apply { isDaemon = true }.start()
            return Sandbox(process, url, credentials)
        }
    }
}
