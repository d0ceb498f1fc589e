package io.connectorservice

import com.sun.jna.Callback
import com.sun.jna.CallbackThreadInitializer
import com.sun.jna.Native
import com.sun.jna.Pointer
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.suspendCancellableCoroutine
import uniffi.connectorservice.NativeException
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.CoroutineContext

/**
 * The calls and sans-IO steps through the native library's plain C ABI
 * (`bindings-kotlin/src/raw.rs`): byte arrays in, one pointer out. A `suspend` call is started
 * on the calling thread, which writes the request (`bindings-kotlin/src/reactor.rs`); the
 * reactor's thread, driving the native reactor, gets the answer and resumes the coroutine
 * (elsewhere than Linux, a task on the native runtime hands it to [completion]). A call that
 * needs no wait (one that could not start) answers at once. A cancelled coroutine cancels the
 * call.
 *
 * A call through UniFFI's glue allocates JNA `Structure`s (the call status, each string argument
 * and the result), each one a JNA `Memory` that JNA tracks in a global map until a garbage
 * collection releases it: about nine per blocking call, a cost that grew with the heap. JNA's
 * direct mapping copies primitive arrays without any of that.
 */
internal object RawCalls {
    /** Receives the answers of started calls (see `Completion` in raw.rs). */
    private interface Completion : Callback {
        fun invoke(callId: Long, answer: Long)
    }

    /** The coroutines waiting for a started call's answer, by call id. */
    private val waiting = ConcurrentHashMap<Long, CancellableContinuation<String>>()
    private val nextCallId = AtomicLong()

    /** Kept here for as long as the class lives: JNA's native trampoline calls it. */
    private val completion: Completion = object : Completion {
        override fun invoke(callId: Long, answer: Long) = resume(callId, answer)
    }

    /** The thread driving the native reactor (Linux), which is [ReactorDispatcher]'s. */
    val reactorThread: Thread?

    /** The coroutines [ReactorDispatcher] runs next, on [reactorThread]. */
    private val queued = ConcurrentLinkedQueue<Runnable>()

    /** Whether [reactorThread] is in (or about to be in) the native reactor's wait. */
    private val inReactor = AtomicBoolean(false)

    init {
        // The library UniFFI's glue loaded (the same name and class loader: JNA's same instance).
        Native.register(
            RawCalls::class.java,
            System.getProperty("uniffi.component.connector_service_kotlin.libraryOverride") ?: "connector_service_kotlin",
        )
        // The runtime's threads stay attached to the JVM (as daemons) between answers, instead
        // of being attached again, with a new java.lang.Thread, for every one.
        Native.setCallbackThreadInitializer(completion, CallbackThreadInitializer(true, false, "connector-service-callback"))
        connector_service_raw_set_completion(completion)
        // On Linux the answers of started calls come from the native reactor, driven by a thread
        // of ours; elsewhere they come through [completion].
        reactorThread = if (connector_service_raw_reactor_claim() == 1) {
            Thread(::driveReactor, "connector-service-reactor").apply {
                isDaemon = true
                start()
            }
        } else {
            null
        }
    }

    /**
     * Drives the native reactor: each answer it returns resumes its coroutine; in between, runs
     * the coroutines dispatched to [ReactorDispatcher]. Nothing ends this loop but the process
     * (not even a failure of the reactor): every `suspend` call's answer comes through it.
     */
    private fun driveReactor() {
        val callId = LongArray(1)
        while (true) {
            runQueued()
            inReactor.set(true)
            // Queued since (their dispatch saw no wait to interrupt): run them first.
            val answer = if (queued.isEmpty()) connector_service_raw_reactor_next(callId) else 0L.also { callId[0] = 0L }
            inReactor.set(false)
            if (answer == 0L) {
                // Interrupted (id 0): coroutines to run. Otherwise the reactor failed, which is a
                // bug (a panic, caught): this thread goes on, for every later call depends on it.
                if (callId[0] != 0L) {
                    ConnectorServiceLogging.logger.error("the native reactor failed; its thread goes on")
                    Thread.sleep(10)
                }
                continue
            }
            try {
                resume(callId[0], answer)
            } catch (t: Throwable) {
                ConnectorServiceLogging.logger.error("resuming a call's coroutine failed", t)
            }
        }
    }

