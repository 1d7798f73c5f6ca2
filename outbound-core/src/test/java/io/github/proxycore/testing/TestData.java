package io.github.proxycore.testing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic test bytes: byte {@code i} of stream {@code seed} is a function of both, so a large body can be
 * produced and checked piecewise without holding it in memory.
 */
public final class TestData {
    private TestData() {}

    /** Fills {@code out} with the bytes of stream {@code seed} starting at {@code offset}. */
    public static void fill(long seed, long offset, byte[] out, int length) {
        for (int i = 0; i < length; i++) {
            long x = (offset + i) * 0x9E3779B97F4A7C15L + seed;
            x ^= x >>> 29;
            x *= 0xBF58476D1CE4E5B9L;
            x ^= x >>> 32;
            out[i] = (byte) x;
        }
    }

    /** SHA-256 of the first {@code length} bytes of stream {@code seed}, as hex. */
    public static String sha256(long seed, long length) {
        MessageDigest digest = sha256();
        byte[] chunk = new byte[64 * 1024];
        for (long offset = 0; offset < length; offset += chunk.length) {
            int n = (int) Math.min(chunk.length, length - offset);
            fill(seed, offset, chunk, n);
            digest.update(chunk, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
