package io.github.proxycore.config.outbound;

import java.time.Duration;

/**
 * Damping between the primary and backup tiers, and of a member's way back from unhealthy (docs/loadbalance.md,
 * "Tiers and hysteresis"). An explicit 0 means no damping; an absent field takes the default.
 *
 * @param primaryFailures consecutive primary failures before the balancer enters backup state (default 3)
 * @param backupHoldTime least time spent in backup state before returning to primaries (default 30s)
 * @param rise checks in a row an unhealthy member must pass before it serves again; until then it is
 *     <em>recovering</em> (HAProxy's {@code rise}; default 2; 0 or 1: one passing check restores it)
 */
public record HysteresisOptions(int primaryFailures, Duration backupHoldTime, int rise) {
    /** The default {@code primary_failures}: 3. */
    public static final int DEFAULT_PRIMARY_FAILURES = 3;
    /** The default {@code backup_hold_time}: 30 seconds. */
    public static final Duration DEFAULT_BACKUP_HOLD_TIME = Duration.ofSeconds(30);
    /** The default {@code rise}: 2. */
    public static final int DEFAULT_RISE = 2;
    /** Every field at its default. */
    public static final HysteresisOptions DEFAULT =
            new HysteresisOptions(DEFAULT_PRIMARY_FAILURES, DEFAULT_BACKUP_HOLD_TIME, DEFAULT_RISE);

    /**
     * The tier settings with the default {@code rise}.
     *
     * @param primaryFailures {@code primary_failures}: consecutive primary failures before backup state; 0 for no
     *     damping
     * @param backupHoldTime {@code backup_hold_time}: least time in backup state; zero for no damping
     */
    public HysteresisOptions(int primaryFailures, Duration backupHoldTime) {
        this(primaryFailures, backupHoldTime, DEFAULT_RISE);
    }
}
