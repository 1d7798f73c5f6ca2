package io.github.proxycore.anytls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.PaddingScheme;
import io.github.proxycore.anytls.SessionCloseReason;
import io.github.proxycore.anytls.internal.wire.ClientPadding;
import io.github.proxycore.anytls.internal.wire.Command;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.testing.LogRecorder;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Promise;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * What a client session does for the pool, over EmbeddedChannels with frozen time: heartbeats (none before v2, 7 bytes
 * outside the padding, liveness, random phases), pre-warm Settings, the watchdog and stale-session failure of streams
 * on sessions from the idle set, the shared knowledge of a v1 server, and close reasons.
 */
class ClientSessionPoolingTest {
    private static final Destination DEST = Destination.of("127.0.0.1", 80);
    private static final long HEARTBEAT = TimeUnit.SECONDS.toNanos(10);
    private static final long HEARTBEAT_TIMEOUT = TimeUnit.SECONDS.toNanos(5);

    private static final Map<ClientSession, SessionHarness> HARNESSES = new ConcurrentHashMap<>();

    @AfterEach
    void tearDown() {
        HARNESSES.values().forEach(SessionHarness::close);
        HARNESSES.clear();
    }

    private ClientSession start(PaddingScheme scheme, ServerVersion version, long heartbeat, RandomGenerator random) {
        ClientSession session = new ClientSession(
                1,
                Passwords.sha256("test"),
                "x/1",
                new ClientPadding(scheme),
                random,
                SessionListener.NONE,
                version,
                heartbeat,
                HEARTBEAT_TIMEOUT);
        HARNESSES.put(session, new SessionHarness(session));
        return session;
    }

    private ClientSession start(PaddingScheme scheme) {
        return start(scheme, new ServerVersion(), HEARTBEAT, new Random(11));
    }

    /** {@code session} pre-warmed (Settings sent), told v2 by the server, its records so far taken. */
    private static ClientSession settled(ClientSession session) {
        session.sendSettingsNow();
        inbound(session, Command.SERVER_SETTINGS, 0, "v=2");
        records(session);
        return session;
    }

    private static EmbeddedChannel channel(ClientSession session) {
        return HARNESSES.get(session).channel;
    }

    /** The plaintext of each flushed write since the last call, as hex. */
    private static List<String> records(ClientSession session) {
        return HARNESSES.get(session).records();
    }

    private static void inbound(ClientSession session, int command, int id, String text) {
        HARNESSES.get(session).inbound(command, id, text);
    }

    private static void advance(ClientSession session, long nanos) {
        HARNESSES.get(session).advance(nanos);
    }

    private static Promise<Channel> open(ClientSession session, boolean fromIdle) {
        return HARNESSES.get(session).open(DEST, fromIdle);
    }

    @Test
    void heartbeatsStartOnlyOnceTheServerAnnouncedV2AndTakeNoPaddingPacket() {
        ClientSession session = start(ClientSessionTest.DETERMINISTIC);
        session.sendSettingsNow(); // a pre-warmed session: Settings go out at once, as packet 1
        assertThat(records(session)).extracting(String::length).containsExactly(44 * 2, 200 * 2);
        advance(session, 10 * HEARTBEAT);
        assertThat(records(session))
                .as("no heartbeat before the server announced v2")
                .isEmpty();
        inbound(session, Command.SERVER_SETTINGS, 0, "v=2");
        advance(session, HEARTBEAT); // the first beat comes within one interval (random phase)
        assertThat(records(session)).containsExactly("08000000000000");
        for (int i = 0; i < 3; i++) {
            inbound(session, Command.HEART_RESPONSE, 0, "");
            advance(session, HEARTBEAT);
            assertThat(records(session)).containsExactly("08000000000000");
        }
        // the first stream's SYN + address is still packet 2 of the scheme: 21 bytes padded to 50
        open(session, true);
        List<String> packet2 = records(session);
        assertThat(packet2).hasSize(1);
        assertThat(packet2.get(0)).hasSize(50 * 2).startsWith("01000000010000" + "02000000010007");
        assertThat(session.isActive()).isTrue();
    }

    @Test
    void heartbeatLogLinesAreTheSeeds() {
        try (LogRecorder.Capture logs = LogRecorder.capture(Heartbeat.class, Level.DEBUG)) {
            ClientSession session = start(PaddingScheme.parse("stop=0"));
            session.sendSettingsNow();
            inbound(session, Command.SERVER_SETTINGS, 0, "v=2");
            advance(session, HEARTBEAT);
            inbound(session, Command.HEART_RESPONSE, 0, "");
            // the heartbeat debug lines docs/anytls.md shows: exactly these three lines, nothing appended
            assertThat(logs.lines())
                    .containsExactly(
                            "DEBUG [Heartbeat] Sending heartbeat request",
                            "DEBUG [Heartbeat] Heartbeat sent successfully",
                            "DEBUG [Heartbeat] Received heartbeat response");
        }
    }

