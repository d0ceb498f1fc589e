package io.connectorservice

import java.io.File
import java.math.BigDecimal
import java.math.BigInteger
import java.util.UUID
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory

/**
 * The shared scenarios of `tests/scenarios/` (format: `tests/README.md`), run against the sandbox
 * through the typed Kotlin API: each request is read into its typed class, the typed `suspend`
 * method is called, and the typed response is written back to JSON for the comparison.
 */
class ScenariosTest {
    @TestFactory
    fun scenarios(): List<DynamicTest> {
        val dir = File(System.getProperty("connector.scenarios.dir") ?: "../tests/scenarios")
        val files = dir.listFiles { f -> f.name.endsWith(".json") }?.sortedBy { it.name }.orEmpty()
        assertTrue(files.isNotEmpty(), "no scenario files in $dir")
        return files.map { file -> DynamicTest.dynamicTest(file.nameWithoutExtension) { ScenarioRun(file).run() } }
    }
}

internal class ScenarioFailure(message: String) : AssertionError(message)

@Suppress("UNCHECKED_CAST")
private class ScenarioRun(private val file: File) {
    private val scenario = Json.parse(file.readText()) as Map<String, Any?>
    private val connector = scenario["connector"] as String
    private val vars = HashMap<String, Any?>()

    fun run() {
        Sandbox.reset()
        val config = Sandbox.clientConfig(
            connector,
            transport = scenario["transport"],
            overrides = scenario["config_overrides"] as Map<String, Any?>? ?: emptyMap(),
        )
        ConnectorClient(config).use { client ->
            (scenario["steps"] as List<Any?>).forEachIndexed { i, raw ->
                val step = expand(raw) as Map<String, Any?>
                val label = "step ${i + 1}${step["name"]?.let { " ($it)" } ?: ""}"
                try {
                    runStep(client, step)
                } catch (e: ScenarioFailure) {
                    throw ScenarioFailure("${file.name} $label: ${e.message}")
                }
            }
        }
    }

    private fun runStep(client: ConnectorClient, step: Map<String, Any?>) {
        val checked = "call" in step || ("webhook" in step && (step["webhook"] as Map<*, *>)["none"] == null)
        if (checked && "expect" !in step && "expect_error" !in step) throw ScenarioFailure("call and webhook steps need `expect` or `expect_error`")
        if ("expect_error" in step && !checked) throw ScenarioFailure("only call and webhook steps take `expect_error`")
        if ("expect" in step && "expect_error" in step) throw ScenarioFailure("a step has either `expect` or `expect_error`")
        var result: Any? = null
        var error: Any? = null
        when {
            "call" in step -> {
                val options = step["options"]?.let { CallOptions.fromJson(Json.write(it)) }
                try {
                    val json = runBlocking {
                        GeneratedOperations.call(client, step["call"] as String, Json.write(step["request"]), options)
                    }
                    result = Json.parse(json)
                } catch (e: ConnectorServiceException) {
                    error = Json.parse(e.toJson())
                }
            }
            "webhook" in step && (step["webhook"] as Map<*, *>)["file"] != null -> {
                // An official vector: the file's exact bytes, with the step's headers.
                val spec = step["webhook"] as Map<String, Any?>
                val testsDir = File(System.getProperty("connector.scenarios.dir") ?: "../tests/scenarios").parentFile
                var body = File(testsDir, spec["file"] as String).readBytes()
                (spec["tamper"] as Map<String, Any?>?)?.let { t ->
                    body = Sandbox.tamper(body, t["find"] as String, t["replace"] as String)
                        ?: throw ScenarioFailure("the webhook body does not contain ${Json.write(t["find"])}")
                }
                val headers = (spec["headers"] as Map<String, String>?) ?: emptyMap()
                try {
                    result = Json.parse(client.webhooks.verifyAndParse(headers, body).toJson())
                } catch (e: ConnectorServiceException) {
                    error = Json.parse(e.toJson())
                }
            }
            "webhook" in step -> {
                val spec = step["webhook"] as Map<String, Any?>
                val hook = Sandbox.nextWebhook(connector, spec["event"] as String?, spec["contains"] as String?, (spec["timeout_ms"] as Long?) ?: 5000)
                if (spec["none"] == true) {
                    if (hook != null) throw ScenarioFailure("expected no webhook, got ${Json.write(hook)}")
                    return
                }
                hook ?: throw ScenarioFailure("no ${spec["event"] ?: ""} webhook arrived")
                var body = (hook["body"] as String).toByteArray(Charsets.UTF_8)
                (spec["tamper"] as Map<String, Any?>?)?.let { t ->
                    body = Sandbox.tamper(body, t["find"] as String, t["replace"] as String)
                        ?: throw ScenarioFailure("the webhook body does not contain ${Json.write(t["find"])}")
                }
                try {
                    result = Json.parse(client.webhooks.verifyAndParse(hook["headers"] as Map<String, String>, body).toJson())
                } catch (e: ConnectorServiceException) {
                    error = Json.parse(e.toJson())
                }
            }
            "fault" in step -> {
                val fault = LinkedHashMap(step["fault"] as Map<String, Any?>)
                fault.putIfAbsent("processor", connector)
                Sandbox.post("/_sandbox/faults", fault)
                return
            }
            "sandbox" in step -> {
                val spec = step["sandbox"] as Map<String, Any?>
                val (status, body) = Sandbox.request(spec["method"] as String, spec["path"] as String, spec["body"])
                if (status !in 200..299) throw ScenarioFailure("sandbox ${spec["path"]} answered $status: ${Json.write(body)}")
                result = body
            }
            "redirect" in step -> {
                val spec = step["redirect"] as Map<String, Any?>
                result = Sandbox.followRedirect(spec["url"] as String, (spec["form"] as Map<String, String>?) ?: emptyMap())
            }
            "requests" in step -> result = Sandbox.get("/_sandbox/requests?processor=$connector")
            else -> throw ScenarioFailure("unknown step kind: ${step.keys}")
        }

        when {
            "expect_error" in step -> {
                if (error == null) throw ScenarioFailure("expected an error, got ${Json.write(result)}")
                val problems = match(step["expect_error"], error, "error")
                if (problems.isNotEmpty()) throw ScenarioFailure("${problems.joinToString("; ")}\n  error: ${Json.write(error)}")
            }
            error != null -> throw ScenarioFailure("unexpected error ${Json.write(error)}")
            "expect" in step -> {
                val problems = match(step["expect"], result, "result")
                if (problems.isNotEmpty()) throw ScenarioFailure("${problems.joinToString("; ")}\n  result: ${Json.write(result)}")
            }
        }
        (step["save"] as Map<String, Any?>?)?.forEach { (name, path) -> vars[name] = lookup(result ?: error, path as String) }
    }

