package io.github.proxycore.mixed;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.github.proxycore.config.ListenOptions;
import io.github.proxycore.config.inbound.MixedInboundOptions;
import io.github.proxycore.config.inbound.MixedUser;
import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.outbound.inbound.InboundContext;
import io.github.proxycore.testing.AcceptedChannel;
import io.github.proxycore.testing.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;

/**
 * The mixed inbound's handshakes (SOCKS4/4a, SOCKS5 with and without a password, HTTP CONNECT and plain HTTP) as
 * whole state machines: whatever bytes a client sends, in whatever pieces, the connection's own pipeline (the one
 * the listener sets up) answers and hands the request to the router, waits, or closes; by the handshake deadline it
 * has closed or handed the request on. No exception reaches the end of the pipeline, the listener's count of
 * connections in their handshake comes back when the connection closes, and every buffer is released.
 *
 * <p>The first byte of the input is the setup: bits 0-1 how the router answers (a connected channel, refused,
 * timed out, never), bit 2 whether the inbound has users ({@code fuzz}/{@code pw}), bits 3-7 where the rest is cut
 * into pieces. To fuzz: {@code JAZZER_FUZZ=1 mvn -pl mixed-inbound test -Dtest=HandshakeFuzzTest}.
 */
class HandshakeFuzzTest {
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 1080);

    private static Transport transport;
    private static MixedInbound open;
    private static MixedInbound withUsers;

    /** What the router does for the current input; fuzzing runs one input at a time. */
    private static int routerMode;

    private static final List<EmbeddedChannel> outbounds = new ArrayList<>();
    private static final List<Promise<Channel>> pendingDials = new ArrayList<>();

    private static final ConnectionRouter ROUTER = new ConnectionRouter() {
        @Override
        public Future<Channel> dial(Metadata metadata) {
            switch (routerMode) {
                case 0:
                    EmbeddedChannel outbound = new EmbeddedChannel();
                    outbounds.add(outbound);
                    return ImmediateEventExecutor.INSTANCE.newSucceededFuture(outbound);
                case 1:
                    return ImmediateEventExecutor.INSTANCE.newFailedFuture(new ConnectException("Connection refused"));
                case 2:
                    return ImmediateEventExecutor.INSTANCE.newFailedFuture(
                            new ConnectTimeoutException("connection timed out"));
                default:
                    Promise<Channel> never = ImmediateEventExecutor.INSTANCE.newPromise();
                    pendingDials.add(never);
                    return never;
            }
        }

        @Override
        public Future<Channel> listenPacket(Metadata metadata) {
            return dial(metadata);
        }
    };

    private static synchronized MixedInbound inbound(boolean users) throws InterruptedException {
        if (transport == null) {
            // real listeners (nothing connects to them): the fuzz target feeds the pipeline they set up
            transport = Transport.create(1);
            open = MixedInbound.start(options(List.of()), new InboundContext(transport, ROUTER));
            withUsers = MixedInbound.start(
                    options(List.of(new MixedUser("fuzz", "pw"))), new InboundContext(transport, ROUTER));
        }
        return users ? withUsers : open;
    }

    private static MixedInboundOptions options(List<MixedUser> users) {
        return new MixedInboundOptions("mixed", ListenOptions.of("127.0.0.1", 0), users, HANDSHAKE_TIMEOUT, 64);
    }

    @AfterAll
    static synchronized void stop() {
        if (transport != null) {
            open.close();
            withUsers.close();
            transport.close();
            transport = null;
        }
    }

    @FuzzTest(maxDuration = "60s")
    void answersOrClosesAndReleases(byte @NotNull [] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        int setup = input[0] & 0xff;
        routerMode = setup & 3;
        MixedInbound inbound = inbound((setup & 4) != 0);
        int before = inbound.handshaking();
        TrackingAllocator alloc = new TrackingAllocator();
        AcceptedChannel client = new AcceptedChannel(LOCAL, CLIENT);
        client.config().setAllocator(alloc);
        try {
            inbound.accepted(client);
            // the rest in up to three pieces, cut where the setup byte says
            int length = input.length - 1;
            int cut1 = length == 0 ? 0 : (setup >>> 3) % (length + 1);
            int cut2 = cut1 + (length - cut1) / 2;
            int[] cuts = {0, cut1, cut2, length};
            for (int i = 0; i < 3; i++) {
                int n = cuts[i + 1] - cuts[i];
                if (n == 0 || !client.isOpen()) {
                    continue;
                }
                ByteBuf piece = alloc.buffer(n).writeBytes(input, 1 + cuts[i], n);
                client.writeInbound(piece); // throws if an exception reached the end of the pipeline
                settle(client);
            }
            client.advanceTimeBy(HANDSHAKE_TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
            client.runScheduledPendingTasks();
            settle(client);
            boolean handedOn = client.pipeline().get(HandshakeGuard.class) == null;
            check(!client.isOpen() || handedOn, "still in its handshake after the deadline");
            check(!handedOn || inbound.handshaking() == before, "handed on but still counted as handshaking");
        } finally {
            client.close();
            settle(client);
            client.finishAndReleaseAll();
            for (Promise<Channel> dial : pendingDials) {
                dial.cancel(false);
            }
            pendingDials.clear();
            for (EmbeddedChannel outbound : outbounds) {
                outbound.finishAndReleaseAll();
            }
            outbounds.clear();
            client.runPendingTasks();
        }
        check(inbound.handshaking() == before, "the handshake count did not come back: " + inbound.handshaking());
        alloc.checkAllReleased();
    }

    /** Runs what the event loop has queued (dial completions) and drops what was written to the client. */
    private static void settle(EmbeddedChannel client) {
        for (int round = 0; round < 4; round++) {
            client.runPendingTasks();
            for (EmbeddedChannel outbound : outbounds) {
                outbound.runPendingTasks();
                releaseAll(outbound.outboundMessages());
            }
            releaseAll(client.outboundMessages());
        }
        client.checkException();
    }

    private static void releaseAll(java.util.Queue<Object> messages) {
        for (Object m; (m = messages.poll()) != null; ) {
            ReferenceCountUtil.release(m);
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
