package io.github.proxycore.outbound.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.github.proxycore.config.route.HeadlessRule;
import io.github.proxycore.outbound.route.ruleset.RuleSetFormatException;
import io.github.proxycore.outbound.route.ruleset.SrsDecoder;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Whatever bytes arrive, the {@code .srs} decoder returns rules or throws {@link RuleSetFormatException}: no other
 * exception, no hang, no unbounded allocation. The fuzzer mutates both whole files and the inflated payload
 * (compressed here), since random bytes rarely get past zlib.
 *
 * <p>To fuzz: {@code JAZZER_FUZZ=1 mvn -pl outbound-core test -Dtest=SrsDecoderFuzzTest}.
 */
class SrsDecoderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void decodesOrRejectsClearly(byte @NotNull [] bytes) {
        decode(bytes);
        if (bytes.length > 0) {
            // the first byte picks the version; the rest is the payload before compression
            byte[] file = compress((bytes[0] & 3) + 1, bytes);
            decode(file);
        }
    }

    private static void decode(byte[] file) {
        try {
            List<HeadlessRule> rules = SrsDecoder.decode(file);
            if (rules == null) {
                throw new AssertionError("decoded to null");
            }
        } catch (RuleSetFormatException expected) {
            if (expected.getMessage() == null || expected.getMessage().isEmpty()) {
                throw new AssertionError("an error without a message", expected);
            }
        }
    }

    private static byte[] compress(int version, byte[] payload) {
        Deflater deflater = new Deflater();
        deflater.setInput(payload, 1, payload.length - 1);
        deflater.finish();
        byte[] out = new byte[payload.length * 2 + 64];
        out[0] = 'S';
        out[1] = 'R';
        out[2] = 'S';
        out[3] = (byte) version;
        int n = deflater.deflate(out, 4, out.length - 4);
        deflater.end();
        return java.util.Arrays.copyOf(out, 4 + n);
    }
}
