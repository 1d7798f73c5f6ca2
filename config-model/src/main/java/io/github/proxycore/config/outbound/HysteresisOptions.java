package io.github.proxycore.config.outbound;

import java.time.Duration;

/**
 * Damping between the primary and backup tiers (SPEC §4). An explicit 0 means no damping; an absent field takes
 * the default.
 *
 * @param primaryFailures consecutive primary failures before the balancer enters backup state (default 3)
 * @param backupHoldTime least time spent in backup state before returning to primaries (default 30s)
 */
public record HysteresisOptions(int primaryFailures, Duration backupHoldTime) {
    public static final int DEFAULT_PRIMARY_FAILURES = 3;
    public static final Duration DEFAULT_BACKUP_HOLD_TIME = Duration.ofSeconds(30);
    public static final HysteresisOptions DEFAULT =
            new HysteresisOptions(DEFAULT_PRIMARY_FAILURES, DEFAULT_BACKUP_HOLD_TIME);
}
