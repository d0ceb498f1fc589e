package io.connectorservice

import java.io.File
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory

/**
 * The shared scenarios of `tests/scenarios/` (format: `tests/README.md`), run against the sandbox
 * through the typed Kotlin API: each request is read into its typed class, the typed `suspend`
 * method is called, and the typed response is written back to JSON for the comparison. Each file
 * is validated against `tests/scenario.schema.json` before it runs ([ScenarioFormat.load]).
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
    private val scenario = ScenarioFormat.load(file)
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
                val label = "step ${i + 1}${(raw as Map<String, Any?>)["name"]?.let { " ($it)" } ?: ""}"
                try {
                    runStep(client, ScenarioFormat.expand(raw, vars) as Map<String, Any?>)
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
                val problems = ScenarioFormat.match(step["expect_error"], error, "error")
                if (problems.isNotEmpty()) throw ScenarioFailure("${problems.joinToString("; ")}\n  error: ${Json.write(error)}")
            }
            error != null -> throw ScenarioFailure("unexpected error ${Json.write(error)}")
            "expect" in step -> {
                val problems = ScenarioFormat.match(step["expect"], result, "result")
                if (problems.isNotEmpty()) throw ScenarioFailure("${problems.joinToString("; ")}\n  result: ${Json.write(result)}")
            }
        }
        (step["save"] as Map<String, Any?>?)?.forEach { (name, path) ->
            vars[name] = try {
                ScenarioFormat.lookup(result ?: error, path as String)
            } catch (e: ScenarioFailure) {
                throw ScenarioFailure("cannot save `$name`: ${e.message}")
            }
        }
    }
}
