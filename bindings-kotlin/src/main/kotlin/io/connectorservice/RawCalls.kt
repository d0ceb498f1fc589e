package io.connectorservice

import com.sun.jna.Native
import com.sun.jna.Pointer
import uniffi.connectorservice.NativeException

/**
 * The blocking call through the native library's plain C ABI (`bindings-kotlin/src/raw.rs`):
 * byte arrays in, one pointer out.
 *
 * A call through UniFFI's glue allocates JNA `Structure`s (the call status, each string argument
 * and the result), each one a JNA `Memory` that JNA tracks in a global map until a garbage
 * collection releases it: about nine per blocking call, a cost that grew with the heap. JNA's
 * direct mapping copies primitive arrays without any of that.
 */
internal object RawCalls {
    init {
        // The library UniFFI's glue loaded (the same name and class loader: JNA's same instance).
        Native.register(
            RawCalls::class.java,
            System.getProperty("uniffi.component.connector_service_kotlin.libraryOverride") ?: "connector_service_kotlin",
        )
    }

    @JvmStatic
    @Suppress("ktlint:standard:function-naming", "FunctionName")
    private external fun connector_service_raw_call_blocking(
        client: Long,
        op: ByteArray,
        opLen: Long,
        request: ByteArray,
        requestLen: Long,
        options: ByteArray?,
        optionsLen: Long,
    ): Long

    @JvmStatic
    @Suppress("ktlint:standard:function-naming", "FunctionName")
    private external fun connector_service_raw_free(answer: Long)

    /** The response JSON of `operation`; an error of the core is thrown as [NativeException]. */
    fun callBlocking(client: Long, operation: String, requestJson: String, optionsJson: String?): String {
        val op = operation.toByteArray(Charsets.UTF_8)
        val request = requestJson.toByteArray(Charsets.UTF_8)
        val options = optionsJson?.toByteArray(Charsets.UTF_8)
        val address = connector_service_raw_call_blocking(
            client,
            op,
            op.size.toLong(),
            request,
            request.size.toLong(),
            options,
            options?.size?.toLong() ?: 0L,
        )
        try {
            // The answer: its length (8 bytes), then 0 and the response JSON, or 1 and the error JSON.
            val answer = Pointer(address)
            val length = answer.getLong(0).toInt()
            val bytes = answer.getByteArray(8, length)
            val json = String(bytes, 1, length - 1, Charsets.UTF_8)
            if (bytes[0] != 0.toByte()) throw NativeException.Failed(json)
            return json
        } finally {
            connector_service_raw_free(address)
        }
    }
}
