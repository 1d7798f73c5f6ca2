package io.github.proxycore.anytls;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pool's traffic at the TLS layer (WireTest's approach: a TLS sink that decrypts one record at a time): a
 * pre-warmed session sends Settings at once; no heartbeat before the server announced v2; then each heartbeat is one
 * record of exactly 7 bytes ({@code 08 00000000 0000}) that takes no padding packet, so the first stream's SYN is
 * still shaped as packet 2.
 */
class PoolWireTest {
    private static final PaddingScheme SCHEME = PaddingScheme.parse("stop=3\n0=10-10\n1=200-200\n2=50-50,c,100-100");
    private static final String HEARTBEAT = "08000000000000";

    @RegisterExtension
    static final LoopbackTls LOOPBACK = new LoopbackTls(2);

    private static Transport transport;
    private static SelfSignedCertificate cert;

    @BeforeAll
    static void start() {
        transport = LOOPBACK.transport();
        cert = LOOPBACK.cert();
    }

    @Test
    void heartbeatsAreSevenBytesEachOnlyAfterTheServerAnnouncedV2AndTakeNoPaddingPacket() throws Exception {
        RecordSink sink = RecordSink.quiet();
        Channel listener = Loopback.recordSink(transport, cert, sink);
        AnyTlsOutboundOptions options = AnyTlsOutboundOptions.builder(
                        "wire", "127.0.0.1", ((InetSocketAddress) listener.localAddress()).getPort(), "test")
                .tls(OutboundTlsOptions.builder()
                        .certificate(cert.certificatePem())
                        .build())
                .ensureIdleSession(1)
                .heartbeat(Duration.ofMillis(50))
                .idleSessionCheckInterval(Duration.ofSeconds(30))
                .build();
        try (AnyTlsOutbound outbound = AnyTlsOutbound.builder(options, OutboundContext.of(transport))
                .padding(SCHEME)
                .build()) {
            sink.awaitHex(2);
            // the pre-warmed session: preamble, then Settings alone as packet 1 (padded to line 1's 200)
            assertThat(sink.hex().get(0)).hasSize(44 * 2);
            assertThat(sink.hex().get(1)).hasSize(200 * 2).startsWith("0400000000");
            // ten heartbeat intervals without the server's v2 announcement: nothing (a v1 server never answers)
            Thread.sleep(500);
            assertThat(sink.hex()).hasSize(2);
            sink.announceV2();
            sink.awaitHex(2 + 5);
            assertThat(sink.hex().subList(2, 7)).containsOnly(HEARTBEAT);
            Destination target = Destination.of("127.0.0.1", 80);
            Channel stream = outbound.dial(target, Metadata.internal(Network.TCP, target))
                    .get(10, TimeUnit.SECONDS);
            String syn = sink.hex().stream()
                    .filter(r -> r.startsWith("01"))
                    .findFirst()
                    .orElseThrow();
            // SYN 7 + PSH(address) 14 = 21 bytes, shaped by line 2 to 50: the heartbeats took no packet number
            assertThat(syn).hasSize(50 * 2).startsWith("01000000010000" + "02000000010007" + "017f0000010050");
            assertThat(sink.hex().subList(2, sink.hex().size()))
                    .filteredOn(r -> !r.startsWith("01"))
                    .containsOnly(HEARTBEAT);
            stream.close().syncUninterruptibly();
            assertThat(outbound.poolStats().closedHeartbeatTimeout()).isZero();
        } finally {
            listener.close().syncUninterruptibly();
        }
    }
}
