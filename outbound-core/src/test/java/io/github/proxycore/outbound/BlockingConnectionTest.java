package io.github.proxycore.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.testing.TestData;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BlockingConnectionTest {
    private static Transport transport;
    private static DirectOutbound direct;

    @BeforeAll
    static void start() {
        transport = Transport.create(1);
        direct = DirectOutbound.create(
                "direct", DialOptions.DEFAULT, new OutboundContext(transport, HostResolver.system(), Map.of()));
    }

    @AfterAll
    static void stop() {
        transport.close();
    }

    private static BlockingConnection open(int port) throws Exception {
        Destination to = Destination.of("127.0.0.1", port);
        return BlockingConnection.open(direct.dial(to, Metadata.internal(Network.TCP, to)), Duration.ofSeconds(5));
    }

    @Test
    void writesAndReadsUntilTheEnd() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                BlockingConnection c = open(server.getLocalPort());
                Socket peer = server.accept()) {
            c.output().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(peer.getInputStream().readNBytes(4), StandardCharsets.US_ASCII))
                    .isEqualTo("ping");
            peer.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
            peer.shutdownOutput();
            assertThat(new String(c.input().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("pong");
            // the peer ended its side only: this side can still write
            c.output().write("bye".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(peer.getInputStream().readNBytes(3), StandardCharsets.US_ASCII))
                    .isEqualTo("bye");
        }
    }

    @Test
    void aSlowReaderPausesTheChannelAndGetsEverything() throws Exception {
        long total = 16L * 1024 * 1024;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                BlockingConnection c = open(server.getLocalPort());
                Socket peer = server.accept()) {
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    byte[] chunk = new byte[64 * 1024];
                    for (long offset = 0; offset < total; offset += chunk.length) {
                        TestData.fill(3, offset, chunk, chunk.length);
                        peer.getOutputStream().write(chunk);
                    }
                    peer.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            // the reader has not started: wait until the read-ahead stops growing (bounded), then look at it
            int last = -1;
            for (int i = 0; i < 50 && c.input().available() != last; i++) {
                last = c.input().available();
                Thread.sleep(100);
            }
            assertThat(c.input().available())
                    .as("the channel paused because the bound was reached, and close to it")
                    .isGreaterThan(BlockingConnection.READ_BUFFER)
                    .isLessThan(BlockingConnection.READ_BUFFER + 1024 * 1024);
            MessageDigest digest = TestData.sha256();
            InputStream in = c.input();
            byte[] buffer = new byte[8192];
            long received = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
                received += n;
            }
            sender.get(30, TimeUnit.SECONDS);
            assertThat(received).isEqualTo(total);
            assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(TestData.sha256(3, total));
        }
    }

    @Test
    void aReadTimeoutLeavesTheConnectionUsableAndAWriteTimeoutEndsABlockedWrite() throws Exception {
        Destination to;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            to = Destination.of("127.0.0.1", server.getLocalPort());
            BlockingConnection.Timeouts timeouts =
                    new BlockingConnection.Timeouts(Duration.ofMillis(200), Duration.ofMillis(300));
            try (BlockingConnection c = BlockingConnection.open(direct.dial(to), Duration.ofSeconds(5), timeouts);
                    Socket peer = server.accept()) {
                assertThatThrownBy(() -> c.input().read())
                        .isInstanceOf(java.net.SocketTimeoutException.class)
                        .hasMessageContaining("no data within 200 ms");
                peer.getOutputStream().write('x');
                assertThat(c.input().read()).isEqualTo('x');
                // the peer never reads: once the socket buffers and the channel's water mark fill, a write waits
                byte[] chunk = new byte[64 * 1024];
                assertThatThrownBy(() -> {
                            for (int i = 0; i < 4096; i++) { // 256 MiB at most
                                c.output().write(chunk);
                            }
                        })
                        .isInstanceOf(java.net.SocketTimeoutException.class)
                        .hasMessageContaining("took no data for 300 ms");
            }
        }
    }

    @Test
    void aFailedDialIsTheDialException() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        int unused = port;
        assertThatThrownBy(() -> open(unused))
                .isInstanceOf(DialException.class)
                .hasMessageContaining("Connection refused");
    }

    @Test
    void aDialThatConnectsAfterTheTimeoutIsClosedNotLeaked() {
        // a dial past the point of cancelling: the timeout gives up on it, its channel must not be left open
        Promise<Channel> dial = ImmediateEventExecutor.INSTANCE.newPromise();
        dial.setUncancellable();
        assertThatThrownBy(() -> BlockingConnection.open(dial, Duration.ofMillis(20)))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("dial did not complete within PT0.02S");
        EmbeddedChannel late = new EmbeddedChannel();
        dial.setSuccess(late);
        assertThat(late.isOpen()).isFalse();
    }

    @Test
    void writingAfterCloseFails() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            BlockingConnection c = open(server.getLocalPort());
            server.accept().close();
            c.close();
            assertThatThrownBy(() -> c.output().write(1)).hasMessage("connection closed");
            assertThat(c.input().read()).isEqualTo(-1);
        }
    }
}
