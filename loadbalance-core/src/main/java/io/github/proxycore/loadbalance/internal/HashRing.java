package io.github.proxycore.loadbalance.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import net.openhft.hashing.LongHashFunction;

/**
 * An immutable consistent-hash ring (docs/loadbalance.md): member {@code j} with tag {@code t} owns the points
 * {@code XXH64("t:i")} (seed 0, UTF-8) for {@code i} in {@code 0..V-1}; points are ordered as unsigned 64-bit values
 * and a key hash maps to the first point at or after it, wrapping to the first point. Equal points are ordered by
 * tag, so the same set of tags gives the same ring whatever their order, on every machine and every run.
 *
 * <p>{@link #ceiling(long)} is an index lookup by the hash's top bits and a short binary search over a
 * {@code long[]}: no lock, no allocation. Owners are positions in the tag list the ring was built from.
 */
public final class HashRing {
    /** XXH64 with seed 0, the hash of every key and ring point (Go's {@code xxhash.Sum64}). */
    public static final LongHashFunction XXH64 = LongHashFunction.xx();

    /** Points with the sign bit flipped, so that signed order is the unsigned order of the real points. */
    private final long[] points;

    private final int[] owners;
    /**
     * A lookup index by the top {@code bucketBits} bits of a hash: {@code bucketStart[b]} is the first point at or
     * after the smallest hash of bucket b, so a lookup searches only its bucket's few points, not the whole ring.
     */
    private final int[] bucketStart;

    private final int bucketShift;

    private HashRing(long[] points, int[] owners) {
        this.points = points;
        this.owners = owners;
        // about four points per bucket: a couple of comparisons after the index
        int bits = Math.max(1, Math.min(20, 31 - Integer.numberOfLeadingZeros(points.length) - 2));
        this.bucketShift = 64 - bits;
        int buckets = 1 << bits;
        this.bucketStart = new int[buckets + 1];
        for (int b = 0; b < buckets; b++) {
            long firstHash = (long) b << bucketShift;
            bucketStart[b] = lowerBound(points, 0, points.length, firstHash ^ Long.MIN_VALUE);
        }
        bucketStart[buckets] = points.length;
    }

    /**
     * Builds the ring of {@code tags}, {@code virtualNodes} points each.
     *
     * @throws IllegalArgumentException if there are no tags, a tag repeats, or {@code virtualNodes < 1}
     */
    public static HashRing build(List<String> tags, int virtualNodes) {
        Objects.requireNonNull(tags, "tags");
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("a ring needs at least one member");
        }
        if (virtualNodes < 1) {
            throw new IllegalArgumentException("virtualNodes must be at least 1, got " + virtualNodes);
        }
        int n = tags.size();
        // rank[j] is tag j's place in sorted order: the tie-break between equal points, independent of input order.
        String[] sorted = tags.toArray(new String[0]);
        Arrays.sort(sorted);
        for (int i = 1; i < n; i++) {
            if (sorted[i].equals(sorted[i - 1])) {
                throw new IllegalArgumentException("duplicate ring member \"" + sorted[i] + "\"");
            }
        }
        int[] rank = new int[n];
        for (int j = 0; j < n; j++) {
            rank[j] = Arrays.binarySearch(sorted, tags.get(j));
        }
        int size = Math.multiplyExact(n, virtualNodes);
        long[] keys = new long[size];
        int[] owner = new int[size];
        byte[] scratch = new byte[64];
        int k = 0;
        for (int j = 0; j < n; j++) {
            byte[] tag = tags.get(j).getBytes(StandardCharsets.UTF_8);
            if (scratch.length < tag.length + 12) {
                scratch = new byte[tag.length + 12];
            }
            System.arraycopy(tag, 0, scratch, 0, tag.length);
            scratch[tag.length] = ':';
            for (int i = 0; i < virtualNodes; i++) {
                int length = KeyBuffer.writeDecimal(scratch, tag.length + 1, i);
                keys[k] = XXH64.hashBytes(scratch, 0, length) ^ Long.MIN_VALUE;
                owner[k] = j;
                k++;
            }
        }
        sort(keys, owner, rank);
        return new HashRing(keys, owner);
    }

    /**
     * Sorts the parallel arrays by (point, rank of owner): a primitive sort of the points, then each owner placed at
     * its point's position. Equal points (vanishingly rare with 64 bits) form runs whose owners are then ordered by
     * rank, so the result does not depend on the input order.
     */
    static void sort(long[] keys, int[] owner, int[] rank) {
        int size = keys.length;
        long[] sorted = keys.clone();
        Arrays.sort(sorted);
        int[] placed = new int[size];
        Arrays.fill(placed, -1);
        for (int k = 0; k < size; k++) {
            int position = lowerBound(sorted, 0, size, keys[k]);
            while (placed[position] != -1) {
                position++; // an equal point took this place
            }
            placed[position] = owner[k];
        }
        for (int i = 0; i < size; ) {
            int end = i + 1;
            while (end < size && sorted[end] == sorted[i]) {
                end++;
            }
            for (int a = i + 1; a < end; a++) { // insertion sort of a run of equal points, by rank
                int o = placed[a];
                int b = a - 1;
                while (b >= i && rank[placed[b]] > rank[o]) {
                    placed[b + 1] = placed[b];
                    b--;
                }
                placed[b + 1] = o;
            }
            i = end;
        }
        System.arraycopy(sorted, 0, keys, 0, size);
        System.arraycopy(placed, 0, owner, 0, size);
    }

    /** The first index in {@code [lo, hi)} whose value is at least {@code key} ({@code hi} if none). */
    private static int lowerBound(long[] sorted, int lo, int hi, long key) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The index of the first point at or after {@code hash} (unsigned), wrapping to 0 past the last point. */
    public int ceiling(long hash) {
        int bucket = (int) (hash >>> bucketShift);
        int index = lowerBound(points, bucketStart[bucket], bucketStart[bucket + 1], hash ^ Long.MIN_VALUE);
        return index == points.length ? 0 : index;
    }

    /** The member (position in the build list) owning point {@code index}. */
    public int owner(int index) {
        return owners[index];
    }

    /** The hash value of point {@code index}. */
    public long point(int index) {
        return points[index] ^ Long.MIN_VALUE;
    }

    /** The number of points. */
    public int size() {
        return points.length;
    }

    /** The owner of the key with this hash: {@code owner(ceiling(hash))}. */
    public int lookup(long hash) {
        return owners[ceiling(hash)];
    }
}
