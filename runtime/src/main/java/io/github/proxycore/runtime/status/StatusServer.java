package io.github.proxycore.runtime.status;

import io.github.proxycore.config.ClashApiOptions;
import io.github.proxycore.config.route.RouteOptions;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.outbound.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Clash API of {@code experimental.clash_api}, as sing-box serves it, so that dashboards (metacubexd, yacd,
 * zashboard) can show and test the outbounds:
 *
 * <ul>
 *   <li>{@code GET /}, {@code GET /version}, {@code GET|PATCH /configs} (only the {@code Rule} mode exists, and the
 *       log level is fixed at start: other values are refused with 400);
 *   <li>{@code GET /proxies} (with sing-box's {@code GLOBAL} pseudo-group), {@code GET /proxies/{name}},
 *       {@code GET /proxies/{name}/delay?url=…&timeout=ms}, {@code PUT /proxies/{name}} (switches a selector; 400
 *       for other types);
 *   <li>{@code GET /group}, {@code GET /group/{name}}, {@code GET /group/{name}/delay}: the groups (loadbalance,
 *       selector, urltest), their members and a delay test of all of them;
 *   <li>{@code GET /rules}, {@code GET /providers/proxies}, {@code GET /providers/rules} (no providers);
 *   <li>{@code GET /connections} (a snapshot, or a WebSocket stream of them), {@code DELETE /connections} and
 *       {@code DELETE /connections/{id}}, over the {@link ConnectionTable} the engine tracks;
 *   <li>the streams {@code /traffic}, {@code /memory} and {@code /logs?level=}, as WebSockets or chunked answers.
 * </ul>
 *
 * <p>With a {@code secret}, requests must carry {@code Authorization: Bearer <secret>}, or, for a WebSocket upgrade
 * (browsers cannot set its headers), {@code ?token=<secret>}. Without one, only requests naming a loopback
 * {@code Host} are answered, so that a web page cannot reach the API through DNS rebinding. Idle connections are
 * closed after {@link Builder#idleTimeout(Duration)}.
 */
public final class StatusServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
    /** Default for {@link Builder#idleTimeout(Duration)}: longer than the longest delay test. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** API connections beyond this many are closed at once: each holds buffers and possibly a delay test. */
    static final int MAX_CONNECTIONS = 256;

    /** Default for {@link Builder#streamInterval(Duration)}, as Clash: {@code /traffic} is bytes per second. */
    public static final Duration DEFAULT_STREAM_INTERVAL = Duration.ofSeconds(1);

    private final Channel listener;
    /** Sets up each accepted connection's pipeline. */
    private final ChannelInitializer<Channel> connectionSetup;

    private final LogFeed logs;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    private StatusServer(Builder b) throws InterruptedException {
        this.logs = b.logs;
        long idleNanos = b.idleTimeout.toNanos();
        Streams streams = new Streams(b.streamInterval.toNanos(), idleNanos, logs, b.connections);
        ClashApi api = new ClashApi(b.options.secret(), b.outbounds, b.route, streams, b.connections);
        WebSocketServerProtocolConfig webSockets = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/") // the API handler forwards only authorized upgrades of the stream paths
                .checkStartsWith(true)
                .handleCloseFrames(true)
                .dropPongFrames(true)
                .maxFramePayloadLength(4096) // dashboards send nothing that matters
                .build();
        this.connectionSetup = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                if (connections.size() >= MAX_CONNECTIONS) {
                    ch.close();
                    return;
                }
                connections.add(ch); // dashboards keep connections open: they close with the server
                ch.pipeline()
                        .addLast("idle", new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS))
                        .addLast("idleClose", new IdleCloser())
                        .addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024))
                        .addLast("api", api.newHandler())
                        .addLast(new WebSocketServerProtocolHandler(webSockets))
                        .addLast(streams.webSocketHandler());
            }
        };
        this.listener = new ServerBootstrap()
                .group(b.transport.group())
                .channel(b.transport.serverSocketChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true) // as Go's listeners: restarts never wait
                .childHandler(connectionSetup)
                .bind(b.options.listenAddress())
                .sync()
                .channel();
        if (b.options.secret().isEmpty()) {
            log.warn(
                    "the Clash API on {} has no secret: it answers anyone who can reach it, and only requests"
                            + " naming a loopback Host",
                    listener.localAddress());
        }
    }

    /**
     * Starts listening on the configured {@code external_controller}; blocks until bound.
     *
     * @param options the {@code experimental.clash_api} options
     * @param outbounds the outbounds it reports on and tests
     * @param transport the event loops it runs on
     * @return the running server; {@link #close()} stops it
     * @throws InterruptedException if interrupted while binding
     */
    public static StatusServer start(ClashApiOptions options, Outbounds outbounds, Transport transport)
            throws InterruptedException {
        return builder(options, outbounds, transport).start();
    }

    /**
     * A server with non-default settings.
     *
     * @param options the {@code experimental.clash_api} options
     * @param outbounds the outbounds it reports on and tests
     * @param transport the event loops it runs on
     * @return the builder
     */
    public static Builder builder(ClashApiOptions options, Outbounds outbounds, Transport transport) {
        return new Builder(options, outbounds, transport);
    }

    /**
     * What sets up an accepted connection (package-private for the request-parsing fuzz target, which feeds it
     * channels of its own).
     */
    ChannelInitializer<Channel> connectionSetup() {
        return connectionSetup;
    }

    /** {@return the lines {@code /logs} streams: feed it from the logging backend} */
    public LogFeed logs() {
        return logs;
    }

    /** {@return where it listens} */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Settings of a {@link StatusServer}. */
    public static final class Builder {
        private final ClashApiOptions options;
        private final Outbounds outbounds;
        private final Transport transport;
        private RouteOptions route = RouteOptions.EMPTY;
        private ConnectionTable connections = new ConnectionTable();
        private LogFeed logs = new LogFeed();
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration streamInterval = DEFAULT_STREAM_INTERVAL;

        private Builder(ClashApiOptions options, Outbounds outbounds, Transport transport) {
            this.options = Objects.requireNonNull(options, "options");
            this.outbounds = Objects.requireNonNull(outbounds, "outbounds");
            this.transport = Objects.requireNonNull(transport, "transport");
        }

        /**
         * Sets the route rules {@code GET /rules} lists and whose {@code final} is {@code GLOBAL}'s {@code now}.
         *
         * @param route the {@code route} section; default none
         * @return this builder
         */
        public Builder route(RouteOptions route) {
            this.route = Objects.requireNonNull(route, "route");
            return this;
        }

        /**
         * The connections {@code /connections} lists and closes (default: an empty table of its own); the engine
         * passes the one its inbounds dial through ({@link ConnectionTable#track}).
         *
         * @param connections the table
         * @return this builder
         */
        public Builder connections(ConnectionTable connections) {
            this.connections = Objects.requireNonNull(connections, "connections");
            return this;
        }

        /**
         * The lines {@code /logs} streams (default: a feed of its own, fed through {@link StatusServer#logs()}).
         *
         * @param logs the feed
         * @return this builder
         */
        public Builder logs(LogFeed logs) {
            this.logs = Objects.requireNonNull(logs, "logs");
            return this;
        }

        /**
         * How long an API connection may stay without reads or writes, including one with a request half sent
         * (default {@link #DEFAULT_IDLE_TIMEOUT}). WebSocket streams write every second and are not affected.
         *
         * @param idleTimeout the timeout, positive
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder idleTimeout(Duration idleTimeout) {
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive");
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Sets how often {@code /traffic} and {@code /memory} send a sample (default 1 s).
         *
         * @param streamInterval the interval, positive
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder streamInterval(Duration streamInterval) {
            if (streamInterval.isNegative() || streamInterval.isZero()) {
                throw new IllegalArgumentException("streamInterval must be positive");
            }
            this.streamInterval = streamInterval;
            return this;
        }

        /**
         * Starts listening; blocks until bound.
         *
         * @return the running server
         * @throws InterruptedException if interrupted while binding
         */
        public StatusServer start() throws InterruptedException {
            return new StatusServer(this);
        }
    }

    /** Closes a connection that stayed idle: a dashboard reconnects when it needs to. */
    private static final class IdleCloser extends ChannelDuplexHandler {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }
    }
}
