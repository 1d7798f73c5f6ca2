package io.github.proxycore.cli;

import com.sun.net.httpserver.HttpServer;
import io.github.proxycore.anytls.AnyTlsOutbound;
import io.github.proxycore.anytls.AnyTlsServer;
import io.github.proxycore.anytls.PoolStats;
import io.github.proxycore.anytls.SelfSignedCertificate;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.loadbalance.LoadBalanceOutbound;
import io.github.proxycore.loadbalance.LoadBalanceSnapshot;
import io.github.proxycore.loadbalance.MemberSnapshot;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.runtime.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code demo} command: the whole path on one machine, no configuration. Starts an origin web server and three
 * AnyTLS servers on 127.0.0.1 (with a certificate generated now), a load balancer over three AnyTLS outbounds that
 * pin that certificate, and a mixed SOCKS/HTTP inbound; fetches the origin's page through it all; prints the pools
 * and the balancer; and keeps serving until stopped.
 */
final class Demo implements AutoCloseable {
    static final int SERVERS = 3;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Engine engine;
    private HttpServer origin;

    /** Starts everything; the mixed inbound listens on 127.0.0.1:{@code port} (0 for any free port). */
    static Demo start(int port, PrintStream out) throws Exception {
        Demo demo = new Demo();
        try {
            demo.startAll(port, out);
            return demo;
        } catch (Exception | Error e) {
            demo.close();
            throw e;
        }
    }

    private void startAll(int port, PrintStream out) throws Exception {
        origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        origin.createContext("/", exchange -> {
            try (exchange) {
                if (exchange.getRequestURI().getPath().equals("/generate_204")) {
                    exchange.sendResponseHeaders(204, -1);
                    return;
                }
                byte[] body = "Hello from the proxycore demo origin: you came through AnyTLS.\n"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        origin.start();
        int originPort = origin.getAddress().getPort();

        Transport transport = Transport.shared();
        resources.add(transport);
        SelfSignedCertificate certificate = SelfSignedCertificate.forLoopback();
        String password = randomPassword();
        List<Integer> serverPorts = new ArrayList<>();
        for (int i = 1; i <= SERVERS; i++) {
            AnyTlsServer server = AnyTlsServer.builder()
                    .tag("anytls-server-" + i)
                    .user("demo", password)
                    .certificate(certificate)
                    .transport(transport)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            resources.add(server);
            serverPorts.add(server.localAddress().getPort());
        }

        ProxyConfig config = ConfigLoader.parse(
                configuration(port, originPort, serverPorts, password, certificate.certificatePem()),
                "demo configuration");
        engine = Engine.builder(config).transport(transport).start();
        out.println("proxycore demo");
        out.println("  origin web server      http://127.0.0.1:" + originPort + "/");
        for (int i = 0; i < SERVERS; i++) {
            out.println("  AnyTLS server " + (i + 1) + "        127.0.0.1:" + serverPorts.get(i)
                    + " (self-signed certificate, pinned by the client)");
        }
        out.println("  load balancer \"lb\"     consistent_hash over anytls-1..3, health-checked through each member");
        out.println("  mixed inbound          "
                + format(engine.inbound("mixed-in").localAddress()) + " (SOCKS4/4a, SOCKS5, HTTP)");
        out.println("  status (Clash API)     http://"
                + format(engine.status().orElseThrow().localAddress()) + "/proxies");
    }

    /** Waits for the first health round, fetches the origin through the mixed inbound, and prints what happened. */
    void prove(PrintStream out) throws Exception {
        LoadBalanceOutbound lb = engine.outbounds().get("lb", LoadBalanceOutbound.class);
        lb.checkNow().get(15, TimeUnit.SECONDS);
        String page = fetchThroughProxy();
        out.println();
        out.println(
                "fetched http://127.0.0.1:" + origin.getAddress().getPort() + "/ through mixed-in -> lb -> anytls:");
        out.println("  " + page.lines().findFirst().orElse("") + " ... "
                + page.substring(page.indexOf("\r\n\r\n") + 4).strip());
        out.println();
        printState(out);
    }

    void printState(PrintStream out) {
        LoadBalanceOutbound lb = engine.outbounds().get("lb", LoadBalanceOutbound.class);
        LoadBalanceSnapshot snapshot = lb.snapshot();
        out.println(
                "balancer \"lb\": serving " + snapshot.state() + ", " + snapshot.healthRounds() + " health round(s)");
        for (MemberSnapshot m : snapshot.members()) {
            PoolStats pool =
                    engine.outbounds().get(m.tag(), AnyTlsOutbound.class).poolStats();
            out.printf(
                    "  %-9s %-8s %-7s latency %-6s in use %-5s pool: %d idle, %d busy, %d created (%d pre-warmed),"
                            + " %d streams%n",
                    m.tag(),
                    m.tier(),
                    m.health(),
                    m.lastLatency() == null ? "-" : m.lastLatency().toMillis() + "ms",
                    m.active(),
                    pool.idle(),
                    pool.busy(),
                    pool.created(),
                    pool.createdByEnsure(),
                    pool.streamsOpened());
        }
    }

    InetSocketAddress proxyAddress() {
        return engine.inbound("mixed-in").localAddress();
    }

    int originPort() {
        return origin.getAddress().getPort();
    }

    private String fetchThroughProxy() throws IOException {
        InetSocketAddress proxy = proxyAddress();
        try (Socket socket = new Socket()) {
            socket.connect(proxy, 5000);
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            String target = "127.0.0.1:" + origin.getAddress().getPort();
            out.write(("GET http://" + target + "/ HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String configuration(
            int port, int originPort, List<Integer> serverPorts, String password, String pem) {
        StringBuilder outbounds = new StringBuilder();
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < serverPorts.size(); i++) {
            String tag = "anytls-" + (i + 1);
            members.append(i == 0 ? "" : ", ").append('"').append(tag).append('"');
            outbounds
                    .append(",\n    {\"type\": \"anytls\", \"tag\": \"")
                    .append(tag)
                    .append("\", \"server\": \"127.0.0.1\", \"server_port\": ")
                    .append(serverPorts.get(i))
                    .append(", \"password\": \"")
                    .append(password)
                    .append("\", \"ensure_idle_session\": 1,")
                    .append(" \"heartbeat\": \"30s\", \"tls\": {\"server_name\": \"localhost\", \"certificate\": ")
                    .append(jsonString(pem))
                    .append("}}");
        }
        return "{\n  \"log\": {\"level\": \"warn\"},\n"
                + "  \"inbounds\": [{\"type\": \"mixed\", \"tag\": \"mixed-in\", \"listen\": \"127.0.0.1\", \"listen_port\": "
                + port + "}],\n"
                + "  \"outbounds\": [\n    {\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": ["
                + members + "],"
                + " \"url\": \"http://127.0.0.1:" + originPort + "/generate_204\", \"interval\": \"1m\","
                + " \"strategy\": \"consistent_hash\", \"hash\": {\"key_parts\": [\"src_ip\", \"etld_plus_one\"]}}"
                + outbounds + "\n  ],\n  \"route\": {\"final\": \"lb\"},\n"
                + "  \"experimental\": {\"clash_api\": {\"external_controller\": \"127.0.0.1:0\"}}\n}";
    }

    private static String jsonString(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String format(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        if (origin != null) {
            origin.stop(0);
        }
    }
}
