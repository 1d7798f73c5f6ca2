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
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server driven by hand-made records and frames (docs/protocol.md: auth preamble, frames, server behaviour). */
class ServerFramesTest {
    @RegisterExtension
    static final LoopbackTls LOOPBACK = new LoopbackTls(2);

    private static Transport transport;
    private static SelfSignedCertificate cert;
    private static AnyTlsServer server;
    private static Channel echo;
    private static Destination echoDestination;

    @BeforeAll
    static void start() {
        transport = LOOPBACK.transport();
        cert = LOOPBACK.cert();
        server = Loopback.server(transport, cert);
        echo = Loopback.echoServer(transport);
        echoDestination = Destination.of("127.0.0.1", ((InetSocketAddress) echo.localAddress()).getPort());
    }

    @AfterAll
    static void stop() {
        echo.close().syncUninterruptibly();
        server.close();
    }

    private static RawClient client() throws Exception {
        return RawClient.connect(transport, server.localAddress());
    }

    private static boolean has(List<Frame> frames, int command, int id) {
        return frames.stream().anyMatch(f -> f.command() == command && f.streamId() == id);
    }

    @Test
    void wrongPasswordIsClosedWithoutReply() throws Exception {
        try (RawClient client = client()) {
            client.send(concat(preamble("wrong", 30), settings(v2Settings())));
            assertThat(client.awaitClosed()).isTrue();
            assertThat(client.receivedText()).isEmpty();
        }
    }

