package io.github.proxycore.loadbalance.group;

import io.github.proxycore.config.outbound.UrlTestOutboundOptions;
import io.github.proxycore.loadbalance.CheckResult;
import io.github.proxycore.loadbalance.MemberHealth;
import io.github.proxycore.loadbalance.MemberSnapshot;
import io.github.proxycore.loadbalance.Tier;
import io.github.proxycore.loadbalance.internal.EventLoopScheduler;
import io.github.proxycore.loadbalance.internal.HealthChecker;
import io.github.proxycore.loadbalance.internal.HttpProbe;
import io.github.proxycore.loadbalance.internal.MemberState;
import io.github.proxycore.loadbalance.internal.Prober;
import io.github.proxycore.loadbalance.internal.Scheduler;
import io.github.proxycore.loadbalance.internal.SyncContext;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DialException;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code urltest} outbound: connections go to the member with the lowest URL-test latency, tested every
 * {@code interval} by the load balancer's health checker (an HTTP(S) request through each member). The member in
 * use keeps its place while it is within {@code tolerance} of the fastest; a member whose test failed is not chosen
 * while another one passed; before any test passed, the first member that carries the network is used. Tests pause
 * after {@code idle_timeout} without a connection and resume with the next one. A change of selection closes the
 * application's own connections through the other members, and the inbound ones too with
 * {@code interrupt_exist_connections}.
 *
 * <pre>{@code
 * UrlTestOutbound auto = outbounds.get("auto", UrlTestOutbound.class);
 * auto.checkNow().thenRun(() -> System.out.println("now " + auto.now()));
 * }</pre>
 */
public final class UrlTestOutbound implements OutboundGroup {
    private static final Logger log = LoggerFactory.getLogger(UrlTestOutbound.class);

    private final UrlTestOutboundOptions options;
    private final List<MemberState> members;
    private final Set<Network> networks;
    private final Scheduler scheduler;
    private final SyncContext sync = new SyncContext();
    private final HealthChecker checker;
    private final GroupConnections connections;
    private volatile MemberState selectedTcp;
    private volatile MemberState selectedUdp;

    UrlTestOutbound(UrlTestOutboundOptions options, List<Outbound> outbounds, Scheduler scheduler, Prober prober) {
        this.options = Objects.requireNonNull(options, "options");
        if (outbounds.isEmpty()) {
            throw new IllegalArgumentException("a urltest needs at least one member");
        }
        List<MemberState> list = new ArrayList<>();
        EnumSet<Network> union = EnumSet.noneOf(Network.class);
        List<String> tags = new ArrayList<>();
        for (Outbound o : outbounds) {
            list.add(new MemberState(list.size(), Tier.PRIMARY, o));
            union.addAll(o.networks());
            tags.add(o.tag());
        }
        this.members = List.copyOf(list);
        this.networks = Collections.unmodifiableSet(union);
        this.scheduler = scheduler;
        this.connections = new GroupConnections(options.tag(), tags);
        this.checker = new HealthChecker(
                options.tag(),
                members,
                prober,
                scheduler,
                sync,
                new Random(),
                options.interval(),
                UrlTestOutboundOptions.TEST_TIMEOUT,
                options.idleTimeout(),
                HealthChecker.DEFAULT_MAX_CONCURRENT_CHECKS,
                1, // a member that passes once is a candidate again, as in sing-box
                new HealthChecker.Listener() {
                    @Override
                    public void checked(MemberState member, CheckResult result) {
                        // the choice is made once a round is complete, from all its results (as sing-box), so that
                        // the order checks finish in does not switch the selection back and forth; only the loss
                        // of the member in use is acted on at once
                        if (!result.isSuccess() && (member == selectedTcp || member == selectedUdp)) {
                            reselect();
                        }
                    }

                    @Override
                    public void roundCompleted() {
                        reselect();
                    }
                });
        this.selectedTcp = fallback(Network.TCP);
        this.selectedUdp = fallback(Network.UDP);
    }

    /**
     * Builds the outbound from validated options; its members must already be built in {@code context}. Tests start
     * at once, on an event loop of the context's transport.
     *
     * @param options the validated options
     * @param context where the members and the event loops are found
     * @return the outbound, testing
     */
    public static UrlTestOutbound create(UrlTestOutboundOptions options, OutboundContext context) {
        Objects.requireNonNull(context, "context");
        Scheduler scheduler = new EventLoopScheduler(context.transport().group().next());
        UrlTestOutbound outbound = new UrlTestOutbound(
                options,
                options.outbounds().stream().map(context::outbound).toList(),
                scheduler,
                HttpProbe.create(options.url(), null, scheduler));
        outbound.checker.start();
        return outbound;
    }

    @Override
    public String tag() {
        return options.tag();
    }

