package io.github.proxycore.anytls;

import io.github.proxycore.anytls.internal.wire.Settings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * An AnyTLS padding scheme (docs/protocol.md, padding): how the first packets a client writes are cut and padded.
 * Immutable.
 *
 * <p>The text is kept byte for byte, because peers compare schemes by the MD5 of the raw bytes. Parsing follows
 * anytls-go's grammar exactly: {@code key=value} lines split at {@code \n} and the first {@code =}, nothing trimmed;
 * the scheme is valid only if {@code stop} is an integer. Each line {@code N} lists items separated by commas:
 * {@code a-b} (a size drawn uniformly from {@code [min, max)}, or exactly {@code a} when both bounds are equal),
 * {@code c} (a check mark: stop padding this packet if nothing is left), anything else is skipped.
 *
 * <pre>{@code
 * PaddingScheme scheme = PaddingScheme.parse("stop=3\n0=900-1400\n1=900-1400\n2=900-1400");
 * scheme.md5(); // "276925c451e8c13324f56e3846870cca"
 * }</pre>
 */
public final class PaddingScheme {
    /** In a list from {@link #recordSizes}, the check mark {@code c}. */
    public static final int CHECK = -1;

    /** The protocol's default scheme (137 bytes, MD5 {@code 75cff2ad89aadf5e257059ee571ebe11}). */
    public static final PaddingScheme DEFAULT = parse("stop=8\n"
            + "0=30-30\n"
            + "1=100-400\n"
            + "2=400-500,c,500-1000,c,500-1000,c,500-1000,c,500-1000\n"
            + "3=9-9,500-1000\n"
            + "4=500-1000\n"
            + "5=500-1000\n"
            + "6=500-1000\n"
            + "7=500-1000");

    private final byte[] raw;
    private final String md5;
    private final long stop;
    private final Map<Integer, long[][]> lines;

    private PaddingScheme(byte[] raw, long stop, Map<Integer, long[][]> lines) {
        this.raw = raw;
        this.md5 = md5Hex(raw);
        this.stop = stop;
        this.lines = lines;
    }

    /**
     * Parses a scheme from its text (UTF-8).
     *
     * @param text the scheme's text, e.g. {@code "stop=3\n0=900-1400"}
     * @return the scheme
     * @throws IllegalArgumentException if anytls-go would reject it ({@code stop} missing or not an integer)
     */
    public static PaddingScheme parse(String text) {
        Objects.requireNonNull(text, "text");
        return parse(text.getBytes(StandardCharsets.UTF_8))
                .orElseThrow(() -> new IllegalArgumentException("invalid padding scheme: \"stop\" must be an integer"));
    }

    /**
     * Parses a scheme from its lines, joined with {@code \n} as the configuration's list form means.
     *
     * @param lines the lines, e.g. a {@code padding_scheme} list
     * @return the scheme
     * @throws IllegalArgumentException if anytls-go would reject it
     */
    public static PaddingScheme parseLines(List<String> lines) {
        return parse(String.join("\n", lines));
    }

    /**
     * Parses raw scheme bytes, or returns empty if anytls-go would reject them.
     *
     * @param raw the scheme's bytes, e.g. from an UpdatePaddingScheme frame; copied
     * @return the scheme, or empty
     */
    public static Optional<PaddingScheme> parse(byte[] raw) {
        Objects.requireNonNull(raw, "raw");
        Map<String, String> map = Settings.parse(new String(raw, StandardCharsets.UTF_8));
        if (map.isEmpty()) {
            return Optional.empty();
        }
        long stop;
        try {
            // anytls-go keeps stop as uint32: a negative value wraps around
            stop = Integer.parseInt(map.getOrDefault("stop", "")) & 0xFFFFFFFFL;
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Map<Integer, long[][]> lines = new HashMap<>();
        for (Map.Entry<String, String> e : map.entrySet()) {
            Integer packet = packetNumber(e.getKey());
            if (packet != null) {
                lines.put(packet, items(e.getValue()));
            }
        }
        return Optional.of(new PaddingScheme(raw.clone(), stop, lines));
    }

    /** A key is looked up as the decimal text of the packet number, so only canonical numbers ever match. */
    private static Integer packetNumber(String key) {
        if (key.isEmpty() || key.length() > 9) {
            return null;
        }
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) < '0' || key.charAt(i) > '9') {
                return null;
            }
        }
        int n = Integer.parseInt(key);
        return String.valueOf(n).equals(key) ? n : null;
    }

    /** Items as {min, max} pairs; the check mark is {CHECK, CHECK}. */
    private static long[][] items(String value) {
        List<long[]> out = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            if (item.equals("c")) {
                out.add(new long[] {CHECK, CHECK});
                continue;
            }
            String[] bounds = item.split("-", -1);
            if (bounds.length != 2) {
                continue;
            }
            long a;
            long b;
            try {
                a = Long.parseLong(bounds[0]);
                b = Long.parseLong(bounds[1]);
            } catch (NumberFormatException e) {
                continue;
            }
            long min = Math.min(a, b);
            long max = Math.max(a, b);
            if (min <= 0 || max > Integer.MAX_VALUE) {
                continue;
            }
            out.add(new long[] {min, max});
        }
        return out.toArray(new long[0][]);
    }

    private static String md5Hex(byte[] raw) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(raw));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("MD5 is a required JDK algorithm", e);
        }
    }

    /** {@return the raw bytes, exactly as parsed (the server sends them in UpdatePaddingScheme), a copy} */
    public byte[] raw() {
        return raw.clone();
    }

    /** {@return the text} */
    public String text() {
        return new String(raw, StandardCharsets.UTF_8);
    }

    /** {@return the lowercase hex MD5 of the raw bytes, as sent in Settings' {@code padding-md5}} */
    public String md5() {
        return md5;
    }

    /**
     * {@return the first packet number not shaped: packets below it are, and the first one at or above it turns
     * padding off for the session}
     */
    public long stop() {
        return stop;
    }

    /**
     * The record sizes for packet {@code packet}: sizes in order, with {@link #CHECK} for check marks; empty when
     * the scheme has no line for it. Random sizes are drawn from {@code random} in {@code [min, max)}.
     *
     * @param packet the packet number, from 0
     * @param random the source of random sizes
     * @return the sizes, a new array
     */
    public int[] recordSizes(int packet, RandomGenerator random) {
        long[][] items = lines.get(packet);
        if (items == null) {
            return new int[0];
        }
        int[] out = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            long min = items[i][0];
            long max = items[i][1];
            out[i] = min == max ? (int) min : (int) (min + random.nextLong(max - min));
        }
        return out;
    }

    /**
     * The padding0 length of the auth preamble: the first size of line 0, or 0.
     *
     * @param random the source of a random size
     * @return the length in bytes
     */
    public int preamblePadding(RandomGenerator random) {
        for (int size : recordSizes(0, random)) {
            if (size != CHECK) {
                return size;
            }
        }
        return 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PaddingScheme that && Arrays.equals(raw, that.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "PaddingScheme[md5=" + md5 + ", stop=" + stop + "]";
    }
}
