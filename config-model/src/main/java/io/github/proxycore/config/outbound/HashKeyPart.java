package io.github.proxycore.config.outbound;

/** One part of a consistent-hash key, taken from the connection's metadata (docs/loadbalance.md, "Hash keys"). */
public enum HashKeyPart {
    /** {@code src_ip}: the client's address (IPv6 in RFC 5952 form). */
    SRC_IP("src_ip"),
    /** {@code dst_ip}: the destination address; missing for a domain destination. */
    DST_IP("dst_ip"),
    /** {@code src_port}: the client's port. */
    SRC_PORT("src_port"),
    /** {@code dst_port}: the destination port. */
    DST_PORT("dst_port"),
    /** {@code network}: {@code tcp} or {@code udp}. */
    NETWORK("network"),
    /** {@code domain}: the destination domain, else the sniffed domain; lowercase, without a trailing dot. */
    DOMAIN("domain"),
    /** {@code inbound_tag}: the tag of the inbound that accepted the connection. */
    INBOUND_TAG("inbound_tag"),
    /** {@code matched_ruleset}: the tag of the rule set whose rule routed the connection. */
    MATCHED_RULESET("matched_ruleset"),
    /** {@code etld_plus_one}: the registrable domain of {@link #DOMAIN} (Public Suffix List). */
    ETLD_PLUS_ONE("etld_plus_one"),
    /** The matched rule-set tag if any, otherwise the destination's eTLD+1. */
    MATCHED_RULESET_OR_ETLD("matched_ruleset_or_etld");

    private final String configName;

    HashKeyPart(String configName) {
        this.configName = configName;
    }

    /** {@return the name in configuration files, e.g. {@code "src_ip"}} */
    public String configName() {
        return configName;
    }
}
