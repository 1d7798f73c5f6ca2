package io.github.proxycore.config;

import java.util.Objects;

/**
 * The {@code log} section.
 *
 * @param disabled no logging at all
 * @param level the lowest level logged (default {@code info})
 * @param output a file to append to, or {@code null} for standard error
 * @param timestamp whether each line starts with the time
 */
public record LogOptions(boolean disabled, LogLevel level, String output, boolean timestamp) {
    /** Logging at {@code info} to standard error, with timestamps. */
    public static final LogOptions DEFAULT = new LogOptions(false, LogLevel.INFO, null, true);

    /**
     * Checks that {@code level} is set.
     *
     * @param disabled no logging at all
     * @param level the lowest level logged
     * @param output a file to append to, or {@code null} for standard error
     * @param timestamp whether each line starts with the time
     * @throws NullPointerException if {@code level} is {@code null}
     */
    public LogOptions {
        Objects.requireNonNull(level, "level");
    }
}
