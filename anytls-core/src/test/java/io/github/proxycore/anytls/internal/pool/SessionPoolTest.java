package io.github.proxycore.anytls.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.proxycore.anytls.PoolListener;
import io.github.proxycore.anytls.PoolStats;
import io.github.proxycore.anytls.SessionCloseReason;
import io.github.proxycore.anytls.SessionOrigin;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every pool rule of docs/anytls.md (the session pool) as a pure function of a fake clock: no sleeps, no sockets.
 * Sessions are {@link FakeSession}s; "now" is an explicit argument.
 */
class SessionPoolTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    /** 2024-01-01 11:05:30 UTC, the wall clock of the log-format test. */
    private static final long WALL = Instant.parse("2024-01-01T11:05:30Z").toEpochMilli();

    private long wall = WALL;
    private final List<FakeSession> sessions = new ArrayList<>();

    /** Pool fields, defaults as in sing-box: 30 s / 30 s, everything else 0. */
    private static final class Fields {
        long interval = 30 * SECOND;
        long idleTimeout = 30 * SECOND;
        int minIdle;
        int minIdleForAge;
        int ensure;
        int rate;
        long lifetime;
        long jitter;

        PoolConfig config() {
            return new PoolConfig(interval, idleTimeout, minIdle, minIdleForAge, ensure, rate, lifetime, jitter, 0);
        }
    }

    private SessionPool<FakeSession> pool(Fields fields) {
        return new SessionPool<>(
                fields.config(), new Random(1), new PoolMetrics(PoolListener.NONE), () -> wall, ZoneOffset.UTC);
    }

    private FakeSession session(long seq) {
        FakeSession session = new FakeSession(seq);
        sessions.add(session);
        return session;
    }

    /** A session opened on demand at {@code now}: busy. */
    private FakeSession busy(SessionPool<FakeSession> pool, long seq, long now) {
        FakeSession session = session(seq);
        assertThat(pool.demandDialStarted()).isTrue();
        pool.demandDialSucceeded(session, now);
        return session;
    }

    /** A session opened on demand at {@code created} whose stream ended at {@code idleSince}. */
    private FakeSession idle(SessionPool<FakeSession> pool, long seq, long created, long idleSince) {
        FakeSession session = busy(pool, seq, created);
        pool.checkin(session, idleSince);
        return session;
    }

    /** Completes {@code count} ensure dials of the last maintenance run with new sessions. */
    private void completeEnsureDials(SessionPool<FakeSession> pool, int count, long now) {
        for (int i = 0; i < count; i++) {
            pool.ensureDialSucceeded(session(1000 + sessions.size()), now);
        }
    }

    private static List<Long> seqs(SessionPool.Maintenance m, SessionCloseReason reason) {
        return m.closed().stream()
                .filter(c -> c.reason() == reason)
                .map(SessionPool.Closed::seq)
                .toList();
    }

    // ------------------------------------------------------------------------------------------------- checkout

    @Test
    void checkoutTakesTheNewestIdleSessionAndSkipsDeadOnes() {
        SessionPool<FakeSession> pool = pool(new Fields());
        FakeSession one = idle(pool, 1, 0, 0);
        FakeSession two = busy(pool, 2, 0);
        FakeSession three = busy(pool, 3, 0);
        pool.checkin(three, 0);
        pool.checkin(two, 0);
        assertThat(pool.idleSeqs()).containsExactly(3L, 2L, 1L);
        assertThat(pool.checkout(0)).isSameAs(three);
        two.kill(); // died while idle; its close is not reported yet
        assertThat(pool.checkout(0)).isSameAs(one);
        assertThat(pool.checkout(0)).isNull();
        assertThat(pool.stats().busy()).isEqualTo(2);
        assertThat(pool.removed(two, SessionCloseReason.REMOTE)).isTrue();
        assertThat(pool.size()).isEqualTo(2);
        assertThat(pool.stats().closedRemote()).isEqualTo(1);
    }

    @Test
    void busySessionsAreNotIdleAndSessionsThatCloseLeaveThePool() {
        SessionPool<FakeSession> pool = pool(new Fields());
        FakeSession one = busy(pool, 1, 0);
        assertThat(pool.idleSeqs()).isEmpty();
        pool.checkin(one, 0);
        assertThat(pool.idleSeqs()).containsExactly(1L);
        one.kill();
        assertThat(pool.removed(one, SessionCloseReason.HEARTBEAT_TIMEOUT)).isTrue();
        assertThat(pool.idleSeqs()).isEmpty();
        assertThat(pool.size()).isZero();
        assertThat(pool.stats().closedHeartbeatTimeout()).isEqualTo(1);
        assertThat(pool.removed(one, SessionCloseReason.REMOTE))
                .as("reported once")
                .isFalse();
    }

    @Test
    void anExpiredSessionIsNeverHandedOutAndIsClosedAtCheckout() {
        Fields f = new Fields();
        f.lifetime = 10 * MINUTE;
        f.idleTimeout = HOUR;
        SessionPool<FakeSession> pool = pool(f);
        FakeSession old = busy(pool, 2, 0);
        FakeSession fresh = idle(pool, 1, 5 * MINUTE, 5 * MINUTE);
        pool.checkin(old, 5 * MINUTE); // seq 2 is the newest, but created first
        long now = 11 * MINUTE; // seq 2 expired (10 min), seq 1 not (6 min)
        assertThat(pool.checkout(now)).isSameAs(fresh);
        assertThat(old.retired).containsExactly(SessionCloseReason.MAX_AGE);
        assertThat(pool.stats().closedMaxAge()).isEqualTo(1);
        pool.checkin(fresh, now);
        assertThat(pool.checkout(16 * MINUTE))
                .as("only an expired session: dial a new one")
                .isNull();
        assertThat(fresh.retired).containsExactly(SessionCloseReason.MAX_AGE);
    }

    @Test
    void theAgeFloorKeepsExpiredSessionsOpenAtCheckoutButTheyAreNotHandedOut() {
        Fields f = new Fields();
        f.lifetime = 10 * MINUTE;
        f.idleTimeout = HOUR;
        f.minIdleForAge = 2;
        SessionPool<FakeSession> pool = pool(f);
        FakeSession expired = idle(pool, 2, 0, 0);
        FakeSession fresh = idle(pool, 1, 9 * MINUTE, 9 * MINUTE);
        assertThat(pool.checkout(11 * MINUTE)).isSameAs(fresh);
        assertThat(expired.retired)
                .as("closing it would leave fewer than 2 idle")
                .isEmpty();
        assertThat(pool.idleSeqs()).containsExactly(2L);
        assertThat(pool.checkout(11 * MINUTE)).isNull();
    }

    @Test
    void whenNoNewSessionCanBeDialledTheNewestKeptSessionServes() {
        Fields f = new Fields();
        f.lifetime = 10 * MINUTE;
        f.idleTimeout = HOUR;
        f.minIdleForAge = 2;
        SessionPool<FakeSession> pool = pool(f);
        FakeSession older = idle(pool, 1, 0, 0);
        FakeSession newer = idle(pool, 2, MINUTE, MINUTE);
        assertThat(pool.checkout(20 * MINUTE))
                .as("both expired, both kept by the floor")
                .isNull();
        // the caller's dial failed: the newest kept session serves
        SessionPool.Kept<FakeSession> kept = pool.checkoutKept(20 * MINUTE);
        assertThat(kept.session()).isSameAs(newer);
        assertThat(kept.seq()).isEqualTo(2);
        assertThat(kept.age()).isEqualTo(19 * MINUTE);
        assertThat(kept.lifetime()).isEqualTo(10 * MINUTE);
        assertThat(pool.stats().busy()).isEqualTo(1);
        // its stream ends: the floor still wants it, so it is idle again, and still not handed out normally
        pool.checkin(newer, 21 * MINUTE);
        assertThat(newer.retired).isEmpty();
        assertThat(pool.idleSeqs()).containsExactly(2L, 1L);
        assertThat(pool.checkout(22 * MINUTE)).isNull();
        // a dead one is skipped
        newer.kill();
        assertThat(pool.checkoutKept(23 * MINUTE).session()).isSameAs(older);
        assertThat(pool.checkoutKept(23 * MINUTE)).isNull();
        // fresh sessions came meanwhile: the floor is met, so the kept one closes when its stream ends
        idle(pool, 3, 23 * MINUTE, 23 * MINUTE);
        idle(pool, 4, 23 * MINUTE, 23 * MINUTE);
        pool.checkin(older, 24 * MINUTE);
        assertThat(older.retired).containsExactly(SessionCloseReason.MAX_AGE);
    }

    @Test
    void aBusySessionPastItsLifetimeIsClosedWhenItsStreamEnds() {
        Fields f = new Fields();
        f.lifetime = 10 * MINUTE;
        SessionPool<FakeSession> pool = pool(f);
        FakeSession session = busy(pool, 1, 0);
        pool.maintain(0);
        pool.maintain(11 * MINUTE); // cleanup does not touch busy sessions
        assertThat(session.retired).isEmpty();
        pool.checkin(session, 12 * MINUTE);
        assertThat(session.retired).containsExactly(SessionCloseReason.MAX_AGE);
        assertThat(pool.idleSeqs()).isEmpty();
        assertThat(pool.size()).isZero();
    }

    // --------------------------------------------------------------------------------------------- idle cleanup

    @Test
    void idleCleanupClosesExpiredSessionsButKeepsTheNewestMinIdle() {
        Fields f = new Fields();
        f.minIdle = 2;
        SessionPool<FakeSession> pool = pool(f);
        pool.maintain(0);
        FakeSession s5 = idle(pool, 5, 0, 0);
        idle(pool, 1, 0, 0);
        idle(pool, 3, 0, 20 * SECOND);
        idle(pool, 2, 0, 20 * SECOND);
        // newest first: 5 (kept: floor), 3 (kept: floor), 2 (idle 15 s), 1 (idle 35 s: closed)
        SessionPool.Maintenance m = pool.maintain(35 * SECOND);
        assertThat(seqs(m, SessionCloseReason.IDLE_TIMEOUT)).containsExactly(1L);
        assertThat(m.nextDelay()).isEqualTo(30 * SECOND);
        assertThat(pool.idleSeqs()).containsExactly(5L, 3L, 2L);
        m = pool.maintain(65 * SECOND);
        assertThat(seqs(m, SessionCloseReason.IDLE_TIMEOUT)).containsExactly(2L);
        assertThat(m.log())
                .containsExactly(
                        "[IdleCleanup] Found 3 sessions idle longer than 30s, closing 1 (keeping the 2 newest idle sessions:"
                                + " min_idle_session=2)",
                        "[IdleCleanup] Closing session #1 (seq=2, idle=45s)");
        assertThat(pool.maintain(1000 * SECOND).closed())
                .as("the protected ones stay")
                .isEmpty();
        assertThat(s5.retired).isEmpty();
        assertThat(pool.stats().closedIdleTimeout()).isEqualTo(2);
    }

    @Test
    void cleanupRunsOncePerCheckIntervalNotOnEveryWake() {
        SessionPool<FakeSession> pool = pool(new Fields());
        pool.maintain(0);
        idle(pool, 1, 0, 0);
        SessionPool.Maintenance early = pool.maintain(29 * SECOND + 999 * MS);
        assertThat(early.closed()).isEmpty();
        assertThat(early.nextDelay()).isEqualTo(MS);
        assertThat(pool.maintain(30 * SECOND).closed()).hasSize(1);
    }

    @Test
    void shortDurationsAreUsedAsConfigured() {
        Fields f = new Fields();
        f.interval = SECOND;
        f.idleTimeout = SECOND;
        SessionPool<FakeSession> pool = pool(f);
        assertThat(pool.maintain(0).nextDelay()).isEqualTo(SECOND); // not rewritten to 30 s
        FakeSession one = idle(pool, 1, 0, 1);
        assertThat(pool.maintain(SECOND).closed()).isEmpty(); // idle for 1 s - 1 ns
        assertThat(pool.maintain(2 * SECOND).closed()).hasSize(1);
        assertThat(one.retired).containsExactly(SessionCloseReason.IDLE_TIMEOUT);
    }

    // ---------------------------------------------------------------------------------------------- age cleanup

    @Test
    void ageCleanupClosesTheOldestFirstDownToTheFloor() {
        Fields f = new Fields();
        f.lifetime = 100 * SECOND;
        f.idleTimeout = HOUR;
        f.minIdleForAge = 2;
        SessionPool<FakeSession> pool = pool(f);
        pool.maintain(0);
        // created out of seq order: the age rule goes by creation time
        FakeSession s4 = idle(pool, 4, 0, 50 * SECOND);
        FakeSession s1 = idle(pool, 1, 10 * SECOND, 50 * SECOND);
        FakeSession s3 = idle(pool, 3, 20 * SECOND, 50 * SECOND);
        FakeSession s2 = idle(pool, 2, 30 * SECOND, 50 * SECOND);
        SessionPool.Maintenance m = pool.maintain(200 * SECOND);
        assertThat(seqs(m, SessionCloseReason.MAX_AGE)).containsExactly(4L, 1L);
        assertThat(m.log().get(0))
                .isEqualTo("[AgeCleanup] Found 4 expired sessions, closing 2 oldest (keeping 2 to maintain"
                        + " min_idle_session_for_age=2)");
        assertThat(m.log().get(1)).startsWith("[AgeCleanup] Closing session #1 (seq=4, age=3m20s, maxLife=1m40s");
        assertThat(m.log().get(2)).startsWith("[AgeCleanup] Closing session #2 (seq=1, age=3m10s, maxLife=1m40s");
        assertThat(s4.retired).containsExactly(SessionCloseReason.MAX_AGE);
        assertThat(s1.retired).containsExactly(SessionCloseReason.MAX_AGE);
        assertThat(s3.retired).isEmpty();
        assertThat(s2.retired).isEmpty();
        assertThat(pool.idleSeqs()).containsExactly(3L, 2L);
    }

    @Test
    void theAgeFloorCountsAllIdleSessionsExpiredOrNot() {
        Fields f = new Fields();
        f.lifetime = 100 * SECOND;
        f.idleTimeout = HOUR;
        f.minIdleForAge = 2;
        SessionPool<FakeSession> pool = pool(f);
        pool.maintain(0);
        idle(pool, 1, 0, 0);
        idle(pool, 2, 90 * SECOND, 90 * SECOND);
        idle(pool, 3, 90 * SECOND, 90 * SECOND);
        // 3 idle, 1 expired: closing it leaves 2
        assertThat(seqs(pool.maintain(120 * SECOND), SessionCloseReason.MAX_AGE))
                .containsExactly(1L);
        idle(pool, 4, 100 * SECOND, 100 * SECOND);
        // 3 idle again; at 240 s all three are expired, floor 2: one goes, oldest first
        assertThat(seqs(pool.maintain(240 * SECOND), SessionCloseReason.MAX_AGE))
                .containsExactly(2L);
        assertThat(pool.idleSeqs()).containsExactly(4L, 3L);
    }

    @Test
    void logLinesMatchTheSeedsFormat() {
        Fields f = new Fields();
        f.lifetime = 55 * MINUTE;
        f.idleTimeout = 2 * HOUR;
        f.minIdleForAge = 0;
        SessionPool<FakeSession> pool = pool(f);
        pool.maintain(0);
        idle(pool, 42, 0, 0);
        long now = HOUR + 5 * MINUTE + 30 * SECOND;
        SessionPool.Maintenance m = pool.maintain(now);
        assertThat(m.log())
                .containsExactly(
                        "[AgeCleanup] Found 1 expired sessions, closing 1 oldest",
                        "[AgeCleanup] Closing session #1 (seq=42, age=1h5m30s, maxLife=55m0s, created=2024-01-01 10:00:00)");
    }

    // --------------------------------------------------------------------------------------------- lifetimes

    @Test
    void lifetimesAreDrawnFromARealRandomSourceAcrossTheWholeJitterRange() {
        Lifetimes lifetimes = new Lifetimes(HOUR, 10 * MINUTE, new SecureRandom());
        int[] bins = new int[10]; // 2-minute bins over [50 min, 70 min]
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        double sum = 0;
        for (int i = 0; i < 10_000; i++) {
            long lifetime = lifetimes.draw();
            assertThat(lifetime).isBetween(50 * MINUTE, 70 * MINUTE);
            min = Math.min(min, lifetime);
            max = Math.max(max, lifetime);
            sum += lifetime;
            bins[(int) Math.min(9, (lifetime - 50 * MINUTE) / (2 * MINUTE))]++;
        }
        // an earlier pool implementation's "jitter" gave about base - J/2 for every session (docs/anytls.md)
        assertThat(min).isLessThan(51 * MINUTE);
        assertThat(max).isGreaterThan(69 * MINUTE);
        assertThat(sum / 10_000).isBetween(59.5 * MINUTE, 60.5 * MINUTE);
        for (int bin : bins) {
            assertThat(bin).as("uniform: ~1000 per 2-minute bin").isBetween(800, 1200);
        }
    }

    @Test
    void aLifetimeIsNeverBelowOneSecondAndZeroMeansNever() {
        Lifetimes short1 = new Lifetimes(SECOND, 10 * SECOND, new SecureRandom());
        for (int i = 0; i < 1000; i++) {
            assertThat(short1.draw()).isBetween(SECOND, 11 * SECOND);
        }
        assertThat(new Lifetimes(10 * MS, 0, new SecureRandom()).draw()).isEqualTo(SECOND);
        assertThat(new Lifetimes(0, 10 * MINUTE, new SecureRandom()).draw()).isEqualTo(Lifetimes.NEVER);
        assertThat(new Lifetimes(HOUR, 0, new SecureRandom()).draw()).isEqualTo(HOUR);
    }

    @Test
    void eachSessionGetsItsOwnLifetime() {
        Fields f = new Fields();
        f.lifetime = HOUR;
        f.jitter = 10 * MINUTE;
        SessionPool<FakeSession> pool = pool(f);
        List<Long> drawn = new ArrayList<>();
        for (int seq = 1; seq <= 20; seq++) {
            drawn.add(pool.lifetimeOf(busy(pool, seq, 0)));
        }
        assertThat(drawn).allSatisfy(l -> assertThat(l).isBetween(50 * MINUTE, 70 * MINUTE));
        assertThat(drawn.stream().distinct().count()).isGreaterThan(15);
    }

    @Test
    void zeroLifetimeNeverExpires() {
        Fields f = new Fields();
        f.idleTimeout = 1000 * HOUR;
        SessionPool<FakeSession> pool = pool(f);
        pool.maintain(0);
        FakeSession s = idle(pool, 1, 0, 0);
        assertThat(pool.maintain(100 * HOUR).closed()).isEmpty();
        assertThat(pool.checkout(100 * HOUR)).isSameAs(s);
    }

    // -------------------------------------------------------------------------------------------------- ensure

    @Test
    void createRateTableOfTheSeed() {
        Fields f = new Fields();
        f.ensure = 10;
        f.rate = 3;
        f.idleTimeout = HOUR; // filling the pool, without idle rotation
        SessionPool<FakeSession> pool = pool(f);
        List<Integer> perCycle = new ArrayList<>();
        long now = 0;
        for (int cycle = 0; cycle < 6; cycle++) {
            SessionPool.Maintenance m = pool.maintain(now);
            perCycle.add(m.dials());
            if (cycle == 0) {
                assertThat(m.log())
                        .containsExactly(
                                "[EnsureIdleSession] Current idle sessions: 0, target: 10,"
                                        + " deficit=10, rate-limited to creating 3 sessions (will create 7 more in next cycle)");
            }
            completeEnsureDials(pool, m.dials(), now);
            now += m.nextDelay();
        }
        assertThat(perCycle).containsExactly(3, 3, 3, 1, 0, 0);
        assertThat(pool.stats().idle()).isEqualTo(10);
        assertThat(pool.stats().createdByEnsure()).isEqualTo(10);
    }

    @Test
    void withoutARateLimitTheWholeDeficitIsDialledAtOnce() {
        Fields f = new Fields();
        f.ensure = 5;
        SessionPool<FakeSession> pool = pool(f);
        idle(pool, 1, 0, 0);
        idle(pool, 2, 0, 0);
        SessionPool.Maintenance m = pool.maintain(0);
        assertThat(m.dials()).isEqualTo(3);
        assertThat(m.log())
                .containsExactly("[EnsureIdleSession] Current idle sessions: 2, target: 5, creating 3 new sessions");
    }

    @Test
    void dialsInFlightCountSoThePoolNeverOvershoots() {
        Fields f = new Fields();
        f.ensure = 4;
        f.idleTimeout = HOUR; // no idle rotation
        SessionPool<FakeSession> pool = pool(f);
        assertThat(pool.maintain(0).dials()).isEqualTo(4);
        // the dials are slower than the check interval: the next cycles must not dial the deficit again
        assertThat(pool.maintain(30 * SECOND).dials()).isZero();
        assertThat(pool.stats().dialing()).isEqualTo(4);
        pool.ensureDialSucceeded(session(1), 40 * SECOND);
        pool.ensureDialSucceeded(session(2), 40 * SECOND);
        assertThat(pool.maintain(60 * SECOND).dials()).isZero();
        pool.dialFailed(SessionOrigin.ENSURE, 61 * SECOND, new IOException("refused"));
        pool.ensureDialSucceeded(session(3), 61 * SECOND);
        // one failed: after the back-off, exactly one more
        assertThat(pool.maintain(90 * SECOND).dials()).isEqualTo(1);
        pool.ensureDialSucceeded(session(4), 91 * SECOND);
        assertThat(pool.maintain(120 * SECOND).dials()).isZero();
        assertThat(pool.stats().idle()).isEqualTo(4);
        assertThat(pool.stats().total()).isEqualTo(4);
    }

    @Test
    void expiredIdleSessionsDoNotCountTowardsTheEnsureTarget() {
        Fields f = new Fields();
        f.ensure = 2;
        f.lifetime = 10 * MINUTE;
        f.minIdleForAge = 2;
        f.idleTimeout = HOUR;
        SessionPool<FakeSession> pool = pool(f);
        idle(pool, 1, 0, 0);
        idle(pool, 2, 0, 0);
        assertThat(pool.maintain(0).dials()).isZero();
        // both expire; the age floor keeps them, so the ensure step dials replacements for rotation
        SessionPool.Maintenance m = pool.maintain(11 * MINUTE);
        assertThat(m.closed()).isEmpty();
        assertThat(m.dials()).isEqualTo(2);
        completeEnsureDials(pool, 2, 11 * MINUTE);
        // next cycle: 4 idle, floor 2: the two expired ones go
        assertThat(seqs(pool.maintain(11 * MINUTE + 30 * SECOND), SessionCloseReason.MAX_AGE))
                .containsExactly(1L, 2L);
    }

    @Test
    void failedDialsBackOffExponentiallyAndCapAtTheCheckInterval() {
        Fields f = new Fields();
        f.interval = 8 * SECOND; // initial back-off 1 s
        f.ensure = 3;
        SessionPool<FakeSession> pool = pool(f);
        SessionPool.Maintenance m = pool.maintain(0);
        assertThat(m.dials()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            pool.dialFailed(SessionOrigin.ENSURE, 0, new IOException("refused"));
        }
        // 3 failures: the next probe waits 4 s (1, 2, 4)
        m = pool.maintain(0);
        assertThat(m.dials()).isZero();
        assertThat(m.nextDelay()).isEqualTo(4 * SECOND);
        assertThat(m.log())
                .containsExactly("[EnsureIdleSession] Current idle sessions: 0, target: 3, deficit=3,"
                        + " backing off: 3 failed dials in a row, next attempt in 4s");
        List<Long> probeTimes = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 6; i++) {
            now += m.nextDelay();
            m = pool.maintain(now);
            if (m.dials() > 0) {
                assertThat(m.dials()).as("one probe at a time while failing").isEqualTo(1);
                probeTimes.add(now / SECOND);
                pool.dialFailed(SessionOrigin.ENSURE, now, new IOException("refused"));
                m = pool.maintain(now);
            }
        }
        // probes 4 s after the 3rd failure, then 8 s (capped at the interval) after each
        assertThat(probeTimes).containsExactly(4L, 12L, 20L);
        assertThat(pool.stats().dialsFailed()).isEqualTo(6);
        // the server is back: the next probe succeeds and the rest follows at once
        now += m.nextDelay();
        m = pool.maintain(now);
        assertThat(m.dials()).isEqualTo(1);
        pool.ensureDialSucceeded(session(1), now);
        assertThat(pool.maintain(now).dials()).isEqualTo(2);
    }

    @Test
    void whileTheServerIsDownDialAttemptsAreCapped() {
        Fields f = new Fields();
        f.interval = 200 * MS;
        f.ensure = 5;
        SessionPool<FakeSession> pool = pool(f);
        long now = 0;
        long attempts = 0;
        while (now < 60 * SECOND) {
            SessionPool.Maintenance m = pool.maintain(now);
            for (int i = 0; i < m.dials(); i++) {
                attempts++;
                pool.dialFailed(SessionOrigin.ENSURE, now, new IOException("refused"));
            }
            now += Math.max(m.nextDelay(), 1);
        }
        // one probe per interval at most once the back-off has grown: ~300 in a minute, against 5 per wake without
        assertThat(attempts).isLessThanOrEqualTo(5 + 300 + 5);
        assertThat(pool.stats().dialsFailed()).isEqualTo(attempts);
    }

    @Test
    void ensureZeroIsOffAndRateZeroIsUnlimited() {
        Fields off = new Fields();
        SessionPool<FakeSession> pool = pool(off);
        for (long t = 0; t < 10 * MINUTE; t += 30 * SECOND) {
            assertThat(pool.maintain(t).dials()).isZero();
        }
        Fields unlimited = new Fields();
        unlimited.ensure = 50;
        assertThat(pool(unlimited).maintain(0).dials()).isEqualTo(50);
    }

    // ------------------------------------------------------------------------ scenarios shown in docs/anytls.md

    /** Six idle sessions created at 0, last used at {@code idleSince}. */
    private List<FakeSession> sixIdle(SessionPool<FakeSession> pool, long idleSince) {
        List<FakeSession> out = new ArrayList<>();
        for (int seq = 1; seq <= 6; seq++) {
            out.add(idle(pool, seq, 0, idleSince));
        }
        return out;
    }

    @Test
    void scenario1AggressiveRotationTolerantIdleProtection() {
        Fields f = new Fields();
        f.minIdle = 5;
        f.minIdleForAge = 1;
        f.lifetime = 30 * MINUTE;
        f.idleTimeout = 10 * MINUTE;
        f.interval = MINUTE;
        SessionPool<FakeSession> pool = pool(f);
        pool.maintain(0);
        sixIdle(pool, 0);
        // 15 min idle: the idle timeout closes only the one beyond the 5 protected
        SessionPool.Maintenance m = pool.maintain(15 * MINUTE);
        assertThat(seqs(m, SessionCloseReason.IDLE_TIMEOUT)).containsExactly(1L);
        assertThat(pool.idleSeqs()).containsExactly(6L, 5L, 4L, 3L, 2L);
        // 31 min: all past the 30 min lifetime; age cleanup keeps only 1
        m = pool.maintain(31 * MINUTE);
        assertThat(seqs(m, SessionCloseReason.MAX_AGE)).containsExactly(2L, 3L, 4L, 5L);
        assertThat(pool.idleSeqs()).containsExactly(6L);
    }

    @Test
    void scenario2ConservativeRotationAggressiveIdleCleanup() {
        Fields f = new Fields();
        f.minIdle = 1;
        f.minIdleForAge = 5;
        f.lifetime = 2 * HOUR;
        f.idleTimeout = 2 * MINUTE;
        f.interval = MINUTE;
        SessionPool<FakeSession> pool = pool(f);
        pool.maintain(0);
        sixIdle(pool, 0);
        // 3 min idle: all but the newest close
        assertThat(seqs(pool.maintain(3 * MINUTE), SessionCloseReason.IDLE_TIMEOUT))
                .containsExactly(5L, 4L, 3L, 2L, 1L);
        assertThat(pool.idleSeqs()).containsExactly(6L);
        // sessions kept busy (never idle 2 min) live past their lifetime down to 5 idle
        SessionPool<FakeSession> busyPool = pool(f);
        busyPool.maintain(0);
        for (int seq = 1; seq <= 6; seq++) {
            idle(busyPool, seq, 0, 2 * HOUR - 30 * SECOND);
        }
        assertThat(seqs(busyPool.maintain(2 * HOUR + MINUTE), SessionCloseReason.MAX_AGE))
                .containsExactly(1L);
        assertThat(busyPool.idleSeqs()).containsExactly(6L, 5L, 4L, 3L, 2L);
    }

    @Test
    void scenario3Balanced() {
        Fields f = new Fields();
        f.minIdle = 3;
        f.minIdleForAge = 2;
        f.lifetime = HOUR;
        f.idleTimeout = 5 * MINUTE;
        f.interval = MINUTE;
        SessionPool<FakeSession> pool = pool(f);
        pool.maintain(0);
        sixIdle(pool, 0);
        assertThat(seqs(pool.maintain(6 * MINUTE), SessionCloseReason.IDLE_TIMEOUT))
                .containsExactly(3L, 2L, 1L);
        // the three left are refreshed by use, then age out: one at a time is not needed, floor 2 keeps two
        for (int i = 0; i < 3; i++) {
            assertThat(pool.checkout(59 * MINUTE)).isNotNull();
        }
        for (int i = 3; i < 6; i++) {
            pool.checkin(sessions.get(i), 59 * MINUTE);
        }
        SessionPool.Maintenance m = pool.maintain(61 * MINUTE);
        assertThat(seqs(m, SessionCloseReason.MAX_AGE)).containsExactly(4L);
        assertThat(pool.idleSeqs()).containsExactly(6L, 5L);
    }

    @Test
    void featureInteractionCycleOfTheSeed() {
        // every 30 s: cleanup (idle > 5 min, keep 2), then ensure 5
        Fields f = new Fields();
        f.minIdle = 2;
        f.ensure = 5;
        f.idleTimeout = 5 * MINUTE;
        SessionPool<FakeSession> pool = pool(f);
        SessionPool.Maintenance m = pool.maintain(0);
        assertThat(m.dials()).isEqualTo(5);
        completeEnsureDials(pool, 5, 0);
        // a burst: 3 more sessions on demand, then idle
        List<FakeSession> burst = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            FakeSession s = pool.checkout(10 * SECOND);
            burst.add(s != null ? s : busy(pool, 100 + i, 10 * SECOND));
        }
        burst.forEach(s -> pool.checkin(s, 20 * SECOND));
        assertThat(pool.stats().idle()).isEqualTo(8);
        // 5 min 30 s: the cleanup keeps the 2 newest and closes the 6 others; the ensure step dials 3 back
        for (long now = 30 * SECOND; now < 5 * MINUTE + 30 * SECOND; now += 30 * SECOND) {
            assertThat(pool.maintain(now).closed()).isEmpty();
        }
        m = pool.maintain(5 * MINUTE + 30 * SECOND);
        assertThat(m.closed())
                .extracting(SessionPool.Closed::reason)
                .containsOnly(SessionCloseReason.IDLE_TIMEOUT)
                .hasSize(6);
        assertThat(m.dials()).isEqualTo(3);
        assertThat(m.log())
                .contains("[EnsureIdleSession] Current idle sessions: 2, target: 5, creating 3 new sessions");
        completeEnsureDials(pool, 3, 5 * MINUTE + 30 * SECOND);
        assertThat(pool.stats().idle()).isEqualTo(5);
    }

    @Test
    void idleSessionsBeyondMinIdleRotateThroughTheEnsureStep() {
        // docs/anytls.md's example: min_idle_session 3, ensure_idle_session 10, idle_session_timeout 5m. Idle sessions
        // beyond the newest 3 close after 5 min idle and the ensure step re-creates them (a pool below 10, e.g. after
        // cleanup, gets new sessions): every idle connection but 3 is replaced each 5 min, before a NAT forgets it
        Fields f = new Fields();
        f.minIdle = 3;
        f.ensure = 10;
        f.idleTimeout = 5 * MINUTE;
        SessionPool<FakeSession> pool = pool(f);
        SessionPool.Maintenance m = pool.maintain(0);
        assertThat(m.dials()).isEqualTo(10);
        completeEnsureDials(pool, 10, 0);
        List<Long> first = pool.idleSeqs();
        List<SessionPool.Closed> closed = new ArrayList<>();
        int dials = 0;
        for (long now = 30 * SECOND; now <= 5 * MINUTE; now += 30 * SECOND) {
            m = pool.maintain(now);
            closed.addAll(m.closed());
            dials += m.dials();
            completeEnsureDials(pool, m.dials(), now);
        }
        assertThat(closed)
                .hasSize(7)
                .extracting(SessionPool.Closed::seq)
                .containsExactlyInAnyOrderElementsOf(first.subList(3, 10));
        assertThat(dials).isEqualTo(7);
        assertThat(pool.idleSeqs()).hasSize(10).containsAll(first.subList(0, 3));
        assertThat(pool.stats().closedIdleTimeout()).isEqualTo(7);
        assertThat(pool.stats().createdByEnsure()).isEqualTo(17);
        // one cycle later the 3 kept are no longer the newest: they close too, and every connection has been replaced
        m = pool.maintain(5 * MINUTE + 30 * SECOND);
        assertThat(m.closed())
                .extracting(SessionPool.Closed::seq)
                .containsExactlyInAnyOrderElementsOf(first.subList(0, 3));
        assertThat(m.dials()).isEqualTo(3);
        completeEnsureDials(pool, 3, 5 * MINUTE + 30 * SECOND);
        assertThat(pool.idleSeqs()).hasSize(10).doesNotContainAnyElementsOf(first);
    }

    // ------------------------------------------------------------------------------------------ close, stats

    @Test
    void closingThePoolClosesIdleNowBusyAtCheckinAndLateDialsOnArrival() {
        Fields f = new Fields();
        f.ensure = 1;
        SessionPool<FakeSession> pool = pool(f);
        assertThat(pool.maintain(0).dials()).isEqualTo(1);
        FakeSession idle = idle(pool, 1, 0, 0);
        FakeSession busy = busy(pool, 2, 0);
        assertThat(pool.close()).isEqualTo(1);
        assertThat(idle.retired).containsExactly(SessionCloseReason.SHUTDOWN);
        assertThat(busy.retired).isEmpty();
        assertThat(pool.checkout(0)).isNull();
        assertThat(pool.demandDialStarted()).isFalse();
        pool.checkin(busy, 1);
        assertThat(busy.retired).containsExactly(SessionCloseReason.SHUTDOWN);
        FakeSession late = session(3);
        assertThat(pool.ensureDialSucceeded(late, 2)).isZero();
        assertThat(late.retired).containsExactly(SessionCloseReason.SHUTDOWN);
        assertThat(pool.maintain(3).nextDelay()).as("no more runs").isNegative();
        PoolStats stats = pool.stats();
        assertThat(stats.closedShutdown()).isEqualTo(3);
        assertThat(stats.total()).isZero();
    }

    @Test
    void statsCountCreationsAndClosesByReason() {
        List<String> events = new ArrayList<>();
        PoolListener listener = new PoolListener() {
            @Override
            public void sessionCreated(SessionOrigin origin) {
                events.add("created " + origin.label());
            }

            @Override
            public void sessionClosed(SessionCloseReason reason) {
                events.add("closed " + reason.label());
            }

            @Override
            public void dialFailed(SessionOrigin origin, Throwable cause) {
                events.add("failed " + origin.label());
            }
        };
        Fields f = new Fields();
        f.ensure = 1;
        f.lifetime = MINUTE;
        SessionPool<FakeSession> pool =
                new SessionPool<>(f.config(), new Random(1), new PoolMetrics(listener), () -> wall, ZoneOffset.UTC);
        pool.maintain(0);
        pool.ensureDialSucceeded(session(1), 0);
        FakeSession demand = busy(pool, 2, 0);
        assertThat(pool.demandDialStarted()).isTrue();
        pool.dialFailed(SessionOrigin.DEMAND, 0, new IOException("x"));
        PoolStats stats = pool.stats();
        assertThat(stats)
                .extracting(PoolStats::idle, PoolStats::busy, PoolStats::dialing, PoolStats::total)
                .containsExactly(1, 1, 0, 2);
        pool.checkin(demand, 2 * MINUTE); // expired while busy
        assertThat(events).containsExactly("created ensure", "created demand", "failed demand", "closed max_age");
        stats = pool.stats();
        assertThat(stats.createdOnDemand()).isEqualTo(1);
        assertThat(stats.createdByEnsure()).isEqualTo(1);
        assertThat(stats.created()).isEqualTo(2);
        assertThat(stats.dialsFailed()).isEqualTo(1);
        assertThat(stats.closed(SessionCloseReason.MAX_AGE)).isEqualTo(1);
    }

    @Test
    void theSevenFieldsAreWiredFromTheOptions() {
        io.github.proxycore.config.outbound.AnyTlsOutboundOptions options =
                io.github.proxycore.config.outbound.AnyTlsOutboundOptions.builder("p", "127.0.0.1", 443, "x")
                        .idleSessionCheckInterval(java.time.Duration.ofSeconds(1))
                        .idleSessionTimeout(java.time.Duration.ofMinutes(5))
                        .minIdleSession(2)
                        .minIdleSessionForAge(1)
                        .ensureIdleSession(5)
                        .ensureIdleSessionCreateRate(3)
                        .heartbeat(java.time.Duration.ofSeconds(30))
                        .maxConnectionLifetime(java.time.Duration.ofHours(1))
                        .connectionLifetimeJitter(java.time.Duration.ofMinutes(10))
                        .build();
        assertThat(PoolConfig.from(options))
                .isEqualTo(new PoolConfig(SECOND, 5 * MINUTE, 2, 1, 5, 3, HOUR, 10 * MINUTE, 30 * SECOND));
        assertThat(PoolConfig.from(options).heartbeatTimeout()).isEqualTo(10 * SECOND);
        // the config model rejects bad values with their JSON path before the pool sees them
        assertThatThrownBy(() -> options.toBuilder().minIdleSession(-1).build())
                .hasMessageContaining("min_idle_session");
        assertThatThrownBy(() -> options.toBuilder()
                        .maxConnectionLifetime(java.time.Duration.ofSeconds(-1))
                        .build())
                .hasMessageContaining("max_connection_lifetime");
    }

    @Test
    void invalidFieldsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> new PoolConfig(0, 0, 0, 0, 0, 0, 0, 0, 0))
                .hasMessageContaining("idle_session_check_interval");
        assertThatThrownBy(() -> new PoolConfig(1, 0, -1, 0, 0, 0, 0, 0, 0)).hasMessageContaining("min_idle_session");
        assertThatThrownBy(() -> new PoolConfig(1, 0, 0, 0, 0, 0, 0, -1, 0))
                .hasMessageContaining("connection_lifetime_jitter");
    }
}
