package io.github.proxycore.benchmarks.anytls;

import io.github.proxycore.anytls.AnyTlsOutbound;
import io.github.proxycore.anytls.AnyTlsServer;
import io.github.proxycore.anytls.SelfSignedCertificate;
import io.github.proxycore.anytls.internal.TlsContexts;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.TlsVersion;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The AnyTLS benchmark harness (results and commands in docs/benchmarks.md), one process on loopback:
 *
 * <ol>
 *   <li>one-stream bulk throughput client→server and server→client through the AnyTLS client and server, next to
 *       plain Netty TLS between a Netty client and server with the same provider, version and cipher, in the same
 *       run;
 *   <li>time from {@code dial()} to a usable stream on a warm session (reused) and on a cold one (TCP + TLS + auth);
 *   <li>heap bytes allocated per PSH frame on the steady-state data path (all threads, measured with
 *       {@code ThreadMXBean.getThreadAllocatedBytes}; payload buffers are pooled direct memory and not counted).
 * </ol>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.proxycore.benchmarks.anytls.AnyTlsBenchmark
 * [MiB per run] [runs]}.
 */
public final class AnyTlsBenchmark {
    private static final String CIPHER = "TLS_AES_128_GCM_SHA256";
    private static final int CHUNK = 32 * 1024;
    private static final ByteBuf PAYLOAD;

    static {
        ByteBuf payload = PooledByteBufAllocator.DEFAULT.directBuffer(CHUNK);
        for (int i = 0; i < CHUNK; i++) {
            payload.writeByte(i * 31);
        }
        PAYLOAD = Unpooled.unreleasableBuffer(payload.asReadOnly());
    }

