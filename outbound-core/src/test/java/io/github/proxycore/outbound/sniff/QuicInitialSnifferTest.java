package io.github.proxycore.outbound.sniff;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.testing.ClientHellos;
import io.github.proxycore.testing.QuicInitials;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuicInitialSnifferTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] RFC_DCID = HEX.parseHex("8394c8f03e515708");
    private static final byte[] DCID = HEX.parseHex("0102030405060708");

    /** RFC 9001 A.2's protected client Initial, or RFC 9369 A.2's. */
    static byte[] rfcPacket(String name) throws Exception {
        try (InputStream in = QuicInitialSnifferTest.class.getResourceAsStream(name)) {
            return HEX.parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s", ""));
        }
    }

    private static SniffResult offer(QuicInitialSniffer sniffer, byte[] datagram) {
        ByteBuf in = Unpooled.wrappedBuffer(datagram);
        try {
            SniffResult result = sniffer.offer(in);
            assertThat(in.readerIndex()).as("the datagram is not consumed").isZero();
            return result;
        } finally {
            in.release();
        }
    }

    private static SniffResult sniff(byte[] datagram) {
        return offer(new QuicInitialSniffer(), datagram);
    }

    @Test
    void rfc9001ClientInitialKeys() throws Exception {
        QuicInitialSniffer.Keys keys = QuicInitialSniffer.clientKeys(QuicInitialSniffer.VERSION_1, RFC_DCID);
        assertThat(HEX.formatHex(keys.key())).isEqualTo("1f369613dd76d5467730efcbe3b1a22d");
        assertThat(HEX.formatHex(keys.iv())).isEqualTo("fa044b2f42a3fd3b46fb255c");
        assertThat(HEX.formatHex(keys.hp())).isEqualTo("9f50449e04a0e810283a1e9933adedd2");
    }

    @Test
    void rfc9369ClientInitialKeys() throws Exception {
        QuicInitialSniffer.Keys keys = QuicInitialSniffer.clientKeys(QuicInitialSniffer.VERSION_2, RFC_DCID);
        assertThat(HEX.formatHex(keys.key())).isEqualTo("8b1a0bc121284290a29e0971b5cd045d");
        assertThat(HEX.formatHex(keys.iv())).isEqualTo("91f73e2351d8fa91660e909f");
        assertThat(HEX.formatHex(keys.hp())).isEqualTo("45b95e15235d6f45a6b19cbcb0294ba9");
    }

    @Test
    void rfc9001ProtectedClientInitialNamesExampleCom() throws Exception {
        SniffResult result = sniff(rfcPacket("rfc9001-client-initial.hex"));
        assertThat(result.domain()).isEqualTo("example.com");
        assertThat(result.protocol()).isEqualTo("quic");
    }

    @Test
    void rfc9369ProtectedClientInitialNamesExampleCom() throws Exception {
        assertThat(sniff(rfcPacket("rfc9369-client-initial.hex")).domain()).isEqualTo("example.com");
    }

    @Test
    void aJdkClientHelloInOnePacket() throws Exception {
        byte[] hello = ClientHellos.message("one.quic.example");
        for (int version : new int[] {QuicInitials.V1, QuicInitials.V2}) {
            byte[] packet = QuicInitials.split(version, DCID, hello, 1).get(0);
            assertThat(sniff(packet).domain()).isEqualTo("one.quic.example");
        }
    }

    @Test
    void aClientHelloSplitOverSuccessiveDatagrams() throws Exception {
        byte[] hello = ClientHellos.message("split.quic.example");
        List<byte[]> packets = QuicInitials.split(QuicInitials.V1, DCID, hello, 3);
        QuicInitialSniffer sniffer = new QuicInitialSniffer();
        assertThat(offer(sniffer, packets.get(0)).needsMore()).isTrue();
        assertThat(offer(sniffer, packets.get(1)).needsMore()).isTrue();
        assertThat(offer(sniffer, packets.get(2)).domain()).isEqualTo("split.quic.example");
        assertThat(offer(sniffer, packets.get(0)).domain()).as("decided once").isEqualTo("split.quic.example");
    }

    @Test
    void aClientHelloArrivingOutOfOrder() throws Exception {
        byte[] hello = ClientHellos.message("late.quic.example");
        List<byte[]> packets = QuicInitials.split(QuicInitials.V2, DCID, hello, 2);
        QuicInitialSniffer sniffer = new QuicInitialSniffer();
        assertThat(offer(sniffer, packets.get(1)).needsMore()).isTrue();
        assertThat(offer(sniffer, packets.get(0)).domain()).isEqualTo("late.quic.example");
    }

    @Test
    void coalescedPacketsAndShuffledFramesInOneDatagram() throws Exception {
        byte[] hello = ClientHellos.message("coalesced.quic.example");
        int a = hello.length / 3;
        int b = 2 * hello.length / 3;
        // Chrome-style: CRYPTO frames out of order with PING and an ACK between them
        byte[] frames = QuicInitials.coalesce(
                new byte[] {0x01},
                QuicInitials.cryptoFrame(hello, a, b),
                new byte[] {0x03, 5, 0, 1, 2, 1, 1, 0, 0, 0},
                QuicInitials.cryptoFrame(hello, 0, a));
        byte[] first = QuicInitials.initial(QuicInitials.V1, DCID, 0, frames, 0);
        byte[] second =
                QuicInitials.initial(QuicInitials.V1, DCID, 1, QuicInitials.cryptoFrame(hello, b, hello.length), 0);
        assertThat(sniff(QuicInitials.coalesce(first, second)).domain()).isEqualTo("coalesced.quic.example");
    }

    @Test
    void givesUpAfterTooManyDatagrams() throws Exception {
        byte[] hello = ClientHellos.message("slow.quic.example");
        byte[] firstHalf = QuicInitials.split(QuicInitials.V1, DCID, hello, 2).get(0);
        QuicInitialSniffer sniffer = new QuicInitialSniffer();
        for (int i = 1; i < QuicInitialSniffer.MAX_DATAGRAMS; i++) {
            assertThat(offer(sniffer, firstHalf).needsMore()).isTrue();
        }
        SniffResult last = offer(sniffer, firstHalf);
        assertThat(last.needsMore()).isFalse();
        assertThat(last.domain()).isNull();
    }

    @Test
    void anOversizedOrForeignHandshakeMessageFindsNothing() throws Exception {
        byte[] huge = {1, 0x7f, (byte) 0xff, (byte) 0xff, 3, 3};
        assertThat(sniff(QuicInitials.initial(QuicInitials.V1, DCID, 0, QuicInitials.cryptoFrame(huge, 0, 6), 1200)))
                .satisfies(r -> assertThat(r.needsMore() || r.domain() != null).isFalse());
        byte[] serverHello = {2, 0, 0, 2, 3, 3};
        assertThat(sniff(QuicInitials.initial(
                                QuicInitials.V1, DCID, 0, QuicInitials.cryptoFrame(serverHello, 0, 6), 1200))
                        .toString())
                .isEqualTo("none");
    }

    @Test
    void hugeOffsetsLengthsAndAckRangesAreHarmless() throws Exception {
        byte[][] payloads = {
            HEX.parseHex("06ffffffffffffffff4001aa"), // CRYPTO at the largest offset
            HEX.parseHex("0600bfffffffaa"), // CRYPTO longer than the packet
            HEX.parseHex("0200" + "00" + "bfffffff" + "00" + "0101"), // ACK with a billion ranges, then the end
            HEX.parseHex("1c00000000"), // CONNECTION_CLOSE ends the frames
        };
        for (byte[] payload : payloads) {
            SniffResult r = sniff(QuicInitials.initial(QuicInitials.V1, DCID, 0, payload, 1200));
            assertThat(r.domain()).isNull();
            assertThat(r.needsMore())
                    .as("a valid Initial without the hello yet")
                    .isTrue();
        }
    }

    @Test
    void malformedDatagramsFindNothing() throws Exception {
        byte[] packet = rfcPacket("rfc9001-client-initial.hex");
        for (int length = 0; length < packet.length; length += 7) {
            assertThat(sniff(Arrays.copyOf(packet, length)).toString())
                    .as("truncated to " + length)
                    .isEqualTo("none");
        }
        byte[] badTag = packet.clone();
        badTag[badTag.length - 1] ^= 1;
        assertThat(sniff(badTag).toString()).isEqualTo("none");
        byte[] otherVersion = packet.clone();
        otherVersion[4] = 2;
        assertThat(sniff(otherVersion).toString()).isEqualTo("none");
        byte[] shortHeader = packet.clone();
        shortHeader[0] = 0x40;
        assertThat(sniff(shortHeader).toString()).isEqualTo("none");
        byte[] hugeLengths = packet.clone();
        hugeLengths[5] = (byte) 0xff; // connection id length
        assertThat(sniff(hugeLengths).toString()).isEqualTo("none");
        byte[] hugeToken = HEX.parseHex("c00000000108" + "8394c8f03e515708" + "00" + "ffffffffffffffff" + "449e");
        assertThat(sniff(hugeToken).toString()).isEqualTo("none");
        byte[] hugeLength = HEX.parseHex("c00000000108" + "8394c8f03e515708" + "00" + "00" + "bfffffff00000000");
        assertThat(sniff(hugeLength).toString()).isEqualTo("none");
        assertThat(sniff("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII))
                        .toString())
                .isEqualTo("none");
    }

    @Test
    void packetSnifferFollowsTheRulesSnifferList() {
        assertThat(Sniffers.packetSniffer(List.of())).isNotNull();
        assertThat(Sniffers.packetSniffer(List.of("tls", "QUIC"))).isNotNull();
        assertThat(Sniffers.packetSniffer(List.of("tls", "http"))).isNull();
    }
}
