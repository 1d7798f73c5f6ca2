package io.github.proxycore.runtime.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.proxycore.config.outbound.UrlTestOutboundOptions;
import io.github.proxycore.config.route.IpPrefix;
import io.github.proxycore.config.route.RouteOptions;
import io.github.proxycore.config.route.RouteRule;
import io.github.proxycore.loadbalance.LoadBalanceOutbound;
import io.github.proxycore.loadbalance.MemberHealth;
import io.github.proxycore.loadbalance.MemberSnapshot;
import io.github.proxycore.loadbalance.UrlTest;
import io.github.proxycore.loadbalance.group.OutboundGroup;
import io.github.proxycore.loadbalance.group.SelectorOutbound;
import io.github.proxycore.loadbalance.group.UrlTestOutbound;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.runtime.Engine;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/** The routes of the Clash API; one {@link #newHandler() handler} per connection, all sharing the delay history. */
final class ClashApi {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_DELAY_TIMEOUT_MILLIS = 30_000;
    private static final int HISTORY = 10;
    /** Requests one connection may pipeline behind a running delay test. */
    private static final int MAX_QUEUED = 16;

    private static final String MODE = "Rule";
    /** {@code GET /version}'s version: what dashboards show, and how they tell a sing-box-style API (below). */
    private static final String VERSION = "proxycore " + Engine.version() + " (sing-box compatible)";

    private static final String CORS_METHODS = "GET, POST, PUT, PATCH, DELETE";
    private static final String CORS_MAX_AGE = "300"; // seconds, as sing-box: dashboards poll, preflights add up

    private final byte[] secretDigest;
    private final boolean open;
    private final Outbounds outbounds;
    private final RouteOptions route;
    /** Delay tests through the API, per outbound tag: bounded by the outbounds that exist and {@link #HISTORY}. */
    private final Map<String, Deque<ObjectNode>> history = new ConcurrentHashMap<>();

    private final Streams streams;
    private final ConnectionTable connections;

    ClashApi(String secret, Outbounds outbounds, RouteOptions route, Streams streams, ConnectionTable connections) {
        this.streams = streams;
        this.connections = connections;
        this.open = secret.isEmpty();
        this.secretDigest = digest(secret);
        this.outbounds = outbounds;
        this.route = route;
    }

    Handler newHandler() {
        return new Handler();
    }

    final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        /** Requests pipelined behind a running delay test, answered in order once it ends. */
        private final Deque<FullHttpRequest> queued = new ArrayDeque<>();

