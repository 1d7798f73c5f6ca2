package io.github.proxycore.outbound.sniff;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Finds the {@code Host} header of an HTTP/1.x request. Reads without consuming; gives up on anything that does not
 * start like a request line, and on a head larger than {@link #MAX_HEAD_BYTES}. Pure and thread-safe.
 */
public final class HttpHostSniffer {
    static final int MAX_HEAD_BYTES = 8192;

    private HttpHostSniffer() {}

    /**
     * Sniffs the readable bytes of {@code in} (left as they are) for the {@code Host} of an HTTP/1 request head.
     *
     * @param in the connection's first bytes
     * @return the name, "need more", or "none"
     */
    public static SniffResult sniff(ByteBuf in) {
        int start = in.readerIndex();
        int length = Math.min(in.readableBytes(), MAX_HEAD_BYTES);
        byte[] head = new byte[length];
        in.getBytes(start, head);
        // the method: 1-16 upper-case letters and a space
        int i = 0;
        while (i < head.length && i <= 16 && head[i] >= 'A' && head[i] <= 'Z') {
            i++;
        }
        if (i == head.length) {
            return i <= 16 ? SniffResult.needMore() : SniffResult.none();
        }
        if (i == 0 || head[i] != ' ') {
            return SniffResult.none();
        }
        int lineStart = indexOfCrlf(head, 0);
        if (lineStart < 0) {
            return more(in);
        }
        String requestLine = new String(head, 0, lineStart, StandardCharsets.ISO_8859_1);
        if (!requestLine.contains(" HTTP/1.")) {
            return SniffResult.none();
        }
        int p = lineStart + 2;
        while (true) {
            int eol = indexOfCrlf(head, p);
            if (eol < 0) {
                return more(in);
            }
            if (eol == p) {
                return SniffResult.none(); // end of the head without a Host
            }
            String line = new String(head, p, eol - p, StandardCharsets.ISO_8859_1);
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("host")) {
                String host = hostWithoutPort(line.substring(colon + 1).strip());
                return host == null ? SniffResult.none() : SniffResult.found("http", host.toLowerCase(Locale.ROOT));
            }
            p = eol + 2;
        }
    }

    private static SniffResult more(ByteBuf in) {
        return in.readableBytes() >= MAX_HEAD_BYTES ? SniffResult.none() : SniffResult.needMore();
    }

    /** {@code example.com:8080} → {@code example.com}; IP literals (bracketed or not) are not names: null. */
    static String hostWithoutPort(String value) {
        if (value.isEmpty() || value.startsWith("[")) {
            return null;
        }
        int colon = value.lastIndexOf(':');
        String host = colon >= 0 ? value.substring(0, colon) : value;
        if (!TlsClientHelloSniffer.validHostName(host)
                || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return null;
        }
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    private static int indexOfCrlf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
