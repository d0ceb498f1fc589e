package io.connectorservice

import java.io.File
import java.net.URI
import java.net.URLDecoder
import java.net.URLEncoder
import java.net.http.HttpClient
import java.nio.charset.StandardCharsets.UTF_8
import java.time.Duration
import java.util.concurrent.TimeUnit
import java.net.http.HttpRequest as JHttpRequest
import java.net.http.HttpResponse as JHttpResponse

/**
 * The local processor sandbox, started once per test JVM as a child process on a free port
 * (`connector-sandbox --port 0`), and its control API (`/_sandbox/...`).
 */
internal object Sandbox {
    private val http: HttpClient = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build()

    /** `http://127.0.0.1:PORT`. */
    val url: String by lazy { start() }

    private fun start(): String {
        val bin = System.getProperty("connector.sandbox.bin")
            ?: error("system property connector.sandbox.bin is not set (run the tests with `make test`)")
        check(File(bin).canExecute()) { "the sandbox binary $bin does not exist: build it with `cargo build -p connector-sandbox`" }
        val log = File(System.getProperty("java.io.tmpdir"), "connector-sandbox-kotlin-tests.log")
        val process = ProcessBuilder(bin, "--host", "127.0.0.1", "--port", "0")
            .redirectError(ProcessBuilder.Redirect.appendTo(log))
            .start()
        Runtime.getRuntime().addShutdownHook(
            Thread {
                process.destroy()
                process.waitFor(5, TimeUnit.SECONDS)
            },
        )
        val stdout = process.inputStream.bufferedReader()
        val first = stdout.readLine() ?: error("the sandbox exited before listening (see $log)")
        val prefix = "connector-sandbox listening on "
        check(first.startsWith(prefix)) { "unexpected first line from the sandbox: $first" }
        // Keep draining its stdout so that it never blocks on a full pipe.
        Thread { stdout.forEachLine { } }.apply { isDaemon = true }.start()
        return first.removePrefix(prefix).trim()
    }

    /** The accepted credentials, per processor, as `ConnectorConfig` JSON objects. */
    @Suppress("UNCHECKED_CAST")
    fun credentials(): Map<String, Map<String, Any?>> = get("/_sandbox/credentials") as Map<String, Map<String, Any?>>

    /** A typed client configuration for [processor] pointing at the sandbox. */
    fun clientConfig(processor: String, transport: Any? = null, overrides: Map<String, Any?> = emptyMap()): ClientConfig {
        val config = linkedMapOf<String, Any?>(
            "connector" to (credentials()[processor] ?: error("the sandbox has no $processor")) + overrides,
            "base_url" to "$url/$processor",
        )
        if (transport != null) config["transport"] = transport
        return ClientConfig.fromJson(Json.write(config))
    }

    /** Forgets fault rules, logged requests and queued webhooks. */
    fun reset() {
        request("DELETE", "/_sandbox/faults")
        request("DELETE", "/_sandbox/requests")
        request("DELETE", "/_sandbox/webhooks")
    }

    fun get(path: String): Any? = request("GET", path).let { (status, body) -> expectOk(status, body, path) }

    fun post(path: String, body: Any?): Any? = request("POST", path, body).let { (status, json) -> expectOk(status, json, path) }

    private fun expectOk(status: Int, body: Any?, path: String): Any? {
        check(status in 200..299) { "sandbox $path answered $status: ${Json.write(body)}" }
        return body
    }

    /** A control call; returns the status and the parsed JSON answer (null when empty). */
    fun request(method: String, path: String, body: Any? = null): Pair<Int, Any?> {
        val builder = JHttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(150))
        val publisher = if (body == null) JHttpRequest.BodyPublishers.noBody() else JHttpRequest.BodyPublishers.ofString(Json.write(body))
        if (body != null) builder.header("Content-Type", "application/json")
        builder.method(method, publisher)
        val response = http.send(builder.build(), JHttpResponse.BodyHandlers.ofString())
        val text = response.body()
        return response.statusCode() to (if (text.isBlank()) null else Json.parse(text))
    }

    /**
     * Takes the next webhook of [processor] from the outbox (of type [event], whose body contains
     * [contains], when given), waiting up to [timeoutMs]: `{"headers": {...}, "body": "<raw
     * body>", ...}`, or null when none came.
     */
    @Suppress("UNCHECKED_CAST")
    fun nextWebhook(processor: String, event: String? = null, contains: String? = null, timeoutMs: Long = 5000): Map<String, Any?>? {
        val query = mapOf("processor" to processor, "event" to event, "contains" to contains, "timeout_ms" to timeoutMs).filterValues {
            it !=
                null
        }
        val (status, body) = request("POST", "/_sandbox/webhooks/next", query)
        if (status == 404) return null
        check(status == 200) { "webhooks/next answered $status: ${Json.write(body)}" }
        return body as Map<String, Any?>
    }

    /** Sends an HTTP request built by a sans-IO connector, as any HTTP client would. */
    fun send(request: HttpRequest): HttpResponse {
        val builder = JHttpRequest.newBuilder(URI.create(request.url)).timeout(Duration.ofSeconds(30))
        for ((name, value) in request.headers) {
            // java.net.http sets these itself and refuses them.
            if (name.lowercase() !in setOf("content-length", "host", "connection", "expect", "upgrade")) builder.header(name, value)
        }
        val body = request.body
        builder.method(
            request.method.value,
            if (body == null) JHttpRequest.BodyPublishers.noBody() else JHttpRequest.BodyPublishers.ofByteArray(body),
        )
        val response = http.send(builder.build(), JHttpResponse.BodyHandlers.ofByteArray())
        val headers = response.headers().map().mapValues { (_, values) -> values.joinToString(", ") }
        return HttpResponse(status = response.statusCode(), body = response.body(), headers = headers)
    }

    /**
     * Follows a shopper redirect without a browser: POSTs [form] to [url] and returns the query
     * parameters of the `Location` it answers with.
     */
    fun followRedirect(url: String, form: Map<String, String>): Map<String, String> {
        val body = form.entries.joinToString("&") { (k, v) -> "${URLEncoder.encode(k, UTF_8)}=${URLEncoder.encode(v, UTF_8)}" }
        val request = JHttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(JHttpRequest.BodyPublishers.ofString(body))
            .build()
        val response = http.send(request, JHttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 300..399) { "the redirect page answered ${response.statusCode()}" }
        val location = response.headers().firstValue("location").orElseThrow()
        val query = URI.create(location).rawQuery ?: return emptyMap()
        return query.split("&").filter { it.isNotEmpty() }.associate { pair ->
            val (k, v) = if ('=' in pair) pair.split("=", limit = 2) else listOf(pair, "")
            URLDecoder.decode(k, UTF_8) to URLDecoder.decode(v, UTF_8)
        }
    }

    /** The body with the first occurrence of [find] replaced by [replace]; null when [find] is not in it. */
    fun tamper(body: ByteArray, find: String, replace: String): ByteArray? {
        val text = String(body, Charsets.UTF_8)
        val i = text.indexOf(find)
        if (i < 0) return null
        return (text.substring(0, i) + replace + text.substring(i + find.length)).toByteArray(Charsets.UTF_8)
    }
}
