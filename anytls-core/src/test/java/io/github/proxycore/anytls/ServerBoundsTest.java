package io.github.proxycore.anytls;

import static io.github.proxycore.anytls.RawClient.concat;
import static io.github.proxycore.anytls.RawClient.frame;
import static io.github.proxycore.anytls.RawClient.open;
import static io.github.proxycore.anytls.RawClient.preamble;
import static io.github.proxycore.anytls.RawClient.psh;
import static io.github.proxycore.anytls.RawClient.settings;
import static io.github.proxycore.anytls.RawClient.v2Settings;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.RawClient.Frame;
import io.github.proxycore.anytls.internal.wire.Command;
import io.github.proxycore.anytls.internal.wire.Frames;
import io.github.proxycore.config.DialOptions;
import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DirectOutbound;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server's bounds against a hostile client written here (issue 14): each test abuses one session and shows that
 * a second, well-behaved client on the same server keeps working.
 */
class ServerBoundsTest {
    /** Dials to this port never complete: a destination that black-holes the SYN. */
    private static final int BLACK_HOLE_PORT = 9;
    /** Dials to this port fail with an OutOfMemoryError, as a direct-memory allocation would. */
    private static final int OOM_PORT = 11;

    @RegisterExtension
    static final LoopbackTls LOOPBACK = new LoopbackTls(2);

    private static Transport transport;
    private static SelfSignedCertificate cert;
    private static Channel echo;
    private static Destination echoDestination;
    private static DirectOutbound direct;
    private static ConnectionRouter router;

    @BeforeAll
    static void start() {
        transport = LOOPBACK.transport();
        cert = LOOPBACK.cert();
        echo = Loopback.echoServer(transport);
        echoDestination = Destination.of("127.0.0.1", ((InetSocketAddress) echo.localAddress()).getPort());
        direct = DirectOutbound.create("direct", DialOptions.DEFAULT, OutboundContext.of(transport));
        ConnectionRouter straight = ConnectionRouter.to(direct);
        router = new ConnectionRouter() {
            @Override
            public Future<Channel> dial(Metadata metadata) {
                int port = metadata.destination().port();
                if (port == BLACK_HOLE_PORT) {
                    return GlobalEventExecutor.INSTANCE.newPromise();
                }
                if (port == OOM_PORT) {
                    throw new OutOfMemoryError("test: no direct memory left");
                }
                return straight.dial(metadata);
            }

            @Override
            public Future<Channel> listenPacket(Metadata metadata) {
                return straight.listenPacket(metadata);
            }
        };
    }

    @AfterAll
    static void stop() throws Exception {
        echo.close().syncUninterruptibly();
        direct.close();
    }

    private static AnyTlsServer server(UnaryOperator<AnyTlsServer.Builder> limits) {
        return limits.apply(AnyTlsServer.builder()
                        .user("tester", Loopback.PASSWORD)
                        .certificate(cert)
                        .transport(transport)
                        .router(router))
                .bind(Loopback.loopback(0));
    }

    private static boolean has(List<Frame> frames, int command, int id) {
        return frames.stream().anyMatch(f -> f.command() == command && f.streamId() == id);
    }

    private static RawClient authenticated(AnyTlsServer server, ByteBuf... more) throws Exception {
        RawClient client = RawClient.connect(transport, server.localAddress());
        ByteBuf[] parts = new ByteBuf[more.length + 2];
        parts[0] = preamble(Loopback.PASSWORD, 30);
        parts[1] = settings(v2Settings());
        System.arraycopy(more, 0, parts, 2, more.length);
        client.send(concat(parts));
        return client;
    }

    /** A second client opens a stream to the echo server and gets its bytes back. */
    private static void assertWellBehavedClientWorks(AnyTlsServer server, int id) throws Exception {
        try (RawClient good = authenticated(server, open(id, echoDestination))) {
            assertThat(good.await(f -> has(f, Command.SYNACK, id))).contains(new Frame(Command.SYNACK, id, ""));
            good.send(psh(id, "still here".getBytes(StandardCharsets.US_ASCII)));
            assertThat(good.await(f -> has(f, Command.PSH, id))).contains(new Frame(Command.PSH, id, "still here"));
        }
    }