    /** Replaces `${var}` and `${uuid}` in every string. */
    private fun expand(value: Any?): Any? = when (value) {
        is String -> {
            val whole = Regex("^\\$\\{(\\w+)}$").matchEntire(value)
            if (whole != null) {
                variable(whole.groupValues[1])
            } else {
                Regex("\\$\\{(\\w+)}").replace(value) { m ->
                    when (val v = variable(m.groupValues[1])) {
                        is String -> v
                        else -> Json.write(v)
                    }
                }
            }
        }
        is Map<*, *> -> value.entries.associate { (k, v) -> k as String to expand(v) }
        is List<*> -> value.map { expand(it) }
        else -> value
    }

    private fun variable(name: String): Any? =
        if (name == "uuid") UUID.randomUUID().toString()
        else if (name in vars) vars[name]
        else throw ScenarioFailure("unknown variable `$name`")

    private fun lookup(value: Any?, path: String): Any? {
        if (path.isEmpty()) return value
        var current = value
        for (part in path.split('.')) {
            current = when (current) {
                is List<*> -> current.getOrNull(part.toIntOrNull() ?: throw ScenarioFailure("`$part` is not an index in $path"))
                is Map<*, *> -> current[part]
                else -> throw ScenarioFailure("cannot follow $path into ${Json.write(current)}")
            }
        }
        return current
    }

    companion object {
        /** Every mismatch between [expected] and [actual], by path (empty when they match). */
        fun match(expected: Any?, actual: Any?, where: String): List<String> = when {
            expected == "\$present" -> if (actual == null) listOf("$where: expected a value, got nothing") else emptyList()
            expected == "\$absent" -> if (actual != null) listOf("$where: expected nothing, got ${Json.write(actual)}") else emptyList()
            expected is Map<*, *> -> {
                if (actual !is Map<*, *>) {
                    listOf("$where: expected an object, got ${Json.write(actual)}")
                } else {
                    expected.entries.flatMap { (k, v) -> match(v, actual[k], "$where.$k") }
                }
            }
            expected is List<*> -> {
                if (actual !is List<*> || actual.size != expected.size) {
                    listOf("$where: expected ${expected.size} items, got ${Json.write(actual)}")
                } else {
                    expected.indices.flatMap { i -> match(expected[i], actual[i], "$where[$i]") }
                }
            }
            expected is Number && actual is Number ->
                if (decimal(expected).compareTo(decimal(actual)) == 0) emptyList() else listOf("$where: expected $expected, got $actual")
            else -> if (expected == actual) emptyList() else listOf("$where: expected ${Json.write(expected)}, got ${Json.write(actual)}")
        }

        private fun decimal(n: Number): BigDecimal = when (n) {
            is BigDecimal -> n
            is BigInteger -> BigDecimal(n)
            else -> BigDecimal(n.toLong())
        }
    }
}
