package io.connectorservice.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The local processor sandbox of connector-service, for the JVM: a stateful emulation of the
 * Adyen, Checkout.com, Razorpay, Fiserv, Elavon and Xendit APIs, so that code using the library
 * runs offline, with no credentials and no Rust toolchain.
 *
 * <p>The jar carries the {@code connector-sandbox} binary for each platform it was built for
 * (resource {@code io/connectorservice/sandbox/<os>-<arch>/connector-sandbox}); {@link #start}
 * extracts it to a temporary file and runs it as a child process on a free port:
 *
 * <pre>{@code
 * Sandbox.start().use { sandbox ->                       // Kotlin; try-with-resources in Java
 *     val config = ClientConfig(
 *         connector = ConnectorConfig.fromJson(sandbox.credentialsJson("adyen")),
 *         baseUrl = sandbox.baseUrl("adyen"),
 *     )
 * }
 * }</pre>
 *
 * <p>As a command: {@code java -jar connector-service-sandbox.jar --port 8080} (the same flags as
 * {@code connector-sandbox}). The system property {@code connector.sandbox.bin} or the
 * environment variable {@code CONNECTOR_SANDBOX_BIN} points at another build of the binary.
 */
public final class Sandbox implements AutoCloseable {
    private static final String PREFIX = "connector-sandbox listening on ";
    private static Path extracted;

    private final Process process;
    private final String url;
    /** processor -> credentials JSON, from the `credentials <processor> <json>` lines it prints. */
    private final Map<String, String> credentials = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Sandbox(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Starts the sandbox on 127.0.0.1 and a free port, with the given extra flags. */
    public static Sandbox start(String... extraArgs) throws IOException {
        return start(Arrays.asList(extraArgs));
    }

    /**
     * Starts the sandbox on 127.0.0.1 and a free port, with the given extra flags (for example
     * {@code --webhook-url adyen=http://127.0.0.1:9000/hooks}), and waits until it listens.
     * The sandbox is stopped by {@link #close} or when the JVM exits.
     */
    public static Sandbox start(List<String> extraArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(Arrays.asList("--host", "127.0.0.1", "--port", "0"));
        command.addAll(extraArgs);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = lines.readLine();
        if (first == null || !first.startsWith(PREFIX)) {
            process.destroyForcibly();
            throw new IOException("the sandbox did not start (first line: " + first + ")");
        }
        Sandbox sandbox = new Sandbox(process, first.substring(PREFIX.length()).trim());
        // Read the credential lines, and keep draining stdout so that the sandbox never blocks.
        Thread drain = new Thread(() -> {
            try {
                String line;
                while ((line = lines.readLine()) != null) {
                    String[] parts = line.split(" ", 3);
                    if (parts.length == 3 && parts[0].equals("credentials")) {
                        synchronized (sandbox.credentials) {
                            sandbox.credentials.put(parts[1], parts[2]);
                            sandbox.credentials.notifyAll();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the sandbox exited
            }
        }, "connector-sandbox-stdout");
        drain.setDaemon(true);
        drain.start();
        return sandbox;
    }

    /** {@code http://127.0.0.1:PORT} */
    public String url() {
        return url;
    }

    /** Where a client of {@code processor} points its base URL, e.g. {@code http://127.0.0.1:PORT/adyen}. */
    public String baseUrl(String processor) {
        return url + "/" + processor;
    }

    /** The sandbox's process. */
    public Process process() {
        return process;
    }

    /**
     * A call to the control API ({@code /_sandbox/...}); returns the answer's body (JSON text).
     * Fails on a status other than 2xx.
     */
    public String control(String method, String path, String jsonBody) throws IOException {
        HttpRequest.BodyPublisher body = jsonBody == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, body)
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("sandbox " + method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * The test credentials the sandbox accepts for {@code processor}, as the JSON of a
     * {@code ConnectorConfig} (read it with {@code ConnectorConfig.fromJson}).
     */
    public String credentialsJson(String processor) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (credentials) {
            while (!credentials.containsKey(processor)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !process.isAlive()) {
                    throw new IOException("the sandbox has no credentials for " + processor + " (it has " + credentials.keySet() + ")");
                }
                try {
                    credentials.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            return credentials.get(processor);
        }
    }

    /** Every processor's test credentials: {@code GET /_sandbox/credentials} (a JSON object). */
    public String credentialsJson() throws IOException {
        return control("GET", "/_sandbox/credentials", null);
    }

    /** Stops the sandbox (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "Sandbox(url=" + url + ", pid=" + process.pid() + ")";
    }

    /** The platform directory of the binary in the jar, in JNA's naming (e.g. {@code linux-x86-64}). */
    public static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osPart = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "darwin" : os.startsWith("windows") ? "win32" : os;
        String archPart;
        switch (arch) {
            case "amd64": case "x86_64": archPart = "x86-64"; break;
            case "aarch64": case "arm64": archPart = "aarch64"; break;
            default: archPart = arch;
        }
        return osPart + "-" + archPart;
    }

    /**
     * The sandbox binary: {@code connector.sandbox.bin} / {@code CONNECTOR_SANDBOX_BIN} when set,
     * otherwise the jar's binary for this platform, extracted once per JVM to a temporary file.
     */
    public static synchronized Path binary() throws IOException {
        String explicit = System.getProperty("connector.sandbox.bin", System.getenv("CONNECTOR_SANDBOX_BIN"));
        if (explicit != null && !explicit.isEmpty()) return Paths.get(explicit);
        if (extracted != null && Files.isExecutable(extracted)) return extracted;
        String exe = platform().startsWith("win32") ? "connector-sandbox.exe" : "connector-sandbox";
        String resource = "/io/connectorservice/sandbox/" + platform() + "/" + exe;
        try (InputStream in = Sandbox.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("this connector-service-sandbox jar has no binary for " + platform()
                        + " (set connector.sandbox.bin to a connector-sandbox build)");
            }
            Path dir = Files.createTempDirectory("connector-sandbox");
            Path bin = dir.resolve(exe);
            Files.copy(in, bin, StandardCopyOption.REPLACE_EXISTING);
            if (!exe.endsWith(".exe")) Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwx------"));
            bin.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            extracted = bin;
            return bin;
        }
    }

    /**
     * The {@code connector-sandbox} command: runs the binary with the same flags, in the
     * foreground, and exits with its status. {@code --print-binary} prints the extracted binary's
     * path instead.
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--print-binary")) {
            Path bin = binary();
            // Keep the file: the caller runs it after this JVM exits.
            Path kept = Files.createTempDirectory("connector-sandbox").resolve(bin.getFileName());
            Files.copy(bin, kept);
            Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rwx------"));
            System.out.println(kept);
            return;
        }
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(Arrays.asList(args));
        Process process = new ProcessBuilder(command).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        System.exit(process.waitFor());
    }
}
