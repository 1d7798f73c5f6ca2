package io.github.proxycore.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.SelfSignedCertificate;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.loadbalance.LoadBalanceOutbound;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.LocalHttpServer;
import io.github.proxycore.testing.TestData;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults between the AnyTLS client and server, on the whole path a user runs: a SOCKS5 client → {@code mixed}
 * inbound → {@code anytls} outbound → {@link FaultProxy} → {@code anytls} inbound → {@code direct} → a TCP target.
 * For each fault injected in the middle of a 1 GiB download: the client's stream ends within its bound (the
 * session's heartbeat is 1 s, so a silent server is found within about 2 s), memory stays bounded (the download is
 * never buffered), the next request succeeds, and nothing leaks (the build's paranoid leak detection fails the
 * class otherwise). Results are recorded in docs/reliability.md.
 */
class FaultInjectionTest {
    /** A stream must end this soon after its fault: heartbeat interval + timeout (1 s + 1 s) and slack for CI. */
    private static final Duration END_BOUND = Duration.ofSeconds(8);
    /** What the process may hold in Netty buffers at any time while a 1 GiB download runs into a fault. */
    private static final long MEMORY_BOUND = 64L << 20;

    private static final long DOWNLOAD = 1L << 30;
    private static final long STARTED = 1L << 20;

    @TempDir
    static Path dir;

    private static List<Path> files;
    private static Target target;
    private static Engine server;
    private static ExecutorService threads;

    private FaultProxy proxy;
    private Engine client;
    private MemoryWatch memory;

