package io.github.proxycore.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Go-style duration strings, as sing-box configurations write them: {@code "300ms"}, {@code "1h5m"},
 * {@code "1.5h"}, {@code "0"}.
 *
 * <p>The grammar and the arithmetic are those of Go's {@code time.ParseDuration} as extended by sing-box
 * (which also accepts {@code d} for 24 hours): an optional sign, then one or more decimal numbers with an
 * optional fraction, each followed by a unit ({@code ns}, {@code us}, {@code µs}, {@code μs}, {@code ms},
 * {@code s}, {@code m}, {@code h}, {@code d}). Fractions are scaled exactly as Go scales them (through a
 * 64-bit float), so {@code "1.1h"} gives the same nanosecond count here as in sing-box. A bare {@code "0"} is
 * zero; any other number needs a unit.
 *
 * <pre>{@code
 * Duration d = GoDuration.parse("1h5m");   // PT1H5M
 * String s = GoDuration.format(d);         // "1h5m0s"
 * }</pre>
 */
public final class GoDuration {
    private static final long MAX = Long.MIN_VALUE; // 1 << 63 as an unsigned value

    private GoDuration() {}

    /**
     * Parses a Go duration string.
     *
     * @param text the duration, e.g. {@code "1h5m"}, {@code "300ms"}, {@code "1.5d"} or {@code "0"}
     * @return the duration, exact to the nanosecond as Go computes it
     * @throws IllegalArgumentException with Go's wording when the text is not a valid duration
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text;
        int i = 0;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        if (s.length() - i == 1 && s.charAt(i) == '0') {
            return Duration.ZERO;
        }
        if (i == s.length()) {
            throw invalid(text);
        }
        long total = 0; // unsigned accumulator, at most 1 << 63
        while (i < s.length()) {
            char c = s.charAt(i);
            if (!(c == '.' || isDigit(c))) {
                throw invalid(text);
            }
            // integer part
            int start = i;
            long whole = 0;
            while (i < s.length() && isDigit(s.charAt(i))) {
                if (Long.compareUnsigned(whole, MAX / 10) > 0) {
                    throw invalid(text);
                }
                whole = whole * 10 + (s.charAt(i) - '0');
                if (Long.compareUnsigned(whole, MAX) > 0) {
                    throw invalid(text);
                }
                i++;
            }
            boolean digitsBefore = i != start;
            // fraction part: keeps precision until it would overflow, like Go's leadingFraction
            long fraction = 0;
            double scale = 1;
            boolean digitsAfter = false;
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                int fractionStart = i;
                boolean overflow = false;
                while (i < s.length() && isDigit(s.charAt(i))) {
                    if (!overflow) {
                        if (Long.compareUnsigned(fraction, Long.MAX_VALUE / 10) > 0) {
                            overflow = true;
                        } else {
                            long next = fraction * 10 + (s.charAt(i) - '0');
                            if (Long.compareUnsigned(next, MAX) > 0) {
                                overflow = true;
                            } else {
                                fraction = next;
                                scale *= 10;
                            }
                        }
                    }
                    i++;
                }
                digitsAfter = i != fractionStart;
            }
            if (!digitsBefore && !digitsAfter) {
                throw invalid(text);
            }
            int unitStart = i;
            while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
                i++;
            }
            if (i == unitStart) {
                throw new IllegalArgumentException("missing unit in duration " + quote(text));
            }
            String unitName = s.substring(unitStart, i);
            long unit = unitNanos(unitName);
            if (unit == 0) {
                throw new IllegalArgumentException("unknown unit " + quote(unitName) + " in duration " + quote(text)
                        + " (valid units: ns, us, ms, s, m, h, d)");
            }
            if (Long.compareUnsigned(whole, Long.divideUnsigned(MAX, unit)) > 0) {
                throw invalid(text);
            }
            long value = whole * unit;
            if (fraction != 0) {
                // Go: v += uint64(float64(f) * (float64(unit) / scale))
                value += (long) (unsignedToDouble(fraction) * ((double) unit / scale));
                if (Long.compareUnsigned(value, MAX) > 0) {
                    throw invalid(text);
                }
            }
            total += value;
            if (Long.compareUnsigned(total, MAX) > 0) {
                throw invalid(text);
            }
        }
        if (negative) {
            return Duration.ofNanos(-total); // -(1 << 63) wraps to itself: Long.MIN_VALUE, as in Go
        }
        if (total == MAX) {
            throw invalid(text);
        }
        return Duration.ofNanos(total);
    }

    /**
     * Formats a duration the way Go's {@code Duration.String()} does ({@code "1h5m0s"}, {@code "300ms"},
     * {@code "0s"}), so that what a log prints can be pasted back into a configuration.
     *
     * @param duration the duration; beyond Go's range it is clamped to Go's extremes
     * @return the Go text
     */
    public static String format(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        long nanos;
        try {
            nanos = duration.toNanos();
        } catch (ArithmeticException e) {
            return duration.isNegative() ? "-2562047h47m16.854775808s" : "2562047h47m16.854775807s";
        }
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        boolean negative = nanos < 0;
        // work on the unsigned magnitude so Long.MIN_VALUE formats correctly
        long u = negative ? -nanos : nanos;
        if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
            String unit;
            int precision;
            if (u < 1_000L) {
                return (negative ? "-" : "") + u + "ns";
            } else if (u < 1_000_000L) {
                unit = "µs";
                precision = 3;
            } else {
                unit = "ms";
                precision = 6;
            }
            out.append(fractional(u, precision)).append(unit);
        } else {
            long seconds = Long.divideUnsigned(u, 1_000_000_000L);
            long fractionNanos = Long.remainderUnsigned(u, 1_000_000_000L);
            long hours = seconds / 3600;
            long minutes = (seconds / 60) % 60;
            long secs = seconds % 60;
            if (hours > 0) {
                out.append(hours).append('h');
            }
            if (hours > 0 || minutes > 0) {
                out.append(minutes).append('m');
            }
            out.append(secs);
            if (fractionNanos != 0) {
                String digits = String.format("%09d", fractionNanos);
                int end = digits.length();
                while (digits.charAt(end - 1) == '0') {
                    end--;
                }
                out.append('.').append(digits, 0, end);
            }
            out.append('s');
        }
        return negative ? "-" + out : out.toString();
    }

    private static String fractional(long value, int precision) {
        long divisor = 1;
        for (int i = 0; i < precision; i++) {
            divisor *= 10;
        }
        long whole = value / divisor;
        long rest = value % divisor;
        if (rest == 0) {
            return Long.toString(whole);
        }
        String digits = String.format("%0" + precision + "d", rest);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + digits.substring(0, end);
    }

    private static long unitNanos(String unit) {
        switch (unit) {
            case "ns":
                return 1L;
            case "us":
            case "\u00b5s": // micro sign
            case "\u03bcs": // Greek small letter mu
                return 1_000L;
            case "ms":
                return 1_000_000L;
            case "s":
                return 1_000_000_000L;
            case "m":
                return 60_000_000_000L;
            case "h":
                return 3_600_000_000_000L;
            case "d":
                return 86_400_000_000_000L;
            default:
                return 0;
        }
    }

    private static double unsignedToDouble(long value) {
        return value >= 0 ? value : 0x1p63; // the only "negative" value reachable here is 1 << 63
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("invalid duration " + quote(text));
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
