package io.connectorservice

import org.slf4j.Logger
import org.slf4j.LoggerFactory
import org.slf4j.event.Level
import uniffi.connectorservice.JsonSink

/**
 * Receives a [CallRecord] when each call of a [ConnectorClient] finishes: connector, operation,
 * outcome (a response status or an error code), HTTP status, attempts, latency, idempotency key
 * and request id; never a request or response body, a credential or card data.
 *
 * Called on the core's thread before the call returns (for a `suspend` call, mostly the native
 * reactor's thread, which every such call shares): keep it quick (count, record, hand over).
 * An exception it throws is logged (logger `io.connectorservice`), never thrown into the call.
 */
public fun interface CallObserver {
    public fun onCall(record: CallRecord)
}

/** One log record of the core, as also sent to SLF4J. Never contains card data or credentials. */
public data class LogRecord(
    /** `error`, `warn`, `info`, `debug` or `trace`. */
    public val level: String,
    /** The Rust module that logged it (`connector_service::client`, ...). */
    public val target: String,
    public val message: String,
    /** The record's fields and those of its call (`connector`, `operation`, `idempotency_key`, ...). */
    public val fields: Map<String, String>,
)

/**
 * The core's logs in SLF4J: every record of the Rust core goes to the logger
 * `io.connectorservice`, at its level (TRACE records carry the masked bodies), with the
 * record's fields as SLF4J key-value pairs.
 *
 * Which records the core produces is decided once, when the first client is built: `RUST_LOG`
 * when set, else the level enabled on the `io.connectorservice` logger at that time;
 * [setLevel] changes it later.
 */
public object ConnectorServiceLogging {
    /** The SLF4J logger receiving the core's records. */
    public const val LOGGER_NAME: String = "io.connectorservice"

    internal val logger: Logger = LoggerFactory.getLogger(LOGGER_NAME)

    @Volatile
    private var installed = false

    /** Also receives every record (after SLF4J), e.g. to forward them elsewhere; null: none. */
    @Volatile
    @JvmStatic
    public var listener: ((LogRecord) -> Unit)? = null

    private fun defaultFilter(): String {
        val level = when {
            logger.isTraceEnabled -> "trace"
            logger.isDebugEnabled -> "debug"
            logger.isInfoEnabled -> "info"
            logger.isWarnEnabled -> "warn"
            else -> "error"
        }
        return "connector_service=$level"
    }

    /** Installs the bridge once per process (done by the first [ConnectorClient]). */
    @JvmStatic
    public fun install() {
        if (installed) return
        synchronized(this) {
            if (installed) return
            try {
                ffi { uniffi.connectorservice.installLogSink(LogSink, defaultFilter()) }
            } catch (e: ConnectorServiceException) {
                logger.warn("the core's logs are not bridged to SLF4J: {}", e.message)
            }
            installed = true
        }
    }

    /**
     * Sets which of the core's records are produced: a level (`"debug"`, `"trace"`, ...) or a
     * `RUST_LOG`-style filter (`"connector_service=debug"`). Overrides `RUST_LOG`.
     *
     * @throws InvalidConfigurationException for a filter that does not parse.
     */
    @JvmStatic
    public fun setLevel(level: String) {
        install()
        val filter = if (level in LEVELS) "connector_service=$level" else level
        ffi { uniffi.connectorservice.setLogFilter(filter) }
    }

    private val LEVELS = setOf("error", "warn", "info", "debug", "trace")

    private object LogSink : JsonSink {
        override fun receive(json: String) {
            try {
                val record = parse(json)
                val level = when (record.level) {
                    "error" -> Level.ERROR
                    "warn" -> Level.WARN
                    "info" -> Level.INFO
                    "debug" -> Level.DEBUG
                    else -> Level.TRACE
                }
                if (logger.isEnabledForLevel(level)) {
                    var builder = logger.atLevel(level).addKeyValue("target", record.target)
                    for ((key, value) in record.fields) builder = builder.addKeyValue(key, value)
                    builder.log(record.message)
                }
                listener?.invoke(record)
            } catch (t: Throwable) {
                // Never into the native side.
            }
        }

        private fun parse(json: String): LogRecord {
            val map = Json.parse(json) as Map<*, *>
            val fields = (map["fields"] as? Map<*, *>).orEmpty().entries.associate { (k, v) -> k.toString() to v.toString() }
            return LogRecord(map["level"].toString(), map["target"].toString(), map["message"].toString(), fields)
        }
    }
}

/** Hands each record's JSON to [observer], as a typed [CallRecord]; nothing escapes. */
internal class ObserverSink(private val observer: CallObserver) : JsonSink {
    override fun receive(json: String) {
        try {
            observer.onCall(readAnswer(json) { v, p -> CallRecord.read(v, p) })
        } catch (t: Throwable) {
            try {
                ConnectorServiceLogging.logger.error("the onCall observer threw; the call's result is unaffected", t)
            } catch (ignored: Throwable) {
                // A broken logger: nothing more to do.
            }
        }
    }
}