    @BeforeAll
    static void startServer() throws Exception {
        files = SelfSignedCertificate.forLoopback().writeTo(dir, "server");
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-test");
            t.setDaemon(true);
            return t;
        });
        target = new Target(threads);
        server = Engine.builder(ConfigLoader.parse("{"
                        + "\"inbounds\": [{\"type\": \"anytls\", \"tag\": \"in\", \"listen\": \"127.0.0.1\","
                        + "  \"listen_port\": 0, \"users\": [{\"name\": \"u\", \"password\": \"pw\"}],"
                        + "  \"tls\": {\"certificate_path\": \"" + files.get(0) + "\", \"key_path\": \""
                        + files.get(1) + "\"}}],"
                        + "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}]}"))
                .start();
    }

    @AfterAll
    static void stopServer() throws IOException {
        server.close();
        target.close();
        threads.shutdownNow();
    }

    @BeforeEach
    void startClient() throws Exception {
        proxy = new FaultProxy(server.inbound("in").localAddress());
        client = Engine.builder(ConfigLoader.parse("{"
                        + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\", \"listen\": \"127.0.0.1\","
                        + "  \"listen_port\": 0}],"
                        + "\"outbounds\": [" + member("proxy", proxy) + "]}"))
                .start();
        memory = new MemoryWatch();
    }

    @AfterEach
    void stopClient(TestInfo test, TestReporter reporter) throws IOException {
        memory.close();
        report(reporter, test.getDisplayName() + ": max Netty memory in use " + (memory.max() >> 20) + " MiB");
        client.close();
        proxy.close();
        assertThat(memory.max()).as("Netty memory in use at most").isLessThan(MEMORY_BOUND);
    }

    private static String member(String tag, FaultProxy proxy) {
        return "{\"type\": \"anytls\", \"tag\": \"" + tag + "\", \"server\": \"127.0.0.1\", \"server_port\": "
                + proxy.port() + ", \"password\": \"pw\", \"heartbeat\": \"1s\","
                + " \"tls\": {\"server_name\": \"localhost\", \"certificate_path\": \"" + files.get(0) + "\"}}";
    }

    private InetSocketAddress mixed() {
        return client.inbound("in").localAddress();
    }

    @Test
    void serverKilledMidTransfer(TestReporter reporter) throws Exception {
        Download download = Download.start(mixed(), threads);
        await(() -> download.received() >= STARTED, "the download started");
        proxy.kill();
        report(reporter, "stream ended after " + download.assertEndsWithin(END_BOUND) + " ms");
        download.assertReset();
        proxy.restart();
        assertTheNextRequestSucceeds(mixed());
    }

    @Test
    void connectionsResetMidTransfer(TestReporter reporter) throws Exception {
        Download download = Download.start(mixed(), threads);
        await(() -> download.received() >= STARTED, "the download started");
        proxy.reset();
        report(reporter, "stream ended after " + download.assertEndsWithin(END_BOUND) + " ms");
        download.assertReset();
        assertTheNextRequestSucceeds(mixed());
    }

    @Test
    void blackHoledMidTransfer(TestReporter reporter) throws Exception {
        Download download = Download.start(mixed(), threads);
        await(() -> download.received() >= STARTED, "the download started");
        proxy.blackHole();
        report(reporter, "stream ended after " + download.assertEndsWithin(END_BOUND) + " ms");
        download.assertReset();
        proxy.heal();
        assertTheNextRequestSucceeds(mixed());
    }

    @Test
    void serverStalledMidTransfer(TestReporter reporter) throws Exception {
        Download download = Download.start(mixed(), threads);
        await(() -> download.received() >= STARTED, "the download started");
        proxy.stall();
        report(reporter, "stream ended after " + download.assertEndsWithin(END_BOUND) + " ms");
        download.assertReset();
        proxy.heal();
        assertTheNextRequestSucceeds(mixed());
    }

    @Test
    void halfOpenMidTransfer(TestReporter reporter) throws Exception {
        Download download = Download.start(mixed(), threads);
        await(() -> download.received() >= STARTED, "the download started");
        proxy.halfOpen();
        report(reporter, "stream ended after " + download.assertEndsWithin(END_BOUND) + " ms");
        download.assertReset();
        assertTheNextRequestSucceeds(mixed());
    }

    /**
     * A client that reads slowly while the target sends as fast as it can: backpressure reaches the target through
     * the mixed inbound, the stream and the session, so memory stays bounded; the bytes that arrive are right; and
     * when the client gives up, everything unwinds.
     */
    @Test
    void slowReaderHoldsMemoryBounded() throws Exception {
        try (Socket s = socks5(mixed(), target.port())) {
            new DataOutputStream(s.getOutputStream()).write(downloadRequest(7, DOWNLOAD));
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            byte[] expected = new byte[buffer.length];
            long received = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < deadline) {
                int n = in.readNBytes(buffer, 0, buffer.length);
                TestData.fill(7, received, expected, n);
                assertThat(java.util.Arrays.equals(buffer, 0, n, expected, 0, n))
                        .as("bytes at " + received)
                        .isTrue();
                received += n;
                TimeUnit.MILLISECONDS.sleep(5); // the slow reader: about 3 MB/s against a target that never waits
            }
            assertThat(received).as("the slow reader got bytes").isPositive();
            assertThat(memory.max())
                    .as("memory while the target outruns the reader")
                    .isLessThan(MEMORY_BOUND);
        }
        assertTheNextRequestSucceeds(mixed());
    }

    /**
     * A balancer over two members, each behind its own proxy: when one member's server is killed, its streams
     * end within their bound, the other member's streams carry on, and new requests succeed (dials that fail on
     * the dead member are retried on the other).
     */
    @Test
    void loadBalancedMemberKilledMidTransfer() throws Exception {
        try (FaultProxy second = new FaultProxy(server.inbound("in").localAddress());
                LocalHttpServer http = LocalHttpServer.start("health");
                Engine balanced = Engine.builder(ConfigLoader.parse("{"
                                + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\", \"listen\": \"127.0.0.1\","
                                + "  \"listen_port\": 0}],"
                                + "\"outbounds\": [{\"type\": \"loadbalance\", \"tag\": \"lb\","
                                + "  \"primary_outbounds\": [\"a\", \"b\"], \"strategy\": \"random\","
                                + "  \"url\": \"http://127.0.0.1:" + http.port() + "/generate_204\","
                                + "  \"interval\": \"1h\", \"hysteresis\": {\"primary_failures\": 1}}, "
                                + member("a", proxy) + ", " + member("b", second) + "]}"))
                        .start()) {
            LoadBalanceOutbound lb = (LoadBalanceOutbound) balanced.outbounds().get("lb");
            assertThat(lb.checkNow().get(20, TimeUnit.SECONDS))
                    .as("both members pass their first check")
                    .allMatch(r -> r.isSuccess());
            InetSocketAddress entry = balanced.inbound("in").localAddress();
            List<Download> downloads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                downloads.add(Download.start(entry, threads));
            }
            await(
                    () -> downloads.stream().allMatch(d -> d.received() >= STARTED),
                    () -> "every download started: "
                            + downloads.stream()
                                    .map(d -> d.received() + (d.ended() ? " (" + d.cause + ")" : ""))
                                    .toList());
            long[] atKill = downloads.stream().mapToLong(Download::received).toArray();
            proxy.kill();
            // those on the killed member end within their bound; those on the other carry on: none hangs
            long deadline = System.nanoTime() + END_BOUND.toNanos();
            for (int i = 0; i < downloads.size(); i++) {
                Download d = downloads.get(i);
                long mark = atKill[i] + (4 << 20);
                while (!d.ended() && d.received() <= mark) {
                    assertThat(System.nanoTime())
                            .as("download " + i + " neither ended nor moved within " + END_BOUND + " of the kill")
                            .isLessThan(deadline);
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                if (d.ended()) {
                    d.assertEndsWithin(Duration.ZERO);
                    d.assertReset();
                }
            }
            for (int i = 0; i < 5; i++) {
                assertTheNextRequestSucceeds(entry);
            }
            downloads.forEach(Download::cancel);
        }
    }

    /** Printed for docs/reliability.md's fault table (surefire keeps no report entries), and reported to JUnit. */
    private static void report(TestReporter reporter, String what) {
        System.out.println("[fault] " + what);
        reporter.publishEntry(what);
    }

    // --- the client side ---

    private static void assertTheNextRequestSucceeds(InetSocketAddress entry) throws IOException {
        try (Socket s = socks5(entry, target.port())) {
            OutputStream out = s.getOutputStream();
            out.write('E');
            out.write("ping".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII))
                    .as("an echo through the healed path")
                    .isEqualTo("ping");
        }
    }

    /** A socket through the mixed inbound's SOCKS5 to 127.0.0.1:{@code port}, connected (status 0 asserted). */
    private static Socket socks5(InetSocketAddress entry, int port) throws IOException {
        Socket s = new Socket();
        s.connect(entry, 5000);
        s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(15)); // a hang fails the test instead of stopping it
        OutputStream out = s.getOutputStream();
        out.write(new byte[] {5, 1, 0});
        out.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port});
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] greeting = in.readNBytes(2);
        assertThat(greeting).as("SOCKS5 method").containsExactly(5, 0);
        byte[] reply = in.readNBytes(10);
        assertThat(reply.length == 10 ? reply[1] : -1)
                .as("SOCKS5 CONNECT status")
                .isEqualTo((byte) 0);
        return s;
    }

    private static byte[] downloadRequest(long seed, long length) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(17);
        b.put((byte) 'D').putLong(seed).putLong(length);
        return b.array();
    }

    private static void await(BooleanSupplier condition, String what) {
        await(condition, () -> what);
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what.get());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** A download through the proxy chain on a thread of its own, counting (and checking) what arrives. */
    private static final class Download {
        private final Socket socket;
        private final AtomicLong received = new AtomicLong();
        private final CompletableFuture<Long> done = new CompletableFuture<>();
        private volatile String cause;

        private Download(Socket socket) {
            this.socket = socket;
        }

        static Download start(InetSocketAddress entry, ExecutorService threads) throws IOException {
            Socket s = socks5(entry, target.port());
            s.getOutputStream().write(downloadRequest(1, DOWNLOAD));
            Download d = new Download(s);
            threads.execute(d::run);
            return d;
        }

        private void run() {
            byte[] buffer = new byte[64 * 1024];
            byte[] expected = new byte[buffer.length];
            try (socket) {
                InputStream in = socket.getInputStream();
                for (int n; (n = in.read(buffer)) > 0; ) {
                    TestData.fill(1, received.get(), expected, n);
                    if (!java.util.Arrays.equals(buffer, 0, n, expected, 0, n)) {
                        done.completeExceptionally(new AssertionError("wrong bytes at " + received.get()));
                        return;
                    }
                    received.addAndGet(n);
                }
                cause = "end of stream";
                done.complete(received.get());
            } catch (IOException e) {
                cause = e.toString();
                done.complete(received.get()); // a reset ends the stream as well as an EOF
            }
        }

        long received() {
            return received.get();
        }

        /** The stream ended with a reset, not a clean end of stream: the client can tell that it was cut short. */
        void assertReset() {
            assertThat(cause).as("how the cut download ended").contains("Connection reset");
        }

        boolean ended() {
            return done.isDone();
        }

        void cancel() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }

        /**
         * The stream ends (EOF or reset; the bytes until then were right) within {@code bound}, cut short; returns
         * how long it took, in milliseconds.
         */
        long assertEndsWithin(Duration bound) throws Exception {
            long start = System.nanoTime();
            long got = bound.isZero() ? done.getNow(-1L) : done.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(got).as("the download was cut short").isLessThan(DOWNLOAD);
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
    }

    /** Samples the default allocator's memory in use (all engines share it) and keeps the maximum. */
    private static final class MemoryWatch implements AutoCloseable {
        private final AtomicLong max = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        MemoryWatch() {
            thread = new Thread(
                    () -> {
                        while (running) {
                            max.accumulateAndGet(used(), Math::max);
                            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                        }
                    },
                    "memory-watch");
            thread.setDaemon(true);
            thread.start();
        }

        static long used() {
            if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
                return provider.metric().usedDirectMemory() + provider.metric().usedHeapMemory();
            }
            return 0;
        }

        long max() {
            return Math.max(max.get(), used());
        }

        @Override
        public void close() {
            running = false;
        }
    }

    /**
     * The TCP target on 127.0.0.1: {@code 'D' seed length} sends that many bytes of the seed's test stream as fast
     * as the connection takes them; {@code 'E'} echoes until the end of its input.
     */
    private static final class Target implements AutoCloseable {
        private final ServerSocket socket;

        Target(ExecutorService threads) throws IOException {
            socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            threads.execute(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        threads.execute(() -> serve(s));
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        private static void serve(Socket s) {
            try (s) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                int command = in.readUnsignedByte();
                if (command == 'E') {
                    in.transferTo(out);
                    return;
                }
                long seed = in.readLong();
                long length = in.readLong();
                byte[] buffer = new byte[64 * 1024];
                for (long offset = 0; offset < length; offset += buffer.length) {
                    int chunk = (int) Math.min(buffer.length, length - offset);
                    TestData.fill(seed, offset, buffer, chunk);
                    out.write(buffer, 0, chunk);
                }
            } catch (IOException e) {
                // the stream was cut: that is what the faults do
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
