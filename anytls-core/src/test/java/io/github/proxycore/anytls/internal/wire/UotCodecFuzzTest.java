package io.github.proxycore.anytls.internal.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.SocksAddress;
import io.github.proxycore.outbound.UdpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whatever a peer sends on a UDP-over-TCP stream, the decoder hands out whole datagrams only or fails with a
 * {@link CorruptedFrameException} (an unknown address family, a bad domain); bytes in two pieces decode as in one;
 * every decoded datagram survives the encoder and the decoder again; the stream's request form survives a round
 * trip; and no buffer is left unreleased.
 *
 * <p>The first byte of the input picks the mode (bit 0: connect mode, with a fixed destination) and where the rest
 * is cut in two. To fuzz: {@code JAZZER_FUZZ=1 mvn -pl anytls-core test -Dtest=UotCodecFuzzTest}.
 */
class UotCodecFuzzTest {
    private static final Destination CONNECTED = Destination.of("192.0.2.7", 443);

    private record Datagram(Destination from, String payload) {}

    /** What a decoder made of some bytes: the datagrams, and whether it failed after them. */
    private record Decoded(List<Datagram> datagrams, boolean corrupted) {}

    @FuzzTest(maxDuration = "60s")
    void decodesWholeDatagramsOnly(byte @NotNull [] input) {
        if (input.length == 0) {
            return;
        }
        boolean connect = (input[0] & 1) != 0;
        byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
        int cut = bytes.length == 0 ? 0 : ((input[0] & 0xff) >>> 1) % (bytes.length + 1);

        Decoded whole = decode(connect, bytes, bytes.length);
        Decoded pieces = decode(connect, bytes, cut);
        check(whole.equals(pieces), "two pieces decode differently from one: " + whole + " / " + pieces);
        if (connect) {
            check(!whole.corrupted(), "a connect-mode stream has no address to be corrupt");
        }

        // what was decoded, encoded again, decodes to the same datagrams
        EmbeddedChannel encoder = new EmbeddedChannel(new UotEncoder(connect));
        ByteBuf again = Unpooled.buffer();
        try {
            for (Datagram d : whole.datagrams()) {
                byte[] payload = ByteBufUtil.decodeHexDump(d.payload());
                encoder.writeOutbound(new UdpPacket(Unpooled.wrappedBuffer(payload), d.from()));
                ByteBuf encoded = encoder.readOutbound();
                try {
                    int header = (connect ? 0 : UotAddress.encodedLength(d.from())) + 2;
                    check(encoded.readableBytes() == header + payload.length, "encoded length");
                    again.writeBytes(encoded);
                } finally {
                    encoded.release();
                }
            }
            check(encoder.outboundMessages().isEmpty(), "one buffer per datagram");
            byte[] reencoded = ByteBufUtil.getBytes(again);
            Decoded round = decode(connect, reencoded, reencoded.length);
            check(!round.corrupted(), "an encoded datagram does not decode");
            check(round.datagrams().equals(whole.datagrams()), "datagrams did not survive a round trip");
        } finally {
            again.release();
            check(!encoder.finishAndReleaseAll(), "the encoder left messages");
        }

        // the request that opens the stream (isConnect, then the destination in SOCKS form) round-trips too
        for (Datagram d : whole.datagrams()) {
            if (connect) {
                break;
            }
            ByteBuf request = Unpooled.wrappedBuffer(UotAddress.request(true, d.from()));
            try {
                check(request.readByte() == 1, "isConnect");
                check(d.from().equals(SocksAddress.decode(request)), "request destination");
                check(!request.isReadable(), "request length");
            } finally {
                request.release();
            }
        }
    }

    /**
     * Decodes {@code bytes} fed in two writes, cut at {@code cut}, into one cumulation as ByteToMessageDecoder
     * keeps it (called directly: a channel per input would cost more than the decoding).
     */
    private static Decoded decode(boolean connect, byte[] bytes, int cut) {
        UotDecoder decoder = new UotDecoder(connect ? CONNECTED : null);
        List<Datagram> datagrams = new ArrayList<>();
        List<Object> out = new ArrayList<>();
        ByteBuf cumulation = Unpooled.buffer(cut);
        boolean corrupted;
        try {
            cumulation.writeBytes(bytes, 0, cut);
            corrupted = decodeAll(decoder, cumulation, out, datagrams);
            if (!corrupted) {
                cumulation.writeBytes(bytes, cut, bytes.length - cut);
                corrupted = decodeAll(decoder, cumulation, out, datagrams);
            }
        } finally {
            out.forEach(ReferenceCountUtil::release);
            cumulation.release();
        }
        check(cumulation.refCnt() == 0, "a datagram still holds the input");
        return new Decoded(datagrams, corrupted);
    }

    /** Decodes what {@code in} holds; returns whether it failed as corrupt (any other exception is a finding). */
    private static boolean decodeAll(UotDecoder decoder, ByteBuf in, List<Object> out, List<Datagram> into) {
        try {
            decoder.decode(null, in, out); // the decoder needs no context
            return false;
        } catch (CorruptedFrameException e) {
            return true;
        } finally {
            for (Object m : out) { // the datagrams whole before a failure count too
                UdpPacket packet = (UdpPacket) m;
                try {
                    into.add(new Datagram(packet.address(), ByteBufUtil.hexDump(packet.content())));
                } finally {
                    packet.release();
                }
            }
            out.clear();
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
