package io.connectorservice

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.future.future
import uniffi.connectorservice.NativeClient
import uniffi.connectorservice.NativeException
import java.util.concurrent.CompletableFuture

/**
 * A client for one payment processor: its credentials, one connection pool, and the services.
 *
 * ```kotlin
 * ConnectorClient(ClientConfig(AdyenConfig(apiKey = "...", merchantAccount = "..."))).use { client ->
 *     val payment = client.payments.authorize(AuthorizeRequest(
 *         amount = Money(1000, "EUR"),
 *         merchantReference = "order-42",
 *         paymentMethod = Card(number = "4111111111111111", expiryMonth = 3, expiryYear = 2030, cvc = "737"),
 *     ))
 *     if (payment.status == PaymentStatus.FAILURE) println("declined: ${payment.decline}")
 * }
 * ```
 *
 * Every network call is a `suspend fun` (`client.payments.authorize(...)`), with a blocking twin
 * for Java and other callers without coroutines (`client.payments().authorizeBlocking(...)`) and
 * a `CompletableFuture` twin (`authorizeAsync`). Calls that cannot be processed throw a
 * [ConnectorServiceException] subclass; a decline is a normal response.
 *
 * A client is safe to share between threads and coroutines; build one per processor account
 * and reuse it. [close] releases its native resources (connection pool); unreferenced clients
 * are also released by the garbage collector.
 *
 * [onCall], when given, receives a [CallRecord] of every call (see [CallObserver]); the core's
 * logs go to SLF4J (see [ConnectorServiceLogging]).
 *
 * @throws ConnectorServiceException ([InvalidConfigurationException], [InvalidRequestException]) when the
 *   configuration is invalid.
 */
public class ConnectorClient @JvmOverloads constructor(config: ClientConfig, onCall: CallObserver? = null) : AutoCloseable {
    private val native: NativeClient = run {
        ConnectorServiceLogging.install()
        ffi {
            if (onCall == null) NativeClient(config.toJson()) else NativeClient.withObserver(config.toJson(), ObserverSink(onCall))
        }
    }
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    /** The client's name in the native library's plain C ABI (see [RawCalls]). */
    private val rawHandle: Long = native.rawHandle().toLong()

    /** The processor this client talks to. */
    public val connector: ConnectorName = ConnectorName.fromValue(native.connectorName())

    /** Payments: authorize, get, capture, void, refund, setupMandate, createOrder. */
    @get:JvmName("payments")
    public val payments: Payments = Payments(this)

    /** Refunds: get (refunds are created with [Payments.refund]). */
    @get:JvmName("refunds")
    public val refunds: Refunds = Refunds(this)

    /** Disputes: accept, submitEvidence, defend. */
    @get:JvmName("disputes")
    public val disputes: Disputes = Disputes(this)

    /** Verification and parsing of the processor's webhooks. */
    @get:JvmName("webhooks")
    public val webhooks: Webhooks = Webhooks { headers, body -> ffi { native.handleWebhook(headers, body) } }

    internal suspend fun <T> call(operation: String, requestJson: String, options: CallOptions?, read: (Any?, String) -> T): T {
        val json = ffi { RawCalls.call(rawHandle, operation, requestJson, options?.toJson()) }
        return readAnswer(json, read)
    }

    internal fun <T> callBlocking(operation: String, requestJson: String, options: CallOptions?, read: (Any?, String) -> T): T =
        readAnswer(ffi { RawCalls.callBlocking(rawHandle, operation, requestJson, options?.toJson()) }, read)

    internal fun <T> future(block: suspend () -> T): CompletableFuture<T> = scope.future { block() }

    /**
     * Releases the connection pool. Calls started with the `...Async` methods that are still
     * running are cancelled; `suspend` and blocking calls in flight finish first; later calls fail.
     */
    override fun close() {
        scope.cancel()
        native.close()
    }

    override fun toString(): String = "ConnectorClient(connector=${connector.value})"

    public companion object {
        /** Builds a client (the same as the constructor, for Java callers who prefer a factory). */
        @JvmStatic
        public fun create(config: ClientConfig): ConnectorClient = ConnectorClient(config)

        /** Builds a client whose calls are reported to [onCall]. */
        @JvmStatic
        public fun create(config: ClientConfig, onCall: CallObserver): ConnectorClient = ConnectorClient(config, onCall)

        /** The version of the native core. */
        @JvmStatic
        public val coreVersion: String
            get() = uniffi.connectorservice.coreVersion()

        /**
         * A fresh idempotency key (a UUID v4). Create it before a call and pass it on the
         * request to keep it when the call's coroutine is cancelled: a retry with the same key
         * and request is then deduplicated by the processors that support keys.
         */
        @JvmStatic
        public fun newIdempotencyKey(): String = uniffi.connectorservice.newIdempotencyKey()

        /**
         * The dispatcher of the thread that waits for every `suspend` call's answer (Linux).
         * A `suspend` call made by a coroutine on another dispatcher is answered on that thread
         * and then resumed on its own dispatcher: two thread wake-ups per call. A coroutine on
         * this one is resumed where the answer was read: one wake-up, as a blocking call.
         *
         * ```kotlin
         * withContext(ConnectorClient.dispatcher) { client.payments.authorize(request) }
         * ```
         *
         * It is one thread, shared by every client's calls, as an event loop's: what runs on it
         * must not block (no blocking calls, `runBlocking` or long computations), or every
         * `suspend` call's answer waits. Elsewhere than Linux it is [kotlinx.coroutines.Dispatchers.Default].
         */
        @JvmStatic
        public val dispatcher: kotlinx.coroutines.CoroutineDispatcher
            get() = ReactorDispatcher
    }
}

/** Verifies and parses incoming webhooks. No network call is made. */
public class Webhooks internal constructor(private val handle: (String, ByteArray) -> String) {
    /**
     * Verifies the request's source (signature or token) and parses it into typed events.
     * Pass the raw body bytes exactly as received, never a re-serialized copy.
     *
     * @throws WebhookVerificationException when the signature does not match.
     */
    @Throws(ConnectorServiceException::class)
    public fun verifyAndParse(headers: Map<String, String>, body: ByteArray): WebhookNotification =
        readAnswer(handle(Json.write(headers), body)) { v, p -> WebhookNotification.read(v, p) }

    /** [verifyAndParse] for a [WebhookRequest]. */
    @Throws(ConnectorServiceException::class)
    public fun verifyAndParse(request: WebhookRequest): WebhookNotification = verifyAndParse(request.headers, request.body)
}

/** Runs a native call, turning its error into the matching [ConnectorServiceException]. */
internal inline fun <T> ffi(block: () -> T): T = try {
    block()
} catch (e: NativeException) {
    throw translate(e)
} catch (e: uniffi.connectorservice.InternalException) {
    throw internalError("the native library failed: ${e.message}")
}

internal fun translate(e: NativeException): ConnectorServiceException = when (e) {
    is NativeException.Failed -> ConnectorServiceException.fromInfo(readAnswer(e.errorJson) { v, p -> ErrorInfo.read(v, p) })
}

internal fun internalError(message: String): ConnectorServiceException =
    ConnectorServiceException.fromInfo(ErrorInfo(code = ErrorCode.INTERNAL, message = message))

/** Reads the core's answer; a mismatch between the core and these classes is an internal error. */
internal fun <T> readAnswer(json: String, read: (Any?, String) -> T): T = try {
    read(Json.parse(json), "")
} catch (e: JsonException) {
    throw internalError("cannot read the core's answer: ${e.message}")
}
