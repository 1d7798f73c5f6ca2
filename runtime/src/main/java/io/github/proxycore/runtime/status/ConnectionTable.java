package io.github.proxycore.runtime.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.proxycore.config.route.RouteRule;
import io.github.proxycore.config.route.RuleConditions;
import io.github.proxycore.loadbalance.Chains;
import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.route.Router;
import io.github.proxycore.outbound.sniff.SniffRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.Future;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connections relayed now, for the Clash API's {@code /connections}: each with its metadata, the outbounds it
 * went through, the rule that routed it, its byte counts and its start. {@link #track(Router, Map)} wraps the router
 * the inbounds dial through; a connection joins the table when its outbound channel is up and leaves it when that
 * channel closes.
 *
 * <p>Counting costs the data path one handler on the outbound channel that adds to two plain {@code long} fields
 * (only that channel's event loop writes them; readers see them with opaque reads): no lock, no allocation.
 */
public final class ConnectionTable {
    private final Map<String, Tracked> open = new ConcurrentHashMap<>();
    /** Bytes of the connections that have left the table. */
    private final AtomicLong closedUpload = new AtomicLong();

    private final AtomicLong closedDownload = new AtomicLong();

    /**
     * {@code router} with every connection it dials recorded here.
     *
     * @param router the router the inbounds would dial through
     * @param inboundTypes inbound tag → inbound type, for the {@code type} sing-box shows ({@code mixed/mixed-in})
     * @return the router to give the inbounds
     */
    public ConnectionRouter track(Router router, Map<String, String> inboundTypes) {
        Map<String, String> types = Map.copyOf(inboundTypes);
        return new ConnectionRouter() {
            @Override
            public Future<Channel> dial(Metadata metadata) {
                Router.Route route = router.route(metadata);
                return watch(route.outbound().dial(route.metadata()), route, types);
            }

            @Override
            public Future<Channel> listenPacket(Metadata metadata) {
                Router.Route route = router.route(metadata);
                return watch(route.outbound().listenPacket(route.metadata()), route, types);
            }

            @Override
            public SniffRequest sniffRequest(Metadata metadata) {
                return router.sniffRequest(metadata);
            }
        };
    }

    private Future<Channel> watch(Future<Channel> dial, Router.Route route, Map<String, String> types) {
        // added before the caller's listener (listeners run in the order they were added): the connection is in the
        // table, and counted, before a byte is relayed
        dial.addListener(f -> {
            if (f.isSuccess()) {
                Channel channel = (Channel) f.getNow();
                add(
                        channel,
                        route.metadata(),
                        route.rule(),
                        Chains.of(channel, route.outbound().tag()),
                        types);
            }
        });
        return dial;
    }

    /** Tracks {@code channel} (auto-read off, nothing relayed yet) until it closes. */
    Tracked add(Channel channel, Metadata metadata, RouteRule rule, List<String> chain, Map<String, String> types) {
        Tracked tracked = new Tracked(
                UUID.randomUUID().toString(),
                channel,
                metadata,
                Instant.now(),
                chain,
                rule == null ? "final" : describe(rule),
                inboundType(metadata.inboundTag(), types));
        channel.pipeline().addLast("clash-api-counter", tracked.counter);
        open.put(tracked.id, tracked);
        channel.closeFuture().addListener(f -> {
            if (open.remove(tracked.id) != null) {
                closedUpload.addAndGet(tracked.counter.upload());
                closedDownload.addAndGet(tracked.counter.download());
            }
        });
        return tracked;
    }

    private static String inboundType(String tag, Map<String, String> types) {
        if (tag == null) {
            return "";
        }
        String type = types.get(tag);
        return type == null ? tag : type + "/" + tag;
    }

    /** {@return the open connections} */
    public Collection<Tracked> connections() {
        return List.copyOf(open.values());
    }

    /**
     * The connection with this id, if it is still open.
     *
     * @param id the connection's id
     * @return the connection, or empty
     */
    public Optional<Tracked> find(String id) {
        return Optional.ofNullable(open.get(id));
    }

    /** {@return how many open connections there were} All of them are closed. */
    public int closeAll() {
        int n = 0;
        for (Tracked tracked : open.values()) {
            tracked.close();
            n++;
        }
        return n;
    }

    /** {@return the bytes clients sent through every connection so far, open or closed} */
    public long uploadTotal() {
        long total = closedUpload.get();
        for (Tracked t : open.values()) {
            total += t.counter.upload();
        }
        return total;
    }

    /** {@return the bytes clients received through every connection so far, open or closed} */
    public long downloadTotal() {
        long total = closedDownload.get();
        for (Tracked t : open.values()) {
            total += t.counter.download();
        }
        return total;
    }

    /** sing-box's snapshot: {@code {downloadTotal, uploadTotal, connections, memory}}. */
    ObjectNode snapshot(long memory) {
        ObjectNode node = ClashApi.JSON.createObjectNode();
        List<Tracked> list = new ArrayList<>(open.values());
        list.sort((a, b) -> a.start.compareTo(b.start));
        long up = closedUpload.get();
        long down = closedDownload.get();
        ArrayNode connections = ClashApi.JSON.createArrayNode();
        for (Tracked t : list) {
            long u = t.counter.upload();
            long d = t.counter.download();
            up += u;
            down += d;
            connections.add(t.toJson(u, d));
        }
        node.put("downloadTotal", down).put("uploadTotal", up);
        node.set("connections", connections);
        node.put("memory", memory);
        return node;
    }

    /** sing-box's text for a rule: its match fields, then {@code => action}. */
    static String describe(RouteRule rule) {
        List<String> items = new ArrayList<>();
        if (!rule.inbound().isEmpty()) {
            items.add(item("inbound", rule.inbound()));
        }
        RuleConditions c = rule.conditions();
        addItem(items, "network", c.network());
        addItem(items, "domain", c.domain());
        addItem(items, "domain_suffix", c.domainSuffix());
        addItem(items, "domain_keyword", c.domainKeyword());
        addItem(items, "domain_regex", c.domainRegex());
        addItem(items, "ip_cidr", c.ipCidr());
        addItem(items, "source_ip_cidr", c.sourceIpCidr());
        addItem(items, "port", c.port());
        addItem(items, "port_range", c.portRange());
        addItem(items, "source_port", c.sourcePort());
        addItem(items, "source_port_range", c.sourcePortRange());
        addItem(items, "rule_set", rule.ruleSet());
        String match = String.join(" ", items);
        if (rule.invert()) {
            match = "!(" + match + ")";
        }
        String action = switch (rule.action()) {
            case ROUTE -> "route(" + rule.outbound() + ")";
            case REJECT -> "reject";
            case SNIFF -> "sniff";
        };
        return match + " => " + action;
    }

    private static void addItem(List<String> items, String name, List<?> values) {
        if (!values.isEmpty()) {
            items.add(item(name, values));
        }
    }

    private static String item(String name, List<?> values) {
        if (values.size() == 1) {
            return name + "=" + values.get(0);
        }
        StringBuilder out = new StringBuilder(name).append("=[");
        for (int i = 0; i < Math.min(3, values.size()); i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(values.get(i));
        }
        return out.append(values.size() > 3 ? "...]" : "]").toString();
    }

    /** One open connection. */
    public static final class Tracked {
        private final String id;
        private final Channel channel;
        private final Metadata metadata;
        private final Instant start;
        private final List<String> chain;
        private final String rule;
        private final String inboundType;
        private final Counter counter = new Counter();

        private Tracked(
                String id,
                Channel channel,
                Metadata metadata,
                Instant start,
                List<String> chain,
                String rule,
                String inboundType) {
            this.id = id;
            this.channel = channel;
            this.metadata = metadata;
            this.start = start;
            this.chain = chain;
            this.rule = rule;
            this.inboundType = inboundType;
        }

        /** {@return the connection's id, a random UUID} */
        public String id() {
            return id;
        }

        /** {@return the metadata the connection was routed with} */
        public Metadata metadata() {
            return metadata;
        }

        /** {@return the outbounds it went through, the innermost first and the one the route named last} */
        public List<String> chain() {
            return chain;
        }

        /** {@return sing-box's text of the rule that routed it, or {@code final}} */
        public String rule() {
            return rule;
        }

        /** {@return when its outbound connection was up} */
        public Instant start() {
            return start;
        }

        /** {@return the bytes the client sent (written to the outbound)} */
        public long upload() {
            return counter.upload();
        }

        /** {@return the bytes the client received (read from the outbound)} */
        public long download() {
            return counter.download();
        }

        /** Closes the outbound channel; the relay closes the client's. */
        public void close() {
            channel.close();
        }

        ObjectNode toJson(long upload, long download) {
            ObjectNode node = ClashApi.JSON.createObjectNode().put("id", id);
            ObjectNode m = node.putObject("metadata");
            InetSocketAddress source = metadata.source();
            m.put("network", metadata.network() == Network.UDP ? "udp" : "tcp")
                    .put("type", inboundType)
                    .put(
                            "sourceIP",
                            source == null || source.getAddress() == null
                                    ? ""
                                    : source.getAddress().getHostAddress())
                    .put(
                            "destinationIP",
                            metadata.destination().isDomain()
                                    ? ""
                                    : metadata.destination().address().getHostAddress())
                    .put("sourcePort", source == null ? "" : Integer.toString(source.getPort()))
                    .put(
                            "destinationPort",
                            Integer.toString(metadata.destination().port()))
                    .put("host", metadata.domain() == null ? "" : metadata.domain())
                    .put("dnsMode", "normal")
                    .put("processPath", "")
                    .put("inboundName", metadata.inboundTag() == null ? "" : metadata.inboundTag())
                    .put("sniffHost", metadata.sniffedDomain() == null ? "" : metadata.sniffedDomain())
                    // mihomo's fields the dashboards' types have: nothing to say, but there
                    .put("inboundIP", "")
                    .put("inboundPort", "")
                    .put("inboundUser", "")
                    .put("process", "")
                    .put("remoteDestination", "")
                    .put("specialProxy", "")
                    .put("specialRules", "")
                    .put("uid", 0);
            node.put("upload", upload).put("download", download).put("start", start.toString());
            ArrayNode chains = node.putArray("chains");
            chain.forEach(chains::add);
            node.put("rule", rule).put("rulePayload", "");
            return node;
        }
    }

    /**
     * Counts what passes the outbound channel: reads are downloads, writes uploads. Only the channel's event loop
     * runs it, so plain adds suffice; {@link VarHandle#setOpaque} keeps other threads' reads whole and current.
     */
    static final class Counter extends ChannelDuplexHandler {
        private static final VarHandle UP;
        private static final VarHandle DOWN;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                UP = lookup.findVarHandle(Counter.class, "up", long.class);
                DOWN = lookup.findVarHandle(Counter.class, "down", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // through the VarHandles
        private long up;

        @SuppressWarnings("unused")
        private long down;

        long upload() {
            return (long) UP.getOpaque(this);
        }

        long download() {
            return (long) DOWN.getOpaque(this);
        }

        @Override
        public boolean isSharable() {
            return false;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            int n = size(msg);
            if (n > 0) {
                DOWN.setOpaque(this, (long) DOWN.getOpaque(this) + n);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            int n = size(msg);
            if (n > 0) {
                UP.setOpaque(this, (long) UP.getOpaque(this) + n);
            }
            ctx.write(msg, promise);
        }

        private static int size(Object msg) {
            if (msg instanceof ByteBuf buf) {
                return buf.readableBytes();
            }
            if (msg instanceof ByteBufHolder holder) {
                return holder.content().readableBytes();
            }
            return 0;
        }
    }
}
