package io.github.proxycore.examples.docs;

import io.github.proxycore.anytls.AnyTlsOutbound;
import io.github.proxycore.anytls.AnyTlsServer;
import io.github.proxycore.anytls.PoolListener;
import io.github.proxycore.anytls.SelfSignedCertificate;
import io.github.proxycore.anytls.SessionCloseReason;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.config.outbound.LoadBalanceOutboundOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.loadbalance.LoadBalanceOutbound;
import io.github.proxycore.loadbalance.LoadBalanceSnapshot;
import io.github.proxycore.loadbalance.MemberSnapshot;
import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.outbound.Relay;
import io.github.proxycore.outbound.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The Java code shown in README.md and docs/*.md, each piece between {@code // tag::NAME[]} and
 * {@code // end::NAME[]}. {@code DocSnippetsTest} checks that every Java block of the documents is exactly one of
 * these pieces (so the documents cannot drift from code that compiles), and runs them.
 */
final class DocSnippets {
    private DocSnippets() {}

    static void readme(String[] args, Channel clientChannel) {
        // tag::readme[]
        ProxyConfig config = ConfigLoader.load(Path.of(args[0])); // every problem reported with its JSON path
        try (Outbounds outbounds = Outbounds.builder(config.outbounds()).build()) {
            Destination to = Destination.of("example.com", 443);
            outbounds.get("proxy").dial(to).addListener((Future<Channel> f) -> {
                if (f.isSuccess()) {
                    Relay.bind(clientChannel, f.getNow()); // backpressure and half-close included
                }
            });
        }
        // end::readme[]
    }

    static void gettingStarted(String[] args, Destination to) throws Exception {
        // tag::getting-started-java[]
        // from JSON ...
        ProxyConfig config = ConfigLoader.load(Path.of(args[0]));
        // ... or from records and builders, validated by the same rules
        AnyTlsOutboundOptions proxy = AnyTlsOutboundOptions.builder("proxy", "example.com", 443, "secret")
                .ensureIdleSession(5)
                .build();

        try (Outbounds outbounds = Outbounds.builder(config.outbounds()).build()) {
            Channel channel = outbounds.get("direct").dial(to).get(10, TimeUnit.SECONDS); // auto-read off
            channel.close();
        }
        // end::getting-started-java[]
    }

    static Future<Channel> anytlsFromJava(String server, int port, String pinned, Destination to) {
        // tag::anytls-from-java[]
        AnyTlsOutbound proxy = AnyTlsOutbound.create(
                AnyTlsOutboundOptions.builder("proxy", server, port, "secret")
                        .tls(OutboundTlsOptions.builder().certificate(pinned).build())
                        .build(),
                OutboundContext.of(Transport.shared()));
        Future<Channel> dial = proxy.dial(to); // a Channel (auto-read off), or a DialException
        // end::anytls-from-java[]
        dial.addListener(f -> proxy.close());
        return dial;
    }

    static Map<String, LongAdder> anytlsListeners(ProxyConfig config) {
        // tag::anytls-listeners[]
        Map<String, LongAdder> closed = new ConcurrentHashMap<>(); // or a metrics registry's counters
        Outbounds outbounds = Outbounds.builder(config.outbounds())
                .listeners(PoolListener.class, tag -> new PoolListener() {
                    @Override
                    public void sessionClosed(SessionCloseReason reason) {
                        closed.computeIfAbsent(tag + "/" + reason.label(), k -> new LongAdder())
                                .increment();
                    }
                })
                .build();
        Supplier<Integer> idle =
                () -> outbounds.get("proxy", AnyTlsOutbound.class).poolStats().idle();
        // end::anytls-listeners[]
        idle.get();
        outbounds.close();
        return closed;
    }

    static AnyTlsServer anytlsEmbedded(ConnectionRouter router, Supplier<ChannelHandler> myHttpHandler) {
        // tag::anytls-embedded[]
        SelfSignedCertificate cert = SelfSignedCertificate.forLoopback(); // or sslContext(...) with a real one
        AnyTlsServer server = AnyTlsServer.builder()
                .user("alice", "secret")
                .user("bob", "another")
                .certificate(cert)
                .router(router) // optional: by default every stream is dialled directly
                .fallback(myHttpHandler) // optional
                .bind(new InetSocketAddress("127.0.0.1", 0));
        // end::anytls-embedded[]
        return server;
    }

    static Outbound loadbalanceFromJava(Outbounds outbounds, Metadata metadata) {
        // tag::loadbalance-from-java[]
        LoadBalanceOutbound lb = outbounds.get("lb", LoadBalanceOutbound.class);

        LoadBalanceSnapshot state = lb.snapshot(); // tier state, hold time left, rounds, paused
        for (MemberSnapshot m : state.members()) { // tier, health, last latency, last error,
            System.out.println(m); // in Top-N, active, open connections
        }
        lb.checkNow().thenAccept(results -> results.forEach(System.out::println));
        Outbound next = lb.pick(Network.TCP, metadata); // where a connection would go; dials nothing
        // end::loadbalance-from-java[]
        return next;
    }

    static LoadBalanceOutbound loadbalanceOverHostOutbounds(Transport transport, Outbound proxy, Outbound direct) {
        // tag::loadbalance-host-outbounds[]
        LoadBalanceOutbound lb = LoadBalanceOutbound.create(
                LoadBalanceOutboundOptions.builder("lb", LoadBalanceStrategy.RANDOM)
                        .primaryOutbounds(List.of("proxy", "direct"))
                        .url("http://127.0.0.1:8080/health")
                        .build(),
                OutboundContext.of(transport, List.of(proxy, direct)));
        // end::loadbalance-host-outbounds[]
        return lb;
    }
}
