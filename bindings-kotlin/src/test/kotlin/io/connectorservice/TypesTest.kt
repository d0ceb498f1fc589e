package io.connectorservice

import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The generated types: defaults, JSON conversion in both directions, masking. No network. */
class TypesTest {
    private val card = Card(number = "4111111111111111", expiryMonth = 3, expiryYear = 2030, cvc = "737", holderName = "Ada")

    @Test
    fun `requests are written as the core's JSON with snake_case keys and defaults`() {
        val request = AuthorizeRequest(
            amount = Money(1000, "EUR"),
            merchantReference = "order-1",
            paymentMethod = card,
            metadata = mapOf("orderLine_ID" to "x"),
        )
        assertEquals(CaptureMethod.AUTOMATIC, request.captureMethod)
        assertEquals(AuthenticationType.AUTO, request.authenticationType)
        val json = Json.parse(request.toJson()) as Map<*, *>
        assertEquals(mapOf("minor_units" to 1000L, "currency" to "EUR"), json["amount"])
        assertEquals("order-1", json["merchant_reference"])
        assertEquals("automatic", json["capture_method"])
        // Map keys are data: never renamed.
        assertEquals(mapOf("orderLine_ID" to "x"), json["metadata"])
        // The union carries its tag; the card number goes to the core in full.
        val pm = json["payment_method"] as Map<*, *>
        assertEquals("card", pm["type"])
        assertEquals("4111111111111111", pm["number"])
        assertEquals(3L, pm["expiry_month"])
        // Absent optionals are omitted.
        assertFalse(json.containsKey("customer"))
    }

    @Test
    fun `every type reads back what it writes`() {
        val request = AuthorizeRequest(
            amount = Money(Long.MAX_VALUE, "KWD"),
            merchantReference = "ünïcödé \"quoted\" \\ \n line",
            paymentMethod = MandateReference(mandateId = "m1", usage = MandateUsage.SUBSCRIPTION),
            captureMethod = CaptureMethod.MANUAL,
            customer = Customer(id = "c1", email = "a@b.example"),
            browserInfo = BrowserInfo(colorDepth = 24, timeZoneOffsetMinutes = -120, javaEnabled = false),
            metadata = mapOf("a" to "1", "b" to "2"),
        )
        assertEquals(request, AuthorizeRequest.fromJson(request.toJson()))

        val config = ClientConfig(
            connector = RazorpayConfig(keyId = "rzp_test_1", keySecret = "s3cr3t", webhookSecrets = listOf("w1", "w2")),
            environment = Environment.LIVE,
            baseUrl = "http://127.0.0.1:1/razorpay",
            transport = TransportOptions(timeoutMs = 1234, retry = RetryOptions(enabled = false)),
        )
        val back = ClientConfig.fromJson(config.toJson())
        assertEquals(config, back)
        assertEquals(listOf("w1", "w2"), (back.connector as RazorpayConfig).webhookSecrets)

        val doc = EvidenceDocument(EvidenceType.RECEIPT, byteArrayOf(0, 1, 2, -1), "application/pdf", fileName = "r.pdf")
        val evidence = SubmitEvidenceRequest(connectorDisputeId = "d1", documents = listOf(doc))
        val evidenceBack = SubmitEvidenceRequest.fromJson(evidence.toJson())
        assertEquals(evidence, evidenceBack)
        assertArrayEquals(byteArrayOf(0, 1, 2, -1), evidenceBack.documents[0].content)
        // Binary data is Base64 in JSON.
        assertEquals(
            "AAEC/w==",
            ((Json.parse(evidence.toJson()) as Map<*, *>)["documents"] as List<*>).let {
                (it[0] as Map<*, *>)["content"]
            },
        )
    }

    @Test
    fun `defaults of the configuration are the core's`() {
        val transport = TransportOptions()
        assertEquals(5000L, transport.connectTimeoutMs)
        assertEquals(30000L, transport.timeoutMs)
        assertEquals(RetryOptions(enabled = true, maxAttempts = 3, initialBackoffMs = 200, maxBackoffMs = 5000), transport.retry)
        val config = ClientConfig(AdyenConfig(apiKey = "k", merchantAccount = "M"))
        assertEquals(Environment.SANDBOX, config.environment)
        assertEquals(transport, config.transport)
        assertEquals(config, ClientConfig.fromJson("""{"connector":{"type":"adyen","api_key":"k","merchant_account":"M"}}"""))
    }

