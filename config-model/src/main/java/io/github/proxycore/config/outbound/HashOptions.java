package io.github.proxycore.config.outbound;

import java.util.List;

/**
 * Consistent-hash settings of a {@code loadbalance} outbound.
 *
 * @param keyParts metadata fields joined with {@code |} into the key; required for {@code consistent_hash}
 * @param virtualNodes ring points per member (default 100)
 * @param onEmptyKey what to do when every key part is missing (default {@code random})
 * @param keySalt a prefix of every key, to give separate balancers separate mappings (default empty; the alias
 *     {@code salt} is accepted)
 */
public record HashOptions(List<HashKeyPart> keyParts, int virtualNodes, OnEmptyKey onEmptyKey, String keySalt) {
    public static final int DEFAULT_VIRTUAL_NODES = 100;

    /** No key parts, default ring size: what a {@code random} balancer carries. */
    public static final HashOptions DEFAULT = new HashOptions(List.of(), DEFAULT_VIRTUAL_NODES, OnEmptyKey.RANDOM, "");

    public HashOptions {
        keyParts = keyParts == null ? List.of() : List.copyOf(keyParts);
        keySalt = keySalt == null ? "" : keySalt;
    }

    /** Hashing on {@code parts} with the default ring size, empty-key rule and no salt. */
    public static HashOptions of(HashKeyPart... parts) {
        return new HashOptions(List.of(parts), DEFAULT_VIRTUAL_NODES, OnEmptyKey.RANDOM, "");
    }
}
