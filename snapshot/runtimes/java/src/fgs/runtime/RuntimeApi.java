package fgs.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The runtime API client on raw sockets, one connection per request (Connection: close), so no
 * connection outlives a checkpoint except the GET that waits for the next event. After a restore
 * that connection is closed, the GET fails, and the client reconnects: it re-reads the address from
 * /proc/self/fd/$RUNTIME_API_ADDR_FD (each restored copy has its own file there) and asks again.
 */
final class RuntimeApi {
    /** An event from GET /v1/runtime/invocation/request. */
    record Event(String requestId, String invokeType, byte[] body) {}

    private final String addrFd = System.getenv("RUNTIME_API_ADDR_FD");

    String address() throws IOException {
        if (addrFd != null && !addrFd.isEmpty())
            return Files.readString(Path.of("/proc/self/fd/" + addrFd)).trim();
        return System.getenv("RUNTIME_API_ADDR");
    }

    Event next() throws InterruptedException {
        long backoff = 2;
        while (true) {
            try {
                var response = exchange("GET", "/v1/runtime/invocation/request", null);
                if (response.status == 200)
                    return new Event(response.headers.get("x-cff-request-id"),
                            response.headers.getOrDefault("x-cff-invoke-type", "sync"), response.body);
            } catch (IOException e) {
                // Closed at a checkpoint, or the API is not there yet: reconnect.
            }
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, 100);
        }
    }

    void respond(String requestId, byte[] body, boolean error) throws InterruptedException {
        var path = "/v1/runtime/invocation/" + (error ? "error/" : "response/") + requestId;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                exchange("POST", path, body);
                return;
            } catch (IOException e) {
                Thread.sleep(10);
            }
        }
    }

    private record Response(int status, Map<String, String> headers, byte[] body) {}

    private Response exchange(String method, String path, byte[] body) throws IOException {
        var addr = address();
        int colon = addr.lastIndexOf(':');
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1))), 2000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            int length = body == null ? 0 : body.length;
            var head = method + " " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nConnection: close\r\nContent-Length: " + length
                    + "\r\nContent-Type: application/json\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            if (body != null)
                out.write(body);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private static Response read(InputStream in) throws IOException {
        var all = in.readAllBytes();
        int end = -1;
        for (int i = 0; i + 3 < all.length; i++) {
            if (all[i] == '\r' && all[i + 1] == '\n' && all[i + 2] == '\r' && all[i + 3] == '\n') { end = i; break; }
        }
        if (end < 0)
            throw new IOException("incomplete response");
        var lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        var headers = new HashMap<String, String>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0)
                headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
        }
        var body = new ByteArrayOutputStream();
        body.write(all, end + 4, all.length - end - 4);
        return new Response(status, headers, body.toByteArray());
    }
}