    @Override
    public String type() {
        return UrlTestOutboundOptions.TYPE;
    }

    @Override
    public Set<Network> networks() {
        return networks;
    }

    /** {@return the options this outbound was built from} */
    public UrlTestOutboundOptions options() {
        return options;
    }

    @Override
    public List<String> all() {
        return members.stream().map(m -> m.tag).toList();
    }

    @Override
    public String now() {
        MemberState m = selectedTcp != null ? selectedTcp : selectedUdp;
        return m == null ? "" : m.tag;
    }

    /** {@return every member's test result, once a round run now (joining tests under way) has chosen again} */
    public CompletableFuture<List<CheckResult>> checkNow() {
        CompletableFuture<List<CheckResult>> result = new CompletableFuture<>();
        sync.execute(() -> checker.round().whenComplete((r, e) -> result.complete(r)));
        return result;
    }

    /** {@return each member's last test, and whether it is the one used for TCP ({@code active})} */
    public List<MemberSnapshot> snapshot() {
        long nowNanos = scheduler.nanoTime();
        Instant now = Instant.now();
        MemberState tcp = selectedTcp;
        List<MemberSnapshot> out = new ArrayList<>(members.size());
        for (MemberState m : members) {
            MemberState.Health h = m.health();
            boolean measured = h.latencyNanos() >= 0;
            out.add(new MemberSnapshot(
                    m.tag,
                    m.tier,
                    h.state(),
                    measured ? Duration.ofNanos(h.latencyNanos()) : null,
                    h.lastError(),
                    false,
                    m == tcp,
                    connections.count(m.tag),
                    measured ? now.minusNanos(nowNanos - h.checkedNanos()) : null));
        }
        return out;
    }

    @Override
    public Future<Channel> dial(Destination destination, Metadata metadata) {
        return open(Network.TCP, destination, metadata);
    }

    @Override
    public Future<Channel> listenPacket(Destination destination, Metadata metadata) {
        return open(Network.UDP, destination, metadata);
    }

    private Future<Channel> open(Network network, Destination destination, Metadata metadata) {
        metadata.requireFor(network, destination);
        checker.noteDial();
        MemberState member = network == Network.UDP ? selectedUdp : selectedTcp;
        if (member == null) {
            return ImmediateEventExecutor.INSTANCE.newFailedFuture(
                    new DialException(tag(), type(), destination, "no member carries " + network, null));
        }
        Future<Channel> dial = network == Network.UDP
                ? member.outbound.listenPacket(destination, metadata)
                : member.outbound.dial(destination, metadata);
        return connections.track(member.outbound, dial, metadata);
    }

    /** sing-box's choice, per network; in the sync context. */
    private void reselect() {
        MemberState tcp = choose(Network.TCP, selectedTcp);
        MemberState udp = choose(Network.UDP, selectedUdp);
        MemberState oldTcp = selectedTcp;
        MemberState oldUdp = selectedUdp;
        selectedTcp = tcp;
        selectedUdp = udp;
        if (tcp != oldTcp || udp != oldUdp) {
            List<String> keep = new ArrayList<>(2);
            if (tcp != null) {
                keep.add(tcp.tag);
            }
            if (udp != null) {
                keep.add(udp.tag);
            }
            int closed = connections.interruptAllBut(keep, options.interruptExistConnections());
            log.info(
                    "[{}] now {} (was {}); {} connection(s) closed",
                    tag(),
                    tcp == null ? "none" : tcp.tag,
                    oldTcp == null ? "none" : oldTcp.tag,
                    closed);
        }
    }

    private MemberState choose(Network network, MemberState current) {
        long toleranceNanos = options.tolerance().toNanos();
        MemberState best = null;
        long bestNanos = 0;
        if (current != null && measured(current)) {
            best = current;
            bestNanos = current.health().latencyNanos();
        }
        for (MemberState m : members) {
            if (!m.supports(network) || !measured(m)) {
                continue;
            }
            long latency = m.health().latencyNanos();
            if (best == null || bestNanos > latency + toleranceNanos) {
                best = m;
                bestNanos = latency;
            }
        }
        return best != null ? best : fallback(network);
    }

    /** Passed its last test: a latency that counts. */
    private static boolean measured(MemberState m) {
        return m.health().state() == MemberHealth.HEALTHY && m.health().latencyNanos() >= 0;
    }

    /** The first member that carries {@code network}, or null. */
    private MemberState fallback(Network network) {
        for (MemberState m : members) {
            if (m.supports(network)) {
                return m;
            }
        }
        return null;
    }

    /** Stops the tests. Connections already handed out stay open; members are not closed. */
    @Override
    public void close() {
        checker.close();
    }

    @Override
    public String toString() {
        return "UrlTestOutbound[" + tag() + " -> " + now() + "]";
    }
}
