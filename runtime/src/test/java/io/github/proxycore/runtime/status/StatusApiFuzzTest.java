package io.github.proxycore.runtime.status;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.AcceptedChannel;
import io.github.proxycore.testing.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;

/**
 * The Clash API's request parsing, driven through its HTTP entry: whatever bytes a client sends, in whatever
 * pieces, to the pipeline the API's listener sets up (HTTP codec, aggregator, the routes, WebSocket upgrade and
 * streams), no exception reaches the end of the pipeline, what it writes are HTTP responses (or, after an
 * upgrade, WebSocket frames), delay tests and streams end with the connection, and every buffer is released.
 *
 * <p>The engine behind it has only {@code block} outbounds and a balancer of them, so a delay test the fuzzer asks
 * for never leaves the process. The first byte of the input picks the server (bit 0: with the secret
 * {@code t0ken}, else without one, where only loopback Hosts are answered) and where the rest is cut in two. To
 * fuzz: {@code JAZZER_FUZZ=1 mvn -pl runtime test -Dtest=StatusApiFuzzTest}.
 */
class StatusApiFuzzTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 9090);

    private static Engine withSecret;
    private static Engine open;

    private static String config(String secret) {
        return "{\"outbounds\": ["
                + "  {\"type\": \"block\", \"tag\": \"deny\"}, {\"type\": \"block\", \"tag\": \"deny2\"},"
                + "  {\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"deny\", \"deny2\"],"
                + "   \"url\": \"http://127.0.0.1:9/generate_204\", \"strategy\": \"random\", \"interval\": \"1h\"}],"
                + "\"route\": {\"final\": \"lb\"},"
                + "\"experimental\": {\"clash_api\": {\"external_controller\": \"127.0.0.1:0\", \"secret\": \"" + secret
                + "\"}}}";
    }

    private static synchronized StatusServer server(boolean secret) throws Exception {
        if (withSecret == null) {
            // real engines with their API listening on loopback (nothing connects): the target feeds their pipeline
            withSecret = Engine.builder(ConfigLoader.parse(config("t0ken"))).start();
            open = Engine.builder(ConfigLoader.parse(config(""))).start();
        }
        return (secret ? withSecret : open).status().orElseThrow();
    }

    @AfterAll
    static synchronized void stop() {
        if (withSecret != null) {
            withSecret.close();
            open.close();
            withSecret = null;
        }
    }

    @FuzzTest(maxDuration = "60s")
    void answersWithoutHarm(byte @NotNull [] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        int setup = input[0] & 0xff;
        StatusServer server = server((setup & 1) != 0);
        TrackingAllocator alloc = new TrackingAllocator();
        AcceptedChannel channel = new AcceptedChannel(LOCAL, CLIENT);
        channel.config().setAllocator(alloc);
        List<String> written = new ArrayList<>();
        try {
            channel.pipeline().addLast(server.connectionSetup());
            int length = input.length - 1;
            int cut = length == 0 ? 0 : (setup >>> 1) % (length + 1);
            int[] cuts = {0, cut, length};
            for (int i = 0; i < 2; i++) {
                int n = cuts[i + 1] - cuts[i];
                if (n == 0 || !channel.isOpen()) {
                    continue;
                }
                channel.writeInbound(alloc.buffer(n).writeBytes(input, 1 + cuts[i], n));
                settle(channel, written);
            }
            // a /logs stream gets a line; delay tests (at most 30 s) and idle connections (60 s) run out
            server.logs().publish(LogFeed.Level.INFO, "fuzz");
            settle(channel, written);
            channel.advanceTimeBy(61, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            settle(channel, written);
        } finally {
            channel.close();
            settle(channel, written);
            channel.finishAndReleaseAll();
        }
        if (!written.isEmpty()) {
            String first = written.get(0);
            check(first.startsWith("HTTP/1.1 "), "the first bytes written are not a response: " + first);
        }
        alloc.checkAllReleased();
    }

    /** Runs queued tasks (delay tests ending, log lines), keeps the start of what was written, releases it. */
    private static void settle(EmbeddedChannel channel, List<String> written) {
        for (int round = 0; round < 3; round++) {
            channel.runPendingTasks();
            Queue<Object> out = channel.outboundMessages();
            for (Object m; (m = out.poll()) != null; ) {
                if (m instanceof ByteBuf buf && buf.isReadable() && written.size() < 8) {
                    written.add(buf.toString(
                            buf.readerIndex(),
                            Math.min(buf.readableBytes(), 16),
                            java.nio.charset.StandardCharsets.ISO_8859_1));
                }
                ReferenceCountUtil.release(m);
            }
        }
        channel.checkException(); // an exception that reached the end of the pipeline is a finding
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
