package io.github.proxycore.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.testing.TestData;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Relay} between an accepted socket and a direct dial: a one-destination proxy on 127.0.0.1. */
class RelayTest {
    private Transport transport;
    private ServerSocket target;
    private Channel proxy;
    private final AtomicReference<Channel> toTarget = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        transport = Transport.create(2);
        target = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        DirectOutbound direct = DirectOutbound.create(
                "direct", DialOptions.DEFAULT, new OutboundContext(transport, HostResolver.system(), Map.of()));
        Destination destination = Destination.of("127.0.0.1", target.getLocalPort());
        proxy = new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverSocketChannelClass())
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        Channel client = ctx.channel();
                        direct.dial(destination, Metadata.internal(Network.TCP, destination))
                                .addListener(f -> {
                                    if (f.isSuccess()) {
                                        Channel out = (Channel) f.getNow();
                                        toTarget.set(out);
                                        Relay.bind(client, out);
                                    } else {
                                        client.close();
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close().sync();
        target.close();
        transport.close();
    }

    private Socket connect() throws Exception {
        Socket client = new Socket();
        client.connect(proxy.localAddress(), 2000);
        client.setSoTimeout(10_000);
        return client;
    }

    @Test
    @SuppressWarnings("try") // the server side is closed early on purpose
    void carriesBytesBothWaysAndClosesTogether() throws Exception {
        try (Socket client = connect();
                Socket server = target.accept()) {
            server.setSoTimeout(10_000);
            client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(server.getInputStream().readNBytes(5), StandardCharsets.US_ASCII))
                    .isEqualTo("hello");
            server.getOutputStream().write("world".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(client.getInputStream().readNBytes(5), StandardCharsets.US_ASCII))
                    .isEqualTo("world");
            server.close();
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void halfCloseIsPassedOnAndTheOtherDirectionKeepsWorking() throws Exception {
        try (Socket client = connect();
                Socket server = target.accept()) {
            server.setSoTimeout(10_000);
            client.getOutputStream().write("request".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            // the server sees the whole request, then end of input...
            assertThat(new String(server.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("request");
            // ...and can still answer
            server.getOutputStream().write("response".getBytes(StandardCharsets.US_ASCII));
            server.shutdownOutput();
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("response");
        }
    }

    @Test
    void aReaderThatStopsStopsTheWriterInsteadOfGrowingMemory() throws Exception {
        long total = 64L * 1024 * 1024;
        try (Socket client = connect();
                Socket server = target.accept()) {
            AtomicLong sent = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    byte[] chunk = new byte[64 * 1024];
                    for (long offset = 0; offset < total; offset += chunk.length) {
                        TestData.fill(7, offset, chunk, chunk.length);
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            // the target reads nothing: wait until the writer makes no more progress
            long last = -1;
            for (int i = 0; i < 100 && sent.get() != last; i++) {
                last = sent.get();
                Thread.sleep(100);
            }
            assertThat(sent.get())
                    .as("the writer is blocked well before the end")
                    .isLessThan(total / 2);
            ChannelOutboundBuffer buffered = toTarget.get().unsafe().outboundBuffer();
            assertThat(buffered.totalPendingWriteBytes())
                    .as("bytes the relay holds for the stalled target")
                    .isLessThan(2L * 1024 * 1024);

            // now the target reads everything, intact
            server.setSoTimeout(30_000);
            MessageDigest digest = TestData.sha256();
            InputStream in = server.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long received = 0;
            while (received < total) {
                int n = in.read(buffer);
                assertThat(n).isPositive();
                digest.update(buffer, 0, n);
                received += n;
            }
            writer.get(30, TimeUnit.SECONDS);
            assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(TestData.sha256(7, total));
        }
    }

    @Test
    void aCutConnectionIsPassedOnAsAResetAfterWhatArrivedBeforeIt() throws Exception {
        try (Socket client = connect();
                Socket server = target.accept()) {
            server.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(client.getInputStream().readNBytes(7), StandardCharsets.US_ASCII))
                    .isEqualTo("partial");
            // what an AnyTLS stream hears when its session dies under it
            Channel outbound = toTarget.get();
            outbound.eventLoop()
                    .execute(() -> outbound.pipeline().fireExceptionCaught(new ConnectionCutException("cut")));
            // a clean end of stream here would let the client take the partial answer for the whole
            assertThatThrownBy(() -> client.getInputStream().read())
                    .isInstanceOf(java.net.SocketException.class)
                    .hasMessageContaining("reset");
        }
    }

    @Test
    void aResetByTheDestinationEndsTheClientAfterEverythingItSent() throws Exception {
        try (Socket client = connect();
                Socket server = target.accept()) {
            server.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(client.getInputStream().readNBytes(7), StandardCharsets.US_ASCII))
                    .isEqualTo("partial");
            server.setSoLinger(true, 0);
            server.close(); // RST
            // as sing-box and most proxies: a FIN after what arrived (a reset would drop what the kernel still holds)
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aFailedDialClosesTheClient() throws Exception {
        target.close(); // nothing listens any more
        try (Socket client = connect()) {
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
    }
}
