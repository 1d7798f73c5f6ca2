package io.github.proxycore.loadbalance;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.outbound.EmptyPoolAction;
import io.github.proxycore.config.outbound.LoadBalanceOutboundOptions;
import io.github.proxycore.loadbalance.internal.Balancer;
import io.github.proxycore.loadbalance.internal.DialAttempt;
import io.github.proxycore.loadbalance.internal.EventLoopScheduler;
import io.github.proxycore.loadbalance.internal.HealthChecker;
import io.github.proxycore.loadbalance.internal.HttpProbe;
import io.github.proxycore.loadbalance.internal.MemberState;
import io.github.proxycore.loadbalance.internal.Prober;
import io.github.proxycore.loadbalance.internal.Scheduler;
import io.github.proxycore.loadbalance.internal.Snapshot;
import io.github.proxycore.loadbalance.internal.TierView;
import io.github.proxycore.outbound.ConnectionListener;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DialException;
import io.github.proxycore.outbound.DirectOutbound;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.internal.Futures;
import io.github.proxycore.outbound.internal.PendingDials;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
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

/**
 * The {@code loadbalance} outbound (docs/loadbalance.md): spreads connections over member outbounds that are
 * health-checked by an HTTP(S) request through themselves.
 *
 * <ul>
 *   <li><b>Tiers.</b> Primaries serve while one is usable; a connection that finds none goes to the backups at
 *       once. After {@code hysteresis.primary_failures} consecutive health rounds or dials without a usable
 *       primary the balancer prefers the backups, for at least {@code backup_hold_time}, and while they have no
 *       usable member the primaries serve anyway.
 *   <li><b>Top-N.</b> In each tier only the {@code top_n} fastest healthy members serve; members already selected
 *       keep their place while within {@code tolerance} of the cut-off, so small latency changes do not reshuffle
 *       the set (and the hash ring).
 *   <li><b>Strategy.</b> {@code random}, or {@code consistent_hash} over an XXH64 ring keyed by connection metadata,
 *       so one client (or site, or rule set) keeps its member while the set is unchanged.
 *   <li><b>Failures.</b> A dial that fails because of the member (TCP/TLS to it, auth, a dead session, a timeout)
 *       is retried on the next member (clockwise on the ring), up to 3 members, and marks the member unhealthy
 *       until it passes {@code hysteresis.rise} checks in a row. A destination error the member reports (an
 *       AnyTLS SYNACK error) is the caller's: it is returned at once, marks nothing and is not retried. With no
 *       usable member at all, {@code empty_pool_action} fails the connection, tries every member one at a time,
 *       or connects directly.
 * </ul>
 *
 * <p>A pick reads an immutable snapshot and allocates nothing; health, Top-N and tier changes rebuild the snapshot
 * off the connection path. {@link #snapshot()} shows the state; {@link #checkNow()} runs a health round on demand.
 *
 * <pre>{@code
 * LoadBalanceOutbound lb = outbounds.get("lb", LoadBalanceOutbound.class);
 * lb.checkNow().thenAccept(results -> results.forEach(r -> System.out.println(r.tag() + " " + r.latency())));
 * }</pre>
 */
public final class LoadBalanceOutbound implements Outbound {
    private final LoadBalanceOutboundOptions options;
    private final Balancer balancer;
    private final Outbound direct;
    private final Set<Network> networks;
    private final PendingDials pending;

    /**
     * A balancer over {@code primaries} and {@code backups}, timed and checked by the given parts (tests substitute
     * a fake clock and scripted checks). Call {@link #start()} to begin health checking.
     */
    LoadBalanceOutbound(
            LoadBalanceOutboundOptions options,
            List<Outbound> primaries,
            List<Outbound> backups,
            Outbound direct,
            Scheduler scheduler,
            Prober prober,
            Random random,
            int maxConcurrentChecks) {
        this.options = Objects.requireNonNull(options, "options");
        if (options.emptyPoolAction() == EmptyPoolAction.DIRECT) {
            Objects.requireNonNull(direct, "direct (empty_pool_action is direct)");
        }
        this.balancer = new Balancer(options, primaries, backups, scheduler, prober, random, maxConcurrentChecks);
        this.pending = new PendingDials(options.tag(), LoadBalanceOutboundOptions.TYPE);
        this.direct = direct;
        EnumSet<Network> union = EnumSet.noneOf(Network.class);
        for (MemberState m : balancer.members()) {
            union.addAll(m.outbound.networks());
        }
        this.networks = Collections.unmodifiableSet(union);
    }

