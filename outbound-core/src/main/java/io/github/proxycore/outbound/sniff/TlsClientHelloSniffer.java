package io.github.proxycore.outbound.sniff;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds the server name (SNI) in a TLS ClientHello. The ClientHello may be split over several TLS records and
 * arrive in several TCP segments: the records' handshake bytes are joined (up to {@link #MAX_HELLO_BYTES}) before
 * the message is parsed. Reads without consuming: the caller replays the bytes untouched. Pure and thread-safe.
 */
public final class TlsClientHelloSniffer {
    /** A ClientHello larger than this (post-quantum key shares reach ~2 KiB; padding can add some) is given up on. */
    static final int MAX_HELLO_BYTES = 64 * 1024;

    private static final int RECORD_HANDSHAKE = 22;
    private static final int HANDSHAKE_CLIENT_HELLO = 1;
    private static final int EXTENSION_SERVER_NAME = 0;

    private TlsClientHelloSniffer() {}

    /**
     * Sniffs the readable bytes of {@code in} (left as they are) for the server name of a TLS ClientHello.
     *
     * @param in the connection's first bytes
     * @return the name, "need more", or "none"
     */
    public static SniffResult sniff(ByteBuf in) {
        int pos = in.readerIndex();
        int end = in.writerIndex();
        // gather the handshake bytes of consecutive handshake records; even the 4-byte header may be split
        byte[] hello = new byte[4];
        int have = 0;
        int need = -1; // the whole message's length (header included) once the header is in
        while (need < 0 || have < need) {
            if (end - pos < 5) {
                return SniffResult.needMore();
            }
            int type = in.getUnsignedByte(pos);
            int major = in.getUnsignedByte(pos + 1);
            int length = in.getUnsignedShort(pos + 3);
            if (type != RECORD_HANDSHAKE || major != 3 || length == 0 || length > 16384 + 2048) {
                return SniffResult.none();
            }
            if (have == 0 && end - pos > 5 && in.getUnsignedByte(pos + 5) != HANDSHAKE_CLIENT_HELLO) {
                return SniffResult.none(); // decided early: not a ClientHello needs no more bytes
            }
            if (end - pos - 5 < length) {
                return SniffResult.needMore();
            }
            for (int i = 0; i < length && (need < 0 || have < need); ) {
                if (need < 0) {
                    hello[have++] = in.getByte(pos + 5 + i++);
                    if (have == 4) {
                        need = 4 + (((hello[1] & 0xff) << 16) | ((hello[2] & 0xff) << 8) | (hello[3] & 0xff));
                        if (need > MAX_HELLO_BYTES) {
                            return SniffResult.none();
                        }
                        hello = Arrays.copyOf(hello, need);
                    }
                } else {
                    int take = Math.min(length - i, need - have);
                    in.getBytes(pos + 5 + i, hello, have, take);
                    have += take;
                    i += take;
                }
            }
            pos += 5 + length;
        }
        String name = serverName(hello);
        return name == null ? SniffResult.none() : SniffResult.found("tls", name);
    }

    /** The host_name of the server_name extension of a whole ClientHello message, or {@code null}. */
    static String serverName(byte[] m) {
        int p = 4 + 2 + 32; // handshake header, legacy_version, random
        if (p >= m.length) {
            return null;
        }
        p += 1 + (m[p] & 0xff); // session id
        if (p + 2 > m.length) {
            return null;
        }
        p += 2 + u16(m, p); // cipher suites
        if (p >= m.length) {
            return null;
        }
        p += 1 + (m[p] & 0xff); // compression methods
        if (p + 2 > m.length) {
            return null;
        }
        int extensionsEnd = Math.min(m.length, p + 2 + u16(m, p));
        p += 2;
        while (p + 4 <= extensionsEnd) {
            int type = u16(m, p);
            int length = u16(m, p + 2);
            p += 4;
            if (p + length > extensionsEnd) {
                return null;
            }
            if (type == EXTENSION_SERVER_NAME) {
                int q = p + 2; // server_name_list length
                int listEnd = Math.min(p + length, p + 2 + (length >= 2 ? u16(m, p) : 0));
                while (q + 3 <= listEnd) {
                    int nameType = m[q] & 0xff;
                    int nameLength = u16(m, q + 1);
                    q += 3;
                    if (q + nameLength > listEnd) {
                        return null;
                    }
                    if (nameType == 0 && nameLength > 0 && nameLength <= 253) {
                        String name = new String(m, q, nameLength, StandardCharsets.US_ASCII);
                        return validHostName(name) ? name : null;
                    }
                    q += nameLength;
                }
                return null;
            }
            p += length;
        }
        return null;
    }

    /** Letters, digits, '-', '_' and '.': the characters a DNS name (or an A-label) can have. */
    static boolean validHostName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_';
            if (!ok) {
                return false;
            }
        }
        return !name.isEmpty() && !name.startsWith(".");
    }

    private static int u16(byte[] m, int p) {
        return ((m[p] & 0xff) << 8) | (m[p + 1] & 0xff);
    }
}
