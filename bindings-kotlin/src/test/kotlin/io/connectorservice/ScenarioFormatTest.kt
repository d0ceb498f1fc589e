package io.connectorservice

import java.io.File
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows

/**
 * The scenario format itself, without a sandbox: every shared scenario validates against
 * `tests/scenario.schema.json`, the deliberately invalid ones of `tests/fixtures/invalid/` do not,
 * and this runner's matcher, variable expansion and save paths agree with the cases of
 * `tests/matchers.selftest.json`, which every runner (Rust, Python, Node, Kotlin) checks.
 */
@Suppress("UNCHECKED_CAST")
class ScenarioFormatTest {
    private val tests = ScenarioFormat.testsDir
    private val selftest = Json.parse(File(tests, "matchers.selftest.json").readText()) as Map<String, Any?>
    private val invalidDir = File(tests, "fixtures/invalid")
    private val invalid = (Json.parse(File(tests, "fixtures/invalid.json").readText()) as Map<String, Any?>)["files"] as Map<String, String>

    private fun jsonFiles(dir: File) = dir.listFiles { f -> f.name.endsWith(".json") }?.sortedBy { it.name }.orEmpty()

    private fun cases(kind: String) = selftest[kind] as List<Map<String, Any?>>

    @Test
    fun everyScenarioMatchesTheSchema() {
        val files = jsonFiles(File(tests, "scenarios"))
        assertTrue(files.isNotEmpty())
        val failures = files.mapNotNull { f -> runCatching { ScenarioFormat.load(f) }.exceptionOrNull()?.message }
        assertEquals(emptyList<String>(), failures)
    }

    @Test
    fun everyInvalidFixtureIsListed() {
        assertEquals(invalid.keys.sorted(), jsonFiles(invalidDir).map { it.name })
    }

    @TestFactory
    fun invalidScenariosAreRejected(): List<DynamicTest> = jsonFiles(invalidDir).map { file ->
        DynamicTest.dynamicTest(file.name) {
            val pointer = invalid.getValue(file.name)
            val errors = ScenarioFormat.schemaErrors(file.readText())
            assertTrue(errors.isNotEmpty(), "${file.name} validates, but must not")
            assertTrue(errors.any { (at, _) -> at == pointer || at.startsWith("$pointer/") }, "${file.name}: no error at \"$pointer\": $errors")
            val failure = assertThrows<ScenarioFailure> { ScenarioFormat.load(file) }
            assertTrue(failure.message!!.contains("tests/fixtures/invalid/${file.name} does not validate"), failure.message)
            assertTrue(failure.message!!.contains("at \"$pointer"), failure.message)
        }
    }

    @Test
    fun matcherSelfTest() {
        val failures = cases("match").mapNotNull { c ->
            val problems = ScenarioFormat.match(c["expect"], c["actual"], "value")
            if (problems.isEmpty() != c["matches"]) "${c["name"]}: $problems" else null
        }
        assertEquals(emptyList<String>(), failures)
    }

    @Test
    fun expandSelfTest() {
        val failures = cases("expand").mapNotNull { c ->
            val vars = c["vars"] as Map<String, Any?>
            val outcome = runCatching { ScenarioFormat.expand(c["value"], vars) }
            outcome.exceptionOrNull()?.let { if (it !is ScenarioFailure) throw it }
            val result = outcome.getOrNull()
            val ok = when {
                c["error"] == true -> outcome.isFailure
                outcome.isFailure -> false
                "result_pattern" in c -> result is String && Regex(c["result_pattern"] as String).containsMatchIn(result)
                else -> result == c["result"]
            }
            if (ok) null else "${c["name"]}: ${outcome.exceptionOrNull()?.message ?: Json.write(result)}"
        }
        assertEquals(emptyList<String>(), failures)
    }

    @Test
    fun saveSelfTest() {
        val failures = cases("save").mapNotNull { c ->
            val outcome = runCatching { ScenarioFormat.lookup(c["value"], c["path"] as String) }
            outcome.exceptionOrNull()?.let { if (it !is ScenarioFailure) throw it }
            val ok = if (c["error"] == true) outcome.isFailure else outcome.isSuccess && outcome.getOrNull() == c["result"]
            if (ok) null else "${c["name"]}: ${outcome.exceptionOrNull()?.message ?: Json.write(outcome.getOrNull())}"
        }
        assertEquals(emptyList<String>(), failures)
    }
}
