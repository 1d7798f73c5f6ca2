package io.github.proxycore.runtime.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.proxycore.config.ClashApiOptions;
import io.github.proxycore.loadbalance.LoadBalanceOutbound;
import io.github.proxycore.loadbalance.MemberHealth;
import io.github.proxycore.loadbalance.MemberSnapshot;
import io.github.proxycore.loadbalance.UrlTest;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.outbound.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A status endpoint in the style of the Clash API ({@code experimental.clash_api}), so that existing dashboards can
 * list the outbounds, the members of load balancers and their latencies:
 *
 * <ul>
 *   <li>{@code GET /}, {@code GET /version};
 *   <li>{@code GET /proxies}, {@code GET /proxies/{name}}: type, UDP support, latency history (the delay tests
 *       below, then, for a balancer's member, its latest health check, stamped with the time of the request); a
 *       balancer lists its members ({@code all}), which of them serve ({@code active}) and their health
 *       ({@code health}: healthy, unhealthy, recovering or unknown); a member shows its own {@code health} and
 *       {@code alive};
 *   <li>{@code GET /proxies/{name}/delay?url=…&timeout=ms}: a URL test through that outbound, {@code {"delay": ms}}.
 * </ul>
 *
 * With a {@code secret}, requests must carry {@code Authorization: Bearer <secret>}. Read-only: nothing here changes
 * how traffic is routed.
 */
public final class StatusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HISTORY = 10;

    private final Channel listener;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Outbounds outbounds;
    private final byte[] secret;
    private final Map<String, Deque<ObjectNode>> history = new ConcurrentHashMap<>();

    private StatusServer(ClashApiOptions options, Outbounds outbounds, Transport transport)
            throws InterruptedException {
        this.outbounds = outbounds;
        this.secret = options.secret().getBytes(StandardCharsets.UTF_8);
        this.listener = new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverSocketChannelClass())
                .option(io.netty.channel.ChannelOption.SO_REUSEADDR, true) // as Go's listeners: restarts never wait
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch); // dashboards keep connections open: they close with the server
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Handler());
                    }
                })
                .bind(options.listenAddress())
                .sync()
                .channel();
    }

    /** Starts listening on the configured {@code external_controller}; blocks until bound. */
    public static StatusServer start(ClashApiOptions options, Outbounds outbounds, Transport transport)
            throws InterruptedException {
        return new StatusServer(options, outbounds, transport);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (request.method().equals(HttpMethod.OPTIONS)) {
                respond(ctx, keepAlive, HttpResponseStatus.NO_CONTENT, null); // CORS preflight
                return;
            }
            if (!authorized(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
                respond(ctx, keepAlive, HttpResponseStatus.UNAUTHORIZED, message("Unauthorized"));
                return;
            }
            if (!request.method().equals(HttpMethod.GET)) {
                respond(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, message("Method not allowed"));
                return;
            }
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            String[] path = query.path().split("/", -1);
            if (query.path().equals("/")) {
                respond(
                        ctx,
                        keepAlive,
                        HttpResponseStatus.OK,
                        JSON.createObjectNode().put("hello", "clash"));
            } else if (query.path().equals("/version")) {
                respond(
                        ctx,
                        keepAlive,
                        HttpResponseStatus.OK,
                        JSON.createObjectNode().put("version", "proxycore").put("meta", false));
            } else if (query.path().equals("/proxies")) {
                ObjectNode proxies = JSON.createObjectNode();
                for (Outbound outbound : outbounds.all()) {
                    proxies.set(outbound.tag(), describe(outbound));
                }
                respond(
                        ctx,
                        keepAlive,
                        HttpResponseStatus.OK,
                        JSON.createObjectNode().set("proxies", proxies));
            } else if (path.length >= 3 && path[1].equals("proxies")) {
                String name = QueryStringDecoder.decodeComponent(path[2]);
                Outbound outbound = outbounds.find(name).orElse(null);
                if (outbound == null || path.length > 4 || (path.length == 4 && !path[3].equals("delay"))) {
                    respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, message("Resource not found"));
                } else if (path.length == 3) {
                    respond(ctx, keepAlive, HttpResponseStatus.OK, describe(outbound));
                } else {
                    delay(ctx, keepAlive, outbound, query);
                }
            } else {
                respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, message("Resource not found"));
            }
        }

        private void delay(ChannelHandlerContext ctx, boolean keepAlive, Outbound outbound, QueryStringDecoder query) {
            List<String> urls = query.parameters().get("url");
            List<String> timeouts = query.parameters().get("timeout");
            int timeoutMillis;
            try {
                timeoutMillis = Integer.parseInt(timeouts.get(0));
            } catch (RuntimeException e) {
                timeoutMillis = -1;
            }
            if (urls == null || urls.isEmpty() || timeoutMillis <= 0) {
                respond(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, message("Body invalid"));
                return;
            }
            try {
                UrlTest.measure(outbound, urls.get(0), Duration.ofMillis(timeoutMillis), ctx.executor())
                        .whenComplete((latency, error) -> ctx.executor().execute(() -> {
                            if (error == null) {
                                int millis = (int) Math.max(1, latency.toMillis());
                                remember(outbound.tag(), millis);
                                respond(
                                        ctx,
                                        keepAlive,
                                        HttpResponseStatus.OK,
                                        JSON.createObjectNode().put("delay", millis));
                            } else if (error instanceof TimeoutException) {
                                remember(outbound.tag(), 0);
                                respond(ctx, keepAlive, HttpResponseStatus.GATEWAY_TIMEOUT, message("Timeout"));
                            } else {
                                remember(outbound.tag(), 0);
                                respond(
                                        ctx,
                                        keepAlive,
                                        HttpResponseStatus.SERVICE_UNAVAILABLE,
                                        message("An error occurred in the delay test: " + error.getMessage()));
                            }
                        }));
            } catch (IllegalArgumentException e) {
                respond(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, message(e.getMessage()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private boolean authorized(String header) {
        if (secret.length == 0) {
            return true;
        }
        byte[] given = header != null && header.startsWith("Bearer ")
                ? header.substring(7).getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        return MessageDigest.isEqual(given, secret);
    }

    private ObjectNode describe(Outbound outbound) {
        ObjectNode node = JSON.createObjectNode()
                .put("name", outbound.tag())
                .put("type", clashType(outbound.type()))
                .put("udp", outbound.networks().contains(Network.UDP));
        ArrayNode entries = node.putArray("history");
        Deque<ObjectNode> recorded = history.get(outbound.tag());
        if (recorded != null) {
            synchronized (recorded) {
                entries.addAll(recorded);
            }
        }
        Duration checked = lastHealthCheck(outbound.tag());
        if (checked != null) {
            entries.add(entry((int) Math.max(1, checked.toMillis())));
        }
        MemberSnapshot asMember = memberSnapshot(outbound.tag());
        if (asMember != null) {
            // a balancer's member: healthy, unhealthy, recovering (not serving yet) or unknown
            node.put("alive", asMember.health() == MemberHealth.HEALTHY);
            node.put("health", asMember.health().toString());
        }
        if (outbound instanceof LoadBalanceOutbound lb) {
            ArrayNode all = node.putArray("all");
            ArrayNode active = node.putArray("active");
            ObjectNode health = node.putObject("health");
            for (MemberSnapshot member : lb.snapshot().members()) {
                all.add(member.tag());
                health.put(member.tag(), member.health().toString());
                if (member.active()) {
                    active.add(member.tag());
                }
            }
            node.put("now", active.isEmpty() ? "" : active.get(0).asText());
        }
        return node;
    }

    /** {@code tag} as a member of the first balancer it belongs to, or null. */
    private MemberSnapshot memberSnapshot(String tag) {
        for (Outbound outbound : outbounds.all()) {
            if (outbound instanceof LoadBalanceOutbound lb) {
                MemberSnapshot member = lb.snapshot().member(tag).orElse(null);
                if (member != null) {
                    return member;
                }
            }
        }
        return null;
    }

    /** The latency of the latest successful health check of {@code tag} by a balancer it belongs to, or null. */
    private Duration lastHealthCheck(String tag) {
        for (Outbound outbound : outbounds.all()) {
            if (outbound instanceof LoadBalanceOutbound lb) {
                for (MemberSnapshot member : lb.snapshot().members()) {
                    if (member.tag().equals(tag) && member.lastLatency() != null) {
                        return member.lastLatency();
                    }
                }
            }
        }
        return null;
    }

    private static ObjectNode entry(int delayMillis) {
        return JSON.createObjectNode().put("time", Instant.now().toString()).put("delay", delayMillis);
    }

    /** Records the result of a delay test. */
    private void remember(String tag, int delayMillis) {
        Deque<ObjectNode> recorded = history.computeIfAbsent(tag, t -> new ArrayDeque<>());
        synchronized (recorded) {
            recorded.addLast(entry(delayMillis));
            while (recorded.size() > HISTORY) {
                recorded.removeFirst();
            }
        }
    }

    private static String clashType(String type) {
        switch (type) {
            case "direct":
                return "Direct";
            case "block":
                return "Reject";
            case "anytls":
                return "AnyTLS";
            case "loadbalance":
                return "LoadBalance";
            default:
                return type;
        }
    }

    private static ObjectNode message(String text) {
        return JSON.createObjectNode().put("message", text);
    }

    private static void respond(
            ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, ObjectNode body) {
        byte[] bytes = body == null ? new byte[0] : body.toString().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, OPTIONS");
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
