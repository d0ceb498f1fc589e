package io.connectorservice

import java.math.BigDecimal
import java.math.BigInteger
import java.util.Base64

/**
 * A JSON text could not be turned into the expected type: the message names the path of the
 * offending value (`payment_method.expiry_month`) but never echoes the value itself, which may
 * be a card number. The public `fromJson` functions report it as an [InvalidRequestException]
 * whose `field` is that path.
 */
internal class JsonException(message: String, val path: String) : IllegalArgumentException(message)

/**
 * The small JSON reader and writer the generated conversions use (`Types.kt`), so the binding
 * needs no JSON library.
 *
 * Parsed values are plain Kotlin values: `Map<String, Any?>` (insertion-ordered), `List<Any?>`,
 * `String`, `Long` (or `BigInteger` beyond 64 bits, `BigDecimal` for fractions and exponents:
 * never a binary floating-point number), `Boolean` and `null`.
 */
internal object Json {
    private const val MAX_DEPTH = 256

    fun parse(text: String): Any? {
        val parser = Parser(text)
        parser.skipWhitespace()
        val value = parser.value(0)
        parser.skipWhitespace()
        if (parser.pos != text.length) parser.fail("trailing characters after the JSON value")
        return value
    }

    /** Writes any parsed (or equally shaped) value as JSON text. */
    fun write(value: Any?): String = JsonWriter().also { it.value(value) }.toString()

    private class Parser(val s: String) {
        var pos = 0

        fun fail(message: String): Nothing = throw JsonException("invalid JSON at offset $pos: $message", "")

        fun skipWhitespace() {
            while (pos < s.length && (s[pos] == ' ' || s[pos] == '\n' || s[pos] == '\r' || s[pos] == '\t')) pos++
        }

        fun value(depth: Int): Any? {
            if (depth > MAX_DEPTH) fail("nesting deeper than $MAX_DEPTH")
            if (pos >= s.length) fail("unexpected end of input")
            return when (s[pos]) {
                '{' -> obj(depth)
                '[' -> array(depth)
                '"' -> string()
                't' -> literal("true", true)
                'f' -> literal("false", false)
                'n' -> literal("null", null)
                else -> number()
            }
        }

        private fun literal(word: String, result: Any?): Any? {
            if (!s.startsWith(word, pos)) fail("unexpected character")
            pos += word.length
            return result
        }

        private fun obj(depth: Int): Map<String, Any?> {
            pos++
            val map = LinkedHashMap<String, Any?>()
            skipWhitespace()
            if (pos < s.length && s[pos] == '}') {
                pos++
                return map
            }
            while (true) {
                skipWhitespace()
                if (pos >= s.length || s[pos] != '"') fail("expected a property name")
                val key = string()
                skipWhitespace()
                if (pos >= s.length || s[pos] != ':') fail("expected ':'")
                pos++
                skipWhitespace()
                if (map.containsKey(key)) fail("duplicate property name")
                map[key] = value(depth + 1)
                skipWhitespace()
                if (pos >= s.length) fail("unexpected end of input")
                when (s[pos]) {
                    ',' -> pos++

                    '}' -> {
                        pos++
                        return map
                    }

                    else -> fail("expected ',' or '}'")
                }
            }
        }

        private fun array(depth: Int): List<Any?> {
            pos++
            val list = ArrayList<Any?>()
            skipWhitespace()
            if (pos < s.length && s[pos] == ']') {
                pos++
                return list
            }
            while (true) {
                skipWhitespace()
                list.add(value(depth + 1))
                skipWhitespace()
                if (pos >= s.length) fail("unexpected end of input")
                when (s[pos]) {
                    ',' -> pos++

                    ']' -> {
                        pos++
                        return list
                    }

                    else -> fail("expected ',' or ']'")
                }
            }
        }

