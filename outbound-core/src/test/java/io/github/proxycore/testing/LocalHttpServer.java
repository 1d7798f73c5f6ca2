package io.github.proxycore.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on 127.0.0.1 for tests, on a free port. Paths:
 *
 * <ul>
 *   <li>{@code /hello}: 200 {@code hello from <name>}, and the request's method and Host in headers;
 *   <li>{@code /bytes/N}: 200 with N deterministic bytes ({@link TestData} stream 0), streamed;
 *   <li>{@code /generate_204}: 204;
 *   <li>{@code /echo}: 200 with the request body.
 * </ul>
 */
public final class LocalHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger requests = new AtomicInteger();

    private LocalHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static LocalHttpServer start(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "test-http-" + name);
            t.setDaemon(true);
            return t;
        });
        LocalHttpServer local = new LocalHttpServer(server, executor);
        server.createContext("/", exchange -> local.handle(exchange, name));
        server.setExecutor(executor);
        server.start();
        return local;
    }

    private void handle(HttpExchange exchange, String name) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            exchange.getResponseHeaders().add("X-Method", exchange.getRequestMethod());
            exchange.getResponseHeaders()
                    .add("X-Host", String.valueOf(exchange.getRequestHeaders().getFirst("Host")));
            exchange.getResponseHeaders()
                    .add("X-Query", String.valueOf(exchange.getRequestURI().getRawQuery()));
            if (path.equals("/hello")) {
                byte[] body = ("hello from " + name).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } else if (path.startsWith("/bytes/")) {
                long length = Long.parseLong(path.substring("/bytes/".length()));
                exchange.sendResponseHeaders(200, length);
                OutputStream out = exchange.getResponseBody();
                byte[] chunk = new byte[64 * 1024];
                for (long offset = 0; offset < length; offset += chunk.length) {
                    int n = (int) Math.min(chunk.length, length - offset);
                    TestData.fill(0, offset, chunk, n);
                    out.write(chunk, 0, n);
                }
            } else if (path.equals("/generate_204")) {
                exchange.sendResponseHeaders(204, -1);
            } else if (path.equals("/echo")) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** How many requests arrived so far. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
