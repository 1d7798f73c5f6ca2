package io.github.proxycore.anytls.internal.pool;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * What one maintenance run of the pool did, as data: the pool records these under its lock at the cost of a small
 * object each, and {@link #text()} turns one into its debug line (the format docs/anytls.md shows) only when debug is
 * on.
 */
sealed interface PoolEvent {
    /** The debug line. */
    String text();

    /** Idle cleanup is closing {@code closing} of {@code idleLong} sessions idle past the timeout. */
    record IdleCleanup(int idleLong, long idleTimeoutNanos, int closing, int keep, int minIdle) implements PoolEvent {
        @Override
        public String text() {
            return String.format(
                    "[IdleCleanup] Found %d sessions idle longer than %s, closing %d (keeping the %d newest idle"
                            + " sessions: min_idle_session=%d)",
                    idleLong, PoolLog.duration(idleTimeoutNanos), closing, keep, minIdle);
        }
    }

    /** The {@code index}-th session idle cleanup closes. */
    record IdleClosed(int index, long seq, long idleNanos) implements PoolEvent {
        @Override
        public String text() {
            return String.format(
                    "[IdleCleanup] Closing session #%d (seq=%d, idle=%s)", index, seq, PoolLog.duration(idleNanos));
        }
    }

    /** Age cleanup found {@code expired} sessions past their lifetime and closes {@code closing}, oldest first. */
    record AgeCleanup(int expired, int closing, int minIdleForAge) implements PoolEvent {
        @Override
        public String text() {
            return closing < expired
                    ? String.format(
                            "[AgeCleanup] Found %d expired sessions, closing %d oldest (keeping %d to maintain"
                                    + " min_idle_session_for_age=%d)",
                            expired, closing, expired - closing, minIdleForAge)
                    : String.format("[AgeCleanup] Found %d expired sessions, closing %d oldest", expired, closing);
        }
    }

    /** The {@code index}-th session age cleanup closes; {@code createdMillis} on the wall clock in {@code zone}. */
    record AgeClosed(int index, long seq, long ageNanos, long lifetimeNanos, long createdMillis, ZoneId zone)
            implements PoolEvent {
        private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

        @Override
        public String text() {
            return String.format(
                    "[AgeCleanup] Closing session #%d (seq=%d, age=%s, maxLife=%s, created=%s)",
                    index,
                    seq,
                    PoolLog.duration(ageNanos),
                    PoolLog.duration(lifetimeNanos),
                    CREATED.format(Instant.ofEpochMilli(createdMillis).atZone(zone)));
        }
    }

    /** The ensure step waits: dials keep failing, and a probe is out or the back-off delay has not passed. */
    record EnsureBackingOff(
            int usable, int dialing, int target, int deficit, int failures, boolean probing, long retryInNanos)
            implements PoolEvent {
        @Override
        public String text() {
            return ensure(usable, dialing, target) + ", deficit=" + deficit + ", backing off: " + failures
                    + " failed dials in a row, "
                    + (probing ? "a probe is dialling" : "next attempt in " + PoolLog.duration(retryInNanos));
        }
    }

    /** The ensure step created {@code rate} sessions in this cycle already. */
    record EnsureRateLimitReached(int usable, int dialing, int target, int deficit, int rate) implements PoolEvent {
        @Override
        public String text() {
            return ensure(usable, dialing, target) + ", deficit=" + deficit + ", rate limit of " + rate
                    + " per cycle reached (will create " + deficit + " more in next cycle)";
        }
    }

    /** The ensure step dials one probe session after {@code failures} failed dials. */
    record EnsureProbing(int usable, int dialing, int target, int deficit, int failures) implements PoolEvent {
        @Override
        public String text() {
            return ensure(usable, dialing, target) + ", deficit=" + deficit + ", probing with 1 session after "
                    + failures + " failed dials";
        }
    }

    /** The ensure step creates {@code create} sessions, fewer than the deficit, as the rate limit allows. */
    record EnsureRateLimited(int usable, int dialing, int target, int deficit, int create) implements PoolEvent {
        @Override
        public String text() {
            return ensure(usable, dialing, target) + ", deficit=" + deficit + ", rate-limited to creating " + create
                    + " sessions (will create " + (deficit - create) + " more in next cycle)";
        }
    }

    /** The ensure step creates {@code create} sessions. */
    record EnsureCreating(int usable, int dialing, int target, int create) implements PoolEvent {
        @Override
        public String text() {
            return ensure(usable, dialing, target) + ", creating " + create + " new sessions";
        }
    }

    private static String ensure(int usable, int dialing, int target) {
        return "[EnsureIdleSession] Current idle sessions: " + usable
                + (dialing > 0 ? " (+" + dialing + " dialing)" : "") + ", target: " + target;
    }
}