    /**
     * Runs the coroutines queued for [ReactorDispatcher], up to [BATCH]: if more are left, the
     * reactor is interrupted at once, so that the calls' sockets are seen to between batches.
     */
    private fun runQueued() {
        for (i in 0 until BATCH) {
            val task = queued.poll() ?: return
            try {
                task.run()
            } catch (t: Throwable) {
                ConnectorServiceLogging.logger.error("a coroutine on the reactor's dispatcher failed", t)
            }
        }
        if (queued.isNotEmpty()) connector_service_raw_reactor_interrupt()
    }

    private const val BATCH = 256

    /** Queues [task] for [reactorThread], interrupting the reactor's wait if it is in it. */
    fun dispatchToReactor(task: Runnable) {
        queued.add(task)
        // After the add: the reactor's thread sets the flag before it looks at the queue, so
        // either it sees this task or this sees the flag.
        if (inReactor.get()) connector_service_raw_reactor_interrupt()
    }

    @JvmStatic
    @Suppress("ktlint:standard:function-naming", "FunctionName")
    private external fun connector_service_raw_call_blocking(
        client: Long,
        op: ByteArray?,
        opLen: Long,
        request: ByteArray?,
        requestLen: Long,
        options: ByteArray?,
        optionsLen: Long,
    ): Long

    @JvmStatic
    @Suppress("ktlint:standard:function-naming", "FunctionName")
    private external fun connector_service_raw_free(answer: Long)

    @JvmStatic
    @Suppress("ktlint:standard:function-naming", "FunctionName")
    private external fun connector_service_raw_set_completion(completion: Completion)

    @JvmStatic
    @Suppress("ktlint:standard:function-naming", "FunctionName", "LongParameterList")
    private external fun connector_service_raw_call_start(
        client: Long,
        callId: Long,
        useReactor: Int,
        op: ByteArray?,
        opLen: Long,
        request: ByteArray?,
        requestLen: Long,
        options: ByteArray?,
        optionsLen: Long,
    ): Long

    @JvmStatic
    @Suppress("ktlint:standard:function-naming", "FunctionName")
    private external fun connector_service_raw_call_cancel(callId: Long)

    @JvmStatic
    @Suppress("ktlint:standard:function-naming", "FunctionName")
    private external fun connector_service_raw_reactor_claim(): Int

    @JvmStatic
    @Suppress("ktlint:standard:function-naming", "FunctionName")
    private external fun connector_service_raw_reactor_next(callId: LongArray): Long

    @JvmStatic
    @Suppress("ktlint:standard:function-naming", "FunctionName")
    private external fun connector_service_raw_reactor_interrupt()

    @JvmStatic
    @Suppress("ktlint:standard:function-naming", "FunctionName", "LongParameterList")
    private external fun connector_service_raw_step(
        connector: Long,
        op: ByteArray?,
        opLen: Long,
        request: ByteArray?,
        requestLen: Long,
        responses: ByteArray?,
        responsesLen: Long,
        key: ByteArray?,
        keyLen: Long,
    ): Long

    /** One sans-IO step's answer JSON (see `JsonConnector::step`); an error is thrown as [NativeException]. */
    fun step(connector: Long, operation: String, requestJson: String, responsesJson: String, idempotencyKey: String?): String {
        val (op, request, responses, key) = listOf(operation, requestJson, responsesJson, idempotencyKey).map(::Utf8)
        return read(
            connector_service_raw_step(
                connector,
                op.bytes,
                op.length,
                request.bytes,
                request.length,
                responses.bytes,
                responses.length,
                key.bytes,
                key.length,
            ),
        )
    }