        /**
         * A string value. The characters between escapes are copied in runs, and a string
         * without escapes (most of them) is one `substring`.
         */
        private fun string(): String {
            pos++ // opening quote
            var run = pos
            var out: StringBuilder? = null
            while (true) {
                if (pos >= s.length) fail("unterminated string")
                val c = s[pos]
                when {
                    c == '"' -> {
                        val value = out?.append(s, run, pos)?.toString() ?: s.substring(run, pos)
                        pos++
                        return value
                    }

                    c == '\\' -> {
                        val builder = (out ?: StringBuilder(pos - run + 16).also { out = it }).append(s, run, pos)
                        pos++
                        escape(builder)
                        run = pos
                    }

                    c < ' ' -> fail("control character in string")

                    else -> pos++
                }
            }
        }

        /** Appends the character the escape at `pos` (after its backslash) stands for. */
        private fun escape(out: StringBuilder) {
            if (pos >= s.length) fail("unterminated string")
            when (val e = s[pos++]) {
                '"' -> out.append('"')

                '\\' -> out.append('\\')

                '/' -> out.append('/')

                'b' -> out.append('\b')

                'f' -> out.append('\u000C')

                'n' -> out.append('\n')

                'r' -> out.append('\r')

                't' -> out.append('\t')

                'u' -> {
                    if (pos + 4 > s.length) fail("truncated \\u escape")
                    val code = s.substring(pos, pos + 4).toIntOrNull(16) ?: fail("invalid \\u escape")
                    out.append(code.toChar())
                    pos += 4
                }

                else -> fail("invalid escape '\\$e'")
            }
        }

        private fun number(): Any {
            val start = pos
            if (pos < s.length && s[pos] == '-') pos++
            val intStart = pos
            while (pos < s.length && s[pos].isAsciiDigit()) pos++
            if (pos == intStart) fail("unexpected character")
            if (s[intStart] == '0' && pos - intStart > 1) fail("leading zero in number")
            var integral = true
            if (pos < s.length && s[pos] == '.') {
                integral = false
                pos++
                val fracStart = pos
                while (pos < s.length && s[pos].isAsciiDigit()) pos++
                if (pos == fracStart) fail("digits expected after '.'")
            }
            if (pos < s.length && (s[pos] == 'e' || s[pos] == 'E')) {
                integral = false
                pos++
                if (pos < s.length && (s[pos] == '+' || s[pos] == '-')) pos++
                val expStart = pos
                while (pos < s.length && s[pos].isAsciiDigit()) pos++
                if (pos == expStart) fail("digits expected in exponent")
            }
            val text = s.substring(start, pos)
            if (!integral) return BigDecimal(text)
            return text.toLongOrNull() ?: BigInteger(text)
        }

        private fun Char.isAsciiDigit() = this in '0'..'9'
    }
}

/** Writes compact JSON text. */
internal class JsonWriter {
    private val out = StringBuilder(256)
    private val first = ArrayList<Boolean>()
    private var afterName = false

    private fun beforeValue() {
        if (afterName) {
            afterName = false
            return
        }
        if (first.isNotEmpty()) {
            if (!first[first.lastIndex]) out.append(',')
            first[first.lastIndex] = false
        }
    }

    fun beginObject(): JsonWriter {
        beforeValue()
        out.append('{')
        first.add(true)
        return this
    }

    fun endObject(): JsonWriter {
        first.removeAt(first.lastIndex)
        out.append('}')
        return this
    }

    fun beginArray(): JsonWriter {
        beforeValue()
        out.append('[')
        first.add(true)
        return this
    }

    fun endArray(): JsonWriter {
        first.removeAt(first.lastIndex)
        out.append(']')
        return this
    }

    fun name(name: String): JsonWriter {
        beforeValue()
        quote(name)
        out.append(':')
        afterName = true
        return this
    }

    fun string(value: String): JsonWriter {
        beforeValue()
        quote(value)
        return this
    }

    fun number(value: Long): JsonWriter {
        beforeValue()
        out.append(value)
        return this
    }

    fun number(value: Int): JsonWriter = number(value.toLong())

