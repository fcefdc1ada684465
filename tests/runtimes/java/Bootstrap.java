// Test runtime: Java 17 java.net.http.HttpClient (keep-alive pool), forced to HTTP/1.1.
// Single source file: run with `java Bootstrap.java` (the `bootstrap` wrapper does that).
// Implements the behaviour protocol of tests/runtimes/README.md with a minimal JSON reader.
//
// JAVA_HTTP_VERSION=HTTP_2 (developer option) uses the client's default version instead, which
// on plain http:// tries an h2c upgrade (Upgrade: h2c, HTTP2-Settings) on requests without body.

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

public final class Bootstrap {
    private static final String API =
            "http://" + System.getenv("RUNTIME_API_ADDR") + "/v1/runtime/invocation";
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version("HTTP_2".equals(System.getenv("JAVA_HTTP_VERSION"))
                    ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
            .build();
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    private static final PrintStream ERR = new PrintStream(System.err, true, StandardCharsets.UTF_8);

    public static void main(String[] args) throws InterruptedException {
        HttpRequest next = HttpRequest.newBuilder(URI.create(API + "/request")).GET().build();
        while (true) {
            HttpResponse<byte[]> resp;
            try {
                resp = CLIENT.send(next, HttpResponse.BodyHandlers.ofByteArray());
            } catch (java.io.IOException e) {
                ERR.println("java runtime: GET failed: " + e);
                Thread.sleep(50);
                continue;
            }
            String id = resp.headers().firstValue("X-Cff-Request-Id").orElse("").trim();
            if (id.isEmpty() || resp.statusCode() != 200) {
                Thread.sleep(50);
                continue;
            }
            String invokeType = resp.headers().firstValue("X-CFF-Invoke-Type").orElse("").trim();
            try {
                handle(id, invokeType, resp.body());
            } catch (RuntimeException e) {
                e.printStackTrace(ERR);
                postError(id, String.valueOf(e.getMessage()), e.getClass().getSimpleName());
            }
        }
    }

    private static void handle(String id, String invokeType, byte[] body) throws InterruptedException {
        if (invokeType.equalsIgnoreCase("init")) {
            String sleep = System.getenv("INIT_SLEEP_MS");
            if (sleep != null && !sleep.isEmpty()) {
                Thread.sleep(Long.parseLong(sleep.trim()));
            }
            if ("1".equals(System.getenv("FAIL_INIT"))) {
                postError(id, "init failed (FAIL_INIT=1)", "TestError");
            } else {
                respond(id, "initialized");
            }
            return;
        }
        Object[] member = MiniJson.firstMember(new String(body, StandardCharsets.UTF_8));
        String key = member == null ? "" : (String) member[0];
        Object value = member == null ? null : member[1];
        switch (key) {
            case "print":
                if (value instanceof String s) {
                    OUT.println(s);
                    respond(id, "ok");
                    return;
                }
                break;
            case "stderr":
                if (value instanceof String s) {
                    ERR.println(s);
                    respond(id, "ok");
                    return;
                }
                break;
            case "error":
                if (value instanceof String s) {
                    postError(id, s, "TestError");
                    return;
                }
                break;
            case "sleep_ms":
                if (value instanceof Long n) {
                    Thread.sleep(n);
                    respond(id, "slept");
                    return;
                }
                break;
            case "exit":
                if (value instanceof Long n) {
                    ERR.println("exiting " + n);
                    OUT.flush();
                    Runtime.getRuntime().halt(n.intValue());
                }
                break;
            case "big":
                if (value instanceof Long n) {
                    byte[] big = new byte[n.intValue()];
                    Arrays.fill(big, (byte) 'a');
                    post(id, "response", HttpRequest.BodyPublishers.ofByteArray(big), "application/octet-stream");
                    return;
                }
                break;
            case "env":
                if (value instanceof String s) {
                    String v = System.getenv(s);
                    respond(id, v == null ? "" : v);
                    return;
                }
                break;
            case "chunked":
                if (value instanceof String s) {
                    // An InputStream publisher has no known length: HTTP/1.1 chunked encoding.
                    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                    post(id, "response",
                            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)),
                            "text/plain");
                    return;
                }
                break;
            default:
                break;
        }
        post(id, "response", HttpRequest.BodyPublishers.ofByteArray(body), "application/octet-stream");
    }

    private static void respond(String id, String text) {
        post(id, "response", HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8),
                "text/plain; charset=utf-8");
    }

    private static void postError(String id, String message, String type) {
        String json = "{\"errorMessage\":" + MiniJson.quote(message) + ",\"errorType\":" + MiniJson.quote(type) + "}";
        post(id, "error", HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8), "application/json");
    }

    private static void post(String id, String kind, HttpRequest.BodyPublisher body, String contentType) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(API + "/" + kind + "/" + id))
                .header("Content-Type", contentType)
                .POST(body)
                .build();
        try {
            HttpResponse<Void> resp = CLIENT.send(req, HttpResponse.BodyHandlers.discarding());
            if (resp.statusCode() >= 300) {
                ERR.println("java runtime: POST " + kind + " for " + id + ": HTTP " + resp.statusCode());
            }
        } catch (java.io.IOException | InterruptedException e) {
            ERR.println("java runtime: POST " + kind + " for " + id + " failed: " + e);
        }
    }

    /** Just enough JSON: the first member of an object, with string / integer values decoded. */
    static final class MiniJson {
        private final String s;
        private int pos;

        private MiniJson(String s) {
            this.s = s;
        }

        /** {key, value} where value is a String, a Long, or null for anything else; null if not an object. */
        static Object[] firstMember(String text) {
            MiniJson p = new MiniJson(text);
            try {
                p.ws();
                if (!p.eat('{')) {
                    return null;
                }
                p.ws();
                if (!p.eat('"')) {
                    return null;
                }
                String key = p.string();
                p.ws();
                if (!p.eat(':')) {
                    return null;
                }
                p.ws();
                Object value = null;
                if (p.eat('"')) {
                    value = p.string();
                } else {
                    int start = p.pos;
                    if (p.pos < p.s.length() && p.s.charAt(p.pos) == '-') {
                        p.pos++;
                    }
                    while (p.pos < p.s.length() && Character.isDigit(p.s.charAt(p.pos))) {
                        p.pos++;
                    }
                    boolean fraction = p.pos < p.s.length() && ".eE".indexOf(p.s.charAt(p.pos)) >= 0;
                    if (p.pos > start && !fraction) {
                        value = Long.parseLong(p.s.substring(start, p.pos));
                    }
                }
                return new Object[] {key, value};
            } catch (RuntimeException e) {
                return null;
            }
        }

        static String quote(String v) {
            StringBuilder b = new StringBuilder("\"");
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }

        private void ws() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private boolean eat(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> b.append(e);
                }
            }
        }
    }
}