    @Test
    void aSessionWhoseServerStopsAnsweringIsClosedWithHeartbeatTimeout() {
        ClientSession session = settled(start(PaddingScheme.parse("stop=0")));
        advance(session, HEARTBEAT); // first beat sent somewhere in this interval
        assertThat(records(session)).containsExactly("08000000000000");
        advance(session, HEARTBEAT_TIMEOUT); // any beat's check has run by now
        assertThat(session.isActive()).isFalse();
        assertThat(session.closeReason()).isEqualTo(SessionCloseReason.HEARTBEAT_TIMEOUT);
    }

    @Test
    void anyFrameFromTheServerCountsAsAnAnswer() {
        ClientSession session = settled(start(PaddingScheme.parse("stop=0")));
        for (int i = 0; i < 5; i++) {
            advance(session, HEARTBEAT / 2);
            inbound(session, Command.WASTE, 0, "x"); // not a HeartResponse, but proof of life
        }
        assertThat(session.isActive()).isTrue();
    }

    @Test
    void partOfARecordCountsAsAnAnswer() {
        ClientSession session = settled(start(PaddingScheme.parse("stop=0")));
        for (int i = 0; i < 5; i++) {
            advance(session, HEARTBEAT / 2);
            // what TLS passes on when a read of the socket brought only part of a record: a read complete, no data
            // (a 16 KiB record of a download can take many reads to arrive whole on a loaded machine)
            channel(session).pipeline().fireChannelReadComplete();
        }
        assertThat(session.isActive()).isTrue();
    }

    @Test
    void aCheckThatRunsLateIsTakenOnceMore() {
        ClientSession session = settled(start(PaddingScheme.parse("stop=0")));
        advance(session, HEARTBEAT); // the first beat is sent in this interval; its check is due a timeout later
        assertThat(records(session)).containsExactly("08000000000000");
        stall(session, 3 * HEARTBEAT_TIMEOUT); // the loop does not run until long after the check was due
        assertThat(session.isActive())
                .as("a late check says more about this loop than about the server")
                .isTrue();
        inbound(session, Command.HEART_RESPONSE, 0, ""); // the answer that was waiting unread
        advance(session, 2 * HEARTBEAT_TIMEOUT);
        assertThat(session.isActive()).isTrue();
    }

    @Test
    void aServerThatStaysSilentIsFoundEvenWhenTheCheckRanLate() {
        ClientSession session = settled(start(PaddingScheme.parse("stop=0")));
        advance(session, HEARTBEAT);
        stall(session, 3 * HEARTBEAT_TIMEOUT);
        assertThat(session.isActive()).isTrue();
        advance(session, HEARTBEAT_TIMEOUT); // the check taken once more finds nothing read either
        assertThat(session.closeReason()).isEqualTo(SessionCloseReason.HEARTBEAT_TIMEOUT);
        assertThat(session.isActive()).isFalse();
    }

    /** Moves the clock by {@code nanos} at once, then runs what fell due: an event loop that was not running. */
    private static void stall(ClientSession session, long nanos) {
        EmbeddedChannel channel = channel(session);
        channel.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    @Test
    void aSessionThatPausedReadingIsNotJudged() {
        ClientSession session = start(PaddingScheme.parse("stop=0"));
        Promise<Channel> promise = open(session, false);
        inbound(session, Command.SERVER_SETTINGS, 0, "v=2");
        inbound(session, Command.SYNACK, 1, "");
        assertThat(promise.isSuccess()).isTrue();
        for (int i = 0; i < 5; i++) {
            inbound(session, Command.PSH, 1, "x".repeat(60_000)); // nobody reads the stream: congested
        }
        assertThat(session.readPaused()).isTrue();
        advance(session, 3 * HEARTBEAT);
        assertThat(session.isActive()).as("the answer may be waiting unread").isTrue();
        promise.getNow().read(); // drains; reading resumes; now silence counts again
        channel(session).runPendingTasks();
        advance(session, 2 * HEARTBEAT);
        assertThat(session.closeReason()).isEqualTo(SessionCloseReason.HEARTBEAT_TIMEOUT);
    }

    @Test
    void sessionsCreatedTogetherBeatAtDifferentTimes() {
        SecureRandom random = new SecureRandom();
        List<ClientSession> sessions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ClientSession session =
                    settled(start(PaddingScheme.parse("stop=0"), new ServerVersion(), HEARTBEAT, random));
            sessions.add(session);
        }
        Set<Long> firstBeat = new HashSet<>();
        long step = HEARTBEAT / 100;
        for (long t = step; t <= HEARTBEAT; t += step) {
            for (ClientSession session : sessions) {
                advance(session, step);
                if (!records(session).isEmpty()) {
                    firstBeat.add(t);
                }
            }
            sessions.forEach(s -> inbound(s, Command.HEART_RESPONSE, 0, ""));
        }
        // 10 draws in 100 slots: with a real random source nearly all differ (the wall-clock phase of the fork
        // put sessions created together within a few ms of each other)
        assertThat(firstBeat.size()).isGreaterThanOrEqualTo(7);
    }

