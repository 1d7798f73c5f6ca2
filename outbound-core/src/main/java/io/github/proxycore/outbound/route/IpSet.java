package io.github.proxycore.outbound.route;

import io.github.proxycore.config.route.IpPrefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A set of IP prefixes as sorted, merged, disjoint ranges: a lookup is a binary search, so a geoip-sized list of
 * thousands of prefixes costs about as much as a short one. IPv4 addresses are held in the low half of a 128-bit
 * key space of their own; IPv6 addresses compare as unsigned 128-bit numbers. Immutable and thread-safe.
 */
final class IpSet {
    static final IpSet EMPTY = new IpSet(new long[0], new long[0], new long[0], new long[0], new long[0], new long[0]);

    private final long[] v4Start;
    private final long[] v4End;
    private final long[] v6StartHi;
    private final long[] v6StartLo;
    private final long[] v6EndHi;
    private final long[] v6EndLo;

    private IpSet(long[] v4Start, long[] v4End, long[] v6StartHi, long[] v6StartLo, long[] v6EndHi, long[] v6EndLo) {
        this.v4Start = v4Start;
        this.v4End = v4End;
        this.v6StartHi = v6StartHi;
        this.v6StartLo = v6StartLo;
        this.v6EndHi = v6EndHi;
        this.v6EndLo = v6EndLo;
    }

    private record Range(long startHi, long startLo, long endHi, long endLo) {}

    private static final Comparator<Range> BY_START = (a, b) -> compare(a.startHi, a.startLo, b.startHi, b.startLo);

    static IpSet of(List<IpPrefix> prefixes) {
        if (prefixes.isEmpty()) {
            return EMPTY;
        }
        List<Range> v4 = new ArrayList<>();
        List<Range> v6 = new ArrayList<>();
        for (IpPrefix prefix : prefixes) {
            byte[] network = prefix.networkAddress();
            if (network.length == 4) {
                long start = toLong(network, 0, 4);
                long end = start | ((1L << (32 - prefix.bits())) - 1);
                v4.add(new Range(0, start, 0, end));
            } else {
                long hi = toLong(network, 0, 8);
                long lo = toLong(network, 8, 8);
                int hostBits = 128 - prefix.bits();
                long hiMask = hostBits >= 128 ? -1L : hostBits > 64 ? (1L << (hostBits - 64)) - 1 : 0;
                long loMask = hostBits >= 64 ? -1L : (1L << hostBits) - 1;
                v6.add(new Range(hi, lo, hi | hiMask, lo | loMask));
            }
        }
        List<Range> m4 = merge(v4);
        List<Range> m6 = merge(v6);
        long[] s4 = new long[m4.size()];
        long[] e4 = new long[m4.size()];
        for (int i = 0; i < s4.length; i++) {
            s4[i] = m4.get(i).startLo;
            e4[i] = m4.get(i).endLo;
        }
        long[] sh = new long[m6.size()];
        long[] sl = new long[m6.size()];
        long[] eh = new long[m6.size()];
        long[] el = new long[m6.size()];
        for (int i = 0; i < sh.length; i++) {
            Range r = m6.get(i);
            sh[i] = r.startHi;
            sl[i] = r.startLo;
            eh[i] = r.endHi;
            el[i] = r.endLo;
        }
        return new IpSet(s4, e4, sh, sl, eh, el);
    }

    /** Sorts by start and joins overlapping ranges, so at most one range can hold an address. */
    private static List<Range> merge(List<Range> ranges) {
        ranges.sort(BY_START);
        List<Range> out = new ArrayList<>();
        Range current = null;
        for (Range r : ranges) {
            if (current != null && compare(r.startHi, r.startLo, current.endHi, current.endLo) <= 0) {
                if (compare(r.endHi, r.endLo, current.endHi, current.endLo) > 0) {
                    current = new Range(current.startHi, current.startLo, r.endHi, r.endLo);
                }
            } else {
                if (current != null) {
                    out.add(current);
                }
                current = r;
            }
        }
        if (current != null) {
            out.add(current);
        }
        return out;
    }

    boolean isEmpty() {
        return v4Start.length == 0 && v6StartHi.length == 0;
    }

    /** Whether {@code address} (4 or 16 bytes; IPv4-mapped IPv6 is not unmapped here) is in the set. */
    boolean contains(byte[] address) {
        if (address.length == 4) {
            long a = toLong(address, 0, 4);
            int lo = 0;
            int hi = v4Start.length - 1;
            while (lo <= hi) { // the last range starting at or before a
                int mid = (lo + hi) >>> 1;
                if (v4Start[mid] <= a) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return hi >= 0 && a <= v4End[hi];
        }
        long ah = toLong(address, 0, 8);
        long al = toLong(address, 8, 8);
        int lo = 0;
        int hi = v6StartHi.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(v6StartHi[mid], v6StartLo[mid], ah, al) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && compare(ah, al, v6EndHi[hi], v6EndLo[hi]) <= 0;
    }

    private static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }

    private static long toLong(byte[] bytes, int offset, int length) {
        long v = 0;
        for (int i = 0; i < length; i++) {
            v = (v << 8) | (bytes[offset + i] & 0xff);
        }
        return v;
    }
}
