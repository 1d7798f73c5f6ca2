package io.github.proxycore.config.route;

/**
 * An inclusive port range as sing-box writes it: {@code 1000:2000}, {@code :3000} (from 0) or {@code 4000:} (to
 * 65535).
 *
 * @param from the first port, 0 to 65535
 * @param to the last port, {@code from} to 65535
 */
public record PortRange(int from, int to) {
    /**
     * Checks the bounds.
     *
     * @param from the first port
     * @param to the last port
     * @throws IllegalArgumentException if a bound is out of range or {@code from > to}
     */
    public PortRange {
        if (from < 0 || to > 65535 || from > to) {
            throw new IllegalArgumentException("bad port range " + from + ":" + to);
        }
    }

    /**
     * Parses {@code from:to}.
     *
     * @param text the range, e.g. {@code 1000:2000}, {@code :3000} or {@code 4000:}
     * @return the range
     * @throws IllegalArgumentException saying what is wrong
     */
    public static PortRange parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0 || colon != text.lastIndexOf(':') || text.length() == 1) {
            throw new IllegalArgumentException("expected \"from:to\", got \"" + text + "\"");
        }
        int from = colon == 0 ? 0 : port(text.substring(0, colon), text);
        int to = colon == text.length() - 1 ? 65535 : port(text.substring(colon + 1), text);
        if (from > to) {
            throw new IllegalArgumentException("range start exceeds its end in \"" + text + "\"");
        }
        return new PortRange(from, to);
    }

    private static int port(String digits, String text) {
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("bad port in \"" + text + "\"");
        }
        int port = Integer.parseInt(digits);
        if (port > 65535) {
            throw new IllegalArgumentException("port " + port + " exceeds 65535 in \"" + text + "\"");
        }
        return port;
    }

    /**
     * Whether {@code port} is in the range, bounds included.
     *
     * @param port the port
     * @return whether it is in the range
     */
    public boolean contains(int port) {
        return port >= from && port <= to;
    }
}
