package io.github.proxycore.anytls;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.testing.Conditions;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pool against this project's AnyTLS server over real TLS on 127.0.0.1, with short configured durations. Waits
 * are on conditions with generous bounds; where a bound is part of the rule (recovery within one check interval) the
 * test measures it.
 */
class PoolIntegrationTest {
    private static final Duration INTERVAL = Duration.ofMillis(200);

    @RegisterExtension
    static final LoopbackTls LOOPBACK = new LoopbackTls(2);

    private static Transport transport;
    private static SelfSignedCertificate cert;
    private static AnyTlsServer server;
    private static Channel echo;

    @BeforeAll
    static void start() {
        transport = LOOPBACK.transport();
        cert = LOOPBACK.cert();
        server = Loopback.server(transport, cert);
        echo = Loopback.echoServer(transport);
    }

    @AfterAll
    static void stop() {
        echo.close().syncUninterruptibly();
        server.close();
    }

    private static AnyTlsOutboundOptions.Builder options(int port) {
        return AnyTlsOutboundOptions.builder("pool", "127.0.0.1", port, Loopback.PASSWORD)
                .tls(OutboundTlsOptions.builder()
                        .certificate(cert.certificatePem())
                        .build())
                .idleSessionCheckInterval(INTERVAL);
    }

    private static AnyTlsOutbound outbound(AnyTlsOutboundOptions.Builder options) {
        return AnyTlsOutbound.create(options.build(), OutboundContext.of(transport));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, null);
    }

    private static void await(String what, BooleanSupplier condition, AnyTlsOutbound outbound)
            throws InterruptedException {
        // the last pool stats seen go into the failure
        Conditions.await(
                what,
                Duration.ofSeconds(20),
                () -> outbound == null ? "" : outbound.poolStats(),
                stats -> condition.getAsBoolean());
    }

    /** One request / response through the outbound to the echo server. */
    private static void echoOnce(AnyTlsOutbound outbound, String text) throws Exception {
        Destination target = Destination.of((InetSocketAddress) echo.localAddress());
        Channel stream =
                outbound.dial(target, Metadata.internal(Network.TCP, target)).get(15, TimeUnit.SECONDS);
        Loopback.Collector collector = Loopback.Collector.on(stream);
        stream.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        assertThat(collector.awaitText(text.length())).isEqualTo(text);
        stream.close().syncUninterruptibly();
    }

    @Test
    void aPrewarmedPoolServesTheFirstRequestWithoutAHandshake() throws Exception {
        try (TcpRelay relay = TcpRelay.start(transport, server.localAddress());
                AnyTlsOutbound outbound = outbound(options(relay.port()).ensureIdleSession(2))) {
            await("2 pre-warmed sessions", () -> outbound.poolStats().idle() == 2);
            List<InetSocketAddress> prewarmed = relay.clients();
            assertThat(prewarmed).hasSize(2);
            Destination target = Destination.of((InetSocketAddress) echo.localAddress());
            Channel stream = outbound.dial(target, Metadata.internal(Network.TCP, target))
                    .get(15, TimeUnit.SECONDS);
            // the stream runs on one of the pre-warmed TCP connections: no connection, no handshake was needed
            // (the ensure step may meanwhile top the pool up again with a third; that is not this request's)
            assertThat(prewarmed).contains((InetSocketAddress) stream.parent().localAddress());
            Loopback.Collector collector = Loopback.Collector.on(stream);
            stream.writeAndFlush(Unpooled.copiedBuffer("first request", StandardCharsets.US_ASCII));
            assertThat(collector.awaitText(13)).isEqualTo("first request");
            stream.close().syncUninterruptibly();
            PoolStats stats = outbound.poolStats();
            assertThat(stats.createdOnDemand()).isZero();
            assertThat(stats.streamsOpened()).isEqualTo(1);
        }
    }

    @Test
    void idleSessionsBeyondMinIdleRotateOnTheWire() throws Exception {
        // the documented interaction of min_idle_session and ensure_idle_session (docs/anytls.md) at a small scale:
        // keep 1 from idle cleanup, ensure 3. Every cleanup closes the idle sessions beyond the newest one after 300 ms
        // idle, and the ensure step dials new TCP connections for them
        try (TcpRelay relay = TcpRelay.start(transport, server.localAddress());
                AnyTlsOutbound outbound = outbound(options(relay.port())
                        .minIdleSession(1)
                        .ensureIdleSession(3)
                        .idleSessionTimeout(Duration.ofMillis(300)))) {
            await("3 pre-warmed sessions", () -> outbound.poolStats().idle() == 3, outbound);
            await("two rounds of rotation", () -> relay.accepted() >= 3 + 4, outbound);
            await("the first connections to be closed", () -> !relay.clientOpen(0) && !relay.clientOpen(1));
            await(
                    "the pool back at 3 idle over 3 open connections",
                    () -> outbound.poolStats().idle() == 3 && relay.openClients() == 3,
                    outbound);
            PoolStats stats = outbound.poolStats();
            assertThat(stats.closedIdleTimeout()).isGreaterThanOrEqualTo(4);
            assertThat(stats.createdByEnsure()).isGreaterThanOrEqualTo(7);
            assertThat(stats.closedError() + stats.closedRemote()).isZero();
            echoOnce(outbound, "on a rotated session");
            assertThat(outbound.poolStats().streamsFailed()).isZero();
        }
    }

    @Test
    void whenNoNewSessionCanBeDialledASessionKeptPastItsLifetimeServes() throws Exception {
        try (TcpRelay relay = TcpRelay.start(transport, server.localAddress());
                AnyTlsOutbound outbound = outbound(options(relay.port())
                        .ensureIdleSession(1)
                        .minIdleSessionForAge(1)
                        .maxConnectionLifetime(Duration.ofSeconds(1)))) {
            await("a pre-warmed session", () -> outbound.poolStats().idle() == 1, outbound);
            InetSocketAddress kept = relay.clients().get(0);
            relay.refuseNew();
            // the session expires; the ensure step's replacement cannot connect, the age floor keeps the old one
            await("a failed replacement", () -> outbound.poolStats().dialsFailed() >= 1, outbound);
            Destination target = Destination.of((InetSocketAddress) echo.localAddress());
            Channel stream = outbound.dial(target, Metadata.internal(Network.TCP, target))
                    .get(15, TimeUnit.SECONDS);
            assertThat(stream.parent().localAddress()).isEqualTo(kept);
            Loopback.Collector collector = Loopback.Collector.on(stream);
            stream.writeAndFlush(Unpooled.copiedBuffer("kept", StandardCharsets.US_ASCII));
            assertThat(collector.awaitText(4)).isEqualTo("kept");
            stream.close().syncUninterruptibly();
            assertThat(outbound.poolStats().streamsFailed()).isZero();
            assertThat(outbound.poolStats().dialsFailed())
                    .as("the demand dial failed first")
                    .isGreaterThanOrEqualTo(2);
            await(
                    "the kept session back in the idle set",
                    () -> outbound.poolStats().idle() == 1,
                    outbound);
        }
    }

    @Test
    void rotationWithAShortLifetimeUnderContinuousLoadLosesNoStream() throws Exception {
        try (AnyTlsOutbound outbound = outbound(options(server.localAddress().getPort())
                .ensureIdleSession(2)
                .maxConnectionLifetime(Duration.ofSeconds(1))
                .connectionLifetimeJitter(Duration.ofMillis(200)))) {
            AtomicInteger ok = new AtomicInteger();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3500);
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int worker = w;
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 2000 && System.nanoTime() < end; i++) {
                        try {
                            echoOnce(outbound, "w" + worker + "-" + i);
                            ok.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                });
                thread.start();
                workers.add(thread);
            }
            for (Thread thread : workers) {
                thread.join(30_000);
            }
            assertThat(failures).isEmpty();
            assertThat(ok.get()).isGreaterThan(30);
            PoolStats stats = outbound.poolStats();
            assertThat(stats.closedMaxAge()).as("sessions were rotated").isGreaterThanOrEqualTo(2);
            assertThat(stats.streamsFailed()).isZero();
            assertThat(stats.closedError() + stats.closedRemote()).isZero();
        }
    }

    @Test
    void aBlackHoledSessionIsDetectedByHeartbeatAndReplaced() throws Exception {
        try (TcpRelay relay = TcpRelay.start(transport, server.localAddress());
                AnyTlsOutbound outbound =
                        outbound(options(relay.port()).ensureIdleSession(1).heartbeat(INTERVAL))) {
            await("a pre-warmed session", () -> outbound.poolStats().idle() == 1);
            int before = relay.serverReads();
            // ServerSettings, then heartbeat responses: several server writes prove the heartbeat runs
            await("heartbeat responses", () -> relay.serverReads() >= before + 4);
            relay.blackHoleExisting();
            long blackHoled = System.nanoTime();
            await("heartbeat timeout", () -> outbound.poolStats().closedHeartbeatTimeout() == 1);
            long detected = System.nanoTime() - blackHoled;
            // the timeout is max(1 s, heartbeat): detection within a beat and a timeout, with slack for a busy box
            assertThat(detected).isLessThan(TimeUnit.MILLISECONDS.toNanos(1200 + INTERVAL.toMillis() + 1500));
            await("a replacement", () -> outbound.poolStats().idle() == 1 && relay.accepted() == 2);
            echoOnce(outbound, "after the black hole");
            assertThat(outbound.poolStats().createdByEnsure()).isGreaterThanOrEqualTo(2);
            assertThat(outbound.poolStats().closedHeartbeatTimeout()).isEqualTo(1);
            assertThat(outbound.poolStats().streamsFailed()).isZero();
        }
    }

    @Test
    void aStreamOnAnIdleSessionThatTurnsOutDeadIsRetriedOnceOnAFreshSession() throws Exception {
        try (TcpRelay relay = TcpRelay.start(transport, server.localAddress());
                AnyTlsOutbound outbound = outbound(options(relay.port()))) {
            // a session made idle by a finished stream (no pre-warming adds a newer one the next dial would take)
            echoOnce(outbound, "the session works");
            await("the session back in the pool", () -> outbound.poolStats().idle() == 1);
            // dead on the wire but not to the client: the SYN gets no SYNACK, the watchdog closes the session, and
            // nothing reached the destination, so the stream is retried; unlike a reset on the next client bytes,
            // this cannot race the first stream's FIN still crossing the relay
            relay.blackHoleExisting();
            echoOnce(outbound, "retried transparently");
            PoolStats stats = outbound.poolStats();
            assertThat(stats.streamsRetried()).isEqualTo(1);
            assertThat(stats.streamsFailed()).isZero();
            assertThat(stats.streamsOpened()).isEqualTo(2);
            assertThat(stats.createdOnDemand())
                    .as("the first stream's session, then a fresh one for the retry")
                    .isEqualTo(2);
        }
    }

    @Test
    void afterAServerRestartThePoolRecoversWithinOneCheckIntervalAndBacksOffWhileItIsDown() throws Exception {
        AnyTlsServer own = Loopback.server(transport, cert);
        int port = own.localAddress().getPort();
        try (AnyTlsOutbound outbound = outbound(options(port).ensureIdleSession(2))) {
            await("2 pre-warmed sessions", () -> outbound.poolStats().idle() == 2);
            own.close();
            long down = System.nanoTime();
            await("the sessions to die", () -> outbound.poolStats().total() == 0);
            await("failed dials", () -> outbound.poolStats().dialsFailed() >= 6, outbound);
            long downFor = System.nanoTime() - down;
            long failed = outbound.poolStats().dialsFailed();
            // back-off: 2 dials, then one probe at a time after 25, 50, 100, then every 200 ms (the interval).
            // Without it, every failure would wake the ensure step into an immediate redial.
            long cap = 2 + 3 + downFor / INTERVAL.toNanos() + 2;
            assertThat(failed).isLessThanOrEqualTo(cap);
            own = AnyTlsServer.builder()
                    .user("tester", Loopback.PASSWORD)
                    .certificate(cert)
                    .transport(transport)
                    .bind(Loopback.loopback(port));
            long back = System.nanoTime();
            await("recovery", () -> outbound.poolStats().idle() == 2);
            long recovery = System.nanoTime() - back;
            // one interval for the next probe, then two TLS handshakes; slack for a loaded 2-core machine
            assertThat(recovery).isLessThan(INTERVAL.toNanos() + TimeUnit.MILLISECONDS.toNanos(800));
            echoOnce(outbound, "back");
        } finally {
            own.close();
        }
    }
}
