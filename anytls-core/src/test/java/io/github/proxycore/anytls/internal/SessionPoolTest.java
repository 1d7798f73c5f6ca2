package io.github.proxycore.anytls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.PaddingScheme;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reuse rules of §11 / SPEC §3, driven by an explicit clock. */
class SessionPoolTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private long now;

    @AfterEach
    void tearDown() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private ClientSession session(SessionPool pool, long seq) {
        ClientSession session = new ClientSession(seq, now, new byte[32], "t/1",
                new ClientPadding(PaddingScheme.parse("stop=0")), new Random(), pool);
        channels.add(new EmbeddedChannel(session));
        pool.add(session);
        return session;
    }

    @Test
    void takesTheNewestIdleSessionAndSkipsDeadOnes() {
        SessionPool pool = new SessionPool(() -> now, 30 * SECOND, 0);
        ClientSession one = session(pool, 1);
        ClientSession two = session(pool, 2);
        ClientSession three = session(pool, 3);
        pool.streamClosed(one);
        pool.streamClosed(three);
        pool.streamClosed(two);
        assertThat(pool.idleSeqs()).containsExactly(3L, 2L, 1L);
        assertThat(pool.take()).isSameAs(three);
        two.close(); // dies while idle
        assertThat(pool.take()).isSameAs(one);
        assertThat(pool.take()).isNull();
        assertThat(pool.size()).isEqualTo(2);
    }

    @Test
    void busySessionsAreNotIdleAndClosedOnesLeave() {
        SessionPool pool = new SessionPool(() -> now, 30 * SECOND, 0);
        ClientSession one = session(pool, 1);
        assertThat(pool.idleSeqs()).isEmpty();
        pool.streamClosed(one);
        assertThat(pool.idleSeqs()).containsExactly(1L);
        one.close();
        assertThat(pool.idleSeqs()).isEmpty();
        assertThat(pool.size()).isZero();
    }

    @Test
    void cleanupClosesExpiredSessionsButKeepsTheNewestMinIdle() {
        SessionPool pool = new SessionPool(() -> now, 30 * SECOND, 2);
        List<ClientSession> sessions = new ArrayList<>();
        for (int seq = 1; seq <= 5; seq++) {
            sessions.add(session(pool, seq));
        }
        now = 0;
        pool.streamClosed(sessions.get(4)); // seq 5, idle since 0
        pool.streamClosed(sessions.get(0)); // seq 1, idle since 0
        now = 20 * SECOND;
        pool.streamClosed(sessions.get(2)); // seq 3, idle since 20 s
        pool.streamClosed(sessions.get(1)); // seq 2, idle since 20 s
        now = 35 * SECOND;
        // newest first: 5 (kept: min), 3 (kept: min), 2 (fresh), 1 (expired, closed)
        assertThat(pool.expired(now)).extracting(ClientSession::seq).containsExactly(1L);
        assertThat(pool.idleSeqs()).containsExactly(5L, 3L, 2L);
        now = 50 * SECOND;
        assertThat(pool.expired(now)).extracting(ClientSession::seq).containsExactly(2L);
        assertThat(pool.idleSeqs()).containsExactly(5L, 3L);
        now = 1000 * SECOND;
        assertThat(pool.expired(now)).isEmpty(); // the protected ones stay forever
    }

    @Test
    void shortTimeoutsAreUsedAsConfigured() {
        SessionPool pool = new SessionPool(() -> now, SECOND, 0);
        ClientSession one = session(pool, 1);
        pool.streamClosed(one);
        now = SECOND - 1;
        assertThat(pool.expired(now)).isEmpty();
        now = SECOND;
        assertThat(pool.expired(now)).containsExactly(one);
    }
}
