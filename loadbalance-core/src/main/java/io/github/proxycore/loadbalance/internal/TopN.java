package io.github.proxycore.loadbalance.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Top-N selection with tolerance (docs/loadbalance.md): which of a tier's usable members serve, given their latencies
 * and the previous selection. A pure function, so every rule is tested without clocks or sockets.
 *
 * <ul>
 *   <li>Candidates are ordered by latency, ties by tag, so equal inputs give the same set.
 *   <li>{@code n == 0} or at least as many slots as candidates: every candidate serves.
 *   <li>The cut-off is the n-th fastest latency. A previous member stays while its latency is within
 *       {@code tolerance} of the cut-off (the fastest n of them if more qualify).
 *   <li>Free slots go to the fastest other candidates.
 *   <li>Then a newcomer replaces the slowest selected member only when it is faster by more than the tolerance,
 *       repeatedly, so a clearly better member always gets in.
 * </ul>
 *
 * With tolerance 0 this is the plain Top-N, except that a previous member tying the cut-off keeps its place.
 */
public final class TopN {
    private TopN() {}

    /** A usable member: its index in the balancer, its tag, and its latency (nanoseconds). */
    public record Candidate(int member, String tag, long latencyNanos) {
        static final Comparator<Candidate> ORDER =
                Comparator.comparingLong(Candidate::latencyNanos).thenComparing(Candidate::tag);
    }

    /**
     * @param candidates the tier's usable members, any order
     * @param n slots, 0 for all
     * @param previous whether each member index was selected last time (may be shorter than the indices)
     * @param toleranceNanos how much slower than the cut-off a previous member may be and stay
     * @return the selected candidates, fastest first
     */
    public static List<Candidate> select(List<Candidate> candidates, int n, boolean[] previous, long toleranceNanos) {
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(Candidate.ORDER);
        if (n <= 0 || n >= sorted.size()) {
            return sorted;
        }
        long cutoff = sorted.get(n - 1).latencyNanos();
        long keepLimit = saturatedAdd(cutoff, toleranceNanos);
        List<Candidate> selected = new ArrayList<>(n);
        List<Candidate> others = new ArrayList<>(sorted.size());
        for (Candidate c : sorted) {
            if (selected.size() < n && wasSelected(previous, c.member()) && c.latencyNanos() <= keepLimit) {
                selected.add(c);
            } else {
                others.add(c);
            }
        }
        int next = 0;
        while (selected.size() < n) {
            selected.add(others.get(next++));
        }
        selected.sort(Candidate.ORDER);
        // others[next..] are sorted; the fastest of them challenges the slowest selected member
        while (next < others.size()) {
            Candidate challenger = others.get(next);
            Candidate slowest = selected.get(selected.size() - 1);
            if (challenger.latencyNanos() >= slowest.latencyNanos()
                    || slowest.latencyNanos() - challenger.latencyNanos() <= toleranceNanos) {
                break;
            }
            selected.remove(selected.size() - 1);
            selected.add(challenger);
            selected.sort(Candidate.ORDER);
            next++;
        }
        return selected;
    }

    private static boolean wasSelected(boolean[] previous, int member) {
        return previous != null && member < previous.length && previous[member];
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