    private static ByteBuf pshOf(int id, int length) {
        ByteBuf out = Unpooled.buffer();
        Frames.writeFrame(out, Command.PSH, id, new byte[length]);
        return out;
    }

    @Test
    void streamFloodIsRefusedPerStreamAndTheSessionLives() throws Exception {
        AnyTlsServer server = server(b -> b.maxStreamsPerSession(4));
        try (RawClient hostile = authenticated(
                server,
                frame(Command.SYN, 1),
                frame(Command.SYN, 2),
                frame(Command.SYN, 3),
                frame(Command.SYN, 4),
                frame(Command.SYN, 5),
                frame(Command.SYN, 6))) {
            List<Frame> frames = hostile.await(f -> has(f, Command.FIN, 6));
            assertThat(frames)
                    .contains(
                            new Frame(Command.SYNACK, 5, "too many streams"),
                            new Frame(Command.FIN, 5, ""),
                            new Frame(Command.SYNACK, 6, "too many streams"),
                            new Frame(Command.FIN, 6, ""));
            assertThat(frames).noneMatch(f -> f.streamId() >= 1 && f.streamId() <= 4);

            // closing one stream makes room for another on the same session
            hostile.send(frame(Command.FIN, 1));
            hostile.send(open(7, echoDestination));
            assertThat(hostile.await(f -> has(f, Command.SYNACK, 7))).contains(new Frame(Command.SYNACK, 7, ""));

            assertWellBehavedClientWorks(server, 1);
            assertThat(hostile.isOpen()).isTrue();
        } finally {
            server.close();
        }
    }

    @Test
    void streamWithoutAddressIsClosedAtTheDeadline() throws Exception {
        AnyTlsServer server = server(b -> b.streamAddressTimeout(Duration.ofMillis(200)));
        try (RawClient hostile = authenticated(server, frame(Command.SYN, 1), psh(1, new byte[] {0x01, 127}))) {
            List<Frame> frames = hostile.await(f -> has(f, Command.FIN, 1));
            assertThat(frames)
                    .containsExactly(new Frame(Command.SERVER_SETTINGS, 0, "v=2"), new Frame(Command.FIN, 1, ""));
            hostile.send(frame(Command.HEART_REQUEST, 3));
            assertThat(hostile.await(f -> has(f, Command.HEART_RESPONSE, 3)))
                    .contains(new Frame(Command.HEART_RESPONSE, 3, ""));
            assertWellBehavedClientWorks(server, 1);
        } finally {
            server.close();
        }
    }

    @Test
    void dialThatNeverCompletesFailsTheStreamAtTheDeadline() throws Exception {
        AnyTlsServer server = server(b -> b.streamDialTimeout(Duration.ofMillis(200)));
        try (RawClient hostile = authenticated(server, open(1, Destination.of("127.0.0.1", BLACK_HOLE_PORT)))) {
            List<Frame> frames = hostile.await(f -> has(f, Command.FIN, 1));
            assertThat(frames)
                    .containsExactly(
                            new Frame(Command.SERVER_SETTINGS, 0, "v=2"),
                            new Frame(Command.SYNACK, 1, "dial tcp 127.0.0.1:9: i/o timeout"),
                            new Frame(Command.FIN, 1, ""));
            assertThat(hostile.isOpen()).isTrue();
            assertWellBehavedClientWorks(server, 1);
        } finally {
            server.close();
        }
    }

