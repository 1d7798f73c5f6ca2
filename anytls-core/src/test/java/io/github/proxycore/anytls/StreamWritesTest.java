package io.github.proxycore.anytls;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.testing.TestData;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stream writes of every size and shape arrive intact: the session frames a stream's bytes across write boundaries
 * (full frames fill TLS records exactly) and gathers a flush's frames into one composite, so the buffers a caller
 * writes (plain, sliced, composite, nested composite; smaller and larger than a frame) are cut and re-joined on the
 * way. Everything is echoed back and compared byte for byte.
 */
class StreamWritesTest {
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

    @Test
    void writesOfEverySizeAndShapeArriveIntact() throws Exception {
        try (AnyTlsOutbound outbound = Loopback.outbound(transport, server, cert)) {
            Destination to = Destination.of((InetSocketAddress) echo.localAddress());
            Channel stream =
                    outbound.dial(to, Metadata.internal(Network.TCP, to)).get(10, TimeUnit.SECONDS);
            Loopback.Collector collector = Loopback.Collector.on(stream);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            Random random = new Random(42);
            long offset = 0;
            int[] sizes = {1, 7, 16376, 16377, 16378, 100, 32768, 50_000, 3, 16384, 65_535, 70_000, 2};
            for (int round = 0; round < 6; round++) {
                for (int size : sizes) {
                    byte[] bytes = new byte[size];
                    TestData.fill(round, offset, bytes, size);
                    offset += size;
                    expected.writeBytes(bytes);
                    stream.write(shaped(bytes, random.nextInt(4)));
                    if (random.nextInt(3) == 0) {
                        stream.flush(); // some writes alone in a flush, most several to a flush
                    }
                }
                stream.flush();
            }
            byte[] want = expected.toByteArray();
            assertThat(collector.awaitText(want.length).length()).isEqualTo(want.length);
            assertThat(collector.bytes.toByteArray()).isEqualTo(want);
            stream.close().syncUninterruptibly();
        }
    }

    /** The same bytes as a plain buffer, a slice, a composite of pieces, or a composite holding a composite. */
    private static ByteBuf shaped(byte[] bytes, int shape) {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        switch (shape) {
            case 0:
                return alloc.directBuffer(bytes.length).writeBytes(bytes);
            case 1: {
                ByteBuf wide = alloc.directBuffer(bytes.length + 20)
                        .writerIndex(10)
                        .writeBytes(bytes)
                        .writeZero(10);
                ByteBuf slice = wide.retainedSlice(10, bytes.length);
                wide.release();
                return slice;
            }
            case 2: {
                CompositeByteBuf composite = alloc.compositeDirectBuffer();
                for (int at = 0; at < bytes.length; at += 5000) {
                    int n = Math.min(5000, bytes.length - at);
                    composite.addComponent(true, alloc.directBuffer(n).writeBytes(bytes, at, n));
                }
                return composite;
            }
            default: {
                CompositeByteBuf outer = alloc.compositeDirectBuffer();
                int half = bytes.length / 2;
                CompositeByteBuf inner = alloc.compositeDirectBuffer();
                inner.addComponent(true, alloc.directBuffer(Math.max(1, half)).writeBytes(bytes, 0, half));
                outer.addComponent(true, inner);
                outer.addComponent(
                        true, alloc.heapBuffer(bytes.length - half).writeBytes(bytes, half, bytes.length - half));
                return outer;
            }
        }
    }
}