    fun bool(value: Boolean): JsonWriter {
        beforeValue()
        out.append(value)
        return this
    }

    fun nullValue(): JsonWriter {
        beforeValue()
        out.append("null")
        return this
    }

    fun bytes(value: ByteArray): JsonWriter = string(Base64.getEncoder().encodeToString(value))

    inline fun <T> array(items: List<T>, item: (T) -> Unit): JsonWriter {
        beginArray()
        items.forEach(item)
        return endArray()
    }

    inline fun <T> obj(entries: Map<String, T>, item: (T) -> Unit): JsonWriter {
        beginObject()
        for ((k, v) in entries) {
            name(k)
            item(v)
        }
        return endObject()
    }

    /** Writes a parsed JSON value (maps, lists, strings, numbers, booleans, null). */
    fun value(value: Any?): JsonWriter {
        when (value) {
            null -> nullValue()

            is String -> string(value)

            is Boolean -> bool(value)

            is Long, is Int, is Short, is Byte -> number((value as Number).toLong())

            is BigInteger, is BigDecimal -> {
                beforeValue()
                out.append(value.toString())
            }

            is Number -> {
                val d = value.toDouble()
                require(d.isFinite()) { "JSON has no representation for $d" }
                beforeValue()
                out.append(BigDecimal(d.toString()).toPlainString())
            }

            is ByteArray -> bytes(value)

            is Map<*, *> -> {
                beginObject()
                for ((k, v) in value) {
                    name(k as? String ?: throw IllegalArgumentException("JSON object keys must be strings"))
                    value(v)
                }
                endObject()
            }

            is Iterable<*> -> {
                beginArray()
                value.forEach { value(it) }
                endArray()
            }

            else -> throw IllegalArgumentException("cannot write a ${value::class.java.name} as JSON")
        }
        return this
    }

    /** Writes `s` quoted: the characters that need no escape are copied in runs. */
    private fun quote(s: String) {
        out.append('"')
        var run = 0
        for (i in s.indices) {
            val c = s[i]
            val escaped = when {
                c == '"' -> "\\\""
                c == '\\' -> "\\\\"
                c == '\n' -> "\\n"
                c == '\r' -> "\\r"
                c == '\t' -> "\\t"
                c < ' ' -> "\\u" + String.format("%04x", c.code)
                else -> continue
            }
            out.append(s, run, i).append(escaped)
            run = i + 1
        }
        out.append(s, run, s.length).append('"')
    }

    override fun toString(): String = out.toString()
}

/** An object being read by generated code, with the path used in error messages. */
internal class JsonObj(private val map: Map<String, Any?>, private val path: String) {
    fun path(key: String): String = if (path.isEmpty()) key else "$path.$key"

    /** The value of a required field (present and not null). */
    fun required(key: String): Any = map[key] ?: throw JsonException("missing field `${path(key)}`", path(key))

    /** The value of an optional field: null when absent or null. */
    fun optional(key: String): Any? = map[key]
}

/** Typed reads of parsed JSON values for the generated code. Errors name the path, never the value. */
internal object JsonIn {
    private fun where(path: String) = if (path.isEmpty()) "the value" else "`$path`"

    private fun typeError(path: String, expected: String): Nothing = throw JsonException("${where(path)}: expected $expected", path)

    fun parse(text: String): Any? = Json.parse(text)

    /** Reads a JSON text given by a caller: errors are [InvalidRequestException]s naming the field. */
    inline fun <T> decode(json: String, read: (Any?, String) -> T): T = try {
        read(Json.parse(json), "")
    } catch (e: JsonException) {
        throw invalidJson(e)
    }

    fun invalidJson(e: JsonException): ConnectorServiceException = ConnectorServiceException.fromInfo(
        ErrorInfo(code = ErrorCode.INVALID_REQUEST, message = e.message ?: "invalid JSON", field = e.path.ifEmpty { "request" }),
    )

