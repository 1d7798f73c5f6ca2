package io.github.proxycore.loadbalance.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable byte buffer a hash key is written into as UTF-8, so that building and hashing a key allocates nothing
 * once the buffer has grown to the longest key seen. One per thread ({@link HashKeys#buffer()}); not thread-safe.
 *
 * <p>The writers produce exactly the bytes of the text form other implementations hash: decimal numbers, IPv4
 * dotted quads, IPv6 in RFC 5952 form ({@code 2001:db8::1}, as Go's {@code netip.Addr.String()} prints it), and
 * strings as {@link String#getBytes} with UTF-8 would encode them.
 */
public final class KeyBuffer {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Whether {@link Inet4Address#hashCode()} is the address as an int, which lets IPv4 be read without a copy. */
    private static final boolean IPV4_HASH_IS_ADDRESS = ipv4HashIsAddress();
    /** "00", "01", ... "99": two decimal digits at a time. */
    private static final byte[] DIGIT_PAIRS = new byte[200];
    /** "0".."255", for IPv4 octets without division. */
    private static final byte[][] OCTETS = new byte[256][];

    static {
        for (int i = 0; i < 256; i++) {
            OCTETS[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private byte[] bytes = new byte[128];
    private int length;

    /** Empties the buffer. */
    public void reset() {
        length = 0;
    }

    public int length() {
        return length;
    }

    /** The backing array; bytes {@code 0..length()-1} are the key. */
    public byte[] array() {
        return bytes;
    }

    /** XXH64 (seed 0) of the key. */
    public long hash() {
        return HashRing.XXH64.hashBytes(bytes, 0, length);
    }

    private void ensure(int extra) {
        if (length + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
        }
    }

    public void writeByte(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    public void write(byte[] data) {
        ensure(data.length);
        System.arraycopy(data, 0, bytes, length, data.length);
        length += data.length;
    }

    /** Appends {@code s} as UTF-8 (a lone surrogate becomes {@code ?}, as {@link String#getBytes} does). */
    public void writeUtf8(CharSequence s) {
        writeUtf8(s, 0, s.length(), false);
    }

    /**
     * Appends {@code s[from..to)} as UTF-8, with ASCII letters lowercased when {@code lowerAscii} is set (DNS names
     * compare case-insensitively only in ASCII).
     */
    public void writeUtf8(CharSequence s, int from, int to, boolean lowerAscii) {
        ensure((to - from) * 3);
        byte[] b = bytes;
        int n = length;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[n++] = (byte) (lowerAscii && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
            } else if (c < 0x800) {
                b[n++] = (byte) (0xc0 | (c >> 6));
                b[n++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isSurrogate(c)) {
                int cp = -1;
                if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                    cp = Character.toCodePoint(c, s.charAt(++i));
                }
                if (cp < 0) {
                    b[n++] = '?';
                } else {
                    // 4 bytes for 2 chars: the 3-per-char reserve above covers it
                    b[n++] = (byte) (0xf0 | (cp >> 18));
                    b[n++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                    b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                    b[n++] = (byte) (0x80 | (cp & 0x3f));
                }
            } else {
                b[n++] = (byte) (0xe0 | (c >> 12));
                b[n++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[n++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        length = n;
    }

    /** Appends a non-negative decimal number. */
    public void writeDecimal(int value) {
        ensure(10);
        length = writeDecimal(bytes, length, value);
    }

    /**
     * Writes a non-negative decimal number at {@code offset} and returns the offset after it. The array needs room
     * for 10 digits. Two digits per division: ports and octets are written often enough for that to show.
     */
    static int writeDecimal(byte[] out, int offset, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        int end = offset + digits(value);
        int i = end;
        int v = value;
        while (v >= 100) {
            int q = v / 100;
            int pair = (v - q * 100) << 1;
            out[--i] = DIGIT_PAIRS[pair + 1];
            out[--i] = DIGIT_PAIRS[pair];
            v = q;
        }
        if (v >= 10) {
            out[--i] = DIGIT_PAIRS[(v << 1) + 1];
            out[--i] = DIGIT_PAIRS[v << 1];
        } else {
            out[--i] = (byte) ('0' + v);
        }
        return end;
    }

    private static int digits(int v) {
        if (v < 100_000) {
            return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10_000 ? 4 : 5;
        }
        return v < 1_000_000 ? 6 : v < 10_000_000 ? 7 : v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10;
    }

    /** Appends the address's text: a dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run as {@code ::}). */
    public void writeAddress(InetAddress address) {
        if (address instanceof Inet4Address) {
            int ip = IPV4_HASH_IS_ADDRESS ? address.hashCode() : toInt(address.getAddress());
            ensure(15);
            byte[] b = bytes;
            int n = length;
            n = octet(b, n, ip >>> 24);
            b[n++] = '.';
            n = octet(b, n, (ip >>> 16) & 0xff);
            b[n++] = '.';
            n = octet(b, n, (ip >>> 8) & 0xff);
            b[n++] = '.';
            length = octet(b, n, ip & 0xff);
        } else if (address instanceof Inet6Address) {
            writeIpv6(address.getAddress());
        } else {
            writeUtf8(address.getHostAddress());
        }
    }

    private static int octet(byte[] out, int offset, int value) {
        byte[] digits = OCTETS[value];
        for (byte d : digits) {
            out[offset++] = d;
        }
        return offset;
    }

    private static int toInt(byte[] b) {
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    private void writeIpv6(byte[] a) {
        // The longest run of two or more zero groups (the first on a tie) is written "::" (RFC 5952 §4.2).
        int bestStart = -1;
        int bestLength = 1;
        int runStart = -1;
        for (int g = 0; g < 8; g++) {
            boolean zero = a[2 * g] == 0 && a[2 * g + 1] == 0;
            if (zero) {
                if (runStart < 0) {
                    runStart = g;
                }
                int runLength = g - runStart + 1;
                if (runLength > bestLength) {
                    bestStart = runStart;
                    bestLength = runLength;
                }
            } else {
                runStart = -1;
            }
        }
        ensure(41);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                writeByte(':');
                writeByte(':');
                g += bestLength - 1;
                continue;
            }
            if (g > 0 && g != bestStart + bestLength) {
                writeByte(':');
            }
            int group = ((a[2 * g] & 0xff) << 8) | (a[2 * g + 1] & 0xff);
            boolean started = false;
            for (int shift = 12; shift >= 0; shift -= 4) {
                int nibble = (group >>> shift) & 0xf;
                if (nibble != 0 || started || shift == 0) {
                    writeByte(HEX[nibble]);
                    started = true;
                }
            }
        }
    }

    private static boolean ipv4HashIsAddress() {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 192, (byte) 168, 1, 100})
                                    .hashCode()
                            == 0xc0a80164
                    && InetAddress.getByAddress(new byte[] {10, 0, 0, 1}).hashCode() == 0x0a000001;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The key as text, for logs and tests. */
    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
