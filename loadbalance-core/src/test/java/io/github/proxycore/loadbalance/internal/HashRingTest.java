package io.github.proxycore.loadbalance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HashRingTest {

    private static long xxh64(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return HashRing.XXH64.hashBytes(b, 0, b.length);
    }

    @Test
    void xxh64GoldenVectors() {
        assertThat(Long.toHexString(xxh64(""))).isEqualTo("ef46db3751d8e999");
        assertThat(Long.toHexString(xxh64("a"))).isEqualTo("d24ec4f1a98c6e5b");
        assertThat(Long.toHexString(xxh64("abc"))).isEqualTo("44bc2cf5ad770999");
        // longer than 32 bytes: the four-lane path (value from an independent XXH64 implementation in Go)
        assertThat(Long.toHexString(xxh64("The quick brown fox jumps over the lazy dog, forty bytes long!")))
                .isEqualTo("64850d5c82ab23f4");
    }

    /** Fixed forever: the mapping the ring of docs/loadbalance.md must produce (cross-checked with Go). */
    @Test
    void goldenRingOverFourProxies() {
        HashRing ring = HashRing.build(List.of("proxy-1", "proxy-2", "proxy-3", "proxy-4"), 100);
        String[][] golden = {
            {"192.168.1.100", "proxy-1"},
            {"192.168.1.101", "proxy-1"},
            {"192.168.1.102", "proxy-1"},
            {"192.168.1.103", "proxy-2"},
            {"192.168.1.104", "proxy-3"},
            {"192.168.1.105", "proxy-2"},
            {"192.168.1.106", "proxy-4"},
            {"192.168.1.107", "proxy-4"},
            {"192.168.1.108", "proxy-3"},
            {"192.168.1.109", "proxy-4"},
            {"10.0.0.1|example.com", "proxy-3"},
            {"10.0.0.2|example.com", "proxy-4"},
            {"10.0.0.3|example.com", "proxy-3"},
            {"10.0.0.4|example.com", "proxy-3"},
            {"10.0.0.5|example.com", "proxy-4"},
            {"10.0.0.6|example.com", "proxy-2"},
            {"10.0.0.7|example.com", "proxy-1"},
            {"10.0.0.8|example.com", "proxy-2"},
            {"10.0.0.9|example.com", "proxy-2"},
            {"10.0.0.10|example.com", "proxy-4"},
        };
        List<String> tags = List.of("proxy-1", "proxy-2", "proxy-3", "proxy-4");
        for (String[] row : golden) {
            assertThat(tags.get(ring.lookup(xxh64(row[0])))).as(row[0]).isEqualTo(row[1]);
        }
        assertThat(ring.size()).isEqualTo(400);
        assertThat(Long.toHexString(ring.point(0))).isEqualTo("230339faf953b94");
        assertThat(Long.toHexString(ring.point(399))).isEqualTo("ffc7b31c3753f9ee");
        assertThat(tags.get(ring.owner(0))).isEqualTo("proxy-4");
    }

    @Test
    void pointsAreInUnsignedOrderAndLookupMatchesALinearScan() {
        Random random = new Random(7);
        int[][] shapes = {{1, 1}, {1, 3}, {2, 5}, {3, 16}, {7, 37}, {50, 100}};
        for (int[] shape : shapes) {
            List<String> tags = new ArrayList<>();
            for (int i = 0; i < shape[0]; i++) {
                tags.add("m" + i);
            }
            HashRing ring = HashRing.build(tags, shape[1]);
            for (int i = 1; i < ring.size(); i++) {
                assertThat(Long.compareUnsigned(ring.point(i - 1), ring.point(i)))
                        .isLessThanOrEqualTo(0);
            }
            // checked against a brute-force lookup: the unsigned-smallest point >= h, else the unsigned-smallest point
            // overall
            for (int k = 0; k < 3_000; k++) {
                long h = k < 4
                        ? new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE}[k]
                        : k < 4 + ring.size() ? ring.point(k - 4) + (k % 2) : random.nextLong();
                int best = -1;
                int smallest = 0;
                for (int i = 0; i < ring.size(); i++) {
                    long p = ring.point(i);
                    if (Long.compareUnsigned(p, h) >= 0
                            && (best < 0 || Long.compareUnsigned(p, ring.point(best)) < 0)) {
                        best = i;
                    }
                    if (Long.compareUnsigned(p, ring.point(smallest)) < 0) {
                        smallest = i;
                    }
                }
                int expected = best < 0 ? smallest : best;
                assertThat(ring.ceiling(h))
                        .as("%d points, hash %x", ring.size(), h)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void aKeyPastTheLastPointWrapsToTheFirst() {
        HashRing ring = HashRing.build(List.of("x", "y", "z"), 10);
        long last = ring.point(ring.size() - 1);
        assertThat(ring.ceiling(last)).isEqualTo(ring.size() - 1);
        if (last != -1L) {
            assertThat(ring.ceiling(last + 1)).isZero();
        }
        assertThat(ring.ceiling(-1L)).isIn(0, ring.size() - 1);
        assertThat(ring.ceiling(ring.point(0))).isZero();
    }

    @Test
    void memberOrderDoesNotMatter() {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tags.add("member-" + i);
        }
        HashRing a = HashRing.build(tags, 100);
        List<String> shuffled = new ArrayList<>(tags);
        Collections.shuffle(shuffled, new Random(3));
        HashRing b = HashRing.build(shuffled, 100);
        Random random = new Random(11);
        for (int k = 0; k < 100_000; k++) {
            long h = random.nextLong();
            assertThat(shuffled.get(b.lookup(h))).isEqualTo(tags.get(a.lookup(h)));
        }
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.point(i)).isEqualTo(a.point(i));
            assertThat(shuffled.get(b.owner(i))).isEqualTo(tags.get(a.owner(i)));
        }
    }

    @Test
    void removingAMemberMovesOnlyItsKeysAndAddingOneMovesKeysOnlyToIt() {
        List<String> tags = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            tags.add("proxy-" + i);
        }
        HashRing full = HashRing.build(tags, 100);
        List<String> without = new ArrayList<>(tags);
        without.remove("proxy-4");
        HashRing reduced = HashRing.build(without, 100);
        Random random = new Random(5);
        int moved = 0;
        int keys = 200_000;
        for (int k = 0; k < keys; k++) {
            long h = random.nextLong();
            String before = tags.get(full.lookup(h));
            String after = without.get(reduced.lookup(h));
            if (!before.equals("proxy-4")) {
                assertThat(after).as("a key of a remaining member stays").isEqualTo(before);
            } else {
                assertThat(after).isNotEqualTo("proxy-4");
                moved++;
            }
            // read the other way round: going from the reduced ring to the full one is adding proxy-4
            if (!after.equals(before)) {
                assertThat(before).as("an added member only takes keys").isEqualTo("proxy-4");
            }
        }
        assertThat(moved).isBetween(keys / 10 / 2, keys / 10 * 2); // about 1/N of the keys
    }

    @Test
    void equalPointsAreOrderedByTheRankOfTheirOwner() {
        long[] keys = {5, 3, 5, 1, 5, 3};
        int[] owners = {2, 0, 1, 3, 0, 1};
        int[] rank = {1, 3, 0, 2}; // owner 2 ranks first, then 0, 3, 1
        HashRing.sort(keys, owners, rank);
        assertThat(keys).containsExactly(1, 3, 3, 5, 5, 5);
        assertThat(owners).containsExactly(3, 0, 1, 2, 0, 1);
        long[] shuffledKeys = {5, 5, 3, 1, 3, 5};
        int[] shuffledOwners = {1, 0, 1, 3, 0, 2};
        HashRing.sort(shuffledKeys, shuffledOwners, rank);
        assertThat(shuffledKeys).containsExactly(keys);
        assertThat(shuffledOwners).containsExactly(owners);
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> HashRing.build(List.of(), 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HashRing.build(List.of("a", "a"), 10)).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> HashRing.build(List.of("a"), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pointsAreTheHashesOfTagColonIndex() {
        HashRing ring = HashRing.build(List.of("només-ü"), 12);
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            expected.add(xxh64("només-ü:" + i));
        }
        expected.sort(Long::compareUnsigned);
        for (int i = 0; i < 12; i++) {
            assertThat(ring.point(i)).isEqualTo(expected.get(i));
        }
    }
}