        private boolean testing;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (testing) {
                if (queued.size() >= MAX_QUEUED) {
                    ctx.close(); // a client that pipelines this much behind slow tests is not a dashboard
                    return;
                }
                queued.addLast(request.retain());
                ctx.channel().config().setAutoRead(false); // reads resume when the queue is drained
                return;
            }
            handle(ctx, request);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            releaseQueued();
            super.channelInactive(ctx);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            releaseQueued();
        }

        private void releaseQueued() {
            for (FullHttpRequest request; (request = queued.pollFirst()) != null; ) {
                request.release();
            }
        }

        /** A delay test ran to its end (on the event loop): answer what waited for it. */
        private void testEnded(ChannelHandlerContext ctx) {
            testing = false;
            while (!testing && !queued.isEmpty()) {
                FullHttpRequest next = queued.pollFirst();
                try {
                    handle(ctx, next);
                } finally {
                    next.release();
                }
            }
            if (queued.isEmpty()) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            String origin = request.headers().get(HttpHeaderNames.ORIGIN);
            Reply reply = new Reply(ctx, keepAlive, allowedOrigin(origin));
            if (!request.decoderResult().isSuccess()) {
                reply.send(HttpResponseStatus.BAD_REQUEST, message("Malformed request"));
                return;
            }
            if (open && !isLoopbackHost(hostOf(request.headers().get(HttpHeaderNames.HOST)))) {
                // without a secret a foreign Host means a name rebound to us by some web page: refuse it
                reply.send(
                        HttpResponseStatus.FORBIDDEN,
                        message("This API has no secret: it answers only requests to a loopback host"));
                return;
            }
            if (request.method().equals(HttpMethod.OPTIONS)) {
                reply.send(HttpResponseStatus.NO_CONTENT, null); // CORS preflight: browsers send no credentials
                return;
            }
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            try {
                query.parameters(); // decodes and keeps them all now: a bad escape is the client's error, not ours
            } catch (IllegalArgumentException e) {
                reply.send(HttpResponseStatus.BAD_REQUEST, message("Malformed query"));
                return;
            }
            boolean upgrade = "websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE));
            if (!authorized(request, query, upgrade)) {
                reply.send(HttpResponseStatus.UNAUTHORIZED, message("Unauthorized"));
                return;
            }
            List<String> path = segments(query.rawPath());
            if (path == null) {
                reply.send(HttpResponseStatus.BAD_REQUEST, message("Malformed path"));
                return;
            }
            route(ctx, request, query, path, reply);
        }

        private void route(
                ChannelHandlerContext ctx,
                FullHttpRequest request,
                QueryStringDecoder query,
                List<String> path,
                Reply reply) {
            HttpMethod method = request.method();
            String first = path.isEmpty() ? "" : path.get(0);
            int n = path.size();
            switch (first) {
                case "" -> {
                    if (only(method, reply, HttpMethod.GET)) {
                        reply.ok(JSON.createObjectNode().put("hello", "clash"));
                    }
                }
                case "version" -> {
                    if (n == 1 && only(method, reply, HttpMethod.GET)) {
                        // meta: dashboards then use the /group routes sing-box serves too. "sing-box" in the
                        // version is how metacubexd and zashboard recognise sing-box's API: they then hide what only
                        // mihomo serves (TUN, DNS and GEO settings, core upgrades, settings storage) and skip the
                        // check against mihomo's releases, which would report an update for any other name
                        reply.ok(JSON.createObjectNode()
                                .put("version", VERSION)
                                .put("premium", true)
                                .put("meta", true));
                    } else if (n != 1) {
                        notFound(reply);
                    }
                }
                case "configs" -> {
                    if (n != 1) {
                        notFound(reply);
                    } else if (method.equals(HttpMethod.GET)) {
                        reply.ok(configs());
                    } else if (method.equals(HttpMethod.PATCH)) {
                        patchConfigs(request, reply);
                    } else if (method.equals(HttpMethod.PUT)) {
                        reply.send(
                                HttpResponseStatus.BAD_REQUEST,
                                message("Reloading the configuration through the API is not supported"));
                    } else {
                        methodNotAllowed(reply);
                    }
                }
                case "traffic", "memory", "logs" -> {
                    if (n != 1) {
                        notFound(reply);
                    } else if (only(method, reply, HttpMethod.GET)) {
                        stream(ctx, request, query, first, reply);
                    }
                }
                case "connections" -> connections(ctx, request, query, path, reply);
                case "proxies" -> proxies(ctx, request, query, path, reply);
                case "group" -> groups(ctx, method, query, path, reply);
                case "rules" -> {
                    if (n == 1 && only(method, reply, HttpMethod.GET)) {
                        reply.ok(rules());
                    } else if (n != 1) {
                        notFound(reply);
                    }
                }
                case "providers" -> {
                    if (n == 2 && (path.get(1).equals("proxies") || path.get(1).equals("rules"))) {
                        if (only(method, reply, HttpMethod.GET)) {
                            // proxycore has no providers: an empty map, not a 404 that fails the whole page
                            ObjectNode body = JSON.createObjectNode();
                            body.putObject("providers");
                            reply.ok(body);
                        }
                    } else {
                        notFound(reply);
                    }
                }
                case "cache" -> {
                    if (n == 3
                            && path.get(2).equals("flush")
                            && (path.get(1).equals("fakeip") || path.get(1).equals("dns"))) {
                        if (only(method, reply, HttpMethod.POST)) {
                            // proxycore keeps no fake-IP pool and no DNS cache of its own: nothing to flush, and
                            // sing-box answers 204 too when it has none (dashboards show these as buttons)
                            reply.send(HttpResponseStatus.NO_CONTENT, null);
                        }
                    } else {
                        notFound(reply);
                    }
                }
                default -> notFound(reply);
            }
        }

        /**
         * {@code GET /connections}: a snapshot, or one every {@code interval} ms over a WebSocket;
         * {@code DELETE /connections[/{id}]}: closes all, or one (204 also when it is gone already, as sing-box).
         */
        private void connections(
                ChannelHandlerContext ctx,
                FullHttpRequest request,
                QueryStringDecoder query,
                List<String> path,
                Reply reply) {
            HttpMethod method = request.method();
            if (path.size() > 2) {
                notFound(reply);
            } else if (path.size() == 2) {
                if (only(method, reply, HttpMethod.DELETE)) {
                    connections.find(path.get(1)).ifPresent(ConnectionTable.Tracked::close);
                    reply.send(HttpResponseStatus.NO_CONTENT, null);
                }
            } else if (method.equals(HttpMethod.DELETE)) {
                connections.closeAll();
                reply.send(HttpResponseStatus.NO_CONTENT, null);
            } else if (!method.equals(HttpMethod.GET)) {
                methodNotAllowed(reply);
            } else if (Streams.interval(query) <= 0) {
                reply.send(
                        HttpResponseStatus.BAD_REQUEST,
                        message("Body invalid: interval must be a number of ms from "
                                + Streams.MIN_CONNECTIONS_INTERVAL_MILLIS + " to "
                                + Streams.MAX_CONNECTIONS_INTERVAL_MILLIS));
            } else if ("websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
                ctx.fireChannelRead(request.retain()); // to Netty's WebSocket handshake, then Streams
            } else {
                reply.ok(connections.snapshot(Streams.memoryInUse()));
            }
        }

        private void stream(
                ChannelHandlerContext ctx,
                FullHttpRequest request,
                QueryStringDecoder query,
                String kind,
                Reply reply) {
            LogFeed.Level level = Streams.logLevel(query);
            if (level == null) {
                reply.send(
                        HttpResponseStatus.BAD_REQUEST,
                        message("Body invalid: level must be debug, info, warning, error or silent"));
                return;
            }
            if ("websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
                ctx.fireChannelRead(request.retain()); // to Netty's WebSocket handshake, then Streams
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            reply.cors(head);
            ctx.writeAndFlush(head);
            streams.startPlain(ctx.channel(), kind, level);
        }

        private void proxies(
                ChannelHandlerContext ctx,
                FullHttpRequest request,
                QueryStringDecoder query,
                List<String> path,
                Reply reply) {
            HttpMethod method = request.method();
            if (path.size() == 1) {
                if (only(method, reply, HttpMethod.GET)) {
                    ObjectNode proxies = JSON.createObjectNode();
                    proxies.set("GLOBAL", global());
                    for (Outbound outbound : outbounds.all()) {
                        proxies.set(outbound.tag(), describe(outbound));
                    }
                    reply.ok(JSON.createObjectNode().set("proxies", proxies));
                }
                return;
            }
            Outbound outbound = outbounds.find(path.get(1)).orElse(null);
            if (outbound == null
                    || path.size() > 3
                    || (path.size() == 3 && !path.get(2).equals("delay"))) {
                notFound(reply);
            } else if (path.size() == 3) {
                if (only(method, reply, HttpMethod.GET)) {
                    delay(ctx, outbound, query, reply);
                }
            } else if (method.equals(HttpMethod.GET)) {
                reply.ok(describe(outbound));
            } else if (method.equals(HttpMethod.PUT)) {
                JsonNode body = readJson(request);
                if (body == null || !body.path("name").isTextual()) {
                    reply.send(HttpResponseStatus.BAD_REQUEST, message("Body invalid"));
                } else if (!(outbound instanceof SelectorOutbound selector)) {
                    reply.send(HttpResponseStatus.BAD_REQUEST, message("Must be a Selector"));
                } else if (!selector.all().contains(body.get("name").asText())) {
                    reply.send(
                            HttpResponseStatus.BAD_REQUEST,
                            message("Selector update error: \""
                                    + body.get("name").asText() + "\" is not one of its outbounds"));
                } else {
                    selector.select(body.get("name").asText());
                    reply.send(HttpResponseStatus.NO_CONTENT, null);
                }
            } else {
                methodNotAllowed(reply);
            }
        }

        private void groups(
                ChannelHandlerContext ctx,
                HttpMethod method,
                QueryStringDecoder query,
                List<String> path,
                Reply reply) {
            if (path.size() == 1) {
                if (only(method, reply, HttpMethod.GET)) {
                    ArrayNode groups = JSON.createArrayNode();
                    for (Outbound outbound : outbounds.all()) {
                        if (isGroup(outbound)) {
                            groups.add(describe(outbound));
                        }
                    }
                    reply.ok(JSON.createObjectNode().set("proxies", groups));
                }
                return;
            }
            Outbound group = outbounds.find(path.get(1)).orElse(null);
            if (!isGroup(group)
                    || path.size() > 3
                    || (path.size() == 3 && !path.get(2).equals("delay"))) {
                notFound(reply);
            } else if (only(method, reply, HttpMethod.GET)) {
                if (path.size() == 2) {
                    reply.ok(describe(group));
                } else {
                    groupDelay(ctx, group, query, reply);
                }
            }
        }

        /** A delay test through one outbound, {@code {"delay": ms}}; cancelled if the caller goes away. */
        private void delay(ChannelHandlerContext ctx, Outbound outbound, QueryStringDecoder query, Reply reply) {
            Integer timeout = timeoutOf(query, reply);
            String url = first(query, "url");
            if (timeout == null) {
                return;
            }
            if (url == null || url.isEmpty()) {
                reply.send(HttpResponseStatus.BAD_REQUEST, message("Body invalid: url is required"));
                return;
            }
            CompletableFuture<Duration> test;
            try {
                test = UrlTest.measure(outbound, url, Duration.ofMillis(timeout), ctx.executor());
            } catch (IllegalArgumentException e) {
                reply.send(HttpResponseStatus.BAD_REQUEST, message(e.getMessage()));
                return;
            }
            pauseUntil(ctx, test);
            test.whenComplete((latency, error) -> ctx.executor().execute(() -> {
                answer(outbound, test, latency, error, reply);
                testEnded(ctx);
            }));
        }

        private void answer(
                Outbound outbound, CompletableFuture<Duration> test, Duration latency, Throwable error, Reply reply) {
            if (error == null) {
                int millis = (int) Math.max(1, latency.toMillis());
                remember(outbound.tag(), millis);
                reply.ok(JSON.createObjectNode().put("delay", millis));
            } else if (test.isCancelled()) {
                return; // the caller went away: nothing to answer, nothing learnt
            } else if (error instanceof TimeoutException) {
                remember(outbound.tag(), 0);
                reply.send(HttpResponseStatus.GATEWAY_TIMEOUT, message("Timeout"));
            } else {
                remember(outbound.tag(), 0);
                reply.send(
                        HttpResponseStatus.SERVICE_UNAVAILABLE,
                        message("An error occurred in the delay test: " + error.getMessage()));
            }
        }

        /** A delay test of every member, {@code {member: ms}} for those that answered. */
        private void groupDelay(ChannelHandlerContext ctx, Outbound group, QueryStringDecoder query, Reply reply) {
            Integer timeout = timeoutOf(query, reply);
            if (timeout == null) {
                return;
            }
            String url = first(query, "url");
            if (url == null || url.isEmpty()) {
                url = testUrl(group); // the group's own test URL, as sing-box's URLTest group does
            }
            if (group instanceof UrlTestOutbound urltest) {
                urltest.checkNow(); // sing-box's group test also updates the group's choice
            }
            List<String> members = memberTags(group);
            List<CompletableFuture<Duration>> tests = new ArrayList<>(members.size());
            for (String member : members) {
                Outbound outbound = outbounds.find(member).orElse(null);
                try {
                    tests.add(
                            outbound == null
                                    ? CompletableFuture.failedFuture(new IllegalStateException("no such outbound"))
                                    : UrlTest.measure(outbound, url, Duration.ofMillis(timeout), ctx.executor()));
                } catch (IllegalArgumentException e) {
                    tests.forEach(t -> t.cancel(false));
                    reply.send(HttpResponseStatus.BAD_REQUEST, message(e.getMessage()));
                    return;
                }
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(
                    tests.stream().map(t -> t.handle((d, e) -> null)).toArray(CompletableFuture[]::new));
            pauseUntil(ctx, all);
            ctx.channel().closeFuture().addListener(f -> tests.forEach(t -> t.cancel(false)));
            all.whenComplete((ignored, error) -> ctx.executor().execute(() -> {
                groupAnswer(members, tests, reply);
                testEnded(ctx);
            }));
        }

        private void groupAnswer(List<String> members, List<CompletableFuture<Duration>> tests, Reply reply) {
            if (!reply.ctx().channel().isActive()) {
                return;
            }
            ObjectNode result = JSON.createObjectNode();
            for (int i = 0; i < members.size(); i++) {
                CompletableFuture<Duration> test = tests.get(i);
                String tag = members.get(i);
                if (test.isCompletedExceptionally()) {
                    remember(tag, 0);
                } else {
                    int millis = (int) Math.max(1, test.join().toMillis());
                    remember(tag, millis);
                    result.put(tag, millis);
                }
            }
            reply.ok(result);
        }

        /**
         * Later requests on this connection wait for the test (pipelined answers keep their order; reads go on, so
         * that a caller going away is seen), and the test is cancelled when the connection closes.
         */
        private void pauseUntil(ChannelHandlerContext ctx, CompletableFuture<?> test) {
            testing = true;
            ctx.channel().closeFuture().addListener(f -> test.cancel(false));
        }

        private void patchConfigs(FullHttpRequest request, Reply reply) {
            JsonNode body = readJson(request);
            if (body == null || !body.isObject()) {
                reply.send(HttpResponseStatus.BAD_REQUEST, message("Body invalid"));
                return;
            }
            JsonNode mode = body.get("mode");
            if (mode != null && !(mode.isTextual() && mode.asText().equalsIgnoreCase(MODE))) {
                reply.send(HttpResponseStatus.BAD_REQUEST, message("Only the mode \"" + MODE + "\" is supported"));
                return;
            }
            JsonNode level = body.get("log-level");
            if (level != null && !(level.isTextual() && level.asText().equalsIgnoreCase(logLevel()))) {
                reply.send(
                        HttpResponseStatus.BAD_REQUEST,
                        message("The log level is set when proxycore starts and cannot be changed here"));
                return;
            }
            var names = body.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!name.equals("mode") && !name.equals("log-level")) {
                    reply.send(HttpResponseStatus.BAD_REQUEST, message("\"" + name + "\" cannot be changed"));
                    return;
                }
            }
            reply.send(HttpResponseStatus.NO_CONTENT, null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    // ---- documents

    private ObjectNode configs() {
        ObjectNode node = JSON.createObjectNode()
                .put("port", 0)
                .put("socks-port", 0)
                .put("redir-port", 0)
                .put("tproxy-port", 0)
                .put("mixed-port", 0)
                .put("allow-lan", false)
                .put("bind-address", "*")
                .put("mode", MODE);
        node.putArray("mode-list").add(MODE);
        node.putArray("modes").add(MODE); // what some sing-box builds name it
        node.put("log-level", logLevel()).put("ipv6", false);
        node.putObject("tun").put("enable", false);
        return node;
    }

    /** The level of the API's logger as Clash names it; proxycore's levels are fixed when it starts. */
    private static String logLevel() {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StatusServer.class);
        if (log.isDebugEnabled()) {
            return "debug";
        } else if (log.isInfoEnabled()) {
            return "info";
        } else if (log.isWarnEnabled()) {
            return "warning";
        }
        return "error";
    }

    /** sing-box's pseudo-group listing every proxy, the default outbound first and as {@code now}. */
    private ObjectNode global() {
        List<Outbound> all = outbounds.all();
        String defaultTag = route.finalOutbound() != null
                ? route.finalOutbound()
                : all.isEmpty() ? "" : all.get(0).tag();
        ObjectNode node = JSON.createObjectNode()
                .put("type", "Fallback")
                .put("name", "GLOBAL")
                .put("udp", true);
        node.putArray("history");
        ArrayNode tags = node.putArray("all");
        for (Outbound outbound : all) {
            if (outbound.tag().equals(defaultTag)) {
                tags.insert(0, outbound.tag());
            } else if (!outbound.type().equals("direct") && !outbound.type().equals("block")) {
                tags.add(outbound.tag());
            }
        }
        node.put("now", defaultTag);
        return node;
    }

    private ObjectNode rules() {
        ArrayNode rules = JSON.createArrayNode();
        for (RouteRule rule : route.rules()) {
            ObjectNode payload = JSON.valueToTree(rule.conditions());
            payload.properties()
                    .removeIf(e -> e.getValue().isNull() || e.getValue().isEmpty());
            if (!rule.inbound().isEmpty()) {
                payload.set("inbound", JSON.valueToTree(rule.inbound()));
            }
            if (!rule.ruleSet().isEmpty()) {
                payload.set("rule_set", JSON.valueToTree(rule.ruleSet()));
            }
            if (rule.invert()) {
                payload.put("invert", true);
            }
            String proxy = switch (rule.action()) {
                case ROUTE -> rule.outbound();
                case REJECT -> "reject";
                case SNIFF -> "sniff";
            };
            rules.add(JSON.createObjectNode()
                    .put("index", rules.size())
                    .put("type", "default")
                    .put("payload", payload.toString())
                    .put("proxy", proxy)
                    .put("size", -1)); // mihomo's count of a rule set's entries; -1: not one
        }
        return (ObjectNode) JSON.createObjectNode().set("rules", rules);
    }

    private ObjectNode describe(Outbound outbound) {
        ObjectNode node = JSON.createObjectNode()
                .put("name", outbound.tag())
                .put("type", clashType(outbound.type()))
                .put("udp", outbound.networks().contains(Network.UDP))
                .put("xudp", false)
                .put("tfo", false);
        node.putObject("extra"); // mihomo's per-test-URL histories: dashboards fall back to "history"
        List<ObjectNode> entries = new ArrayList<>();
        // a group shows the latency of the member it uses now, as sing-box does
        String measured = realTag(outbound);
        Deque<ObjectNode> recorded = history.get(measured);
        if (recorded != null) {
            synchronized (recorded) {
                entries.addAll(recorded);
            }
        }
        MemberSnapshot asMember = memberSnapshot(measured);
        if (asMember != null && asMember.lastLatency() != null && asMember.lastCheckTime() != null) {
            entries.add(entry(asMember.lastCheckTime(), (int)
                    Math.max(1, asMember.lastLatency().toMillis())));
        }
        // ISO-8601 instants in UTC sort as text; dashboards read the last entry as the latest
        entries.sort(Comparator.comparing(e -> Instant.parse(e.get("time").asText())));
        ArrayNode historyNode = node.putArray("history");
        entries.subList(Math.max(0, entries.size() - HISTORY), entries.size()).forEach(historyNode::add);
        if (asMember != null) {
            // a balancer's member is alive when its health check passes: healthy, unhealthy, recovering or unknown
            node.put("alive", asMember.health() == MemberHealth.HEALTHY);
            if (measured.equals(outbound.tag())) {
                node.put("health", asMember.health().toString());
            }
        } else {
            node.put(
                    "alive",
                    entries.isEmpty()
                            || entries.get(entries.size() - 1).get("delay").asInt() > 0);
        }
        if (outbound instanceof OutboundGroup group) {
            ArrayNode all = node.putArray("all");
            group.all().forEach(all::add);
            node.put("now", group.now());
            if (group instanceof UrlTestOutbound urltest) {
                node.put("testUrl", urltest.options().url());
                node.put("timeout", UrlTestOutboundOptions.TEST_TIMEOUT.toMillis());
            }
        } else if (outbound instanceof LoadBalanceOutbound lb) {
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
            // no "now": a balancer spreads connections over its active members and selects none, as mihomo's
            // load-balance group shows it
            node.put("testUrl", lb.options().url());
            node.put("timeout", lb.options().timeout().toMillis());
        }
        return node;
    }

    /** {@code tag} as a member of the first balancer or urltest (the groups that test members) it is in, or null. */
    private MemberSnapshot memberSnapshot(String tag) {
        for (Outbound outbound : outbounds.all()) {
            if (outbound instanceof LoadBalanceOutbound lb) {
                MemberSnapshot member = lb.snapshot().member(tag).orElse(null);
                if (member != null) {
                    return member;
                }
            } else if (outbound instanceof UrlTestOutbound urltest
                    && urltest.all().contains(tag)) {
                for (MemberSnapshot member : urltest.snapshot()) {
                    if (member.tag().equals(tag)) {
                        return member;
                    }
                }
            }
        }
        return null;
    }

    /** The outbound a group's connections end at now (through nested groups), or the outbound itself. */
    private String realTag(Outbound outbound) {
        Outbound at = outbound;
        for (int depth = 0;
                depth < 8 && at instanceof OutboundGroup group && !group.now().isEmpty();
                depth++) {
            Outbound next = outbounds.find(group.now()).orElse(null);
            if (next == null) {
                break;
            }
            at = next;
        }
        return at.tag();
    }

    /** Whether the API shows {@code outbound} as a group: a balancer, a selector or a urltest. */
    static boolean isGroup(Outbound outbound) {
        return outbound instanceof LoadBalanceOutbound || outbound instanceof OutboundGroup;
    }

    /** A group's members, in configuration order. */
    private static List<String> memberTags(Outbound group) {
        if (group instanceof OutboundGroup g) {
            return g.all();
        }
        return ((LoadBalanceOutbound) group)
                .snapshot().members().stream().map(MemberSnapshot::tag).toList();
    }

    /** The URL a group's delay test uses when the caller names none. */
    private static String testUrl(Outbound group) {
        if (group instanceof LoadBalanceOutbound lb) {
            return lb.options().url();
        }
        if (group instanceof UrlTestOutbound urltest) {
            return urltest.options().url();
        }
        return UrlTestOutboundOptions.DEFAULT_URL;
    }

    private static ObjectNode entry(Instant time, int delayMillis) {
        return JSON.createObjectNode().put("time", time.toString()).put("delay", delayMillis);
    }

    /** Records the result of a delay test, 0 for a failure as Clash does. */
    private void remember(String tag, int delayMillis) {
        Deque<ObjectNode> recorded = history.computeIfAbsent(tag, t -> new ArrayDeque<>());
        synchronized (recorded) {
            recorded.addLast(entry(Instant.now(), delayMillis));
            while (recorded.size() > HISTORY) {
                recorded.removeFirst();
            }
        }
    }

    private static String clashType(String type) {
        return switch (type) {
            case "direct" -> "Direct";
            case "block" -> "Reject";
            case "anytls" -> "AnyTLS";
            case "loadbalance" -> "LoadBalance";
            case "selector" -> "Selector";
            case "urltest" -> "URLTest";
            default -> type;
        };
    }

    // ---- request helpers

    private boolean authorized(FullHttpRequest request, QueryStringDecoder query, boolean upgrade) {
        if (open) {
            return true;
        }
        String given = null;
        String token = first(query, "token");
        if (upgrade && token != null && !token.isEmpty()) {
            given = token; // browsers cannot set headers on a WebSocket
        } else {
            String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                given = header.substring(7);
            }
        }
        // digests first: equal lengths, so the comparison's time tells nothing about the secret's length
        return given != null && MessageDigest.isEqual(digest(given), secretDigest);
    }

    /** The {@code Access-Control-Allow-Origin} to send: any origin with a secret, else only a loopback page. */
    private String allowedOrigin(String origin) {
        if (!open) {
            return "*";
        }
        if (origin == null) {
            return null;
        }
        try {
            String host = URI.create(origin).getHost();
            return host != null && isLoopbackHost(host) ? origin : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The host part of a {@code Host} header: a name, an IPv4 address, or an IPv6 address without brackets. */
    static String hostOf(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        if (hostHeader.startsWith("[")) {
            int end = hostHeader.indexOf(']');
            return end < 0 ? null : hostHeader.substring(1, end);
        }
        int colon = hostHeader.indexOf(':');
        return colon < 0 ? hostHeader : hostHeader.substring(0, colon);
    }

    /** Whether {@code host} is {@code localhost} or a loopback address literal; names are never resolved. */
    static boolean isLoopbackHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        byte[] ip = IpPrefix.parseAddress(host);
        try {
            return ip != null && InetAddress.getByAddress(ip).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The decoded path segments without empty ones at the ends, or null if one does not decode. */
    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (raw.isEmpty()) {
                continue;
            }
            try {
                out.add(QueryStringDecoder.decodeComponent(raw, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return out;
    }

    private static String first(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The {@code timeout} parameter in ms, or null after answering 400. */
    private static Integer timeoutOf(QueryStringDecoder query, Reply reply) {
        String text = first(query, "timeout");
        int timeout;
        try {
            timeout = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            timeout = -1;
        }
        if (timeout <= 0) {
            reply.send(
                    HttpResponseStatus.BAD_REQUEST, message("Body invalid: timeout must be a positive number of ms"));
            return null;
        }
        if (timeout > MAX_DELAY_TIMEOUT_MILLIS) {
            reply.send(
                    HttpResponseStatus.BAD_REQUEST,
                    message("Body invalid: timeout must be at most " + MAX_DELAY_TIMEOUT_MILLIS + " ms"));
            return null;
        }
        return timeout;
    }

    private static JsonNode readJson(FullHttpRequest request) {
        try {
            return JSON.readTree(ByteBufUtil.getBytes(request.content()));
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static boolean only(HttpMethod method, Reply reply, HttpMethod allowed) {
        if (method.equals(allowed)) {
            return true;
        }
        methodNotAllowed(reply);
        return false;
    }

    private static void notFound(Reply reply) {
        reply.send(HttpResponseStatus.NOT_FOUND, message("Resource not found"));
    }

    private static void methodNotAllowed(Reply reply) {
        reply.send(HttpResponseStatus.METHOD_NOT_ALLOWED, message("Method not allowed"));
    }

    static ObjectNode message(String text) {
        return JSON.createObjectNode().put("message", text);
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Writes one JSON answer with the CORS headers every answer carries. */
    record Reply(ChannelHandlerContext ctx, boolean keepAlive, String allowOrigin) {
        void ok(ObjectNode body) {
            send(HttpResponseStatus.OK, body);
        }

        void send(HttpResponseStatus status, ObjectNode body) {
            if (!ctx.channel().isActive()) {
                return;
            }
            byte[] bytes = body == null ? new byte[0] : body.toString().getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            if (body != null) {
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
            }
            cors(response);
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        void cors(HttpResponse response) {
            if (allowOrigin == null) {
                return;
            }
            response.headers()
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin)
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type")
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, CORS_METHODS)
                    .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, CORS_MAX_AGE);
            if (!allowOrigin.equals("*")) {
                response.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
            }
        }
    }
}
