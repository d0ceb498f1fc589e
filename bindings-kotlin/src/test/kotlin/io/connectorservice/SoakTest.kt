package io.connectorservice

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import java.io.File

/**
 * The soak of `make reliability` (reliability/README.md): ITERATIONS x (authorize, get, a webhook
 * with a bad signature) through one client against the sandbox process, sampling this JVM's RSS
 * and open descriptors after a warm-up, in the middle and at the end, written as JSON to the file
 * named by the system property `reliability.soak.out`. Not part of `make test`: the pom excludes it
 * from the default test run, and `make reliability` selects it with `-Dtest=SoakTest`.
 */
class SoakTest {
    private fun sample(): Pair<Long, Long> {
        val rss = File("/proc/self/status").readLines().first { it.startsWith("VmRSS:") }
            .split(Regex("\\s+"))[1].toLong()
        return rss to (File("/proc/self/fd").list()?.size?.toLong() ?: -1L)
    }

    @Test
    fun soak() = runBlocking {
        val out = requireNotNull(System.getProperty("reliability.soak.out")?.takeIf { it.isNotEmpty() }) {
            "reliability.soak.out is not set: the soak runs from `make reliability`"
        }
        val iterations = (System.getProperty("reliability.soak.iterations") ?: "2000").toInt()
        val warmup = iterations / 10
        val rss = LongArray(3)
        val fds = LongArray(3)
        var calls = 0L
        ConnectorClient(Sandbox.clientConfig("checkout")).use { client ->
            for (i in 0 until warmup + iterations) {
                if (i == warmup) {
                    sample().let {
                        rss[0] = it.first
                        fds[0] = it.second
                    }
                }
                if (i == warmup + iterations / 2) {
                    sample().let {
                        rss[1] = it.first
                        fds[1] = it.second
                    }
                }
                val payment = client.payments.authorize(
                    AuthorizeRequest(
                        amount = Money(1000L + i % 500, "USD"),
                        merchantReference = "soak-$i",
                        paymentMethod = Card(number = "4242424242424242", expiryMonth = 12, expiryYear = 2030, cvc = "100"),
                    ),
                )
                client.payments.get(PaymentGetRequest(connectorTransactionId = payment.connectorTransactionId))
                runCatching {
                    client.webhooks.verifyAndParse(
                        mapOf("cko-signature" to "0".repeat(64)),
                        """{"type": "payment_approved", "data": {}}""".toByteArray(),
                    )
                }
                calls += 3
            }
        }
        sample().let {
            rss[2] = it.first
            fds[2] = it.second
        }
        File(out).writeText(
            """{"binding": "kotlin", "calls": $calls, "rss_kb": [${rss.joinToString()}], "fds": [${fds.joinToString()}]}""",
        )
    }
}