    @Test
    void noHeartbeatWhenDisabled() {
        ClientSession session = settled(start(PaddingScheme.parse("stop=0"), new ServerVersion(), 0, new Random(1)));
        advance(session, 100 * HEARTBEAT);
        assertThat(records(session)).isEmpty();
        assertThat(session.isActive()).isTrue();
    }

    @Test
    void aFirstStreamOnAPrewarmedSessionIsWatchedAndFailsAsStale() {
        ClientSession session = start(PaddingScheme.parse("stop=0"));
        session.sendSettingsNow();
        inbound(session, Command.SERVER_SETTINGS, 0, "v=2");
        Promise<Channel> promise = open(session, true);
        advance(session, TimeUnit.MILLISECONDS.toNanos(ClientSession.SYNACK_WATCHDOG_MILLIS - 1));
        assertThat(promise.isDone()).isFalse();
        advance(session, TimeUnit.MILLISECONDS.toNanos(2));
        assertThat(promise.cause()).isInstanceOf(StaleSessionException.class).hasMessageContaining("no SYNACK");
        assertThat(session.isActive()).isFalse();
        assertThat(session.closeReason()).isEqualTo(SessionCloseReason.ERROR);
    }

    @Test
    void aStreamOnAnIdleSessionThatDiesBeforeAnyReplyFailsAsStale() {
        ClientSession session = start(PaddingScheme.parse("stop=0"));
        session.sendSettingsNow();
        inbound(session, Command.SERVER_SETTINGS, 0, "v=2");
        Promise<Channel> fromIdle = open(session, true);
        channel(session).close(); // a reset
        assertThat(fromIdle.cause()).isInstanceOf(StaleSessionException.class);
        assertThat(session.closeReason()).isEqualTo(SessionCloseReason.REMOTE);

        ClientSession fresh = start(PaddingScheme.parse("stop=0"));
        Promise<Channel> onNew = open(fresh, false);
        channel(fresh).close();
        assertThat(onNew.cause()).as("a new session's failure is real").isNotInstanceOf(StaleSessionException.class);
    }

    @Test
    void aServerErrorOnAnIdleSessionIsNotStale() {
        ClientSession session = start(PaddingScheme.parse("stop=0"));
        session.sendSettingsNow();
        inbound(session, Command.SERVER_SETTINGS, 0, "v=2");
        Promise<Channel> promise = open(session, true);
        inbound(session, Command.SYNACK, 1, "dial tcp: refused");
        assertThat(promise.cause())
                .isNotInstanceOf(StaleSessionException.class)
                .hasMessage("remote: dial tcp: refused");
    }

    @Test
    void aV1ServerIsRememberedSoLaterSessionsDoNotWaitTheGrace() {
        ServerVersion version = new ServerVersion();
        ClientSession first = start(PaddingScheme.parse("stop=0"), version, 0, new Random(1));
        Promise<Channel> one = open(first, false);
        assertThat(one.isDone()).isFalse();
        advance(first, TimeUnit.MILLISECONDS.toNanos(ClientSession.V1_GRACE_MILLIS + 1));
        assertThat(one.isSuccess()).isTrue();
        assertThat(version.isV1()).isTrue();
        ClientSession second = start(PaddingScheme.parse("stop=0"), version, 0, new Random(1));
        assertThat(open(second, false).isSuccess()).as("confirmed at once").isTrue();
        // a v2 announcement on any session switches back
        ClientSession third = start(PaddingScheme.parse("stop=0"), version, 0, new Random(1));
        inbound(third, Command.SERVER_SETTINGS, 0, "v=2");
        assertThat(version.isV1()).isFalse();
        assertThat(open(start(PaddingScheme.parse("stop=0"), version, 0, new Random(1)), false)
                        .isDone())
                .isFalse();
    }

    @Test
    void closeReasons() {
        ClientSession retired = start(PaddingScheme.parse("stop=0"));
        retired.retire(SessionCloseReason.IDLE_TIMEOUT);
        channel(retired).runPendingTasks();
        assertThat(retired.isActive()).isFalse();
        assertThat(retired.closeReason()).isEqualTo(SessionCloseReason.IDLE_TIMEOUT);

        ClientSession alerted = start(PaddingScheme.parse("stop=0"));
        inbound(alerted, Command.ALERT, 0, "bye");
        assertThat(alerted.closeReason()).isEqualTo(SessionCloseReason.REMOTE);

        ClientSession broken = start(PaddingScheme.parse("stop=0"));
        channel(broken).pipeline().fireExceptionCaught(new java.io.IOException("reset"));
        assertThat(broken.isActive()).isFalse();
        assertThat(broken.closeReason()).isEqualTo(SessionCloseReason.ERROR);
    }
}
