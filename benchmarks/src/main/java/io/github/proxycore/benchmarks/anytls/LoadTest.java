package io.github.proxycore.benchmarks.anytls;

import io.github.proxycore.anytls.AnyTlsOutbound;
import io.github.proxycore.anytls.AnyTlsServer;
import io.github.proxycore.anytls.SelfSignedCertificate;
import io.github.proxycore.anytls.internal.TlsContexts;
import io.github.proxycore.config.ListenOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.TlsVersion;
import io.github.proxycore.config.inbound.MixedInboundOptions;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.mixed.MixedInbound;
import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.outbound.inbound.InboundContext;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load test of issue 14 (not in CI): N concurrent connections, then M short streams, through SOCKS5 → mixed
 * inbound → AnyTLS client → AnyTLS server, each role in a process of its own so that each stays under the
 * machine's per-process descriptor limit (a concurrent connection costs two descriptors in the client process).
 * The server's destination is in its process ({@link InProcessDestination}: one byte in, 32 bytes out), so the
 * figures are the proxy's alone. Results and the command are in docs/reliability.md.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.proxycore.benchmarks.anytls.LoadTest 10000 1000000 2
 * </pre>
 *
 * Arguments: concurrent connections, short streams, client processes (the connections are split between them).
 * Each child answers {@code MEM} on its standard input with its heap in use after a GC and its direct memory.
 */
public final class LoadTest {
    private static final int ANSWER = 32;
    /** App connections at most between connect and answer: the mixed inbound's handshake cap is 1,024. */
    private static final int OPENING = 64;
    /** Short streams in flight at once. */
    private static final int SHORT_IN_FLIGHT = 64;
    /**
     * Short streams before anything is measured, few at a time: cold, the JIT and 64 TLS handshakes at once on two
     * shared cores took longer than a TLS handshake may (10 s), and those first sessions failed.
     */
    private static final int WARM_UP = 2_000;

