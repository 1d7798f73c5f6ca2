package io.github.proxycore.loadbalance.internal;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The registrable domain (eTLD+1) of a host name, by the Public Suffix List compiled into Guava, with the
 * normalisation docs/loadbalance.md describes: lowercase, port and trailing dot stripped; an IP literal has none
 * ({@code null}, written {@code -} in keys); a name the list does not cover ({@code localhost}, an unknown TLD, a
 * public suffix itself) gives the normalised name.
 *
 * <p>The whole list is used, private suffixes included ({@code foo.github.io} stays {@code foo.github.io}), as Go's
 * {@code publicsuffix.EffectiveTLDPlusOne} does. A lookup costs most of a microsecond and several allocations, so
 * results are cached in a fixed-size, 4-way set-associative table keyed by the raw name: lock-free, and a hit
 * allocates nothing. A full set evicts one of its entries in turn, which bounds memory whatever the traffic.
 */
public final class EtldPlusOne {
    /** Entries of the default cache: a few hundred KiB at most, enough for the sites of a busy household. */
    public static final int DEFAULT_CACHE_SIZE = 4096;

    private static final int WAYS = 4;

    private final Entry[] table;
    private final int setMask;
    /** Which way a full set evicts next; racy on purpose (any value is a valid choice). */
    private int victim;

    /** Immutable, so a racy read of the table sees either null or a complete entry (final-field semantics). */
    private static final class Entry {
        final String raw;
        /** The eTLD+1 as UTF-8, or null when the name has none (an IP literal, nothing left after normalising). */
        final byte[] utf8;

        Entry(String raw, byte[] utf8) {
            this.raw = raw;
            this.utf8 = utf8;
        }
    }

    /** @param cacheSize entries, rounded up to a power of two (at least {@value #WAYS}) */
    public EtldPlusOne(int cacheSize) {
        if (cacheSize < 1) {
            throw new IllegalArgumentException("cacheSize must be positive, got " + cacheSize);
        }
        int size = Math.max(WAYS, Integer.highestOneBit(cacheSize - 1) << 1);
        this.table = new Entry[size];
        this.setMask = size / WAYS - 1;
    }

    public EtldPlusOne() {
        this(DEFAULT_CACHE_SIZE);
    }

    /** The eTLD+1 of {@code host} as UTF-8 bytes (do not modify), or {@code null} if it has none. Cached. */
    public byte[] lookupUtf8(String host) {
        int h = host.hashCode();
        int base = ((h ^ (h >>> 16)) & setMask) * WAYS;
        Entry[] t = table;
        for (int way = 0; way < WAYS; way++) {
            Entry entry = t[base + way];
            if (entry == null) {
                break; // ways fill in order, so the name is not further on
            }
            if (entry.raw.equals(host)) {
                return entry.utf8;
            }
        }
        String value = compute(host);
        byte[] utf8 = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        Entry fresh = new Entry(host, utf8);
        for (int way = 0; way < WAYS; way++) {
            if (t[base + way] == null) {
                t[base + way] = fresh;
                return utf8;
            }
        }
        int v = victim++;
        t[base + (v & (WAYS - 1))] = fresh;
        return utf8;
    }

    /**
     * The eTLD+1 of {@code host}, uncached: {@code www.example.co.uk} → {@code example.co.uk},
     * {@code EXAMPLE.COM:443} → {@code example.com}, {@code 192.168.1.1} and {@code 2001:db8::1} → {@code null},
     * {@code localhost} → {@code localhost}.
     */
    public static String compute(String host) {
        String name = normalise(host);
        if (name == null) {
            return null;
        }
        try {
            InternetDomainName domain = InternetDomainName.from(name);
            if (domain.isUnderPublicSuffix()) {
                return domain.topPrivateDomain().toString();
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // not a name the list can judge (underscores, too long, a suffix itself): the normalised name stands
        }
        return name;
    }

    /**
     * Lowercases {@code host} and strips a port and trailing dots; {@code null} for an IP literal (bracketed or
     * not, with or without a port) or an empty result.
     */
    static String normalise(String host) {
        String s = host.trim();
        if (s.isEmpty()) {
            return null;
        }
        if (s.charAt(0) == '[') {
            return null; // "[2001:db8::1]" or "[2001:db8::1]:443": only IPv6 literals are bracketed
        }
        int colon = s.indexOf(':');
        if (colon >= 0) {
            if (s.indexOf(':', colon + 1) >= 0) {
                return null; // two or more colons: an IPv6 literal (a domain cannot contain one)
            }
            s = s.substring(0, colon);
        }
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '.') {
            end--;
        }
        s = s.substring(0, end).toLowerCase(Locale.ROOT);
        if (s.isEmpty() || InetAddresses.isInetAddress(s)) {
            return null;
        }
        return s;
    }
}
