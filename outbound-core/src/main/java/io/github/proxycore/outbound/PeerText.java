package io.github.proxycore.outbound;

/**
 * Text a peer sent (an error message in a frame, a header value), made safe to put in a log line or an exception
 * message: control characters become escapes ({@code \x0d}), so a CR or LF cannot forge log lines, and the text is
 * cut to a length a log can carry.
 */
public final class PeerText {
    /** The longest text kept, in characters; what is cut ends with {@code …}. */
    public static final int MAX_LENGTH = 256;

    private PeerText() {}

    /**
     * {@code text} with control characters escaped, at most {@link #MAX_LENGTH} characters of it.
     *
     * @param text text a peer sent (a domain, a user name, a header)
     * @return text safe to write into one log line
     */
    public static String printable(CharSequence text) {
        int end = Math.min(text.length(), MAX_LENGTH);
        StringBuilder out = null;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
                if (out == null) {
                    out = new StringBuilder(end + 16).append(text, 0, i);
                }
                out.append(c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        String kept = out != null ? out.toString() : text.subSequence(0, end).toString();
        return end < text.length() ? kept + "…" : kept;
    }
}
