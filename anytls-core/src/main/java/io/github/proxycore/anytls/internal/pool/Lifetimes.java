package io.github.proxycore.anytls.internal.pool;

import java.util.random.RandomGenerator;

/**
 * Draws each session's lifetime once, at creation: {@code max + U(-jitter, +jitter)} from a real random source (not
 * derived from the sequence number or the clock, as an earlier pool implementation did; docs/anytls.md), never below
 * {@link PoolConfig#MIN_LIFETIME}. With {@code max = 0} sessions never expire.
 */
final class Lifetimes {
    /** The lifetime of a session that never expires; {@code now - created >= NEVER} cannot hold. */
    static final long NEVER = Long.MAX_VALUE;

    private final long max;
    private final long jitter;
    private final RandomGenerator random;

    Lifetimes(long max, long jitter, RandomGenerator random) {
        this.max = max;
        this.jitter = jitter;
        this.random = random;
    }

    long draw() {
        if (max == 0) {
            return NEVER;
        }
        long offset = jitter == 0 ? 0 : random.nextLong(-jitter, jitter + 1); // both ends included: max ± jitter
        long lifetime = offset > 0 && max > Long.MAX_VALUE - offset ? Long.MAX_VALUE - 1 : max + offset;
        return Math.max(PoolConfig.MIN_LIFETIME, lifetime);
    }
}
