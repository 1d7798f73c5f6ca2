package io.github.proxycore.outbound.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.SocksAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * Whatever bytes arrive, decoding returns an address, returns {@code null} having consumed nothing, or throws
 * {@link CorruptedFrameException} having consumed nothing; a decoded address survives encoding and decoding again.
 *
 * <p>To fuzz: {@code JAZZER_FUZZ=1 mvn -pl outbound-core test -Dtest=SocksAddressFuzzTest}.
 */
class SocksAddressFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decodesOrRejectsWithoutSideEffects(byte @NotNull [] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            Destination destination;
            try {
                destination = SocksAddress.decode(in);
            } catch (CorruptedFrameException rejected) {
                check(in.readerIndex() == 0, "a rejected address consumed input");
                return;
            }
            if (destination == null) {
                check(in.readerIndex() == 0, "an incomplete address consumed input");
                return;
            }
            int consumed = in.readerIndex();
            // a domain that is an IP literal becomes that IP, and an IPv4-mapped IPv6 address its IPv4 address,
            // so only those may re-encode to another length
            boolean normalised =
                    bytes[0] == SocksAddress.DOMAIN || (bytes[0] == SocksAddress.IPV6 && destination.isIpv4());
            check(
                    consumed == SocksAddress.encodedLength(destination) || normalised,
                    "length disagrees with what was consumed");
            ByteBuf again = Unpooled.buffer();
            try {
                SocksAddress.encode(destination, again);
                check(SocksAddress.decode(again).equals(destination), "an address did not survive a round trip");
            } finally {
                again.release();
            }
        } finally {
            in.release();
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
