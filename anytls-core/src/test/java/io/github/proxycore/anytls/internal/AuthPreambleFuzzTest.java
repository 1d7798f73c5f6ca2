package io.github.proxycore.anytls.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.github.proxycore.anytls.PaddingScheme;
import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.Metadata;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Whatever the first record holds, the server's authentication either closes the connection or, exactly when the
 * record starts with a known password's hash and holds all the padding it announces, hands it to a session that
 * then reads the frames after the preamble without failing outside its own session. To fuzz:
 * {@code JAZZER_FUZZ=1 mvn -pl anytls-core test -Dtest=AuthPreambleFuzzTest}.
 */
class AuthPreambleFuzzTest {
    static final String PASSWORD = "fuzz";
    private static final byte[] HASH = Passwords.sha256(PASSWORD);

    /** Every dial fails at once: the target is the preamble and the frames, not the outbound. */
    private static final ConnectionRouter REFUSING = new ConnectionRouter() {
        @Override
        public Future<Channel> dial(Metadata metadata) {
            return ImmediateEventExecutor.INSTANCE.newFailedFuture(new ConnectException("Connection refused"));
        }

        @Override
        public Future<Channel> listenPacket(Metadata metadata) {
            return dial(metadata);
        }
    };

    private static final ServerConfig CONFIG = new ServerConfig(
            new Passwords(List.of(Map.entry("fuzzer", PASSWORD))),
            PaddingScheme.DEFAULT,
            REFUSING,
            null,
            "anytls-in",
            Duration.ofSeconds(30),
            4,
            Duration.ofSeconds(10),
            Duration.ofSeconds(15),
            65536,
            Duration.ofMinutes(5));

    @FuzzTest(maxDuration = "60s")
    void authenticatesOrCloses(byte @NotNull [] record) {
        boolean valid = record.length >= 34
                && Arrays.equals(record, 0, 32, HASH, 0, 32)
                && record.length >= 34 + (((record[32] & 0xff) << 8) | (record[33] & 0xff));
        EmbeddedChannel channel = new EmbeddedChannel(new AuthHandler(CONFIG));
        try {
            // a copy: the session compacts its cumulation in place, and the first record becomes that cumulation
            channel.writeInbound(Unpooled.copiedBuffer(record));
            channel.runPendingTasks();
            boolean session = channel.pipeline().get(ServerSession.class) != null;
            if (!valid) {
                check(!channel.isOpen(), "a connection that did not authenticate is still open");
                check(!session, "a connection that did not authenticate got a session");
            } else {
                check(channel.pipeline().get(AuthHandler.class) == null, "the authenticated handler stayed");
                // the session may have closed itself over a malformed frame, but then the channel is closed too
                check(session || !channel.isOpen(), "an authenticated, open connection without a session");
            }
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