    private AnyTlsBenchmark() {}

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long bytes = mib * 1024 * 1024;
        SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
        SslContext serverTls = TlsContexts.server(
                List.of(cert.certificate()),
                cert.privateKey(),
                List.of(),
                TlsVersion.TLS_1_3,
                TlsVersion.TLS_1_3,
                List.of(CIPHER));
        OutboundTlsOptions clientTlsOptions = OutboundTlsOptions.builder()
                .certificate(cert.certificatePem())
                .minVersion(TlsVersion.TLS_1_3)
                .maxVersion(TlsVersion.TLS_1_3)
                .cipherSuites(List.of(CIPHER))
                .build();
        SslContext clientTls = TlsContexts.client(clientTlsOptions).context();
        System.out.printf(
                Locale.ROOT,
                "java %s, %d cores, TLS provider %s, %s, %d MiB per run, %d runs%n",
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                TlsContexts.provider(),
                CIPHER,
                mib,
                runs);
        try (Transport transport = Transport.create(0)) {
            Channel sink = plainServer(transport, null, () -> new Sink());
            Channel source = plainServer(transport, null, () -> new Source(bytes));
            Channel tlsSink = plainServer(transport, serverTls, () -> new Sink());
            Channel tlsSource = plainServer(transport, serverTls, () -> new Source(bytes));
            // a TLS-terminating relay in front of the plain servers: the same hops as the AnyTLS path, no AnyTLS
            Channel relaySink = relayServer(transport, serverTls, (InetSocketAddress) sink.localAddress());
            Channel relaySource = relayServer(transport, serverTls, (InetSocketAddress) source.localAddress());
            AnyTlsServer server = AnyTlsServer.builder()
                    .user("bench", "bench")
                    .sslContext(serverTls)
                    .transport(transport)
                    .bind(new InetSocketAddress("127.0.0.1", 0));
            // the same server with its destinations in its own process: the protocol without a second hop
            AnyTlsServer terminating = AnyTlsServer.builder()
                    .user("bench", "bench")
                    .sslContext(serverTls)
                    .transport(transport)
                    .router(new InProcessDestination(transport, PAYLOAD, bytes, () -> expectedUpload))
                    .bind(new InetSocketAddress("127.0.0.1", 0));
            AnyTlsOutboundOptions options = AnyTlsOutboundOptions.builder(
                            "bench", "127.0.0.1", server.localAddress().getPort(), "bench")
                    .tls(clientTlsOptions)
                    .build();
            AnyTlsOutboundOptions terminatingOptions = AnyTlsOutboundOptions.builder(
                            "bench-terminated",
                            "127.0.0.1",
                            terminating.localAddress().getPort(),
                            "bench")
                    .tls(clientTlsOptions)
                    .build();
            try (AnyTlsOutbound outbound = AnyTlsOutbound.create(options, OutboundContext.of(transport));
                    AnyTlsOutbound terminated =
                            AnyTlsOutbound.create(terminatingOptions, OutboundContext.of(transport))) {
                Destination sinkAddress = Destination.of((InetSocketAddress) sink.localAddress());
                Destination sourceAddress = Destination.of((InetSocketAddress) source.localAddress());
                Destination memorySink = Destination.of("127.0.0.1", InProcessDestination.SINK);
                Destination memorySource = Destination.of("127.0.0.1", InProcessDestination.SOURCE);
                InetSocketAddress tlsSinkAddress = (InetSocketAddress) tlsSink.localAddress();
                InetSocketAddress tlsSourceAddress = (InetSocketAddress) tlsSource.localAddress();
                InetSocketAddress relaySinkAddress = (InetSocketAddress) relaySink.localAddress();
                InetSocketAddress relaySourceAddress = (InetSocketAddress) relaySource.localAddress();

                // the four ways to move the bytes, for uploads (to a sink) or downloads (from a source)
                Function<Boolean, Variants> variants = up -> new Variants(
                        () -> plainTls(transport, clientTls, up ? tlsSinkAddress : tlsSourceAddress),
                        () -> plainTls(transport, clientTls, up ? relaySinkAddress : relaySourceAddress),
                        () -> dial(outbound, up ? sinkAddress : sourceAddress),
                        () -> dial(terminated, up ? memorySink : memorySource));

                System.out.println("\n== one-stream bulk throughput (MB/s = 10^6 bytes/s; best / median of runs) ==");
                for (String direction : List.of("upload", "download")) {
                    boolean up = direction.equals("upload");
                    Variants v = variants.apply(up);
                    double[] tls = new double[runs];
                    double[] relayed = new double[runs];
                    double[] anytls = new double[runs];
                    double[] anytlsTerminated = new double[runs];
                    // interleaved so that all four see the same machine state; the first round warms up
                    transfer(v.direct(), up, bytes);
                    transfer(v.relay(), up, bytes);
                    transfer(v.tunnel(), up, bytes);
                    transfer(v.protocol(), up, bytes);
                    for (int i = 0; i < runs; i++) {
                        tls[i] = transfer(v.direct(), up, bytes);
                        relayed[i] = transfer(v.relay(), up, bytes);
                        anytls[i] = transfer(v.tunnel(), up, bytes);
                        anytlsTerminated[i] = transfer(v.protocol(), up, bytes);
                    }
                    report(direction + "  plain TLS, direct                 ", tls);
                    report(direction + "  AnyTLS, server-terminated         ", anytlsTerminated);
                    report(direction + "  plain TLS, via a relay to a socket", relayed);
                    report(direction + "  AnyTLS tunnel to a socket         ", anytls);
                    System.out.printf(
                            Locale.ROOT,
                            "%s  same endpoints: AnyTLS server-terminated / plain TLS direct %.0f %%;"
                                    + " with the second hop: AnyTLS tunnel / TLS relay %.0f %%, AnyTLS tunnel / plain TLS direct"
                                    + " %.0f %% (medians)%n",
                            direction,
                            100 * median(anytlsTerminated) / median(tls),
                            100 * median(anytls) / median(relayed),
                            100 * median(anytls) / median(tls));
                }

                System.out.println("\n== stream open: dial() to usable channel (µs) ==");
                Destination target = sinkAddress;
                percentiles("warm (reused session), server dials a socket", warmOpens(outbound, target));
                percentiles("warm (reused session), server-terminated", warmOpens(terminated, memorySink));
                long[] cold = new long[200];
                for (int i = -20; i < cold.length; i++) {
                    try (AnyTlsOutbound fresh = AnyTlsOutbound.create(options, OutboundContext.of(transport))) {
                        long start = System.nanoTime();
                        Channel stream = dial(fresh, target);
                        long took = System.nanoTime() - start;
                        stream.close().syncUninterruptibly();
                        if (i >= 0) {
                            cold[i] = took;
                        }
                    }
                }
                percentiles("cold (TCP + TLS + auth, new outbound)", cold);

                System.out.println("\n== heap allocation on the steady-state data path (all threads) ==");
                long allocBytes = Math.min(bytes, 512L * 1024 * 1024);
                long chunks = allocBytes / CHUNK;
                for (String direction : List.of("upload", "download")) {
                    boolean up = direction.equals("upload");
                    Variants v = variants.apply(up);
                    double direct = allocationPerChunk(v.direct(), up, allocBytes);
                    double relay = allocationPerChunk(v.relay(), up, allocBytes);
                    double tunnel = allocationPerChunk(v.tunnel(), up, allocBytes);
                    double protocol = allocationPerChunk(v.protocol(), up, allocBytes);
                    System.out.printf(
                            Locale.ROOT,
                            "%s, bytes allocated per %d-byte chunk (%d chunks): plain TLS direct %.0f, AnyTLS"
                                    + " server-terminated %.0f (difference %.0f); TLS relay %.0f, AnyTLS tunnel %.0f (difference"
                                    + " %.0f)%n",
                            direction,
                            CHUNK,
                            chunks,
                            direct,
                            protocol,
                            protocol - direct,
                            relay,
                            tunnel,
                            tunnel - relay);
                }
            }
            server.close();
            terminating.close();
            for (Channel c : List.of(sink, source, tlsSink, tlsSource, relaySink, relaySource)) {
                c.close().syncUninterruptibly();
            }
        }
    }

    /** Plain TLS direct and through a relay, the AnyTLS tunnel and the server-terminated AnyTLS stream. */
    private record Variants(Opener direct, Opener relay, Opener tunnel, Opener protocol) {}

    /** Times 2000 stream opens on a warm session after 200 for warm-up; each stream closes before the next. */
    private static long[] warmOpens(AnyTlsOutbound outbound, Destination target) throws Exception {
        long[] took = new long[2000];
        for (int i = -200; i < took.length; i++) {
            long start = System.nanoTime();
            Channel stream = dial(outbound, target);
            long elapsed = System.nanoTime() - start;
            stream.close().syncUninterruptibly();
            awaitIdle(outbound);
            if (i >= 0) {
                took[i] = elapsed;
            }
        }
        return took;
    }

    private interface Opener {
        Channel open() throws Exception;
    }

    /** Moves {@code bytes} one way over a fresh stream or connection and returns MB/s. */
    private static double transfer(Opener opener, boolean upload, long bytes) throws Exception {
        Channel channel = opener.open();
        long start = System.nanoTime();
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (upload) {
            expectedUpload = bytes;
            Writer writer = new Writer(bytes);
            channel.pipeline().addLast(writer, new Counter(Long.MAX_VALUE, done));
            channel.config().setAutoRead(true);
            channel.eventLoop().execute(() -> writer.pump(channel));
            done.get(10, TimeUnit.MINUTES); // the sink answers one byte once it has everything
        } else {
            channel.pipeline().addLast(new Counter(bytes, done));
            channel.config().setAutoRead(true);
            channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
            done.get(10, TimeUnit.MINUTES);
        }
        long nanos = System.nanoTime() - start;
        channel.close().syncUninterruptibly();
        return bytes / (nanos / 1e9) / 1e6;
    }

    /** Heap bytes allocated by the whole process per {@link #CHUNK} moved, after a warm-up transfer. */
    private static double allocationPerChunk(Opener opener, boolean upload, long bytes) throws Exception {
        transfer(opener, upload, bytes);
        long before = allocatedBytes();
        transfer(opener, upload, bytes);
        return (double) (allocatedBytes() - before) / (bytes / CHUNK);
    }

    private static Channel dial(AnyTlsOutbound outbound, Destination target) throws Exception {
        return outbound.dial(target, Metadata.internal(Network.TCP, target)).get(30, TimeUnit.SECONDS);
    }

    private static void awaitIdle(AnyTlsOutbound outbound) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (outbound.poolStats().idle() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static Channel plainTls(Transport transport, SslContext tls, InetSocketAddress server) throws Exception {
        Channel channel = new Bootstrap()
                .group(transport.group())
                .channel(transport.socketChannelClass())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), "localhost", server.getPort()));
                    }
                })
                .connect(server)
                .sync()
                .channel();
        channel.read();
        channel.pipeline().get(SslHandler.class).handshakeFuture().sync();
        return channel;
    }

    private static Channel plainServer(
            Transport transport, SslContext tls, java.util.function.Supplier<ChannelInboundHandlerAdapter> handler)
            throws InterruptedException {
        return new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverSocketChannelClass())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(handler.get());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    /** A TLS server that relays every connection to {@code target} over plain TCP. */
    private static Channel relayServer(Transport transport, SslContext tls, InetSocketAddress target)
            throws InterruptedException {
        return new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverSocketChannelClass())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler ssl = tls.newHandler(ch.alloc());
                        Hold hold = new Hold();
                        ch.pipeline().addLast(ssl, hold);
                        ch.read();
                        ssl.handshakeFuture()
                                .addListener(f -> new Bootstrap()
                                        .group(ch.eventLoop())
                                        .channel(transport.socketChannelClass())
                                        .option(ChannelOption.AUTO_READ, false)
                                        .option(ChannelOption.TCP_NODELAY, true)
                                        .handler(new ChannelInboundHandlerAdapter())
                                        .connect(target)
                                        .addListener((io.netty.channel.ChannelFuture c) -> {
                                            io.github.proxycore.outbound.Relay.bind(ch, c.channel());
                                            hold.release();
                                        }));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .sync()
                .channel();
    }

    /** Keeps what the client sends before the relay is in place, then passes it on. */
    private static final class Hold extends ChannelInboundHandlerAdapter {
        private final List<Object> held = new ArrayList<>();
        private ChannelHandlerContext ctx;
        private boolean holding = true;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (holding) {
                held.add(msg);
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        void release() {
            holding = false;
            for (Object msg : held) {
                ctx.fireChannelRead(msg);
            }
            held.clear();
            ctx.fireChannelReadComplete();
        }
    }

    /** Writes {@code total} bytes of a shared payload, following writability. */
    private static final class Writer extends ChannelInboundHandlerAdapter {
        private final long total;
        private long written;

        Writer(long total) {
            this.total = total;
        }

        void pump(Channel channel) {
            while (written < total && channel.isWritable()) {
                int n = (int) Math.min(CHUNK, total - written);
                written += n;
                channel.write(PAYLOAD.retainedSlice(0, n), channel.voidPromise());
            }
            channel.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                pump(ctx.channel());
            }
            ctx.fireChannelWritabilityChanged();
        }
    }

    /** Counts bytes read; completes when {@code expected} arrived (or when any byte arrives for the upload ack). */
    private static final class Counter extends ChannelInboundHandlerAdapter {
        private final long expected;
        private final CompletableFuture<Long> done;
        private long count;

        Counter(long expected, CompletableFuture<Long> done) {
            this.expected = expected;
            this.done = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            count += buf.readableBytes();
            buf.release();
            if (expected == Long.MAX_VALUE || count >= expected) {
                done.complete(count);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new IllegalStateException("closed after " + count + " bytes"));
        }
    }

    /** Discards what it reads; answers one byte once {@link #expectedUpload} bytes arrived. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // the peer closed when it had what it wanted
        }

        private long count;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            count += buf.readableBytes();
            buf.release();
            if (count >= expectedUpload) {
                count = 0;
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
            }
        }
    }

    /** Set before each upload: the size the sink acknowledges at. */
    private static volatile long expectedUpload = Long.MAX_VALUE;

    /** On the first byte read, sends {@code total} bytes following writability. */
    private static final class Source extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // the peer closed when it had what it wanted
        }

        private final long total;
        private long sent;
        private boolean started;

        Source(long total) {
            this.total = total;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            if (!started) {
                started = true;
                pump(ctx);
            }
        }

        private void pump(ChannelHandlerContext ctx) {
            while (sent < total && ctx.channel().isWritable()) {
                int n = (int) Math.min(CHUNK, total - sent);
                sent += n;
                ctx.write(PAYLOAD.retainedSlice(0, n), ctx.voidPromise());
            }
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (started && ctx.channel().isWritable()) {
                pump(ctx);
            }
            ctx.fireChannelWritabilityChanged();
        }
    }

    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(ids)) {
            if (bytes > 0) {
                sum += bytes;
            }
        }
        return sum;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void report(String label, double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "%s best %7.0f  median %7.0f MB/s  (runs: %s)%n",
                label,
                sorted[sorted.length - 1],
                median(values),
                Arrays.toString(Arrays.stream(values).mapToLong(Math::round).toArray()));
    }

    private static void percentiles(String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        List<String> parts = new ArrayList<>();
        for (double p : new double[] {0.5, 0.9, 0.99}) {
            parts.add(String.format(Locale.ROOT, "p%.0f %.0f", p * 100, sorted[(int) (p * (sorted.length - 1))] / 1e3));
        }
        System.out.printf(
                Locale.ROOT,
                "%s: n=%d, %s, min %.0f µs%n",
                label,
                sorted.length,
                String.join(", ", parts),
                sorted[0] / 1e3);
    }
}
