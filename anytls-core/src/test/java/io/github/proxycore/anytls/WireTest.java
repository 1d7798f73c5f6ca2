package io.github.proxycore.anytls;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the client writes at the TLS layer: a TLS sink that decrypts one record at a time and records the plaintext
 * of each, checked against the deterministic padding example of docs/protocol.md.
 */
class WireTest {
    @RegisterExtension
    static final LoopbackTls LOOPBACK = new LoopbackTls(2);

    private static Transport transport;
    private static SelfSignedCertificate cert;

    @BeforeAll
    static void start() {
        transport = LOOPBACK.transport();
        cert = LOOPBACK.cert();
    }

    private static AnyTlsOutbound client(Channel sink, PaddingScheme scheme) {
        AnyTlsOutboundOptions options = AnyTlsOutboundOptions.builder(
                        "wire", "127.0.0.1", ((InetSocketAddress) sink.localAddress()).getPort(), "test")
                .tls(OutboundTlsOptions.builder()
                        .certificate(cert.certificatePem())
                        .build())
                .build();
        return AnyTlsOutbound.builder(options, OutboundContext.of(transport))
                .padding(scheme)
                .build();
    }

    @Test
    void deterministicSchemeGivesTheDocumentedRecordSizes() throws Exception {
        RecordSink sink = RecordSink.announcingV2();
        Channel listener = Loopback.recordSink(transport, cert, sink);
        PaddingScheme scheme = PaddingScheme.parse("stop=3\n0=10-10\n1=200-200\n2=50-50,c,100-100");
        try (AnyTlsOutbound outbound = client(listener, scheme)) {
            Destination target = Destination.of("127.0.0.1", 80);
            Channel stream = outbound.dial(target, Metadata.internal(Network.TCP, target))
                    .get(10, TimeUnit.SECONDS);
            stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[30])).syncUninterruptibly();
            assertThat(sink.awaitSizes(3)).containsExactly(44, 200, 50);
            stream.close().syncUninterruptibly();
            assertThat(sink.awaitSizes(4)).containsExactly(44, 200, 50, 7);
            byte[] preamble = sink.records.get(0);
            assertThat(ByteBufUtil.hexDump(preamble))
                    .isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" + "000a"
                            + "00".repeat(10));
            byte[] first = sink.records.get(1);
            String settings = "v=2\nclient=" + AnyTlsOutbound.CLIENT_NAME + "\npadding-md5=" + scheme.md5();
            int settingsFrame = 7 + settings.length();
            assertThat(ByteBufUtil.hexDump(first, 0, 7)).isEqualTo(String.format("0400000000%04x", settings.length()));
            assertThat(new String(first, 7, settings.length(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(settings);
            assertThat(ByteBufUtil.hexDump(first, settingsFrame, 21))
                    .isEqualTo("01000000010000" + "02000000010007" + "017f0000010050");
            int waste = settingsFrame + 21;
            assertThat(ByteBufUtil.hexDump(first, waste, 7))
                    .isEqualTo(String.format("00000000000%03x", 200 - waste - 7));
            assertThat(ByteBufUtil.hexDump(sink.records.get(3))).isEqualTo("03000000010000");
        } finally {
            listener.close().syncUninterruptibly();
        }
    }

    @Test
    void defaultSchemeShapesTheFirstPacketsWithinItsRanges() throws Exception {
        RecordSink sink = RecordSink.announcingV2();
        Channel listener = Loopback.recordSink(transport, cert, sink);
        try (AnyTlsOutbound outbound = client(listener, PaddingScheme.DEFAULT)) {
            Destination target = Destination.of("example.com", 80);
            Channel stream = outbound.dial(target, Metadata.internal(Network.TCP, target))
                    .get(10, TimeUnit.SECONDS);
            stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[75])).syncUninterruptibly();
            // packet 1 is Settings + SYN + PSH(address), 107 bytes with this client's name: when line 1 draws a size
            // below that, the packet is cut at the size and the rest follows as one more, unshaped record
            int packet1 = 7 + ("v=2\nclient=" + AnyTlsOutbound.CLIENT_NAME + "\npadding-md5=").length() + 32 + 7 + 22;
            int split = sink.awaitSizes(3).get(1) < packet1 ? 1 : 0;
            List<Integer> sizes = sink.awaitSizes(3 + split);
            assertThat(sizes.get(0)).isEqualTo(64);
            assertThat(sizes.get(1)).isBetween(100, 399);
            if (split == 1) {
                assertThat(sizes.get(2)).isEqualTo(packet1 - sizes.get(1));
            }
            assertThat(sizes.get(2 + split)).isBetween(400, 499); // 82 bytes padded to line 2's first size; `c` ends it
            stream.close().syncUninterruptibly();
            List<Integer> withFin = sink.awaitSizes(5 + split);
            assertThat(withFin.get(3 + split)).isEqualTo(7); // line 3 = 9-9: the FIN alone, since 9 - 7 - 7 < 0
            assertThat(withFin.get(4 + split)).isBetween(507, 1006); // then a Waste-only record of L + 7
        } finally {
            listener.close().syncUninterruptibly();
        }
    }
}
