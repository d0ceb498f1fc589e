// One benchmark run of one JVM client: `java -cp ... bench.BenchKt CLIENT CONCURRENCY SECONDS`.
// The same call and output as ../clients.py (see there): an Adyen authorization
// (`POST /v68/payments`, card, EUR 10.00) against the sandbox named in the environment
// (BENCH_SANDBOX_URL, BENCH_ADYEN_API_KEY, BENCH_ADYEN_MERCHANT), checked to be `Authorised`;
// warm-up for BENCH_WARMUP seconds, then calls counted for SECONDS; one JSON line with calls,
// seconds, p50/p99 latency (microseconds), the process's peak resident memory (KiB) and its CPU
// time per call (microseconds, every thread, over the measured calls).
//
// Blocking clients run CONCURRENCY threads; suspend clients CONCURRENCY coroutines, on
// Dispatchers.Default (kotlin-suspend-dispatcher: on ConnectorClient.dispatcher). The plain
// clients send what connector-service sends (same body and headers) and parse the JSON answer
// with Jackson; connector-service also builds a typed request and returns a typed response.

package bench

import com.fasterxml.jackson.databind.ObjectMapper
import com.sun.management.OperatingSystemMXBean
import io.connectorservice.AdyenConfig
import io.connectorservice.AuthorizeRequest
import io.connectorservice.Card
import io.connectorservice.ClientConfig
import io.connectorservice.ConnectorClient
import io.connectorservice.Money
import io.connectorservice.PaymentStatus
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.future.await
import kotlinx.coroutines.runBlocking
import okhttp3.ConnectionPool
import okhttp3.MediaType.Companion.toMediaType
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.RequestBody.Companion.toRequestBody
import java.io.File
import java.lang.management.ManagementFactory
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.Collections
import java.util.UUID
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicLong
import kotlin.system.exitProcess

private val URL_ = System.getenv("BENCH_SANDBOX_URL").trimEnd('/') + "/adyen"
private val API_KEY = System.getenv("BENCH_ADYEN_API_KEY")
private val MERCHANT = System.getenv("BENCH_ADYEN_MERCHANT")
private val WARMUP = (System.getenv("BENCH_WARMUP") ?: "0.5").toDouble()
private val PAYMENTS = "$URL_/v68/payments"
private val MAPPER = ObjectMapper()

private fun body(i: Long): ByteArray = MAPPER.writeValueAsBytes(
    mapOf(
        "merchantAccount" to MERCHANT,
        "amount" to mapOf("value" to 1000, "currency" to "EUR"),
        "reference" to "bench-$i",
        "paymentMethod" to mapOf(
            "type" to "scheme",
            "number" to "4111111111111111",
            "expiryMonth" to "03",
            "expiryYear" to "2030",
            "cvc" to "737",
        ),
        "returnUrl" to "https://shop.example/return",
    ),
)

private fun check(answer: ByteArray) {
    val code = MAPPER.readTree(answer).get("resultCode")?.asText()
    if (code != "Authorised") throw IllegalStateException("unexpected answer: $code")
}

private fun ours(): ConnectorClient = ConnectorClient(
    ClientConfig(connector = AdyenConfig(apiKey = API_KEY, merchantAccount = MERCHANT), baseUrl = URL_),
)

private fun authorizeRequest(i: Long) = AuthorizeRequest(
    amount = Money(1000, "EUR"),
    merchantReference = "bench-$i",
    paymentMethod = Card(number = "4111111111111111", expiryMonth = 3, expiryYear = 2030, cvc = "737"),
    returnUrl = "https://shop.example/return",
)

private fun checkStatus(status: PaymentStatus) {
    if (status != PaymentStatus.CHARGED) throw IllegalStateException("unexpected status $status")
}

