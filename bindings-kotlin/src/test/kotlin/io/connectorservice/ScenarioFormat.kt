package io.connectorservice

import com.networknt.schema.InputFormat
import com.networknt.schema.Schema
import com.networknt.schema.SchemaRegistry
import com.networknt.schema.SchemaRegistryConfig
import com.networknt.schema.SpecificationVersion
import com.networknt.schema.path.PathType
import java.io.File
import java.math.BigDecimal
import java.math.BigInteger
import java.util.UUID

/**
 * The scenario format (`tests/README.md`) without the client: validating a file against
 * `tests/scenario.schema.json` (networknt json-schema-validator), variable expansion, save paths
 * and the matcher. [ScenarioRun] uses these; [ScenarioFormatTest] checks them against the shared
 * self-test cases (`tests/matchers.selftest.json`) that every runner checks.
 */
internal object ScenarioFormat {
    /** `tests/` of the repository. */
    val testsDir: File = File(System.getProperty("connector.scenarios.dir") ?: "../tests/scenarios").absoluteFile.parentFile

    private val schema: Schema by lazy {
        val config = SchemaRegistryConfig.builder().pathType(PathType.JSON_POINTER).build()
        val registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12) { it.schemaRegistryConfig(config) }
        File(testsDir, "scenario.schema.json").inputStream().use { registry.getSchema(it) }
    }

    /** Every complaint of the schema about a JSON text, as (JSON pointer, message); none when it validates. */
    fun schemaErrors(jsonText: String): List<Pair<String, String>> =
        schema.validate(jsonText, InputFormat.JSON).map { e -> e.instanceLocation.toString() to e.message }

    /**
     * Reads a scenario file and validates it; the [ScenarioFailure] names the file and each JSON
     * pointer at fault.
     */
    @Suppress("UNCHECKED_CAST")
    fun load(file: File): Map<String, Any?> {
        val text = file.readText()
        val errors = schemaErrors(text)
        if (errors.isNotEmpty()) {
            val name = file.absoluteFile.relativeToOrNull(testsDir)?.path ?: file.path
            val lines = errors.joinToString("\n") { (pointer, message) -> "  at \"$pointer\": $message" }
            throw ScenarioFailure("tests/$name does not validate against tests/scenario.schema.json:\n$lines")
        }
        return Json.parse(text) as Map<String, Any?>
    }

    private val reference = Regex("\\$\\{([A-Za-z0-9_]+)}")
    private val wholeReference = Regex("^\\$\\{([A-Za-z0-9_]+)}$")

    /** Replaces `${var}` and `${uuid}` in every string (an undefined variable fails). */
    fun expand(value: Any?, vars: Map<String, Any?>): Any? = when (value) {
        is String -> {
            val whole = wholeReference.matchEntire(value)
            if (whole != null) {
                variable(whole.groupValues[1], vars)
            } else {
                reference.replace(value) { m ->
                    when (val v = variable(m.groupValues[1], vars)) {
                        is String -> v
                        else -> Json.write(v)
                    }
                }
            }
        }
        is Map<*, *> -> value.entries.associate { (k, v) -> k as String to expand(v, vars) }
        is List<*> -> value.map { expand(it, vars) }
        else -> value
    }

    private fun variable(name: String, vars: Map<String, Any?>): Any? =
        if (name == "uuid") {
            UUID.randomUUID().toString()
        } else if (name in vars) {
            vars[name]
        } else {
            throw ScenarioFailure("undefined variable `$name` (no earlier step saved it)")
        }

    /** The value at a dotted path for `save` (`""` is the whole value); nothing or null fails. */
    fun lookup(value: Any?, path: String): Any? {
        var current = value
        for (part in if (path.isEmpty()) emptyList() else path.split('.')) {
            current = when (current) {
                is List<*> -> part.takeIf { p -> p.all { it in '0'..'9' } }?.toIntOrNull()?.let { current.getOrNull(it) }
                is Map<*, *> -> current[part]
                else -> null
            }
            if (current == null) break
        }
        return current ?: throw ScenarioFailure("no value at `$path` in ${Json.write(value)}")
    }

    /** Every mismatch between [expected] and [actual], by path (empty when they match). */
    fun match(expected: Any?, actual: Any?, where: String): List<String> = when {
        expected == "\$present" -> if (actual == null) listOf("$where: expected a value, got nothing") else emptyList()
        expected == "\$absent" || expected == null -> if (actual != null) listOf("$where: expected nothing, got ${Json.write(actual)}") else emptyList()
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
        is Double, is Float -> BigDecimal(n.toString())
        else -> BigDecimal(n.toLong())
    }
}
