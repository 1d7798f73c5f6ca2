package io.github.proxycore.loadbalance.internal;

import io.github.proxycore.loadbalance.CheckResult;
import io.github.proxycore.loadbalance.MemberHealth;
import io.github.proxycore.loadbalance.Tier;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a balancer: its outbound, tier and networks (fixed), its health (replaced as a whole, volatile, so
 * readers need no lock) and the connections handed out through it.
 */
public final class MemberState {
    /** The member's position: primaries first, in configuration order, then backups. */
    public final int index;

    public final String tag;
    public final Tier tier;
    public final Outbound outbound;
    private final boolean tcp;
    private final boolean udp;
    public final ConnectionTracker connections = new ConnectionTracker();

    private volatile Health health = Health.INITIAL;

    /** The check in flight, if any (sync context only). */
    CompletableFuture<CheckResult> inFlight;

    /**
     * Health as last recorded: state, latency of the last successful check (-1: none), last failure (or null), and
     * the checks passed in a row while recovering, and when that successful check ended ({@link Scheduler#nanoTime()}).
     */
    public record Health(MemberHealth state, long latencyNanos, String lastError, int passes, long checkedNanos) {
        static final Health INITIAL = new Health(MemberHealth.UNKNOWN, -1, null, 0, 0);
    }

    public MemberState(int index, Tier tier, Outbound outbound) {
        this.index = index;
        this.tier = Objects.requireNonNull(tier, "tier");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        this.tag = outbound.tag();
        this.tcp = outbound.networks().contains(Network.TCP);
        this.udp = outbound.networks().contains(Network.UDP);
    }

    public boolean supports(Network network) {
        return network == Network.UDP ? udp : tcp;
    }

    public Health health() {
        return health;
    }

    /** A candidate for selection: healthy, or not judged yet (bootstrap). Unhealthy and recovering ones are not. */
    public boolean usable() {
        MemberHealth state = health.state();
        return state == MemberHealth.HEALTHY || state == MemberHealth.UNKNOWN;
    }

    /**
     * Records a successful check that ended at {@code nowNanos}. A member that was unhealthy or recovering becomes healthy only after {@code rise}
     * passes in a row; until then it is recovering. Returns the new health.
     */
    Health markHealthy(long latencyNanos, int rise, long nowNanos) {
        Health old = health;
        Health next;
        if (old.state() == MemberHealth.UNHEALTHY || old.state() == MemberHealth.RECOVERING) {
            int passes = old.state() == MemberHealth.RECOVERING ? old.passes() + 1 : 1;
            next = passes >= rise
                    ? new Health(MemberHealth.HEALTHY, latencyNanos, null, 0, nowNanos)
                    : new Health(MemberHealth.RECOVERING, latencyNanos, old.lastError(), passes, nowNanos);
        } else {
            next = new Health(MemberHealth.HEALTHY, latencyNanos, null, 0, nowNanos);
        }
        health = next;
        return next;
    }

    /**
     * Records a failed check or a dial that failed because of the member; keeps the last good latency; returns
     * whether the member was usable.
     */
    boolean markUnhealthy(String error) {
        Health old = health;
        health = new Health(MemberHealth.UNHEALTHY, old.latencyNanos(), error, 0, old.checkedNanos());
        return old.state() == MemberHealth.HEALTHY || old.state() == MemberHealth.UNKNOWN;
    }

    @Override
    public String toString() {
        return tag;
    }
}
