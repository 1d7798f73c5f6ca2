package io.github.proxycore.outbound.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.github.proxycore.outbound.sniff.QuicInitialSniffer;
import io.github.proxycore.outbound.sniff.SniffResult;
import io.github.proxycore.testing.QuicInitials;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Whatever datagrams a UDP client sends, the QUIC sniffer answers (a name, "need more" or "none") without throwing,
 * hanging or consuming the datagram. Random bytes rarely authenticate, so the fuzzer's bytes are also sealed as the
 * frames of a valid Initial, which reaches the frame and ClientHello parsing.
 *
 * <p>To fuzz: {@code JAZZER_FUZZ=1 mvn -pl outbound-core test -Dtest=QuicInitialSnifferFuzzTest}.
 */
class QuicInitialSnifferFuzzTest {
    private static final byte[] DCID = {1, 2, 3, 4, 5, 6, 7, 8};

    @FuzzTest(maxDuration = "60s")
    void sniffsWithoutHarm(byte @NotNull [] bytes) throws Exception {
        QuicInitialSniffer raw = new QuicInitialSniffer();
        offer(raw, bytes);
        offer(raw, bytes);
        if (bytes.length > 0 && bytes.length < 16 * 1024) {
            int version = (bytes[0] & 1) == 0 ? QuicInitials.V1 : QuicInitials.V2;
            QuicInitialSniffer sealed = new QuicInitialSniffer();
            offer(sealed, QuicInitials.initial(version, DCID, 0, bytes, 1200));
            offer(sealed, bytes);
        }
    }

    private static void offer(QuicInitialSniffer sniffer, byte[] datagram) {
        ByteBuf in = Unpooled.wrappedBuffer(datagram);
        try {
            SniffResult result = sniffer.offer(in);
            check(result != null, "no result");
            check(result.domain() == null || !result.domain().isEmpty(), "an empty name");
            check(result.domain() == null || !result.needsMore(), "a name that needs more");
            check(in.readerIndex() == 0 && in.writerIndex() == datagram.length, "the datagram was consumed");
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
