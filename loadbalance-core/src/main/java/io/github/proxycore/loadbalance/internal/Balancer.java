package io.github.proxycore.loadbalance.internal;

import io.github.proxycore.config.GoDuration;
import io.github.proxycore.config.outbound.EmptyPoolAction;
import io.github.proxycore.config.outbound.LoadBalanceOutboundOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.config.outbound.OnEmptyKey;
import io.github.proxycore.loadbalance.BalancerListener;
import io.github.proxycore.loadbalance.CheckResult;
import io.github.proxycore.loadbalance.MemberHealth;
import io.github.proxycore.loadbalance.Tier;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The balancer's brain, apart from dialing: members and their health, Top-N with tolerance per tier, the hysteresis
 * state, and the immutable {@link Snapshot} every pick reads. Health results, rounds and dial outcomes arrive as
 * events in a {@link SyncContext}; each recomputes the selection and publishes a new snapshot (reusing a tier's
 * ring when its member set did not change), then closes connections of members that left the active set.
 *
 * <p>A pick ({@link #pick}, {@link #choose}) reads the volatile snapshot, builds the hash key in a per-thread
 * buffer and searches the ring: no lock, no allocation.
 */
public final class Balancer {
    private static final Logger log = LoggerFactory.getLogger(Balancer.class);

    private final String tag;
    private final LoadBalanceOutboundOptions options;
    private final MemberState[] members;
    private final List<MemberState> memberList;
    private final HashKeys keys;
    private final boolean randomOnEmptyKey;
    private final int virtualNodes;
    private final Hysteresis hysteresis;
    private final Scheduler scheduler;
    private final SyncContext sync = new SyncContext();
    private volatile BalancerListener listener = BalancerListener.NONE;
    private final HealthChecker checker;
    private final TierView everyMember; // fallback_all's view; null under the other empty-pool actions
    private final ConnectionTracker directConnections = new ConnectionTracker();

    private volatile Snapshot snapshot;

    // sync-context state
    private boolean bootstrap = true;
    private Scheduler.Cancellable holdTimer = Scheduler.Cancellable.NONE;
    private boolean closed;

    /**
     * @param primaries the primary members, in configuration order
     * @param backups the backup members, in configuration order
     * @param scheduler the clock and timers of health checks, idle pauses and the backup hold
     * @param prober how a member is checked
     * @param random the source of the health-check jitter
     */
    public Balancer(
            LoadBalanceOutboundOptions options,
            List<Outbound> primaries,
            List<Outbound> backups,
            Scheduler scheduler,
            Prober prober,
            Random random,
            int maxConcurrentChecks) {
        this.options = Objects.requireNonNull(options, "options");
        this.tag = options.tag();
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        List<MemberState> all = new ArrayList<>();
        for (Outbound o : primaries) {
            all.add(new MemberState(all.size(), Tier.PRIMARY, o));
        }
        for (Outbound o : backups) {
            all.add(new MemberState(all.size(), Tier.BACKUP, o));
        }
        if (primaries.isEmpty()) {
            throw new IllegalArgumentException("a load balancer needs at least one primary member");
        }
        this.members = all.toArray(new MemberState[0]);
        this.memberList = List.copyOf(all);
        boolean hashing = options.strategy() == LoadBalanceStrategy.CONSISTENT_HASH;
        this.keys =
                hashing ? new HashKeys(options.hash().keyParts(), options.hash().keySalt(), new EtldPlusOne()) : null;
        this.randomOnEmptyKey = options.hash().onEmptyKey() == OnEmptyKey.RANDOM;
        this.virtualNodes = hashing ? options.hash().virtualNodes() : 0;
        this.hysteresis = new Hysteresis(
                options.hysteresis().primaryFailures(),
                options.hysteresis().backupHoldTime().toNanos());
        this.everyMember = options.emptyPoolAction() == EmptyPoolAction.FALLBACK_ALL
                ? TierView.of(memberList, virtualNodes, null)
                : null;
        this.checker = new HealthChecker(
                tag,
                memberList,
                prober,
                scheduler,
                sync,
                random,
                options.interval(),
                options.timeout(),
                options.idleTimeout(),
                maxConcurrentChecks,
                options.hysteresis().rise(),
                new HealthChecker.Listener() {
                    @Override
                    public void checked(MemberState member, CheckResult result) {
                        tell(l -> l.checked(tag, member.tag, result));
                        refresh(
                                result.isSuccess()
                                        ? "check of " + member.tag + " passed"
                                        : "check of " + member.tag + " failed");
                    }

                    @Override
                    public void roundCompleted() {
                        Balancer.this.roundCompleted();
                    }
                });
        sync.execute(() -> refresh("start"));
    }

    /** Who hears checks and changes of the active members; set before {@link #start()}. */
    public void listener(BalancerListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Calls the listener (sync context); its failure is logged, never the balancer's. */
    private void tell(java.util.function.Consumer<BalancerListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            log.warn("[{}] a balancer listener failed", tag, e);
        }
    }

    /** Starts health checking: the first round at once. */
    public void start() {
        checker.start();
    }

    public String tag() {
        return tag;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public List<MemberState> members() {
        return memberList;
    }

    public Hysteresis hysteresis() {
        return hysteresis;
    }

    public HealthChecker checker() {
        return checker;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Whether {@code view} is {@code fallback_all}'s view of every member (the pool is empty). */
    public boolean isEveryMember(TierView view) {
        return view != null && view == everyMember;
    }

    /** Connections handed out through the {@code direct} empty-pool fallback. */
    public ConnectionTracker directConnections() {
        return directConnections;
    }

    /**
     * The member a new connection with this metadata goes to first, or {@code null} if no member can take it (the
     * empty-pool action decides). Allocates nothing.
     */
    public MemberState pick(Network network, Metadata metadata) {
        TierView view = snapshot.serving(network);
        return view == null ? null : choose(view, network, metadata);
    }

    /** Picks in {@code view}, which must serve {@code network}: by strategy, key and {@code on_empty_key}. */
    public MemberState choose(TierView view, Network network, Metadata metadata) {
        if (keys == null) {
            return view.pickRandom(network);
        }
        KeyBuffer key = HashKeys.buffer();
        if (!writeKey(metadata, key)) {
            MemberState m = view.pickRandom(network);
            if (log.isDebugEnabled()) {
                log.debug("[{}] hash key {} has no parts; random pick {}", tag, key, m.tag);
            }
            return m;
        }
        MemberState m = view.pickHash(key.hash(), network);
        if (log.isDebugEnabled()) {
            log.debug("[{}] hash key \"{}\" -> {}", tag, key, m.tag);
        }
        return m;
    }

    /**
     * After failed dials: the next member to try, clockwise on the ring from where the key lands (a random untried
     * one for random picks), skipping members in {@code tried}; {@code null} when none is left.
     */
    public MemberState next(TierView view, Network network, Metadata metadata, BitSet tried) {
        if (keys == null) {
            return view.nextRandom(network, tried);
        }
        KeyBuffer key = HashKeys.buffer();
        return writeKey(metadata, key) ? view.nextHash(key.hash(), network, tried) : view.nextRandom(network, tried);
    }

    /**
     * Writes the hash key of {@code metadata}; {@code false} when it has no parts and {@code on_empty_key} says to
     * pick at random instead of hashing the empty key.
     */
    private boolean writeKey(Metadata metadata, KeyBuffer key) {
        if (keys.write(metadata, key)) {
            return true;
        }
        if (randomOnEmptyKey) {
            return false;
        }
        keys.writeEmpty(key);
        return true;
    }

    /**
     * Called on every dial with the snapshot it picked from (any thread): feeds the idle timer, and counts the dial
     * as a primary failure when no primary was usable (it is served by the backups all the same).
     */
    public void noteDial(Snapshot s) {
        checker.noteDial();
        if (!s.primaryUsable()) {
            if (s.state() == Tier.PRIMARY) {
                sync.execute(this::dialFoundNoPrimary);
            }
        } else if (hysteresis.consecutiveFailures() != 0) {
            sync.execute(hysteresis::primarySucceeded);
        }
    }

    private void dialFoundNoPrimary() {
        Snapshot s = snapshot;
        if (closed || s.primaryUsable() || s.state() != Tier.PRIMARY) {
            return; // things changed since the dial looked
        }
        boolean entered = hysteresis.primaryFailed(scheduler.nanoTime());
        log.debug("[{}] a dial found no usable primary ({} consecutive)", tag, hysteresis.consecutiveFailures());
        if (entered) {
            enteredBackup("a dial");
            refresh("entered backup state");
        }
    }

    /**
     * A real dial through {@code member} failed because of the member (any thread): passive health. Destination
     * errors never get here (see {@link DialAttempt}).
     */
    public void dialFailed(MemberState member, String reason) {
        sync.execute(() -> {
            if (closed) {
                return;
            }
            if (member.markUnhealthy("dial failed: " + reason)) {
                // it was usable: reselect without it, and check it at once so that a passing member starts its way
                // back (already unhealthy, it is in no view and nothing changes)
                log.info("[{}] {} is unhealthy: dial failed: {}", tag, member.tag, reason);
                refresh("dial through " + member.tag + " failed");
                checker.check(member);
            }
        });
    }

    /** Checks every member now; the future completes from within the sync context with every result. */
    public CompletableFuture<List<CheckResult>> checkAll() {
        CompletableFuture<List<CheckResult>> result = new CompletableFuture<>();
        sync.execute(() -> checker.round().whenComplete((r, e) -> complete(result, r, e)));
        return result;
    }

    /** Checks one member now. */
    public CompletableFuture<CheckResult> check(MemberState member) {
        CompletableFuture<CheckResult> result = new CompletableFuture<>();
        sync.execute(() -> checker.check(member).whenComplete((r, e) -> complete(result, r, e)));
        return result;
    }

    private static <T> void complete(CompletableFuture<T> future, T value, Throwable error) {
        if (error != null) {
            future.completeExceptionally(error);
        } else {
            future.complete(value);
        }
    }

    /** Stops health checks and timers. Connections already handed out stay open. */
    public void close() {
        checker.close();
        sync.execute(() -> {
            closed = true;
            holdTimer.cancel();
        });
    }

    private void roundCompleted() {
        if (closed) {
            return;
        }
        if (bootstrap) {
            bootstrap = false;
            log.debug("[{}] first health round complete: bootstrap over", tag);
        }
        TierView primary = select(Tier.PRIMARY);
        TierView backup = select(Tier.BACKUP);
        if (primary.isEmpty() && hysteresis.state() == Tier.BACKUP) {
            // the count stopped when the balancer switched: say where it stands instead of a count
            log.debug(
                    "[{}] health round found no usable primary (in backup state, hold {} left)",
                    tag,
                    GoDuration.format(holdRemaining().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
        } else if (primary.isEmpty()) {
            boolean entered = hysteresis.primaryFailed(scheduler.nanoTime());
            log.debug(
                    "[{}] health round found no usable primary ({} consecutive)",
                    tag,
                    hysteresis.consecutiveFailures());
            if (entered) {
                enteredBackup("a health round");
            }
        } else {
            hysteresis.primarySucceeded();
        }
        publish(primary, backup, "health round");
    }

    private void enteredBackup(String cause) {
        log.debug(
                "[{}] tier switch: primary -> backup after {} consecutive primary failures (last: {}); holding for"
                        + " at least {}",
                tag,
                hysteresis.consecutiveFailures(),
                cause,
                GoDuration.format(options.hysteresis().backupHoldTime()));
        holdTimer.cancel();
        long hold = options.hysteresis().backupHoldTime().toNanos();
        holdTimer = scheduler.schedule(() -> sync.execute(() -> refresh("backup hold over")), hold);
    }

    /** Recomputes the selection from current health and publishes it. Sync context only. */
    void refresh(String reason) {
        if (closed) {
            return;
        }
        publish(select(Tier.PRIMARY), select(Tier.BACKUP), reason);
    }

    /** A tier's view: its usable members, narrowed to Top-N (with tolerance) once bootstrap is over. */
    private TierView select(Tier tier) {
        List<TopN.Candidate> candidates = new ArrayList<>();
        List<MemberState> usable = new ArrayList<>();
        for (MemberState m : members) {
            if (m.tier == tier && m.usable()) {
                MemberState.Health h = m.health();
                long latency = h.state() == MemberHealth.HEALTHY ? h.latencyNanos() : Long.MAX_VALUE;
                candidates.add(new TopN.Candidate(m.index, m.tag, latency));
                usable.add(m);
            }
        }
        Snapshot old = snapshot;
        List<MemberState> chosen;
        if (bootstrap) {
            chosen = usable;
        } else {
            int n = tier == Tier.PRIMARY
                    ? options.topN().primary()
                    : options.topN().backup();
            // the incumbents: the published Top-N, none while the last snapshot was still the bootstrap one
            boolean[] incumbents = old == null || old.bootstrap() ? null : old.inTopN();
            List<TopN.Candidate> selected =
                    TopN.select(candidates, n, incumbents, options.tolerance().toNanos());
            chosen = new ArrayList<>(selected.size());
            for (TopN.Candidate c : selected) {
                chosen.add(members[c.member()]);
            }
        }
        TierView previous = old == null ? null : (tier == Tier.PRIMARY ? old.primary() : old.backup());
        return TierView.of(chosen, virtualNodes, previous);
    }

    private void publish(TierView primary, TierView backup, String reason) {
        long now = scheduler.nanoTime();
        Snapshot old = snapshot;
        Tier before = old == null ? Tier.PRIMARY : old.state();
        if (hysteresis.maybeReturn(!primary.isEmpty(), now)) {
            holdTimer.cancel();
            log.debug("[{}] tier switch: backup -> primary (primaries usable, hold time over)", tag);
        }
        Tier state = hysteresis.state();
        TierView first = state == Tier.PRIMARY ? primary : backup;
        TierView second = state == Tier.PRIMARY ? backup : primary;
        Network[] networks = Network.values();
        TierView[] serving = new TierView[networks.length];
        boolean[] active = new boolean[members.length + 1];
        for (Network network : networks) {
            TierView view = first.serves(network) ? first : second.serves(network) ? second : null;
            if (view == null && everyMember != null) {
                view = everyMember.serves(network) ? everyMember : null; // fallback_all
            } else if (view == null && options.emptyPoolAction() == EmptyPoolAction.DIRECT) {
                active[members.length] = true;
            }
            serving[network.ordinal()] = view;
            if (view != null) {
                for (int i = 0; i < view.size(); i++) {
                    active[view.member(i).index] = true;
                }
            }
        }
        boolean[] inTopN = new boolean[members.length];
        for (TierView view : List.of(primary, backup)) {
            for (int i = 0; i < view.size(); i++) {
                inTopN[view.member(i).index] = true;
            }
        }
        Snapshot next = new Snapshot(state, bootstrap, primary, backup, serving, inTopN, active);
        snapshot = next;

        if (log.isDebugEnabled()) {
            logRings(old, next);
            if (before != state || old == null) {
                log.debug("[{}] serving tier state {} ({})", tag, state, reason);
            }
        }
        if (listener != BalancerListener.NONE) {
            List<String> was = old == null ? null : activeTags(old);
            List<String> now2 = activeTags(next);
            if (old == null || before != state || !was.equals(now2)) {
                tell(l -> l.activeChanged(tag, state, now2, reason));
            }
        }
        if (old != null) {
            interruptLeavers(old, next);
        }
    }

    private List<String> activeTags(Snapshot s) {
        List<String> out = new ArrayList<>();
        for (MemberState m : members) {
            if (s.active(m.index)) {
                out.add(m.tag);
            }
        }
        return out;
    }

    private void logRings(Snapshot old, Snapshot next) {
        for (Tier tier : Tier.values()) {
            TierView now = tier == Tier.PRIMARY ? next.primary() : next.backup();
            TierView was = old == null ? null : (tier == Tier.PRIMARY ? old.primary() : old.backup());
            if (now.ring() != null && !now.sharesRing(was)) {
                log.debug(
                        "[{}] {} ring rebuilt: {} members x {} points = {} points",
                        tag,
                        tier,
                        now.size(),
                        virtualNodes,
                        now.ring().size());
            }
            if (was != null && !now.members().equals(was.members())) {
                log.debug("[{}] {} members in use: {} -> {}", tag, tier, was, now);
            }
        }
    }

    private void interruptLeavers(Snapshot old, Snapshot next) {
        boolean external = options.interruptExistConnections();
        for (MemberState m : members) {
            if (old.active(m.index) && !next.active(m.index) && m.connections.size() > 0) {
                int closed = m.connections.interrupt(external);
                log.debug("[{}] {} left the active set: closed {} connection(s)", tag, m.tag, closed);
            }
        }
        if (old.active(members.length) && !next.active(members.length) && directConnections.size() > 0) {
            int closed = directConnections.interrupt(external);
            log.debug("[{}] the direct fallback is no longer used: closed {} connection(s)", tag, closed);
        }
    }

    /** How long the backup hold still lasts, for observers. */
    public Duration holdRemaining() {
        return Duration.ofNanos(hysteresis.holdRemainingNanos(scheduler.nanoTime()));
    }

    /** The balancer's clock ({@link Scheduler#nanoTime()}), for turning its stamps into ages. */
    public long nanoTime() {
        return scheduler.nanoTime();
    }
}