    /** Reads an object, rejecting fields the type does not have (and `tag`, the union tag, is allowed). */
    fun obj(value: Any?, path: String, known: Set<String>, tag: String? = null): JsonObj {
        val map = value as? Map<*, *> ?: typeError(path, "an object")
        for (key in map.keys) {
            key as String
            if (key !in known && key != tag) {
                val p = if (path.isEmpty()) key else "$path.$key"
                throw JsonException("unknown field `$p`", p)
            }
        }
        @Suppress("UNCHECKED_CAST")
        return JsonObj(map as Map<String, Any?>, path)
    }

    /** The tag of a tagged union's object. */
    fun tag(value: Any?, path: String, tag: String): String {
        val map = value as? Map<*, *> ?: typeError(path, "an object")
        val p = if (path.isEmpty()) tag else "$path.$tag"
        return map[tag] as? String ?: throw JsonException("missing or non-string tag `$p`", p)
    }

    fun unknownVariant(path: String, tag: String, expected: Collection<String>): Nothing {
        val p = if (path.isEmpty()) tag else "$path.$tag"
        throw JsonException("unknown variant of `$p`, expected one of ${expected.joinToString()}", p)
    }

    fun unknownEnumValue(path: String, expected: Collection<String>): Nothing =
        throw JsonException("${where(path)}: unknown value, expected one of ${expected.joinToString()}", path)

    fun string(value: Any?, path: String): String = value as? String ?: typeError(path, "a string")

    fun bool(value: Any?, path: String): Boolean = value as? Boolean ?: typeError(path, "a boolean")

    fun long(value: Any?, path: String): Long = value as? Long ?: typeError(path, "an integer within 64 bits")

    fun int(value: Any?, path: String): Int {
        val l = long(value, path)
        if (l < Int.MIN_VALUE || l > Int.MAX_VALUE) typeError(path, "an integer within 32 bits")
        return l.toInt()
    }

    fun bytes(value: Any?, path: String): ByteArray {
        val s = string(value, path)
        return try {
            Base64.getDecoder().decode(s)
        } catch (e: IllegalArgumentException) {
            typeError(path, "Base64-encoded bytes")
        }
    }

    inline fun <T> list(value: Any?, path: String, item: (Any?, String) -> T): List<T> {
        val list = value as? List<*> ?: throw JsonException("${if (path.isEmpty()) "the value" else "`$path`"}: expected an array", path)
        return list.mapIndexed { i, v -> item(v, "$path[$i]") }
    }

    inline fun <T> map(value: Any?, path: String, item: (Any?, String) -> T): Map<String, T> {
        val map = value as? Map<*, *> ?: throw JsonException("${if (path.isEmpty()) "the value" else "`$path`"}: expected an object", path)
        val out = LinkedHashMap<String, T>()
        for ((k, v) in map) {
            k as String
            out[k] = item(v, if (path.isEmpty()) k else "$path.$k")
        }
        return out
    }

    /** Reads a nullable element (inside a list or map). */
    inline fun <T : Any> nullable(value: Any?, read: (Any) -> T): T? = if (value == null) null else read(value)
}

/** How secrets, card numbers and binary data appear in `toString()`: the core's rules. */
internal object Masking {
    const val REDACTED = "***"

    /** Whether values under this key are credentials or card data (the core decides). */
    fun isSensitiveKey(key: String): Boolean = uniffi.connectorservice.isSensitiveKey(key)

    fun secret(value: Any?): String? = if (value == null) null else REDACTED

    /** A card number as the core shows it: first six digits at most, last four, stars between. */
    fun pan(value: String?): String? = value?.let { uniffi.connectorservice.maskCardNumber(it) }

    fun bytes(value: ByteArray?): String? = value?.let { "<${it.size} bytes>" }

    /** A string map with the values of sensitive keys (credentials in headers, form fields) masked. */
    fun map(value: Map<String, *>?): String? =
        value?.entries?.joinToString(", ", "{", "}") { (k, v) -> "$k=${if (isSensitiveKey(k)) REDACTED else v}" }
}
