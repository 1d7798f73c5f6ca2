package io.github.proxycore.loadbalance.internal;

import io.github.proxycore.loadbalance.Tier;
import io.github.proxycore.outbound.Network;

/**
 * What a pick reads: an immutable picture of the balancer, published through a volatile field and replaced as a
 * whole when health, Top-N or the tier state change (the gRPC picker model). Readers take no lock.
 */
public final class Snapshot {
    private final Tier state;
    private final boolean bootstrap;
    private final TierView primary;
    private final TierView backup;
    private final TierView[] serving;
    private final boolean[] inTopN;
    private final boolean[] active;

    Snapshot(
            Tier state,
            boolean bootstrap,
            TierView primary,
            TierView backup,
            TierView[] serving,
            boolean[] inTopN,
            boolean[] active) {
        this.state = state;
        this.bootstrap = bootstrap;
        this.primary = primary;
        this.backup = backup;
        this.serving = serving;
        this.inTopN = inTopN;
        this.active = active;
    }

    /** The tier the hysteresis state prefers. */
    public Tier state() {
        return state;
    }

    /** Whether the first health round has not completed yet (every non-failed primary is a candidate). */
    public boolean bootstrap() {
        return bootstrap;
    }

    /** The primaries in use (Top-N of the usable ones). */
    public TierView primary() {
        return primary;
    }

    /** The backups in use (Top-N of the usable ones). */
    public TierView backup() {
        return backup;
    }

    /** Whether some primary is usable: a dial or round that finds none is a primary failure. */
    public boolean primaryUsable() {
        return !primary.isEmpty();
    }

    /**
     * The view new connections of {@code network} are picked from: the serving tier, every member when the pool is
     * empty under {@code fallback_all}, or {@code null} when nothing can serve.
     */
    public TierView serving(Network network) {
        return serving[network.ordinal()];
    }

    /** Which member indices are in their tier's Top-N; the caller must not change the array. */
    boolean[] inTopN() {
        return inTopN;
    }

    /** Whether member {@code index} is in its tier's Top-N. */
    public boolean inTopN(int index) {
        return inTopN[index];
    }

    /**
     * Whether member {@code index} may receive new connections (in a serving view, or every member under
     * {@code fallback_all} with an empty pool); index {@code memberCount} stands for the {@code direct} fallback.
     */
    public boolean active(int index) {
        return active[index];
    }
}