    /** [callBlocking] without blocking: the coroutine waits for the runtime's answer. */
    suspend fun call(client: Long, operation: String, requestJson: String, optionsJson: String?): String {
        val (op, request, options) = listOf(operation, requestJson, optionsJson).map(::Utf8)
        return suspendCancellableCoroutine { continuation ->
            val callId = nextCallId.incrementAndGet()
            waiting[callId] = continuation
            continuation.invokeOnCancellation {
                if (waiting.remove(callId) != null) connector_service_raw_call_cancel(callId)
            }
            // Cancelled already (the handler above then ran at once): nothing is sent.
            if (!continuation.isActive) return@suspendCancellableCoroutine
            // On the reactor's thread, only a coroutine of its dispatcher may wait for the
            // reactor: any other (`runBlocking` in an `onCall` hook, say) blocks the thread that
            // would answer it, and is answered by the runtime instead.
            val useReactor = Thread.currentThread() !== reactorThread ||
                continuation.context[ContinuationInterceptor] === ReactorDispatcher
            // The answer of a call that ended at once, or 0 when it goes on.
            val ended = connector_service_raw_call_start(
                client,
                callId,
                if (useReactor) 1 else 0,
                op.bytes,
                op.length,
                request.bytes,
                request.length,
                options.bytes,
                options.length,
            )
            if (ended != 0L) {
                resume(callId, ended)
            } else if (!continuation.isActive) {
                // Cancelled while starting: the handler's cancel may have come before the task
                // existed.
                connector_service_raw_call_cancel(callId)
            }
        }
    }

    /**
     * Resumes the coroutine waiting for call [callId] with its [answer] (freed here, even when
     * the call was cancelled and nothing waits for it).
     */
    private fun resume(callId: Long, answer: Long) {
        val result = runCatching { read(answer) }
        waiting.remove(callId)?.resumeWith(result)
    }

    /** The response JSON of `operation`; an error of the core is thrown as [NativeException]. */
    fun callBlocking(client: Long, operation: String, requestJson: String, optionsJson: String?): String {
        val (op, request, options) = listOf(operation, requestJson, optionsJson).map(::Utf8)
        return read(
            connector_service_raw_call_blocking(client, op.bytes, op.length, request.bytes, request.length, options.bytes, options.length),
        )
    }

    /**
     * The response JSON of an answer, which is freed; an error of the core is thrown as
     * [NativeException]. The answer: its length (8 bytes), then 0 and the response JSON, or 1
     * and the error JSON.
     */
    private fun read(address: Long): String {
        try {
            val answer = Pointer(address)
            val length = answer.getLong(0).toInt()
            val bytes = answer.getByteArray(8, length)
            val json = String(bytes, 1, length - 1, Charsets.UTF_8)
            if (bytes[0] != 0.toByte()) throw NativeException.Failed(json)
            return json
        } finally {
            connector_service_raw_free(address)
        }
    }

    /** A string as the C ABI takes it: its UTF-8 bytes (null for none) and their length. */
    private class Utf8(text: String?) {
        val bytes: ByteArray? = text?.toByteArray(Charsets.UTF_8)
        val length: Long = bytes?.size?.toLong() ?: 0L
    }
}

/**
 * The dispatcher of the native reactor's thread (Linux), [ConnectorClient.dispatcher]: its
 * coroutines run on that thread between the reactor's waits, so their `suspend` calls need no
 * thread hand-off. Elsewhere, [Dispatchers.Default].
 */
internal object ReactorDispatcher : CoroutineDispatcher() {
    override fun dispatch(context: CoroutineContext, block: Runnable) {
        if (RawCalls.reactorThread == null) Dispatchers.Default.dispatch(context, block) else RawCalls.dispatchToReactor(block)
    }

    override fun toString(): String = "ConnectorClient.dispatcher"
}
