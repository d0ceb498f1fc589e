package io.connectorservice

/**
 * Processor signatures computed by the core, for checking a request or a vector by hand: the
 * connectors sign and verify on their own.
 */
public object Signatures {
    /**
     * Fiserv Commerce Hub's request signature (the `Authorization` header): Base64 of the
     * HMAC-SHA256, keyed with [apiSecret], of `apiKey + clientRequestId + timestampMs + body`.
     *
     * @throws InvalidRequestException when [timestampMs] is negative.
     */
    @JvmStatic
    public fun fiserv(apiKey: String, apiSecret: String, clientRequestId: String, timestampMs: Long, body: ByteArray): String {
        if (timestampMs < 0) {
            throw InvalidRequestException(
                ErrorInfo(code = ErrorCode.INVALID_REQUEST, message = "must be a non-negative number of milliseconds", field = "timestampMs"),
            )
        }
        return uniffi.connectorservice.fiservSignature(apiKey, apiSecret, clientRequestId, timestampMs.toULong(), body)
    }
}
