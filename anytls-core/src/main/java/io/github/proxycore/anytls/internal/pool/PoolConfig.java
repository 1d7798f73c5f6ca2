package io.github.proxycore.anytls.internal.pool;

import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import java.time.Duration;

/**
 * The session-pool fields (docs/anytls.md) in nanoseconds, checked up front (the config model rejects bad values with
 * their JSON path before this; this guards the Java API). {@code 0} disables exactly where the docs say so:
 * {@code ensureIdle} (no pre-warming), {@code createRate} (unlimited), {@code heartbeat}, {@code maxLifetime} and
 * {@code lifetimeJitter}. Other durations are used as configured, however short.
 *
 * @param checkInterval {@code idle_session_check_interval}, &gt; 0
 * @param idleTimeout {@code idle_session_timeout}
 * @param minIdle {@code min_idle_session}: the newest idle sessions idle cleanup keeps
 * @param minIdleForAge {@code min_idle_session_for_age}: the idle sessions age cleanup keeps
 * @param ensureIdle {@code ensure_idle_session}: the idle sessions the ensure step keeps ready
 * @param createRate {@code ensure_idle_session_create_rate}: dials per cycle, 0 = unlimited
 * @param maxLifetime {@code max_connection_lifetime}, 0 = sessions never expire
 * @param lifetimeJitter {@code connection_lifetime_jitter}: each lifetime is {@code max ± U(jitter)}
 * @param heartbeat {@code heartbeat}, 0 = off
 */
public record PoolConfig(
        long checkInterval,
        long idleTimeout,
        int minIdle,
        int minIdleForAge,
        int ensureIdle,
        int createRate,
        long maxLifetime,
        long lifetimeJitter,
        long heartbeat) {

    /** A lifetime is never shorter than this, whatever the jitter draws. */
    public static final long MIN_LIFETIME = Duration.ofSeconds(1).toNanos();
    /** Lower bound of the time the server has to answer a heartbeat. */
    public static final long MIN_HEARTBEAT_TIMEOUT = Duration.ofSeconds(1).toNanos();
    /** Upper bound of the time the server has to answer a heartbeat. */
    public static final long MAX_HEARTBEAT_TIMEOUT = Duration.ofSeconds(10).toNanos();

    public PoolConfig {
        positive("idle_session_check_interval", checkInterval);
        notNegative("idle_session_timeout", idleTimeout);
        notNegative("min_idle_session", minIdle);
        notNegative("min_idle_session_for_age", minIdleForAge);
        notNegative("ensure_idle_session", ensureIdle);
        notNegative("ensure_idle_session_create_rate", createRate);
        notNegative("max_connection_lifetime", maxLifetime);
        notNegative("connection_lifetime_jitter", lifetimeJitter);
        notNegative("heartbeat", heartbeat);
    }

    /** The pool fields of {@code options}. */
    public static PoolConfig from(AnyTlsOutboundOptions options) {
        return new PoolConfig(
                options.idleSessionCheckInterval().toNanos(),
                options.idleSessionTimeout().toNanos(),
                options.minIdleSession(),
                options.minIdleSessionForAge(),
                options.ensureIdleSession(),
                options.ensureIdleSessionCreateRate(),
                options.maxConnectionLifetime().toNanos(),
                options.connectionLifetimeJitter().toNanos(),
                options.heartbeat().toNanos());
    }

    /**
     * How long the server has to answer a heartbeat (any frame counts) before the session is closed with
     * {@code heartbeat_timeout}: the heartbeat interval, kept within [1 s, 10 s] so that a short interval does not
     * kill sessions over a hiccup and a long one does not leave a dead session in the pool for minutes.
     */
    public long heartbeatTimeout() {
        return Math.min(MAX_HEARTBEAT_TIMEOUT, Math.max(MIN_HEARTBEAT_TIMEOUT, heartbeat));
    }

    /**
     * The first delay of the ensure step's back-off after a failed dial; it doubles with each further failure up to
     * the check interval, so that a server that is back is used again within one interval.
     */
    public long initialBackoff() {
        return Math.max(checkInterval / 8, 1);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void notNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }
}
