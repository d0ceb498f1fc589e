package io.connectorservice.examples.observability

import io.connectorservice.ClientConfig
import io.connectorservice.ConnectorConfig
import java.io.File
import java.util.concurrent.TimeUnit

/** The local sandbox, started as a child process on a free port. */
class Sandbox private constructor(private val process: Process, val url: String, private val adyen: String) : AutoCloseable {
    /** An Adyen client configuration with the test credentials the sandbox printed. */
    fun adyenConfig(): ClientConfig = ClientConfig(connector = ConnectorConfig.fromJson(adyen), baseUrl = "$url/adyen")

    override fun close() {
        process.destroy()
        process.waitFor(5, TimeUnit.SECONDS)
    }

    companion object {
        fun start(): Sandbox {
            val bin = System.getProperty("connector.sandbox.bin") ?: "../../../target/debug/connector-sandbox"
            check(File(bin).canExecute()) { "build the sandbox first: cargo build -p connector-sandbox" }
            val process = ProcessBuilder(bin, "--port", "0").redirectError(ProcessBuilder.Redirect.DISCARD).start()
            Runtime.getRuntime().addShutdownHook(Thread { process.destroy() })
            val lines = process.inputStream.bufferedReader()
            val url = lines.readLine()?.substringAfter("listening on ")?.trim() ?: error("the sandbox did not start")
            var adyen: String? = null
            while (adyen == null) {
                val line = lines.readLine() ?: error("the sandbox printed no Adyen credentials")
                val parts = line.split(" ", limit = 3)
                if (parts.size == 3 && parts[0] == "credentials" && parts[1] == "adyen") adyen = parts[2]
            }
            Thread { lines.forEachLine { } }.apply { isDaemon = true }.start()
            return Sandbox(process, url, adyen)
        }
    }
}