    private LoadTest() {}

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "server" -> server(Path.of(args[1]));
            case "client" -> client(Integer.parseInt(args[1]), Path.of(args[2]));
            default ->
                run(
                        args.length > 0 ? Integer.parseInt(args[0]) : 10_000,
                        args.length > 1 ? Long.parseLong(args[1]) : 1_000_000,
                        args.length > 2 ? Integer.parseInt(args[2]) : 2);
        }
    }

    // --- children ---

    private static void server(Path pemFile) throws Exception {
        Transport transport = Transport.create(0);
        SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
        Files.writeString(pemFile, cert.certificatePem());
        SslContext tls = TlsContexts.server(
                List.of(cert.certificate()),
                cert.privateKey(),
                List.of(),
                TlsVersion.TLS_1_3,
                TlsVersion.TLS_1_3,
                List.of("TLS_AES_128_GCM_SHA256"));
        ByteBuf answer = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer(ANSWER).writeZero(ANSWER).asReadOnly());
        AnyTlsServer server = AnyTlsServer.builder()
                .user("load", "load")
                .sslContext(tls)
                .transport(transport)
                .router(new InProcessDestination(transport, answer, ANSWER, () -> Long.MAX_VALUE))
                .bind(new InetSocketAddress("127.0.0.1", 0));
        serveChild(server.localAddress().getPort());
    }

    private static void client(int serverPort, Path pemFile) throws Exception {
        Transport transport = Transport.create(0);
        AnyTlsOutboundOptions options = AnyTlsOutboundOptions.builder("load", "127.0.0.1", serverPort, "load")
                .tls(OutboundTlsOptions.builder()
                        .certificate(Files.readString(pemFile))
                        .minVersion(TlsVersion.TLS_1_3)
                        .maxVersion(TlsVersion.TLS_1_3)
                        .build())
                .build();
        AnyTlsOutbound outbound = AnyTlsOutbound.create(options, OutboundContext.of(transport));
        MixedInbound inbound = MixedInbound.start(
                new MixedInboundOptions("mixed", ListenOptions.of("127.0.0.1", 0), List.of()),
                new InboundContext(transport, ConnectionRouter.to(outbound)));
        serveChild(inbound.localAddress().getPort());
    }

    /** Says where it listens, then answers MEM until its input ends. */
    private static void serveChild(int port) throws IOException {
        System.out.println("READY " + port);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("MEM")) {
                System.out.println("MEM " + memory());
                System.out.flush();
            }
        }
        System.exit(0);
    }

    /** Heap in use after a GC, the JVM's direct buffers, and the Netty allocator's direct and heap memory. */
    private static String memory() {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            }
        }
        long nettyDirect = -1;
        long nettyHeap = -1;
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            nettyDirect = provider.metric().usedDirectMemory();
            nettyHeap = provider.metric().usedHeapMemory();
        }
        return String.format(
                Locale.ROOT,
                "heap %d MiB, direct buffers %d MiB, netty direct %d MiB, netty heap %d MiB",
                heap >> 20,
                direct >> 20,
                nettyDirect >> 20,
                nettyHeap >> 20);
    }

    private static final class Child implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final PrintWriter in;
        final int port;
        final Path log;
        final String name;

        Child(String name, Path log, String... args) throws IOException {
            this.name = name;
            this.log = log;
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g",
                    "-XX:MaxDirectMemorySize=1g",
                    "-cp",
                    System.getProperty("java.class.path"),
                    LoadTest.class.getName()));
            command.addAll(List.of(args));
            process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            String ready = out.readLine();
            if (ready == null || !ready.startsWith("READY ")) {
                throw new IOException(name + " did not start: " + ready + "; see " + log);
            }
            port = Integer.parseInt(ready.substring(6));
        }

        String memory() throws IOException {
            in.println("MEM");
            String line = out.readLine();
            return name + ": " + (line == null ? "gone" : line.substring(4));
        }

        long leaks() throws IOException {
            try (var lines = Files.lines(log)) {
                return lines.filter(l -> l.contains("LEAK:")).count();
            }
        }

        @Override
        public void close() throws Exception {
            in.close();
            process.waitFor(10, TimeUnit.SECONDS);
            process.destroy();
        }
    }

    // --- the orchestrator, which is also the application side ---

    private static void run(int connections, long shortStreams, int clients) throws Exception {
        Path dir = Files.createTempDirectory("proxycore-load");
        Path pem = dir.resolve("server.pem");
        System.out.printf(
                Locale.ROOT,
                "java %s, %d cores; %d concurrent connections, %d short streams, %d client processes; logs in %s%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                connections,
                shortStreams,
                clients,
                dir);
        List<Child> children = new ArrayList<>();
        try (Transport transport = Transport.create(0)) {
            Child server = new Child("server", dir.resolve("server.log"), "server", pem.toString());
            children.add(server);
            List<InetSocketAddress> entries = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                Child c = new Child(
                        "client" + i,
                        dir.resolve("client" + i + ".log"),
                        "client",
                        String.valueOf(server.port),
                        pem.toString());
                children.add(c);
                entries.add(new InetSocketAddress("127.0.0.1", c.port));
            }
            printMemory("at start", children);
            long warmUpErrors = shortStreams(transport, entries, WARM_UP, 8, 0, null);
            System.out.printf(
                    Locale.ROOT, "warm-up: %d short streams, 8 at a time, %d errors%n", WARM_UP, warmUpErrors);

            // 1. concurrent connections, all open at once
            long start = System.nanoTime();
            AtomicLong errors = new AtomicLong();
            ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
            Semaphore opening = new Semaphore(OPENING);
            List<Channel> open = new ArrayList<>(connections);
            List<CompletableFuture<Void>> answers = new ArrayList<>(connections);
            for (int i = 0; i < connections; i++) {
                opening.acquire();
                CompletableFuture<Void> answered = new CompletableFuture<>();
                answered.whenComplete((v, e) -> {
                    opening.release();
                    if (e != null) {
                        errors.incrementAndGet();
                        if (firstErrors.size() < 5) {
                            firstErrors.add(e.toString());
                        }
                    }
                });
                answers.add(answered);
                open.add(app(transport, entries.get(i % entries.size()), answered, false));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .handle((v, e) -> null)
                    .get(30, TimeUnit.MINUTES);
            long stillOpen = open.stream().filter(Channel::isActive).count();
            System.out.printf(
                    Locale.ROOT,
                    "%d connections answered in %.1f s, %d errors %s, %d open at once%n",
                    connections - errors.get(),
                    (System.nanoTime() - start) / 1e9,
                    errors.get(),
                    firstErrors,
                    stillOpen);
            printMemory("with " + stillOpen + " connections open", children);
            for (Channel c : open) {
                c.close();
            }
            for (Channel c : open) {
                c.closeFuture().await(10, TimeUnit.SECONDS);
            }
            open.clear();
            answers.clear();
            printMemory("after they closed", children);

            // 2. short streams: connect, request, 32 bytes, close
            long shortErrors = shortStreams(
                    transport, entries, shortStreams, SHORT_IN_FLIGHT, Math.max(1, shortStreams / 10), children);
            System.out.printf(Locale.ROOT, "short streams: %d errors%n", shortErrors);
            for (Child c : children) {
                System.out.printf(Locale.ROOT, "%s: %d LEAK reports in its log%n", c.name, c.leaks());
            }
        } finally {
            for (Child c : children) {
                c.close();
            }
        }
    }

    /** Runs {@code count} short streams, {@code inFlight} at a time, reporting every {@code interval}; errors. */
    private static long shortStreams(
            Transport transport,
            List<InetSocketAddress> entries,
            long count,
            int inFlight,
            long interval,
            List<Child> children)
            throws Exception {
        AtomicLong errors = new AtomicLong();
        ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
        Semaphore slots = new Semaphore(inFlight);
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            slots.acquire();
            CompletableFuture<Void> answered = new CompletableFuture<>();
            answered.whenComplete((v, e) -> {
                slots.release();
                if (e != null) {
                    errors.incrementAndGet();
                    if (firstErrors.size() < 5) {
                        firstErrors.add(e.toString());
                    }
                }
            });
            app(transport, entries.get((int) (i % entries.size())), answered, true);
            if (children != null && (i + 1) % interval == 0) {
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "%d short streams in %.1f s (%.0f/s), %d errors%n",
                        i + 1,
                        seconds,
                        (i + 1) / seconds,
                        errors.get());
                printMemory("after " + (i + 1) + " short streams", children);
            }
        }
        slots.acquire(inFlight);
        if (!firstErrors.isEmpty()) {
            System.out.println("first errors: " + firstErrors);
        }
        return errors.get();
    }

    private static void printMemory(String when, List<Child> children) throws IOException {
        System.out.println("memory " + when + ":");
        for (Child c : children) {
            System.out.println("  " + c.memory());
        }
        System.out.flush();
    }

    /**
     * One application connection: SOCKS5 greeting, CONNECT to the server's in-process destination, one byte; done
     * once the 32-byte answer is in; a short stream then closes.
     */
    private static Channel app(
            Transport transport, InetSocketAddress entry, CompletableFuture<Void> answered, boolean closeWhenDone) {
        return new Bootstrap()
                .group(transport.group())
                .channel(transport.socketChannelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Duration.ofSeconds(30).toMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new App(answered, closeWhenDone));
                    }
                })
                .connect(entry)
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        answered.completeExceptionally(f.cause());
                    }
                })
                .channel();
    }

    private static final class App extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Void> answered;
        private final boolean closeWhenDone;
        private int expected = 2; // the method answer, then the CONNECT reply (10), then the answer
        private int stage;
        private int have;

        App(CompletableFuture<Void> answered, boolean closeWhenDone) {
            this.answered = answered;
            this.closeWhenDone = closeWhenDone;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {5, 1, 0}));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (stage < 2 && in.isReadable() && have == 0 && in.getByte(in.readerIndex()) != 5) {
                    fail(ctx, "not a SOCKS5 answer");
                    return;
                }
                if (stage == 1 && have == 0 && in.readableBytes() > 1 && in.getByte(in.readerIndex() + 1) != 0) {
                    fail(ctx, "CONNECT refused: " + in.getByte(in.readerIndex() + 1));
                    return;
                }
                have += in.readableBytes();
                while (have >= expected && !answered.isDone()) {
                    have -= expected;
                    stage++;
                    if (stage == 1) {
                        expected = 10;
                        // CONNECT 0.0.0.2:2 (the in-process destination's SOURCE port), then the request byte
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(
                                new byte[] {5, 1, 0, 1, 0, 0, 0, 2, 0, (byte) InProcessDestination.SOURCE, 'x'}));
                    } else if (stage == 2) {
                        expected = ANSWER;
                    } else {
                        answered.complete(null);
                        if (closeWhenDone) {
                            ctx.close();
                        }
                    }
                }
            } finally {
                ReferenceCountUtil.release(in);
            }
        }

        private void fail(ChannelHandlerContext ctx, String why) {
            answered.completeExceptionally(new IOException(why));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answered.completeExceptionally(new IOException("closed before the answer (stage " + stage + ")"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answered.completeExceptionally(cause);
            ctx.close();
        }
    }
}