    @Test
    fun `responses and tagged unions are read from the core's JSON`() {
        val json = """{"status":"authentication_pending","connector":"adyen","connector_status":"RedirectShopper",
            "next_action":{"type":"redirect","url":"https://x.example/3ds","method":"POST","form_fields":{"PaReq":"abc","MD":"m"}},
            "amount":{"minor_units":3000,"currency":"EUR"},"http_status":200,"decline":null}"""
        val payment = PaymentResponse.fromJson(json)
        assertEquals(PaymentStatus.AUTHENTICATION_PENDING, payment.status)
        assertEquals(ConnectorName.ADYEN, payment.connector)
        val redirect = payment.nextAction as RedirectAction
        assertEquals(HttpMethod.POST, redirect.method)
        assertEquals(mapOf("PaReq" to "abc", "MD" to "m"), redirect.formFields)
        assertEquals(200, payment.httpStatus)
        assertNull(payment.decline)

        val notification = WebhookNotification.fromJson(
            """{"connector":"razorpay","acknowledgement":{"status":200,"content_type":"text/plain","body":"ok"},
               "events":[{"kind":"refund","event_type":"refund.processed","connector_refund_id":"rfnd_1","status":"success"},
                         {"kind":"ignored","event_type":"order.paid"}]}""",
        )
        val refund = notification.events[0] as RefundEvent
        assertEquals(RefundStatus.SUCCESS, refund.status)
        assertTrue(notification.events[1] is IgnoredEvent)
        assertEquals("refund", (Json.parse(refund.toJson()) as Map<*, *>)["kind"])
    }

    @Test
    fun `reading rejects unknown fields, wrong types and unknown variants, naming the path but not the value`() {
        val unknown = assertThrows<InvalidRequestException> { Money.fromJson("""{"minor_units":1,"currency":"EUR","cents":1}""") }
        assertEquals("cents", unknown.field)

        val badType = assertThrows<InvalidRequestException> {
            AuthorizeRequest.fromJson(
                """{"amount":{"minor_units":1,"currency":"EUR"},"merchant_reference":"r",
                   "payment_method":{"type":"card","number":"4111111111111111","expiry_month":"4111111111111111","expiry_year":2030}}""",
            )
        }
        assertEquals("payment_method.expiry_month", badType.field)
        assertFalse(badType.message!!.contains("4111111111111111"))

        val variant = assertThrows<InvalidRequestException> { PaymentMethod.fromJson("""{"type":"crypto"}""") }
        assertEquals("type", variant.field)

        val missing = assertThrows<InvalidRequestException> { Money.fromJson("""{"currency":"EUR"}""") }
        assertEquals("minor_units", missing.field)

        // Amounts are integers: a fraction is not silently rounded.
        val fraction = assertThrows<InvalidRequestException> { Money.fromJson("""{"minor_units":10.5,"currency":"EUR"}""") }
        assertEquals("minor_units", fraction.field)
        // Beyond 64 bits is an error, not a wrap-around.
        assertThrows<InvalidRequestException> { Money.fromJson("""{"minor_units":18446744073709551616,"currency":"EUR"}""") }
        // 32-bit fields reject larger values.
        assertThrows<InvalidRequestException> {
            Card.fromJson("""{"number":"4111111111111111","expiry_month":4294967296,"expiry_year":2030}""")
        }
        // Not JSON at all.
        assertEquals("request", assertThrows<InvalidRequestException> { Money.fromJson("{") }.field)

        assertThrows<JsonException> { Json.parse("""{"a":1,"a":2}""") }
        assertThrows<JsonException> { Json.parse("""{"a":1} x""") }
        assertThrows<JsonException> { Json.parse("[01]") }
    }

    @Test
    fun `enums convert to and from their JSON values`() {
        assertEquals("partial_charged", PaymentStatus.PARTIAL_CHARGED.value)
        assertEquals(PaymentStatus.PARTIAL_CHARGED, PaymentStatus.fromValue("partial_charged"))
        assertEquals(AuthenticationType.THREE_DS, AuthenticationType.fromValue("three_ds"))
        assertEquals(HttpMethod.GET, HttpMethod.fromValue("GET"))
        assertThrows<IllegalArgumentException> { PaymentStatus.fromValue("approved") }
    }

