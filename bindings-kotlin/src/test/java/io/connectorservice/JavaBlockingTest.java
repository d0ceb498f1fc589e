package io.connectorservice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The API as a Java caller uses it: constructors with defaults, blocking and future calls, exceptions. */
class JavaBlockingTest {
    private static AuthorizeRequest authorize(String holder) {
        Card card = new Card("4111111111111111", 3, 2030, "737", holder);
        return AuthorizeRequest.builder(new Money(1999L, "EUR"), "java-" + UUID.randomUUID(), card)
            .captureMethod(CaptureMethod.MANUAL)
            .returnUrl("https://shop.example/return")
            .build();
    }

    @Test
    void blockingLifecycleFromJava() throws Exception {
        Sandbox.INSTANCE.reset();
        try (ConnectorClient client = ConnectorClient.create(Sandbox.INSTANCE.clientConfig("adyen", null, Map.of()))) {
            PaymentResponse payment = client.payments().authorizeBlocking(authorize(null));
            assertEquals(PaymentStatus.AUTHORIZED, payment.getStatus());
            String psp = payment.getConnectorTransactionId();

            PaymentResponse captured = client.payments().captureBlocking(new CaptureRequest(psp, new Money(1999L, "EUR")));
            assertEquals(psp, captured.getConnectorTransactionId());

            CompletableFuture<RefundResponse> refund =
                client.payments().refundAsync(new RefundRequest(psp, new Money(999L, "EUR")));
            assertEquals(RefundStatus.PENDING, refund.get().getStatus());

            PaymentResponse declined = client.payments().authorizeBlocking(authorize("DECLINED"));
            assertEquals(PaymentStatus.FAILURE, declined.getStatus());
            assertEquals("2", declined.getDecline().getCode());

            Map<String, Object> hook = Sandbox.INSTANCE.nextWebhook("adyen", "AUTHORISATION", psp, 5000L);
            @SuppressWarnings("unchecked")
            Map<String, String> headers = (Map<String, String>) hook.get("headers");
            byte[] body = ((String) hook.get("body")).getBytes(StandardCharsets.UTF_8);
            WebhookNotification notification = client.webhooks().verifyAndParse(headers, body);
            assertTrue(notification.getEvents().get(0) instanceof PaymentEvent);
        }
    }

    @Test
    void exceptionsAreCheckedByClassFromJava() {
        ClientConfig config = ClientConfig.builder(new RazorpayConfig("rzp_test_java", "java_secret_DO_NOT_LEAK"))
            .baseUrl("http://127.0.0.1:1/razorpay")
            .transport(TransportOptions.builder().retry(new RetryOptions(false)).build())
            .build();
        try (ConnectorClient client = new ConnectorClient(config)) {
            Card bad = new Card("4111111111111112", 3, 2030);
            AuthorizeRequest request = new AuthorizeRequest(new Money(100L, "INR"), "java-bad", bad);
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> client.payments().authorizeBlocking(request));
            assertEquals("payment_method.number", e.getField());
            assertEquals(ErrorCode.INVALID_REQUEST, e.getCode());
            assertFalse(e.toString().contains("4111111111111112"));
            assertFalse(config.toString().contains("java_secret_DO_NOT_LEAK"));
            assertTrue(e instanceof ConnectorServiceException);
        }
    }
}
