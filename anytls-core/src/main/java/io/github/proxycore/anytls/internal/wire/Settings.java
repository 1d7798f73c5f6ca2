package io.github.proxycore.anytls.internal.wire;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code key=value} line format of Settings, ServerSettings and padding schemes (docs/protocol.md, settings): lines
 * joined by {@code \n} without a trailing newline; parsing splits at {@code \n}, then at the first {@code =}, skips
 * lines without {@code =} and trims nothing. Key order carries no meaning.
 */
public final class Settings {
    public static final String VERSION = "v";
    public static final String CLIENT = "client";
    public static final String PADDING_MD5 = "padding-md5";

    private Settings() {}

    /** Parses {@code text}; a later duplicate key wins, as with anytls-go's map. */
    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            String line = text.substring(start, end);
            int eq = line.indexOf('=');
            if (eq >= 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
            start = end + 1;
        }
        return out;
    }

    /** Joins {@code settings} in their iteration order. */
    public static String format(Map<String, String> settings) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(e.getKey()).append('=').append(e.getValue());
        }
        return out.toString();
    }

    /**
     * The peer version a Settings or ServerSettings text states: the integer value of {@code v}, or 0 when it is
     * missing or not an integer (a peer that states nothing usable is treated as v1 by the callers).
     */
    public static int version(Map<String, String> settings) {
        String v = settings.get(VERSION);
        if (v == null) {
            return 0;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
