package io.github.proxycore.loadbalance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.loadbalance.internal.TopN.Candidate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TopNTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private static Candidate c(int member, long latencyMillis) {
        return new Candidate(member, "m" + member, latencyMillis * MS);
    }

    private static List<Integer> select(List<Candidate> candidates, int n, List<Integer> previous, long toleranceMs) {
        boolean[] marks = new boolean[16];
        for (int p : previous) {
            marks[p] = true;
        }
        List<Integer> out = new ArrayList<>();
        for (Candidate selected : TopN.select(candidates, n, marks, toleranceMs * MS)) {
            out.add(selected.member());
        }
        return out;
    }

    /** The rule: an incumbent at 65 -> 70 ms stays against a newcomer at 60 (tolerance 50)... */
    @Test
    void incumbentWithinToleranceStays() {
        List<Integer> first = select(List.of(c(1, 65)), 1, List.of(), 50);
        assertThat(first).containsExactly(1);
        assertThat(select(List.of(c(1, 70), c(2, 60)), 1, first, 50)).containsExactly(1);
    }

    /** ...and a newcomer at 10 ms, faster by more than the tolerance, replaces it. */
    @Test
    void muchFasterNewcomerReplacesTheIncumbent() {
        assertThat(select(List.of(c(1, 70), c(2, 10)), 1, List.of(1), 50)).containsExactly(2);
        // exactly the tolerance faster is not enough
        assertThat(select(List.of(c(1, 70), c(2, 20)), 1, List.of(1), 50)).containsExactly(1);
        assertThat(select(List.of(c(1, 70), c(2, 19)), 1, List.of(1), 50)).containsExactly(2);
    }

    /** docs/loadbalance.md's tolerance rule, Top-3 and tolerance 50: a member now 4th but a bit slower stays. */
    @Test
    void seedExampleFourthPlaceWithinToleranceStays() {
        List<Integer> before = select(List.of(c(1, 50), c(2, 60), c(3, 70), c(4, 200)), 3, List.of(), 50);
        assertThat(before).containsExactly(1, 2, 3);
        // member 3 slows down by 30 ms and a newcomer at 65 ms now ranks ahead of it
        List<Integer> after = select(List.of(c(1, 50), c(2, 60), c(3, 100), c(4, 65)), 3, before, 50);
        assertThat(after).containsExactlyInAnyOrder(1, 2, 3);
        // without tolerance the plain Top-3 wins
        assertThat(select(List.of(c(1, 50), c(2, 60), c(3, 100), c(4, 65)), 3, before, 0))
                .containsExactly(1, 2, 4);
    }

    @Test
    void incumbentBeyondToleranceOfTheCutoffLeaves() {
        // cut-off (3rd fastest) is 65 ms; member 3 at 116 ms is more than 50 ms above it
        assertThat(select(List.of(c(1, 50), c(2, 60), c(3, 116), c(4, 65)), 3, List.of(1, 2, 3), 50))
                .containsExactly(1, 2, 4);
    }

    @Test
    void vacanciesGoToTheFastestNewcomers() {
        assertThat(select(List.of(c(1, 50), c(4, 90), c(5, 80), c(6, 85)), 3, List.of(1, 2, 3), 50))
                .containsExactly(1, 5, 6);
    }

    @Test
    void zeroOrEnoughSlotsMeansEveryone() {
        List<Candidate> all = List.of(c(3, 30), c(1, 10), c(2, 20));
        assertThat(select(all, 0, List.of(), 0)).containsExactly(1, 2, 3);
        assertThat(select(all, 3, List.of(), 0)).containsExactly(1, 2, 3);
        assertThat(select(all, 7, List.of(), 0)).containsExactly(1, 2, 3);
        assertThat(select(List.of(), 2, List.of(1), 10)).isEmpty();
    }

    @Test
    void tiesBreakByTagWhateverTheInputOrder() {
        List<Candidate> all = new ArrayList<>(List.of(c(1, 40), c(2, 40), c(3, 40), c(4, 40), c(5, 10)));
        Random random = new Random(9);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(all, random);
            assertThat(select(all, 3, List.of(), 0)).containsExactly(5, 1, 2);
        }
    }

    @Test
    void moreQualifyingIncumbentsThanSlotsKeepsTheFastest() {
        assertThat(select(List.of(c(1, 10), c(2, 20), c(3, 30), c(4, 15)), 2, List.of(1, 2, 3), 100))
                .containsExactly(1, 2);
    }

    @Test
    void unknownLatencySortsLast() {
        List<Candidate> all = List.of(new Candidate(1, "m1", Long.MAX_VALUE), c(2, 500));
        assertThat(select(all, 1, List.of(1), Long.MAX_VALUE / MS)).containsExactly(1);
        assertThat(select(all, 1, List.of(), 0)).containsExactly(2);
    }
}
