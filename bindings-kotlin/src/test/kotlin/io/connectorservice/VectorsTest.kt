package io.connectorservice

import java.io.File
import java.util.Base64
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Signature vectors shared by every language (tests/vectors/). */
class VectorsTest {
    @Suppress("UNCHECKED_CAST")
    private val vector = Json.parse(
        File(System.getProperty("connector.scenarios.dir") ?: "../tests/scenarios").parentFile
            .resolve("vectors/fiserv/request_signature.json").readText(),
    ) as Map<String, Any?>

    @Test
    fun `the Fiserv request signature reproduces the vector`() {
        val key = vector["api_key"] as String
        val secret = vector["api_secret"] as String
        val id = vector["client_request_id"] as String
        val ts = (vector["timestamp_ms"] as Number).toLong()
        val body = (vector["body"] as String).toByteArray()
        val signature = Signatures.fiserv(key, secret, id, ts, body)
        assertEquals(vector["signature"], signature)
        val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(secret.toByteArray(), "HmacSHA256")) }
        val independent = Base64.getEncoder().encodeToString(mac.doFinal("$key$id$ts".toByteArray() + body))
        assertEquals(independent, signature)
        assertNotEquals(signature, Signatures.fiserv(key, secret, id, ts + 1, body))
        val e = assertThrows<InvalidRequestException> { Signatures.fiserv(key, secret, id, -1, body) }
        assertEquals("timestampMs", e.field)
    }
}