/** The blocking clients: a call on the calling thread. */
private fun blocking(name: String): ((Long) -> Unit)? = when (name) {
    "kotlin-blocking" -> {
        val client = ours()
        val call: (Long) -> Unit = { i -> checkStatus(client.payments.authorizeBlocking(authorizeRequest(i)).status) }
        call
    }
    "jdk-httpclient" -> {
        // HTTP/1.1: the sandbox speaks it, and the default (HTTP/2) would try an h2c upgrade.
        val client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        val call: (Long) -> Unit = { i ->
            val request = HttpRequest.newBuilder(URI.create(PAYMENTS))
                .header("x-api-key", API_KEY)
                .header("content-type", "application/json")
                .header("idempotency-key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(i)))
                .build()
            check(client.send(request, HttpResponse.BodyHandlers.ofByteArray()).body())
        }
        call
    }
    "okhttp" -> {
        // A pool as large as the concurrency (the default keeps 5 idle connections).
        val client = OkHttpClient.Builder().connectionPool(ConnectionPool(100, 5, TimeUnit.MINUTES)).build()
        val json = "application/json".toMediaType()
        val call: (Long) -> Unit = { i ->
            val request = Request.Builder().url(PAYMENTS)
                .header("x-api-key", API_KEY)
                .header("idempotency-key", UUID.randomUUID().toString())
                .post(body(i).toRequestBody(json))
                .build()
            client.newCall(request).execute().use { response -> check(response.body.bytes()) }
        }
        call
    }
    else -> null
}

/** The suspend clients: a call in a coroutine. */
private fun suspending(name: String): (suspend (Long) -> Unit)? = when (name) {
    "kotlin-suspend", "kotlin-suspend-dispatcher" -> {
        val client = ours()
        val call: suspend (Long) -> Unit = { i -> checkStatus(client.payments.authorize(authorizeRequest(i)).status) }
        call
    }
    "jdk-httpclient-async" -> {
        val client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        val call: suspend (Long) -> Unit = { i ->
            val request = HttpRequest.newBuilder(URI.create(PAYMENTS))
                .header("x-api-key", API_KEY)
                .header("content-type", "application/json")
                .header("idempotency-key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(i)))
                .build()
            check(client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).await().body())
        }
        call
    }
    else -> null
}

private class Run(seconds: Double) {
    val counter = AtomicLong()
    @Volatile var measuring = false
    @Volatile var deadline = System.nanoTime() + (WARMUP * 1e9).toLong()
    val latencies: MutableList<Long> = Collections.synchronizedList(ArrayList())
    val measureNs = (seconds * 1e9).toLong()
    /** The process's CPU time (every thread, in ns) when the measured phase began and ended. */
    var cpuStart = 0L
    var cpuEnd = 0L

    fun record(mine: List<Long>) {
        if (measuring) latencies.addAll(mine)
    }

    /** Runs `phase` twice (warm-up, then measured); returns the measured seconds. */
    inline fun phases(phase: () -> Unit): Double {
        phase()
        measuring = true
        deadline = System.nanoTime() + measureNs
        val start = System.nanoTime()
        cpuStart = cpuNs()
        phase()
        cpuEnd = cpuNs()
        return (System.nanoTime() - start) / 1e9
    }
}

private fun cpuNs(): Long = (ManagementFactory.getOperatingSystemMXBean() as OperatingSystemMXBean).processCpuTime

private fun peakRssKib(): Long =
    File("/proc/self/status").readLines().firstOrNull { it.startsWith("VmHWM:") }
        ?.split(Regex("\\s+"))?.get(1)?.toLong() ?: 0L

fun main(args: Array<String>) {
    val (name, concurrencyArg, secondsArg) = args
    val concurrency = concurrencyArg.toInt()
    val run = Run(secondsArg.toDouble())
    val sync = blocking(name)
    val seconds = if (sync != null) {
        fun worker() {
            val mine = ArrayList<Long>()
            while (System.nanoTime() < run.deadline) {
                val i = run.counter.incrementAndGet()
                val t = System.nanoTime()
                sync(i)
                mine.add(System.nanoTime() - t)
            }
            run.record(mine)
        }
        run.phases {
            if (concurrency == 1) {
                worker()
            } else {
                val threads = List(concurrency) { Thread { worker() } }
                threads.forEach { it.start() }
                threads.forEach { it.join() }
            }
        }
    } else {
        val call = suspending(name) ?: run {
            System.err.println("unknown client $name")
            exitProcess(2)
        }
        // Coroutines on Dispatchers.Default, or on the thread that reads the answers.
        val dispatcher = if (name == "kotlin-suspend-dispatcher") ConnectorClient.dispatcher else Dispatchers.Default
        runBlocking(dispatcher) {
            suspend fun worker() {
                val mine = ArrayList<Long>()
                while (System.nanoTime() < run.deadline) {
                    val i = run.counter.incrementAndGet()
                    val t = System.nanoTime()
                    call(i)
                    mine.add(System.nanoTime() - t)
                }
                run.record(mine)
            }
            run.phases { List(concurrency) { async { worker() } }.awaitAll() }
        }
    }
    val sorted = run.latencies.sorted()
    fun pct(p: Double) = sorted[Math.round((sorted.size - 1) * p).toInt()] / 1000.0
    println(
        """{"calls":${sorted.size},"seconds":$seconds,"p50_us":${pct(0.5)},"p99_us":${pct(0.99)},"peak_rss_kib":${peakRssKib()},"cpu_us_per_call":${(run.cpuEnd - run.cpuStart) / 1000.0 / sorted.size}}""",
    )
    exitProcess(0)
}
