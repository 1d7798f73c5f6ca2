package io.github.proxycore.loadbalance.internal;

import io.github.proxycore.loadbalance.Tier;

/**
 * The tier state machine of docs/loadbalance.md. A <em>primary failure</em> is a health round, or a dial, in which no
 * primary member is usable; a round with a usable primary resets the count. After {@code primaryFailures} consecutive
 * failures (at least one: an explicit 0 means no damping) the balancer enters backup state, and leaves it only when
 * primaries are usable and at least {@code backupHoldTime} has passed since it entered.
 *
 * <p>Which tier serves a given connection is decided elsewhere (a dial with no usable primary goes to the backups
 * at once, whatever the state); this only says which tier is preferred. Mutated in the {@link SyncContext}; the
 * fields are volatile for observers.
 */
public final class Hysteresis {
    private final int threshold;
    private final long holdNanos;
    private volatile Tier state = Tier.PRIMARY;
    private volatile int consecutiveFailures;
    private volatile long backupSinceNanos;

    public Hysteresis(int primaryFailures, long backupHoldNanos) {
        if (primaryFailures < 0 || backupHoldNanos < 0) {
            throw new IllegalArgumentException("negative hysteresis setting");
        }
        this.threshold = Math.max(1, primaryFailures);
        this.holdNanos = backupHoldNanos;
    }

    public Tier state() {
        return state;
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** When backup state was entered ({@link Scheduler#nanoTime()}); meaningful only in backup state. */
    public long backupSinceNanos() {
        return backupSinceNanos;
    }

    /**
     * Records a round or dial that found no usable primary.
     *
     * @return whether the balancer just entered backup state
     */
    public boolean primaryFailed(long nowNanos) {
        if (state == Tier.BACKUP) {
            return false;
        }
        int failures = consecutiveFailures + 1;
        consecutiveFailures = failures;
        if (failures >= threshold) {
            backupSinceNanos = nowNanos;
            state = Tier.BACKUP;
            return true;
        }
        return false;
    }

    /** Records a round (or dial) that found a usable primary: the failure streak is over. */
    public void primarySucceeded() {
        if (consecutiveFailures != 0) {
            consecutiveFailures = 0;
        }
    }

    /**
     * Returns to primary state if it may: in backup state, with primaries usable and the hold time over.
     *
     * @return whether the state changed
     */
    public boolean maybeReturn(boolean primariesUsable, long nowNanos) {
        if (state != Tier.BACKUP || !primariesUsable || holdRemainingNanos(nowNanos) > 0) {
            return false;
        }
        state = Tier.PRIMARY;
        consecutiveFailures = 0;
        return true;
    }

    /** How long backup state must still last (0 when the hold is over or in primary state). */
    public long holdRemainingNanos(long nowNanos) {
        if (state != Tier.BACKUP) {
            return 0;
        }
        return Math.max(0, holdNanos - (nowNanos - backupSinceNanos));
    }
}
