package io.github.proxycore.anytls.internal.pool;

import io.github.proxycore.config.GoDuration;
import java.time.Duration;

/** Formatting for the pool's debug log lines. */
public final class PoolLog {
    private PoolLog() {}

    /**
     * A duration as Go prints it ({@code 1h5m30s}, {@code 200ms}), cut to whole seconds from one second up and to
     * whole milliseconds below, as the log samples in docs/anytls.md show them.
     */
    public static String duration(long nanos) {
        if (nanos == Lifetimes.NEVER) {
            return "never";
        }
        long unit = Math.abs(nanos) >= 1_000_000_000L ? 1_000_000_000L : 1_000_000L;
        return GoDuration.format(Duration.ofNanos(nanos / unit * unit));
    }
}