    @Test
    void preambleInOneRecordAuthenticates() throws Exception {
        try (RawClient client = client()) {
            client.send(concat(preamble(Loopback.PASSWORD, 30), settings(v2Settings())));
            List<Frame> frames = client.await(f -> has(f, Command.SERVER_SETTINGS, 0));
            assertThat(frames).containsExactly(new Frame(Command.SERVER_SETTINGS, 0, "v=2"));
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void preambleSplitAcrossTwoRecordsIsRejected() throws Exception {
        try (RawClient client = client()) {
            ByteBuf preamble = preamble(Loopback.PASSWORD, 30);
            client.send(preamble.readRetainedSlice(32), concat(preamble, settings(v2Settings())));
            assertThat(client.awaitClosed()).isTrue();
            assertThat(client.receivedText()).isEmpty();
        }
    }

    @Test
    void preambleSplitAcrossTwoRecordsIsRejectedEvenWhenTheyArriveTogether() throws Exception {
        try (RawClient client = client()) {
            ByteBuf preamble = preamble(Loopback.PASSWORD, 30);
            client.sendTogether(preamble.readRetainedSlice(32), concat(preamble, settings(v2Settings())));
            assertThat(client.awaitClosed()).isTrue();
            assertThat(client.receivedText()).isEmpty();
        }
    }

    @Test
    void framesInTheRecordsAfterThePreambleArriveInOrder() throws Exception {
        try (RawClient client = client()) {
            client.sendTogether(
                    preamble(Loopback.PASSWORD, 30),
                    settings(v2Settings()),
                    open(1, echoDestination),
                    psh(1, "x".getBytes(StandardCharsets.US_ASCII)));
            List<Frame> frames = client.await(f -> has(f, Command.PSH, 1));
            assertThat(frames)
                    .extracting(Frame::toString)
                    .containsExactly("ServerSettings 0 \"v=2\"", "SYNACK 1", "PSH 1 \"x\"");
        }
    }

    @Test
    void truncatedPaddingIsRejected() throws Exception {
        try (RawClient client = client()) {
            ByteBuf preamble = preamble(Loopback.PASSWORD, 30);
            client.send(preamble.readRetainedSlice(40), preamble);
            assertThat(client.awaitClosed()).isTrue();
        }
    }

    @Test
    void synBeforeSettingsGetsAnAlert() throws Exception {
        try (RawClient client = client()) {
            client.send(concat(preamble(Loopback.PASSWORD, 0), open(1, echoDestination)));
            assertThat(client.awaitClosed()).isTrue();
            assertThat(client.frames())
                    .containsExactly(new Frame(Command.ALERT, 0, "client did not send its settings"));
        }
    }

    @Test
    void emptySettingsCountAsNone() throws Exception {
        try (RawClient client = client()) {
            client.send(concat(preamble(Loopback.PASSWORD, 0), settings(""), open(1, echoDestination)));
            assertThat(client.awaitClosed()).isTrue();
            assertThat(client.frames()).extracting(Frame::command).containsExactly(Command.ALERT);
        }
    }

    @Test
    void mismatchedPaddingMd5GetsTheServersScheme() throws Exception {
        try (RawClient client = client()) {
            client.send(concat(preamble(Loopback.PASSWORD, 30), settings("v=2\nclient=raw/1\npadding-md5=00")));
            List<Frame> frames = client.await(f -> has(f, Command.SERVER_SETTINGS, 0));
            assertThat(frames)
                    .containsExactly(
                            new Frame(Command.UPDATE_PADDING_SCHEME, 0, PaddingScheme.DEFAULT.text()),
                            new Frame(Command.SERVER_SETTINGS, 0, "v=2"));
        }
    }

    @Test
    void v1ClientGetsNoServerSettingsAndNoSynAck() throws Exception {
        try (RawClient client = client()) {
            client.send(concat(
                    preamble(Loopback.PASSWORD, 30),
                    settings("v=1\nclient=old/1\npadding-md5=" + PaddingScheme.DEFAULT.md5()),
                    open(1, echoDestination),
                    psh(1, "hello".getBytes(StandardCharsets.US_ASCII))));
            List<Frame> frames = client.await(f -> has(f, Command.PSH, 1));
            assertThat(frames).containsExactly(new Frame(Command.PSH, 1, "hello"));
        }
    }

    @Test
    void v2StreamGetsSynAckThenData() throws Exception {
        try (RawClient client = client()) {
            client.send(concat(preamble(Loopback.PASSWORD, 30), settings(v2Settings()), open(1, echoDestination)));
            client.await(f -> has(f, Command.SYNACK, 1));
            client.send(psh(1, "hi".getBytes(StandardCharsets.US_ASCII)));
            List<Frame> frames = client.await(f -> has(f, Command.PSH, 1));
            assertThat(frames)
                    .containsExactly(
                            new Frame(Command.SERVER_SETTINGS, 0, "v=2"),
                            new Frame(Command.SYNACK, 1, ""),
                            new Frame(Command.PSH, 1, "hi"));
        }
    }

    @Test
    void badAddressTypeGetsFinWithoutSynAckAndKeepsTheSession() throws Exception {
        try (RawClient client = client()) {
            client.send(concat(
                    preamble(Loopback.PASSWORD, 30), settings(v2Settings()), frame(Command.SYN, 1), psh(1, new byte[] {
                        0x05, 1, 2, 3, 4, 0, 80
                    })));
            List<Frame> frames = client.await(f -> has(f, Command.FIN, 1));
            assertThat(frames)
                    .containsExactly(new Frame(Command.SERVER_SETTINGS, 0, "v=2"), new Frame(Command.FIN, 1, ""));
            client.send(frame(Command.HEART_REQUEST, 3));
            assertThat(client.await(f -> has(f, Command.HEART_RESPONSE, 3)))
                    .contains(new Frame(Command.HEART_RESPONSE, 3, ""));
        }
    }

    @Test
    void refusedDestinationGetsSynAckErrorThenFin() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (RawClient client = client()) {
            client.send(concat(
                    preamble(Loopback.PASSWORD, 30),
                    settings(v2Settings()),
                    open(1, Destination.of("127.0.0.1", closedPort))));
            List<Frame> frames = client.await(f -> has(f, Command.FIN, 1));
            assertThat(frames).hasSize(3);
            assertThat(frames.get(1).command()).isEqualTo(Command.SYNACK);
            assertThat(frames.get(1).streamId()).isEqualTo(1);
            // sing-box's wording, and nothing of the server's own: no outbound tag, no exception text
            assertThat(frames.get(1).text())
                    .isEqualTo("dial tcp 127.0.0.1:" + closedPort + ": connect: connection refused");
            assertThat(frames.get(2)).isEqualTo(new Frame(Command.FIN, 1, ""));
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void heartbeatIsEchoedWithTheSameId() throws Exception {
        try (RawClient client = client()) {
            client.send(concat(
                    preamble(Loopback.PASSWORD, 30),
                    settings(v2Settings()),
                    frame(Command.HEART_REQUEST, 0),
                    frame(Command.HEART_REQUEST, 7),
                    frame(42, 9)));
            List<Frame> frames = client.await(f -> has(f, Command.HEART_RESPONSE, 7));
            assertThat(frames)
                    .containsExactly(
                            new Frame(Command.SERVER_SETTINGS, 0, "v=2"),
                            new Frame(Command.HEART_RESPONSE, 0, ""),
                            new Frame(Command.HEART_RESPONSE, 7, ""));
        }
    }

    @Test
    void relayEndSendsFinAndKeepsTheSession() throws Exception {
        Channel oneShot = Loopback.digestServer(transport, 3);
        try (RawClient client = client()) {
            Destination target = Destination.of("127.0.0.1", ((InetSocketAddress) oneShot.localAddress()).getPort());
            client.send(concat(
                    preamble(Loopback.PASSWORD, 30),
                    settings(v2Settings()),
                    open(1, target),
                    psh(1, "abc".getBytes(StandardCharsets.US_ASCII))));
            List<Frame> frames = client.await(f -> has(f, Command.FIN, 1));
            assertThat(frames)
                    .extracting(Frame::toString)
                    .containsExactly(
                            "ServerSettings 0 \"v=2\"",
                            "SYNACK 1",
                            "PSH 1 \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 3\"",
                            "FIN 1");
            client.send(concat(open(2, echoDestination), psh(2, "again".getBytes(StandardCharsets.US_ASCII))));
            assertThat(client.await(f -> has(f, Command.PSH, 2))).contains(new Frame(Command.PSH, 2, "again"));
        } finally {
            oneShot.close().syncUninterruptibly();
        }
    }

    @Test
    void udpOverTcpConnectModeEchoes() throws Exception {
        try (RawClient client = client();
                io.github.proxycore.testing.UdpEchoServer udp = io.github.proxycore.testing.UdpEchoServer.start()) {
            ByteBuf request = Unpooled.buffer();
            request.writeByte(1); // isConnect: datagrams are len + payload, to and from the request's destination
            io.github.proxycore.outbound.SocksAddress.encode(Destination.of("127.0.0.1", udp.port()), request);
            request.writeShort(4).writeBytes("ping".getBytes(StandardCharsets.US_ASCII));
            byte[] body = new byte[request.readableBytes()];
            request.readBytes(body);
            request.release();
            client.send(concat(
                    preamble(Loopback.PASSWORD, 30),
                    settings(v2Settings()),
                    open(1, io.github.proxycore.anytls.internal.wire.UotAddress.MAGIC),
                    psh(1, body)));
            List<Frame> frames = client.await(f -> has(f, Command.PSH, 1));
            assertThat(frames)
                    .containsExactly(
                            new Frame(Command.SERVER_SETTINGS, 0, "v=2"),
                            new Frame(Command.SYNACK, 1, ""),
                            new Frame(Command.PSH, 1, "\u0000\u0004ping"));
        }
    }

    @Test
    void fallbackReceivesTheFirstRecordReplayed() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        AnyTlsServer withFallback = AnyTlsServer.builder()
                .user("u", "pw")
                .certificate(cert)
                .transport(transport)
                .fallback(() -> new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        seen.complete(buf.toString(StandardCharsets.US_ASCII));
                        buf.release();
                        ctx.writeAndFlush(Unpooled.copiedBuffer(
                                        "HTTP/1.0 404 Not Found\r\n\r\n", StandardCharsets.US_ASCII))
                                .addListener(ChannelFutureListener.CLOSE);
                    }
                })
                .bind(Loopback.loopback(0));
        try (RawClient client = RawClient.connect(transport, withFallback.localAddress())) {
            String request = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
            client.send(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
            assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(request);
            assertThat(client.awaitClosed()).isTrue();
            assertThat(client.receivedText()).isEqualTo("HTTP/1.0 404 Not Found\r\n\r\n");
        } finally {
            withFallback.close();
        }
    }

    @Test
    void severalUsersAuthenticate() throws Exception {
        AnyTlsServer multi = AnyTlsServer.builder()
                .user("a", "first")
                .user("b", "second")
                .certificate(cert)
                .transport(transport)
                .bind(Loopback.loopback(0));
        try (RawClient one = RawClient.connect(transport, multi.localAddress());
                RawClient two = RawClient.connect(transport, multi.localAddress())) {
            one.send(concat(preamble("first", 0), settings(v2Settings())));
            two.send(concat(preamble("second", 0), settings(v2Settings())));
            assertThat(one.await(f -> has(f, Command.SERVER_SETTINGS, 0))).hasSize(1);
            assertThat(two.await(f -> has(f, Command.SERVER_SETTINGS, 0))).hasSize(1);
        } finally {
            multi.close();
        }
    }
}
