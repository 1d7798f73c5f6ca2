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
    /** The default {@code virtual_nodes}: 100 ring points per member. */
    public static final int DEFAULT_VIRTUAL_NODES = 100;

    /** No key parts, default ring size: what a {@code random} balancer carries. */
    public static final HashOptions DEFAULT = new HashOptions(List.of(), DEFAULT_VIRTUAL_NODES, OnEmptyKey.RANDOM, "");

    /**
     * Copies the key parts, reading {@code null} as none and a {@code null} salt as empty.
     *
     * @param keyParts {@code key_parts}, or {@code null}
     * @param virtualNodes {@code virtual_nodes}, 1 to 10000
     * @param onEmptyKey {@code on_empty_key}
     * @param keySalt {@code key_salt}, or {@code null} for none
     */
    public HashOptions {
        keyParts = keyParts == null ? List.of() : List.copyOf(keyParts);
        keySalt = keySalt == null ? "" : keySalt;
    }

    /**
     * Hashing on {@code parts} with the default ring size, empty-key rule and no salt.
     *
     * @param parts the key parts, in key order
     * @return the options
     */
    public static HashOptions of(HashKeyPart... parts) {
        return new HashOptions(List.of(parts), DEFAULT_VIRTUAL_NODES, OnEmptyKey.RANDOM, "");
    }
}
