package io.github.proxycore.config.outbound;

/** One part of a consistent-hash key, taken from the connection's metadata (seed 001's key-part table). */
public enum HashKeyPart {
    SRC_IP("src_ip"),
    DST_IP("dst_ip"),
    SRC_PORT("src_port"),
    DST_PORT("dst_port"),
    NETWORK("network"),
    DOMAIN("domain"),
    INBOUND_TAG("inbound_tag"),
    MATCHED_RULESET("matched_ruleset"),
    ETLD_PLUS_ONE("etld_plus_one"),
    /** The matched rule-set tag if any, otherwise the destination's eTLD+1. */
    MATCHED_RULESET_OR_ETLD("matched_ruleset_or_etld");

    private final String configName;

    HashKeyPart(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
