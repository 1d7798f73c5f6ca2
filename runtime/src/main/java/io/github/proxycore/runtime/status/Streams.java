package io.github.proxycore.runtime.status;

import io.github.proxycore.outbound.Relay;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The streams of the Clash API: {@code /traffic} ({@code {"up","down"}}: bytes relayed in each interval),
 * {@code /memory} ({@code {"inuse","oslimit"}}: the JVM's heap and non-heap in use; no OS limit is known, 0) and
 * {@code /logs?level=} ({@code {"type","payload"}} from the {@link LogFeed}), as WebSocket text messages or, for a
 * plain GET, as lines of a chunked answer.
 */
final class Streams {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** Bounds of {@code /connections?interval=} (ms; sing-box's default is 1000). */
    static final int MIN_CONNECTIONS_INTERVAL_MILLIS = 100;

    static final int MAX_CONNECTIONS_INTERVAL_MILLIS = 60_000;

    private final long intervalNanos;
    private final long idleNanos;
    private final LogFeed logs;
    private final ConnectionTable connections;

    Streams(long intervalNanos, long idleNanos, LogFeed logs, ConnectionTable connections) {
        this.intervalNanos = intervalNanos;
        this.idleNanos = idleNanos;
        this.logs = logs;
        this.connections = connections;
    }

    /** The JVM's heap and non-heap in use, what {@code /memory} reports as {@code inuse}. */
    static long memoryInUse() {
        return MEMORY.getHeapMemoryUsage().getUsed()
                + MEMORY.getNonHeapMemoryUsage().getUsed();
    }

    /**
     * The {@code ?interval=} of a {@code /connections} stream in ms (1000 when absent), or -1
     * when it is not a number within bounds.
     */
    static long interval(QueryStringDecoder query) {
        List<String> values = query.parameters().get("interval");
        if (values == null || values.isEmpty()) {
            return 1000;
        }
        try {
            long ms = Long.parseLong(values.get(0));
            return ms < MIN_CONNECTIONS_INTERVAL_MILLIS || ms > MAX_CONNECTIONS_INTERVAL_MILLIS ? -1 : ms;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The handler after Netty's WebSocket protocol handler: starts a stream once the handshake is done. */
    SimpleChannelInboundHandler<WebSocketFrame> webSocketHandler() {
        return new SimpleChannelInboundHandler<>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                // dashboards send nothing that matters; the frame is released by the superclass
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete done) {
                    QueryStringDecoder query = new QueryStringDecoder(done.requestUri());
                    String kind = query.path().substring(1);
                    // a stream writes on its own; the peer must still show it is there: pings, answered by pongs
                    ctx.pipeline().replace("idle", "idle", new IdleStateHandler(idleNanos, 0, 0, TimeUnit.NANOSECONDS));
                    ScheduledFuture<?> pings = ctx.executor()
                            .scheduleAtFixedRate(
                                    () -> ctx.writeAndFlush(new PingWebSocketFrame()),
                                    idleNanos / 2,
                                    idleNanos / 2,
                                    TimeUnit.NANOSECONDS);
                    ctx.channel().closeFuture().addListener(f -> pings.cancel(false));
                    if (kind.equals("connections")) {
                        startConnections(ctx.channel(), interval(query), TextWebSocketFrame::new);
                    } else {
                        start(ctx.channel(), kind, logLevel(query), TextWebSocketFrame::new);
                    }
                } else {
                    super.userEventTriggered(ctx, evt);
                }
            }
        };
    }

    /** The {@code ?level=} of a {@code /logs} request ({@code info} when absent), or null if it names none. */
    static LogFeed.Level logLevel(QueryStringDecoder query) {
        List<String> values = query.parameters().get("level");
        return values == null || values.isEmpty() ? LogFeed.Level.INFO : LogFeed.Level.parse(values.get(0));
    }

    /** A plain GET stream: one JSON document a line in the chunked answer whose head is already written. */
    void startPlain(Channel channel, String kind, LogFeed.Level level) {
        start(
                channel,
                kind,
                level,
                text -> new DefaultHttpContent(Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8)));
    }

    private void start(Channel channel, String kind, LogFeed.Level level, Function<String, Object> frame) {
        if (kind.equals("logs")) {
            LogFeed.Subscriber subscriber =
                    logs.subscribe(level, channel.eventLoop(), text -> channel.writeAndFlush(frame.apply(text)));
            channel.closeFuture().addListener(f -> subscriber.close());
            return;
        }
        Runnable tick = kind.equals("traffic")
                ? new TrafficTick(channel, frame)
                : () -> {
                    if (channel
                            .isWritable()) { // a dashboard that does not keep up skips samples instead of queueing them
                        long inUse = memoryInUse();
                        channel.writeAndFlush(frame.apply(ClashApi.JSON
                                .createObjectNode()
                                .put("inuse", inUse)
                                .put("oslimit", 0)
                                .toString()));
                    }
                };
        ScheduledFuture<?> timer =
                channel.eventLoop().scheduleAtFixedRate(tick, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        channel.closeFuture().addListener(f -> timer.cancel(false));
    }

    /**
     * sing-box's {@code /connections} WebSocket: a snapshot at once, then one every {@code intervalMillis}; skipped
     * while the dashboard does not keep up.
     */
    private void startConnections(Channel channel, long intervalMillis, Function<String, Object> frame) {
        Runnable tick = () -> {
            if (channel.isWritable()) {
                channel.writeAndFlush(
                        frame.apply(connections.snapshot(memoryInUse()).toString()));
            }
        };
        tick.run();
        ScheduledFuture<?> timer =
                channel.eventLoop().scheduleAtFixedRate(tick, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> timer.cancel(false));
    }

    /** Bytes relayed since the previous sample, from {@link Relay}'s counters. */
    private static final class TrafficTick implements Runnable {
        private final Channel channel;
        private final Function<String, Object> frame;
        private long up = Relay.uploadedBytes();
        private long down = Relay.downloadedBytes();

        TrafficTick(Channel channel, Function<String, Object> frame) {
            this.channel = channel;
            this.frame = frame;
        }

        @Override
        public void run() {
            long upNow = Relay.uploadedBytes();
            long downNow = Relay.downloadedBytes();
            if (channel.isWritable()) {
                channel.writeAndFlush(frame.apply(ClashApi.JSON
                        .createObjectNode()
                        .put("up", upNow - up)
                        .put("down", downNow - down)
                        .toString()));
            }
            up = upNow;
            down = downNow;
        }
    }
}
