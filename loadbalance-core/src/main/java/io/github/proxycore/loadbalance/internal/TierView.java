package io.github.proxycore.loadbalance.internal;

import io.github.proxycore.outbound.Network;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An immutable set of members that may serve new connections (a tier's Top-N, or every member for
 * {@code fallback_all}) with what picking among them needs: a hash ring over their tags (consistent hash only) and,
 * per network, the members that can carry it. Picks take no lock and allocate nothing; the retry helpers used after
 * a failed dial may.
 */
public final class TierView {
    /** The first pick has tried no one; never written, so it is shared by every thread. */
    private static final BitSet NONE_TRIED = new BitSet();

    private final MemberState[] members;
    private final HashRing ring;
    /** Per {@link Network#ordinal()}: positions in {@link #members} of those supporting that network. */
    private final int[][] eligible;

    private TierView(MemberState[] members, HashRing ring) {
        this.members = members;
        this.ring = ring;
        Network[] networks = Network.values();
        this.eligible = new int[networks.length][];
        for (Network network : networks) {
            int count = 0;
            int[] positions = new int[members.length];
            for (int i = 0; i < members.length; i++) {
                if (members[i].supports(network)) {
                    positions[count++] = i;
                }
            }
            eligible[network.ordinal()] = java.util.Arrays.copyOf(positions, count);
        }
    }

    /**
     * A view of {@code members} (sorted by index here). With {@code virtualNodes > 0} it has a ring, reused from
     * {@code previous} when that view has exactly the same members: the ring is rebuilt only when the set changes.
     */
    public static TierView of(List<MemberState> members, int virtualNodes, TierView previous) {
        MemberState[] sorted = members.toArray(new MemberState[0]);
        java.util.Arrays.sort(sorted, (a, b) -> Integer.compare(a.index, b.index));
        HashRing ring = null;
        if (virtualNodes > 0 && sorted.length > 0) {
            if (previous != null && previous.ring != null && previous.sameMembers(sorted)) {
                ring = previous.ring;
            } else {
                List<String> tags = new ArrayList<>(sorted.length);
                for (MemberState m : sorted) {
                    tags.add(m.tag);
                }
                ring = HashRing.build(tags, virtualNodes);
            }
        }
        return new TierView(sorted, ring);
    }

    private boolean sameMembers(MemberState[] other) {
        if (other.length != members.length) {
            return false;
        }
        for (int i = 0; i < other.length; i++) {
            if (other[i] != members[i]) {
                return false;
            }
        }
        return true;
    }

    public boolean isEmpty() {
        return members.length == 0;
    }

    public int size() {
        return members.length;
    }

    public MemberState member(int position) {
        return members[position];
    }

    /** Whether the same ring object serves both views (it was not rebuilt). */
    public boolean sharesRing(TierView other) {
        return other != null && ring != null && ring == other.ring;
    }

    public HashRing ring() {
        return ring;
    }

    /** Whether some member can carry {@code network}. */
    public boolean serves(Network network) {
        return eligible[network.ordinal()].length > 0;
    }

    /** A uniformly random member able to carry {@code network}; the view must {@link #serves serve} it. */
    public MemberState pickRandom(Network network) {
        int[] candidates = eligible[network.ordinal()];
        return members[candidates[ThreadLocalRandom.current().nextInt(candidates.length)]];
    }

    /**
     * The member owning the first point at or after {@code hash}, walking clockwise past members that cannot carry
     * {@code network}; the view must have a ring and serve the network.
     */
    public MemberState pickHash(long hash, Network network) {
        MemberState m = nextHash(hash, network, NONE_TRIED);
        if (m == null) {
            throw new IllegalStateException("no member carries " + network);
        }
        return m;
    }

    /**
     * After failed dials: the next distinct member clockwise from where {@code hash} lands that carries
     * {@code network} and is not in {@code tried} (member indices), or null.
     */
    public MemberState nextHash(long hash, Network network, BitSet tried) {
        int size = ring.size();
        int start = ring.ceiling(hash);
        for (int k = 0; k < size; k++) {
            int index = start + k;
            MemberState m = members[ring.owner(index < size ? index : index - size)];
            if (m.supports(network) && !tried.get(m.index)) {
                return m;
            }
        }
        return null;
    }

    /** After failed dials: a random member carrying {@code network} not in {@code tried}, or null. */
    public MemberState nextRandom(Network network, BitSet tried) {
        List<MemberState> left = new ArrayList<>();
        for (int position : eligible[network.ordinal()]) {
            if (!tried.get(members[position].index)) {
                left.add(members[position]);
            }
        }
        return left.isEmpty() ? null : left.get(ThreadLocalRandom.current().nextInt(left.size()));
    }

    /** The members, by index. */
    public List<MemberState> members() {
        return List.of(members);
    }

    @Override
    public String toString() {
        return members().toString();
    }
}
