package io.github.proxycore.anytls.internal.pool;

/**
 * Exponential back-off of the ensure step after failed dials: after {@code k} failures in a row the next attempt
 * waits {@code min(initial * 2^(k-1), max)}, and while the streak lasts only one attempt (a probe) is in flight. Any
 * successful dial ends the streak. Not thread-safe: the pool guards it.
 */
final class DialBackoff {
    private final long initial;
    private final long max;
    private int failures;
    private long retryAt;

    DialBackoff(long initial, long max) {
        this.initial = initial;
        this.max = max;
    }

    void failed(long now) {
        failures++;
        retryAt = now + delay(failures);
    }

    void succeeded() {
        failures = 0;
    }

    /** Whether dials are failing, so that the ensure step probes with one dial at a time. */
    boolean active() {
        return failures > 0;
    }

    boolean ready(long now) {
        return failures == 0 || now - retryAt >= 0;
    }

    long retryAt() {
        return retryAt;
    }

    int failures() {
        return failures;
    }

    /** The wait after the {@code k}-th failure in a row. */
    long delay(int k) {
        int shift = Math.min(k - 1, 62);
        long delay = initial > (max >> shift) ? max : initial << shift;
        return Math.min(delay, max);
    }
}