    /**
     * Builds the outbound from validated options; its members must already be built in {@code context}. Health
     * checks start at once, on an event loop of the context's transport, timed by that loop's clock.
     *
     * @param options the validated options
     * @param context the transport and the member outbounds
     * @return the outbound; {@link #close()} stops its health checks
     * @throws java.util.NoSuchElementException if a member is not in {@code context}
     */
    public static LoadBalanceOutbound create(LoadBalanceOutboundOptions options, OutboundContext context) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(context, "context");
        List<Outbound> primaries = new ArrayList<>();
        for (String tag : options.primaryOutbounds()) {
            primaries.add(context.outbound(tag));
        }
        List<Outbound> backups = new ArrayList<>();
        for (String tag : options.backupOutbounds()) {
            backups.add(context.outbound(tag));
        }
        Scheduler scheduler = new EventLoopScheduler(context.transport().group().next());
        Prober prober = HttpProbe.create(options.url(), null, scheduler);
        Outbound direct = options.emptyPoolAction() == EmptyPoolAction.DIRECT
                ? DirectOutbound.create(options.tag(), DialOptions.DEFAULT, context)
                : null;
        LoadBalanceOutbound outbound = new LoadBalanceOutbound(
                options,
                primaries,
                backups,
                direct,
                scheduler,
                prober,
                new Random(),
                HealthChecker.DEFAULT_MAX_CONCURRENT_CHECKS);
        outbound.pending.listener(
                context.listener(ConnectionListener.class, options.tag()).orElse(ConnectionListener.NONE));
        outbound.balancer.listener(
                context.listener(BalancerListener.class, options.tag()).orElse(BalancerListener.NONE));
        outbound.start();
        return outbound;
    }

    /** Starts health checking: the first round runs at once. */
    void start() {
        balancer.start();
    }

    @Override
    public String tag() {
        return options.tag();
    }

    @Override
    public String type() {
        return LoadBalanceOutboundOptions.TYPE;
    }

    /** The networks at least one member carries. */
    @Override
    public Set<Network> networks() {
        return networks;
    }

    /** {@return the options this outbound was built from} */
    public LoadBalanceOutboundOptions options() {
        return options;
    }

    @Override
    public Future<Channel> dial(Destination destination, Metadata metadata) {
        return open(Network.TCP, destination, metadata);
    }

    /** Opens a UDP association through a member that carries UDP, picked as for TCP. */
    @Override
    public Future<Channel> listenPacket(Destination destination, Metadata metadata) {
        return open(Network.UDP, destination, metadata);
    }

    private Future<Channel> open(Network network, Destination destination, Metadata metadata) {
        metadata.requireFor(network, destination);
        Promise<Channel> result = pending.newDial(destination);
        if (result.isDone()) {
            return result;
        }
        Snapshot snapshot = balancer.snapshot();
        balancer.noteDial(snapshot);
        Destination target = preferredDestination(destination, metadata);
        Metadata forward = target == destination
                ? metadata
                : metadata.toBuilder().destination(target).build();
        TierView view = snapshot.serving(network);
        if (view == null) {
            if (direct != null) {
                return dialDirect(network, target, forward, result);
            }
            result.tryFailure(new DialException(tag(), type(), destination, emptyPoolReason(network), null));
            return result;
        }
        MemberState first = balancer.choose(view, network, metadata);
        new DialAttempt(
                        balancer,
                        type(),
                        view,
                        network,
                        metadata,
                        target,
                        forward,
                        result,
                        balancer.isEveryMember(view))
                .start(first);
        return result;
    }

    /** {@code prefer_domain}: an IP destination with a sniffed domain goes to the member as that domain. */
    private Destination preferredDestination(Destination destination, Metadata metadata) {
        String sniffed = metadata.sniffedDomain();
        if (!options.preferDomain() || destination.isDomain() || sniffed == null || sniffed.isEmpty()) {
            return destination;
        }
        try {
            Destination named = Destination.of(sniffed, destination.port());
            return named.isDomain() ? named : destination;
        } catch (IllegalArgumentException e) {
            return destination; // not a usable name: keep the address
        }
    }

    private Future<Channel> dialDirect(Network network, Destination target, Metadata forward, Promise<Channel> result) {
        Future<Channel> future =
                network == Network.UDP ? direct.listenPacket(target, forward) : direct.dial(target, forward);
        // Tracked before the caller sees the channel (listeners run in the order they were added), so that an
        // interrupt cannot miss it.
        future.addListener(f -> {
            if (f.isSuccess()) {
                balancer.directConnections().add((Channel) f.getNow(), forward.external());
            }
        });
        return Futures.relay(future, result, cause -> cause, Channel::close);
    }

    private String emptyPoolReason(Network network) {
        StringBuilder out =
                new StringBuilder("no usable member for ").append(network).append(" (");
        List<MemberState> members = balancer.members();
        for (int i = 0; i < members.size(); i++) {
            MemberState m = members.get(i);
            if (i > 0) {
                out.append(", ");
            }
            out.append(m.tag).append(": ");
            if (!m.supports(network)) {
                out.append("no ").append(network);
            } else {
                out.append(m.health().state());
                if (m.health().lastError() != null) {
                    out.append(" - ").append(m.health().lastError());
                }
            }
        }
        return out.append(')').toString();
    }

    /**
     * The outbound a new {@code network} connection with this metadata would be dialled through first: a member, the
     * direct fallback when the pool is empty and {@code empty_pool_action} is {@code direct}, or {@code null} when
     * the connection would fail. Nothing is dialled; no lock is taken and nothing is allocated.
     *
     * @param network the connection's network
     * @param metadata the connection's metadata, for the hash key
     * @return the outbound, or {@code null}
     */
    public Outbound pick(Network network, Metadata metadata) {
        MemberState member = balancer.pick(network, metadata);
        if (member != null) {
            return member.outbound;
        }
        return direct;
    }

    /**
     * {@return the balancer's state now: tier state, and each member's health, latency, Top-N place and connections}
     */
    public LoadBalanceSnapshot snapshot() {
        long rounds = balancer.checker().rounds(); // first: the selection read next is at least that round's
        Snapshot s = balancer.snapshot();
        List<MemberState> members = balancer.members();
        List<MemberSnapshot> out = new ArrayList<>(members.size());
        // check times are stamped on the balancer's clock: their age on it, subtracted from the wall clock now
        long nowNanos = balancer.nanoTime();
        Instant now = Instant.now();
        for (MemberState m : members) {
            MemberState.Health h = m.health();
            out.add(new MemberSnapshot(
                    m.tag,
                    m.tier,
                    h.state(),
                    h.latencyNanos() < 0 ? null : Duration.ofNanos(h.latencyNanos()),
                    h.lastError(),
                    s.inTopN(m.index),
                    s.active(m.index),
                    m.connections.size(),
                    h.latencyNanos() < 0 ? null : now.minusNanos(nowNanos - h.checkedNanos())));
        }
        return new LoadBalanceSnapshot(
                tag(),
                s.state(),
                s.bootstrap(),
                balancer.checker().paused(),
                balancer.hysteresis().consecutiveFailures(),
                balancer.holdRemaining(),
                rounds,
                out,
                balancer.directConnections().size());
    }

    /**
     * Checks every member now (joining checks already running) and updates their health, as a periodic round
     * would. The future completes with every member's latency or error, primaries first; it never fails.
     *
     * <p>The future completes on the balancer's own thread, which may be a Netty event loop: do not block in stages
     * that depend on it (use the {@code ...Async} variants for slow work), and do not wait for it on an event loop.
     *
     * @return every member's result, primaries first
     */
    public CompletableFuture<List<CheckResult>> checkNow() {
        return balancer.checkAll();
    }

    /**
     * Checks one member now and updates its health; the future completes as for {@link #checkNow()}.
     *
     * @param memberTag the member's tag
     * @return the member's result
     * @throws IllegalArgumentException if no member has this tag
     */
    public CompletableFuture<CheckResult> checkNow(String memberTag) {
        for (MemberState m : balancer.members()) {
            if (m.tag.equals(memberTag)) {
                return balancer.check(m);
            }
        }
        throw new IllegalArgumentException("\"" + memberTag + "\" is not a member of " + tag());
    }

    /**
     * Stops health checks and timers; dials still in flight fail with "the outbound is closed". Connections already
     * handed out stay open; members are not closed.
     */
    @Override
    public void close() {
        pending.close();
        balancer.close();
        if (direct != null) {
            direct.close();
        }
    }

    @Override
    public String toString() {
        return "LoadBalanceOutbound[" + tag() + "]";
    }
}