    @Test
    fun `toString masks card numbers, CVCs, credentials and bodies`() {
        val text = AuthorizeRequest(Money(1, "EUR"), "r", card).toString()
        assertTrue(text.contains("number=411111******1111"), text)
        assertFalse(text.contains("4111111111111111"), text)
        assertFalse(text.contains("737"), text)
        assertTrue(text.contains("cvc=***"), text)
        assertTrue(text.contains("holderName=Ada"), text)
        assertEquals("37000******0002", Masking.pan("370000000000002"))

        val config = ClientConfig(
            AdyenConfig(apiKey = "AQE_live_key_123", merchantAccount = "M", webhookHmacKey = "C864C6BF77DE91E7"),
            baseUrl = "http://127.0.0.1:1",
        )
        val configText = config.toString()
        assertFalse(configText.contains("AQE_live_key_123"), configText)
        assertFalse(configText.contains("C864C6BF77DE91E7"), configText)
        assertTrue(configText.contains("merchantAccount=M"), configText)
        assertTrue(configText.contains("disputeApiKey=null"), configText)

        val razorpay = RazorpayConfig(keyId = "rzp_test_1", keySecret = "s3cr3t", webhookSecrets = listOf("whsec_1"))
        assertFalse(razorpay.toString().contains("s3cr3t"))
        assertFalse(razorpay.toString().contains("whsec_1"))

        val http = HttpRequest(
            method = HttpMethod.POST,
            url = "https://checkout-test.adyen.com/v68/payments",
            headers = mapOf(
                "X-API-Key" to "AQE_live_key_123",
                "Authorization" to "Basic cnpwOnNlY3JldA==",
                "Content-Type" to "application/json",
            ),
            retrySafe = false,
            body = """{"number":"4111111111111111"}""".toByteArray(),
        )
        val httpText = http.toString()
        assertFalse(httpText.contains("AQE_live_key_123"), httpText)
        assertFalse(httpText.contains("cnpwOnNlY3JldA=="), httpText)
        assertFalse(httpText.contains("4111111111111111"), httpText)
        assertTrue(httpText.contains("Content-Type=application/json"), httpText)
        assertTrue(httpText.contains("body=<${http.body!!.size} bytes>"), httpText)
    }

    @Test
    fun `binary fields compare by content`() {
        val a = HttpResponse(status = 200, body = byteArrayOf(1, 2, 3))
        val b = HttpResponse(status = 200, body = byteArrayOf(1, 2, 3))
        assertEquals(a, b)
        assertEquals(a.hashCode(), b.hashCode())
        assertNotEquals(a, b.copy(body = byteArrayOf(1, 2)))
    }

    @Test
    fun `the JSON writer escapes and the reader keeps big and fractional numbers exact`() {
        val text = Json.write(mapOf("s" to "a\"b\\c\n\u0001é", "n" to null, "l" to listOf(true, 1L)))
        assertEquals("""{"s":"a\"b\\c\n\u0001é","n":null,"l":[true,1]}""", text)
        assertEquals(mapOf("s" to "a\"b\\c\n\u0001é", "n" to null, "l" to listOf(true, 1L)), Json.parse(text))
        assertEquals(java.math.BigDecimal("0.1"), Json.parse("0.1"))
        assertEquals(java.math.BigInteger("123456789012345678901234567890"), Json.parse("123456789012345678901234567890"))
        assertEquals("\uD83D\uDE00", Json.parse("\"\\ud83d\\ude00\""))
    }

    @Test
    fun `strings keep their text around, between and without escapes`() {
        val strings = listOf(
            "", "plain", "\"", "\\", "\"start", "end\\", "a\"\"b", "\n\r\t\u0000\u001f", "mid\tdle é 😀",
            "{\"raw\":\"{\\\"nested\\\":1}\"}", "x".repeat(5000) + "\"" + "y".repeat(5000),
        )
        for (s in strings) {
            val text = Json.write(listOf(s, mapOf(s to s)))
            assertEquals(listOf(s, mapOf(s to s)), Json.parse(text), text)
        }
        assertEquals("a/b\u000C\b", Json.parse("\"a\\/b\\f\\b\""))
        for (bad in listOf("\"abc", "\"abc\\", "\"a\\x\"", "\"a\u0001\"", "\"\\u12\"", "\"\\uzzzz\"")) {
            assertThrows<JsonException>(bad) { Json.parse(bad) }
        }
    }
}