    @Test
    void stuckFrameAndSilentSessionsAreClosedButQuietStreamsLive() throws Exception {
        AnyTlsServer server = server(b -> b.sessionIdleTimeout(Duration.ofMillis(300)));
        try (RawClient good = authenticated(server, open(1, echoDestination));
                RawClient silent = authenticated(server);
                RawClient noSettings = RawClient.connect(transport, server.localAddress());
                RawClient stuck = authenticated(server, open(1, echoDestination))) {
            noSettings.send(preamble(Loopback.PASSWORD, 30));
            assertThat(stuck.await(f -> has(f, Command.SYNACK, 1))).contains(new Frame(Command.SYNACK, 1, ""));
            ByteBuf header = Unpooled.buffer();
            Frames.writeHeader(header, Command.PSH, 1, 65535);
            header.writeBytes(new byte[100]); // then nothing
            stuck.send(header);

            assertThat(silent.awaitClosed())
                    .as("a session that never opens a stream")
                    .isTrue();
            assertThat(noSettings.awaitClosed())
                    .as("a session that never sends Settings")
                    .isTrue();
            assertThat(stuck.awaitClosed())
                    .as("a session stuck in the middle of a frame")
                    .isTrue();

            // the well-behaved client's stream was as quiet as the others, but it is a stream, not a half frame
            assertThat(good.await(f -> has(f, Command.SYNACK, 1))).contains(new Frame(Command.SYNACK, 1, ""));
            assertThat(good.isOpen()).isTrue();
            good.send(psh(1, "after the quiet".getBytes(StandardCharsets.US_ASCII)));
            assertThat(good.await(f -> has(f, Command.PSH, 1))).contains(new Frame(Command.PSH, 1, "after the quiet"));
        } finally {
            server.close();
        }
    }

    @Test
    void sessionOverItsMemoryBudgetIsNoLongerRead() throws Exception {
        // 12 streams whose dial never completes, 16 KiB queued on each: the budget (64 KiB) is passed after a few,
        // so the heartbeat behind them is read only once the dial deadline has released the first streams
        AnyTlsServer server = server(b -> b.sessionMemoryBudget(65536).streamDialTimeout(Duration.ofMillis(300)));
        try (RawClient hostile = authenticated(server)) {
            Destination hole = Destination.of("127.0.0.1", BLACK_HOLE_PORT);
            for (int id = 1; id <= 12; id++) {
                hostile.send(concat(open(id, hole), pshOf(id, 16000)));
            }
            hostile.send(frame(Command.HEART_REQUEST, 99));
            List<Frame> frames = hostile.await(f -> has(f, Command.HEART_RESPONSE, 99));
            assertThat(frames).contains(new Frame(Command.HEART_RESPONSE, 99, ""));
            assertThat(frames.get(1))
                    .as("the first answer after ServerSettings is a stream's timeout, not the heartbeat")
                    .isEqualTo(new Frame(Command.SYNACK, 1, "dial tcp 127.0.0.1:9: i/o timeout"));
            assertWellBehavedClientWorks(server, 1);
        } finally {
            server.close();
        }
    }

    @Test
    void outOfMemoryClosesOnlyTheOffendingSession() throws Exception {
        AnyTlsServer server = server(b -> b);
        try (RawClient bystander = authenticated(server, open(1, echoDestination));
                RawClient offender = authenticated(server)) {
            assertThat(bystander.await(f -> has(f, Command.SYNACK, 1))).contains(new Frame(Command.SYNACK, 1, ""));
            offender.send(open(1, Destination.of("127.0.0.1", OOM_PORT)));
            assertThat(offender.awaitClosed()).isTrue();
            bystander.send(psh(1, "unharmed".getBytes(StandardCharsets.US_ASCII)));
            assertThat(bystander.await(f -> has(f, Command.PSH, 1))).contains(new Frame(Command.PSH, 1, "unharmed"));
            assertWellBehavedClientWorks(server, 1);
        } finally {
            server.close();
        }
    }

    /** Whether the server set SO_KEEPALIVE on the connection it accepted, seen by a fallback handler. */
    private static boolean acceptedWithKeepAlive(UnaryOperator<AnyTlsServer.Builder> options) throws Exception {
        CompletableFuture<Boolean> keepAlive = new CompletableFuture<>();
        AnyTlsServer server = server(b -> options.apply(b).fallback(() -> new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
                keepAlive.complete(ctx.channel().config().getOption(ChannelOption.SO_KEEPALIVE));
                ctx.close();
            }
        }));
        try (RawClient client = RawClient.connect(transport, server.localAddress())) {
            client.send(preamble("not the password", 0));
            return keepAlive.get(10, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }

    @Test
    void acceptedConnectionsUseTcpKeepAliveUnlessTurnedOff() throws Exception {
        assertThat(acceptedWithKeepAlive(b -> b)).isTrue();
        assertThat(acceptedWithKeepAlive(b -> b.tcpKeepAlive(null, null))).isFalse();
    }
}
