package io.github.proxycore.benchmarks.anytls;

import io.github.proxycore.anytls.AnyTlsOutbound;
import io.github.proxycore.anytls.AnyTlsServer;
import io.github.proxycore.anytls.SelfSignedCertificate;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The AnyTLS session-pool benchmarks (issue 4). The AnyTLS server runs in a separate JVM (started by this one), so
 * that what is measured here is the client's pool alone:
 *
 * <ol>
 *   <li>{@code memory [n]}: retained heap and direct memory per idle pooled session, at {@code n} (1000) idle
 *       sessions, measured after GC against a baseline outbound of 10 sessions;
 *   <li>{@code latency [rounds]}: time from {@code dial()} to the echoed first request, with a pre-warmed pool
 *       ({@code ensure_idle_session: 1}) and with an empty one (TCP + TLS + auth on the request's path);
 *   <li>{@code cpu [n] [seconds]}: process CPU time of the client holding {@code n} idle sessions for that long, with
 *       a 10 s heartbeat and with none.
 * </ol>
 *
 * <p>Run: {@code java -cp benchmarks.jar io.github.proxycore.benchmarks.anytls.PoolBenchmark memory|latency|cpu ...}
 */
public final class PoolBenchmark {
    private static final String PASSWORD = "pool-benchmark";

    private PoolBenchmark() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "memory";
        switch (mode) {
            case "server" -> serve();
            case "memory" -> withServer(server -> memory(server, intArg(args, 1, 1000)));
            case "latency" -> withServer(server -> latency(server, intArg(args, 1, 50)));
            case "cpu" -> withServer(server -> cpu(server, intArg(args, 1, 1000), intArg(args, 2, 60)));
            default -> throw new IllegalArgumentException("mode: memory | latency | cpu | server");
        }
    }

    private static int intArg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }

    // -------------------------------------------------------------------------------------------- server process

    /** The server JVM: an AnyTLS server and an echo destination; prints their ports and the certificate file. */
    private static void serve() throws Exception {
        Transport transport = Transport.create(2);
        SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
        Path pem = Files.createTempFile("pool-benchmark", ".pem");
        Files.writeString(pem, cert.certificatePem());
        AnyTlsServer server = AnyTlsServer.builder()
                .user("bench", PASSWORD)
                .certificate(cert)
                .transport(transport)
                .bind(new InetSocketAddress("127.0.0.1", 0));
        Channel echo = new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverSocketChannelClass())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg);
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
        System.out.println(server.localAddress().getPort() + " " + ((InetSocketAddress) echo.localAddress()).getPort()
                + " " + pem);
        System.out.flush();
        // runs until the benchmark closes our stdin
        while (System.in.read() >= 0) {
            // nothing to read
        }
        server.close();
        transport.close();
        Files.deleteIfExists(pem);
    }

    /** The server process as the client sees it. */
    private record Server(Process process, int port, int echoPort, String certificatePem) {
        long cpuNanos() {
            return process.toHandle()
                    .info()
                    .totalCpuDuration()
                    .map(Duration::toNanos)
                    .orElse(-1L);
        }
    }

    private interface Body {
        void run(Server server) throws Exception;
    }

    private static void withServer(Body body) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(
                        java,
                        "-Xmx512m",
                        "-Dio.netty.handler.ssl.noOpenSsl=" + Boolean.getBoolean("io.netty.handler.ssl.noOpenSsl"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        PoolBenchmark.class.getName(),
                        "server")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            String[] line = out.readLine().split(" ");
            Server server = new Server(
                    process, Integer.parseInt(line[0]), Integer.parseInt(line[1]), Files.readString(Path.of(line[2])));
            body.run(server);
        } finally {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
            }
        }
    }

    private static AnyTlsOutbound outbound(Transport transport, Server server, int ensure, Duration heartbeat) {
        AnyTlsOutboundOptions options = AnyTlsOutboundOptions.builder("bench", "127.0.0.1", server.port(), PASSWORD)
                .tls(OutboundTlsOptions.builder()
                        .certificate(server.certificatePem())
                        .build())
                .ensureIdleSession(ensure)
                .idleSessionTimeout(Duration.ofHours(1))
                .idleSessionCheckInterval(Duration.ofSeconds(30))
                .heartbeat(heartbeat)
                .build();
        return AnyTlsOutbound.create(options, OutboundContext.of(transport));
    }

    private static void await(String what, BooleanSupplier condition, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    // ------------------------------------------------------------------------------------------------- memory

    private static void memory(Server server, int n) throws Exception {
        Transport transport = Transport.create(2);
        AnyTlsOutbound base = outbound(transport, server, 10, Duration.ZERO);
        await("10 sessions", () -> base.poolStats().idle() == 10, 60);
        Thread.sleep(1000); // let the server's replies to Settings arrive
        Snapshot before = Snapshot.take();
        AnyTlsOutbound pool = outbound(transport, server, n, Duration.ZERO);
        long start = System.nanoTime();
        await(n + " sessions", () -> pool.poolStats().idle() == n, 120);
        long filled = System.nanoTime() - start;
        Thread.sleep(1000);
        Snapshot after = Snapshot.take();
        System.out.printf(
                Locale.ROOT,
                "idle sessions: %d (filled in %.1f s, ensure_idle_session_create_rate 0)%n",
                n,
                filled / 1e9);
        System.out.printf(
                Locale.ROOT,
                "heap retained: %.1f KiB per session (%.1f MiB total)%n",
                (after.heap - before.heap) / 1024.0 / n,
                (after.heap - before.heap) / 1048576.0);
        System.out.printf(
                Locale.ROOT,
                "direct, Netty allocator in use: %.1f KiB per session%n",
                (after.nettyDirect - before.nettyDirect) / 1024.0 / n);
        System.out.printf(
                Locale.ROOT,
                "direct, Netty allocator reserved (arenas): %.1f KiB per session%n",
                (after.nettyReserved - before.nettyReserved) / 1024.0 / n);
        System.out.printf(
                Locale.ROOT,
                "direct, JDK buffer pool: %.1f KiB per session%n",
                (after.jdkDirect - before.jdkDirect) / 1024.0 / n);
        // OpenSSL's own state (the SSL object, its session and keys) lives in the C heap: no Java figure shows it
        System.out.printf(
                Locale.ROOT,
                "resident set (everything, the C heap included): %.1f KiB per session, of which outside the Java"
                        + " heap's committed growth %.1f KiB (TLS provider %s)%n",
                (after.rss - before.rss) / 1024.0 / n,
                ((after.rss - before.rss) - (after.heapCommitted - before.heapCommitted)) / 1024.0 / n,
                io.netty.handler.ssl.OpenSsl.isAvailable() ? "OpenSSL" : "JDK");
        pool.close();
        Thread.sleep(1000);
        Snapshot closed = Snapshot.take();
        // direct memory the allocator keeps after the sessions are gone was never theirs alone: pooled chunks
        // grown by the burst of handshakes, reused by whatever comes next
        System.out.printf(
                Locale.ROOT,
                "after closing them: heap %.1f KiB, direct (Netty in use) %.1f KiB per session above the baseline%n",
                (closed.heap - before.heap) / 1024.0 / n,
                (closed.nettyDirect - before.nettyDirect) / 1024.0 / n);
        base.close();
        transport.close();
    }

    /** Memory in use after GC. */
    private record Snapshot(
            long heap, long heapCommitted, long nettyDirect, long nettyReserved, long jdkDirect, long rss) {
        static Snapshot take() throws InterruptedException {
            for (int i = 0; i < 5; i++) {
                System.gc();
                Thread.sleep(200);
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long committed =
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
            long jdk = 0;
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if (pool.getName().equals("direct")) {
                    jdk = pool.getMemoryUsed();
                }
            }
            ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
            long reserved = alloc instanceof ByteBufAllocatorMetricProvider provider
                    ? provider.metric().usedDirectMemory()
                    : -1;
            return new Snapshot(heap, committed, PlatformDependent.usedDirectMemory(), reserved, jdk, residentSet());
        }

        /** The process's resident set in bytes (Linux), or 0. */
        static long residentSet() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // not Linux
            }
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------------ latency

    private static void latency(Server server, int rounds) throws Exception {
        Transport transport = Transport.create(2);
        List<Long> warm = new ArrayList<>();
        List<Long> cold = new ArrayList<>();
        for (int i = 0; i < rounds + 5; i++) {
            long w = firstRequest(transport, server, 1);
            long c = firstRequest(transport, server, 0);
            if (i >= 5) { // the first rounds warm the JIT
                warm.add(w);
                cold.add(c);
            }
        }
        print("first request, pre-warmed pool (ensure_idle_session 1)", warm);
        print("first request, empty pool (TCP + TLS + auth on the path)", cold);
        transport.close();
    }

    /** Dial through a new outbound and wait for the echo of the first request; nanoseconds. */
    private static long firstRequest(Transport transport, Server server, int ensure) throws Exception {
        try (AnyTlsOutbound outbound = outbound(transport, server, ensure, Duration.ZERO)) {
            if (ensure > 0) {
                await("the pre-warmed session", () -> outbound.poolStats().idle() == ensure, 30);
                Thread.sleep(50); // its Settings answered, as a pool that has been warm for a while
            }
            Destination echo = Destination.of("127.0.0.1", server.echoPort());
            long start = System.nanoTime();
            Channel stream =
                    outbound.dial(echo, Metadata.internal(Network.TCP, echo)).get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> answered = new CompletableFuture<>();
            stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ReferenceCountUtil.release(msg);
                    answered.complete(null);
                }
            });
            stream.config().setAutoRead(true);
            stream.writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));
            answered.get(10, TimeUnit.SECONDS);
            long elapsed = System.nanoTime() - start;
            stream.close().syncUninterruptibly();
            return elapsed;
        }
    }

    private static void print(String label, List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "%s: median %.2f ms, p90 %.2f ms, min %.2f ms (%d rounds)%n",
                label,
                sorted.get(sorted.size() / 2) / 1e6,
                sorted.get(sorted.size() * 9 / 10) / 1e6,
                sorted.get(0) / 1e6,
                sorted.size());
    }

    // ---------------------------------------------------------------------------------------------------- cpu

    private static void cpu(Server server, int n, int seconds) throws Exception {
        for (Duration heartbeat : List.of(Duration.ZERO, Duration.ofSeconds(10))) {
            Transport transport = Transport.create(2);
            AnyTlsOutbound pool = outbound(transport, server, n, heartbeat);
            await(n + " sessions", () -> pool.poolStats().idle() == n, 120);
            Thread.sleep(12_000); // past the first heartbeat phase, so the steady state is measured
            long cpu0 = processCpuNanos();
            long server0 = server.cpuNanos();
            long t0 = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            long wall = System.nanoTime() - t0;
            long cpu = processCpuNanos() - cpu0;
            long serverCpu = server.cpuNanos() - server0;
            System.out.printf(
                    Locale.ROOT,
                    "%d idle sessions, heartbeat %s, over %.0f s: client CPU %.0f ms"
                            + " (%.3f %% of one core), server CPU %.0f ms; sessions closed meanwhile: %d%n",
                    n,
                    heartbeat.isZero() ? "off" : heartbeat.toSeconds() + " s",
                    wall / 1e9,
                    cpu / 1e6,
                    100.0 * cpu / wall,
                    serverCpu / 1e6,
                    pool.poolStats().closedHeartbeatTimeout());
            pool.close();
            transport.close();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
