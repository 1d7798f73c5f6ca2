package io.github.proxycore.mixed;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The head of an HTTP/1.x request as a proxy sees it: request line and headers, in their original order and case.
 * Parsing is strict about structure and bounded in size; the body is not touched.
 *
 * @param method the request method, e.g. {@code CONNECT}
 * @param target the request target: {@code host:port} for CONNECT, an absolute URI for a proxied request
 * @param version {@code HTTP/1.0} or {@code HTTP/1.1}
 * @param headers name/value pairs in order
 * @param length how many bytes the head took, including the empty line
 */
record HttpRequestHead(String method, String target, String version, List<Header> headers, int length) {
    /** A request head may not be larger than this. */
    static final int MAX_LENGTH = 64 * 1024;

    record Header(String name, String value) {}

    /** A request the proxy answers with {@code status} and then closes. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /**
     * Parses the head at the reader index of {@code in} without consuming anything; {@code null} if the empty line
     * that ends it has not arrived yet.
     *
     * @throws BadRequest if the head is malformed or too large
     */
    static HttpRequestHead parse(ByteBuf in) throws BadRequest {
        return parse(in, 0);
    }

    /**
     * {@link #parse(ByteBuf)} for a head that arrives in pieces: the search for its end resumes near where the last
     * call stopped, so a head sent a byte at a time costs linear time, not quadratic.
     *
     * @param scanned how many bytes from the reader index earlier calls searched without finding the end
     */
    static HttpRequestHead parse(ByteBuf in, int scanned) throws BadRequest {
        int start = in.readerIndex();
        // a first byte that cannot begin a method (a stray NUL, a TLS ClientHello) is refused at once, not held until
        // the handshake deadline while waiting for a line end that never comes
        if (in.isReadable() && !isTokenChar((char) (in.getByte(start) & 0xff))) {
            throw new BadRequest(400, "malformed request line");
        }
        // back up over a line end that may have been cut in two
        int from = start + Math.max(0, scanned - 3);
        int end = endOfHead(in, from, Math.min(in.writerIndex(), start + MAX_LENGTH));
        if (end < 0) {
            if (in.readableBytes() >= MAX_LENGTH) {
                throw new BadRequest(431, "request head larger than " + MAX_LENGTH + " bytes");
            }
            return null;
        }
        String text = in.toString(start, end - start, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\n", -1);
        String requestLine = stripCr(lines[0]);
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3
                || parts[0].isEmpty()
                || parts[1].isEmpty()
                || !isToken(parts[0])
                || !isFieldValue(parts[1])) {
            throw new BadRequest(400, "malformed request line");
        }
        if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
            throw new BadRequest(parts[2].startsWith("HTTP/") ? 505 : 400, "unsupported protocol version");
        }
        List<Header> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = stripCr(lines[i]);
            if (line.isEmpty()) {
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new BadRequest(400, "folded header lines are not allowed");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new BadRequest(400, "malformed header line");
            }
            // checked before trimming, which would take control characters off the ends unseen
            String value = line.substring(colon + 1);
            if (!isFieldValue(value)) {
                // a bare CR or a NUL is read differently by different servers: never pass one on (RFC 9110 §5.5)
                throw new BadRequest(400, "invalid character in header value");
            }
            headers.add(new Header(line.substring(0, colon), value.strip()));
        }
        checkFraming(headers);
        return new HttpRequestHead(parts[0], parts[1], parts[2], List.copyOf(headers), end - start);
    }

    /** The index just past the empty line ending the head ("\r\n\r\n" or a bare "\n\n"), or -1. */
    private static int endOfHead(ByteBuf in, int from, int to) {
        for (int i = ByteBufUtil.indexOf(in, from, to, (byte) '\n');
                i >= 0 && i < to;
                i = ByteBufUtil.indexOf(in, i + 1, to, (byte) '\n')) {
            if (i + 1 < to && in.getByte(i + 1) == '\n') {
                return i + 2;
            }
            if (i + 2 < to && in.getByte(i + 1) == '\r' && in.getByte(i + 2) == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    /**
     * Refuses heads whose body length two servers could read differently (RFC 9112 §6.1, §6.3): Content-Length
     * together with Transfer-Encoding, or Content-Lengths that disagree.
     */
    private static void checkFraming(List<Header> headers) throws BadRequest {
        String contentLength = null;
        boolean transferEncoding = false;
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase("transfer-encoding")) {
                transferEncoding = true;
            } else if (header.name().equalsIgnoreCase("content-length")) {
                if (contentLength != null && !contentLength.equals(header.value())) {
                    throw new BadRequest(400, "conflicting Content-Length headers");
                }
                contentLength = header.value();
            }
        }
        if (transferEncoding && contentLength != null) {
            throw new BadRequest(400, "Content-Length together with Transfer-Encoding");
        }
    }

    /** Whether {@code s} holds only visible characters, obs-text, spaces and tabs (RFC 9110 §5.5). */
    private static boolean isFieldValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** Whether {@code c} is a {@code tchar} (RFC 9110 §5.6.2). */
    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** The first value of a header, case-insensitively, or {@code null}. */
    String header(String name) {
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase(name)) {
                return header.value();
            }
        }
        return null;
    }

    /**
     * The header names listed in {@code Connection} headers, lower case, without the ones that frame the body: the
     * body is relayed as it is, so its framing must reach the origin whatever the client asked.
     */
    private Set<String> connectionOptions() {
        Set<String> named = new HashSet<>();
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase("connection")) {
                for (String option : header.value().split(",", -1)) {
                    named.add(option.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        named.remove("content-length");
        named.remove("transfer-encoding");
        return named;
    }

    /**
     * This request rewritten for the origin server: origin-form target, {@code Host} from the absolute URI (RFC 9112
     * §3.2.2: a proxy replaces whatever {@code Host} the client sent), hop-by-hop and proxy headers removed, with
     * every header the client's {@code Connection} names (RFC 9110 §7.6.1) except the ones that frame the body,
     * {@code Connection: close} so that one client connection carries one request to one destination.
     *
     * @param hostHeader the URI's {@code host[:port]}, without user information
     */
    byte[] forOrigin(String originTarget, String hostHeader) {
        Set<String> named = connectionOptions();
        StringBuilder out = new StringBuilder(length + 32);
        out.append(method)
                .append(' ')
                .append(originTarget)
                .append(' ')
                .append(version)
                .append("\r\nHost: ")
                .append(hostHeader)
                .append("\r\n");
        for (Header header : headers) {
            switch (header.name().toLowerCase(Locale.ROOT)) {
                case "host":
                case "proxy-connection":
                case "proxy-authorization":
                case "connection":
                case "keep-alive":
                    continue;
                default:
                    if (named.contains(header.name().toLowerCase(Locale.ROOT))) {
                        continue;
                    }
                    out.append(header.name())
                            .append(": ")
                            .append(header.value())
                            .append("\r\n");
            }
        }
        out.append("Connection: close\r\n\r\n");
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
