package io.github.proxycore.config.route;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IP network such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a /32 or /128. Parsing
 * never consults DNS. IPv4 and IPv6 prefixes never contain each other's addresses; callers unmap IPv4-mapped IPv6
 * addresses first.
 */
public final class IpPrefix {
    private final byte[] network;
    private final int bits;

    private IpPrefix(byte[] network, int bits) {
        this.network = network;
        this.bits = bits;
    }

    /**
     * Parses a prefix.
     *
     * @param text an address or {@code address/bits}, e.g. {@code 10.0.0.0/8}; host bits are cleared
     * @return the prefix
     * @throws IllegalArgumentException saying what is wrong
     */
    public static IpPrefix parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        byte[] address = parseAddress(addressText);
        if (address == null) {
            throw new IllegalArgumentException("not an IP address or CIDR prefix: \"" + text + "\"");
        }
        int maxBits = address.length * 8;
        int bits = maxBits;
        if (slash >= 0) {
            String bitsText = text.substring(slash + 1);
            if (bitsText.isEmpty() || bitsText.length() > 3 || !bitsText.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("bad prefix length in \"" + text + "\"");
            }
            bits = Integer.parseInt(bitsText);
            if (bits > maxBits) {
                throw new IllegalArgumentException(
                        "prefix length " + bits + " exceeds " + maxBits + " in \"" + text + "\"");
            }
        }
        mask(address, bits);
        return new IpPrefix(address, bits);
    }

    /**
     * Parses an IP literal (dotted-quad IPv4 or IPv6 without brackets or zone) to its bytes, or {@code null} if it
     * is not one. Never consults DNS.
     *
     * @param text the literal
     * @return 4 or 16 bytes, or {@code null}
     */
    public static byte[] parseAddress(String text) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            return parseIpv4(text);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok =
                    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) {
                return null;
            }
        }
        try {
            // a string containing ':' is only ever parsed as an IPv6 literal, never looked up
            byte[] bytes = InetAddress.getByName(text).getAddress();
            if (bytes.length == 4) {
                // Java unmaps "::ffff:a.b.c.d"; keep the 16-byte form the text asked for
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(bytes, 0, mapped, 12, 4);
                return mapped;
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] parseIpv4(String text) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i == text.length() ? '.' : text.charAt(i);
            if (c == '.') {
                if (value < 0 || part > 3) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null; // no leading zeros: "010" is ambiguous (octal elsewhere)
                }
                value = (value < 0 ? 0 : value) * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    private static void mask(byte[] address, int bits) {
        for (int i = 0; i < address.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            address[i] &= (byte) (0xff << (8 - keep));
        }
    }

    /**
     * Whether {@code address} is inside this prefix.
     *
     * @param address 4 or 16 bytes
     * @return {@code true} if it is of this prefix's family and its first {@link #bits()} bits match
     */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int maskByte = 0xff << (8 - rest);
        return (address[full] & maskByte) == (network[full] & maskByte);
    }

    /** {@return the network address (host bits zero), a copy: 4 or 16 bytes} */
    public byte[] networkAddress() {
        return network.clone();
    }

    /** {@return the address length in bytes: 4 or 16} */
    public int addressLength() {
        return network.length;
    }

    /** {@return the prefix length in bits: 0 to 32 for IPv4, 0 to 128 for IPv6} */
    public int bits() {
        return bits;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpPrefix that && bits == that.bits && Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + bits;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
