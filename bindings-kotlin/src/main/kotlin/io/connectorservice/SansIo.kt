package io.connectorservice

import uniffi.connectorservice.NativeConnector

/**
 * One step of an operation driven without the library's HTTP client: either the next request
 * to send, or the operation's result.
 */
public sealed class Step<out T> {
    /** The idempotency key of the operation: pass it again on every later step and retry. */
    public abstract val idempotencyKey: String

    /** Send [request] with your HTTP client, then call the same step method with its response appended. */
    public data class Send(val request: HttpRequest, override val idempotencyKey: String) : Step<Nothing>()

    /** The operation finished with [response]. */
    public data class Done<out T>(val response: T, override val idempotencyKey: String) : Step<T>()
}

/**
 * The processor's API as pure functions (sans-IO): builds each HTTP request and parses each
 * answer, while you send the requests with any HTTP client. The same connectors as
 * [ConnectorClient], without its transport, timeouts or retries.
 *
 * ```kotlin
 * SansIoConnector(config).use { connector ->
 *     val result = connector.run({ request -> myHttp.send(request) }) { responses ->
 *         connector.payments.authorize(request, responses, key)
 *     }
 * }
 * ```
 */
public class SansIoConnector(config: ClientConfig) : AutoCloseable {
    private val native: NativeConnector = ffi { NativeConnector(config.toJson()) }

    /** The connector's name in the native library's plain C ABI (see [RawCalls]). */
    private val rawHandle: Long = native.rawHandle().toLong()

    /** The processor this connector speaks to. */
    public val connector: ConnectorName = ConnectorName.fromValue(native.connectorName())

    @get:JvmName("payments")
    public val payments: PaymentsSteps = PaymentsSteps(this)

    @get:JvmName("refunds")
    public val refunds: RefundsSteps = RefundsSteps(this)

    @get:JvmName("disputes")
    public val disputes: DisputesSteps = DisputesSteps(this)

    /** Webhook verification and parsing (the same as [ConnectorClient.webhooks]). */
    @get:JvmName("webhooks")
    public val webhooks: Webhooks = Webhooks { headers, body -> ffi { native.handleWebhook(headers, body) } }

    internal fun <T> step(
        operation: String,
        requestJson: String,
        responses: List<HttpResponse>,
        idempotencyKey: String?,
        read: (Any?, String) -> T,
    ): Step<T> {
        val w = JsonWriter()
        w.array(responses) { it.writeJson(w) }
        val json = ffi { RawCalls.step(rawHandle, operation, requestJson, w.toString(), idempotencyKey) }
        return readAnswer(json) { value, path ->
            val o = JsonIn.obj(value, path, setOf("type", "request", "response", "idempotency_key"))
            val key = JsonIn.string(o.required("idempotency_key"), o.path("idempotency_key"))
            when (val type = JsonIn.string(o.required("type"), o.path("type"))) {
                "send" -> Step.Send(HttpRequest.read(o.required("request"), o.path("request")), key)
                "done" -> Step.Done(read(o.required("response"), o.path("response")), key)
                else -> throw JsonException("unknown step type `$type`", o.path("type"))
            }
        }
    }

    /**
     * Drives an operation to its end: calls [step] with the responses so far, sends each
     * requested [HttpRequest] with [send], and returns the result.
     *
     * ```kotlin
     * val key = UUID.randomUUID().toString()
     * val payment = connector.run(::sendWithMyClient) { responses -> connector.payments.authorize(request, responses, key) }
     * ```
     */
    public fun <T> run(send: (HttpRequest) -> HttpResponse, step: (List<HttpResponse>) -> Step<T>): T {
        val responses = ArrayList<HttpResponse>()
        while (true) {
            when (val next = step(responses)) {
                is Step.Done -> return next.response
                is Step.Send -> responses.add(send(next.request))
            }
        }
    }

    override fun close() {
        native.close()
    }

    override fun toString(): String = "SansIoConnector(connector=${connector.value})"
}
