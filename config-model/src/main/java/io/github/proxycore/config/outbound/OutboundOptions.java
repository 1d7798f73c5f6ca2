package io.github.proxycore.config.outbound;

import java.util.List;

/**
 * The options of one outbound, as one element of the configuration's {@code outbounds} array. The {@link #type()}
 * selects the implementation; the {@link #tag()} names it for routes and for other outbounds.
 */
public sealed interface OutboundOptions
        permits AnyTlsOutboundOptions,
                LoadBalanceOutboundOptions,
                SelectorOutboundOptions,
                UrlTestOutboundOptions,
                DirectOutboundOptions,
                BlockOutboundOptions {

    /**
     * The {@code type} field: {@code anytls}, {@code loadbalance}, {@code selector}, {@code urltest}, {@code direct}
     * or {@code block}.
     */
    String type();

    /** The {@code tag} field, unique among outbounds. */
    String tag();

    /** Tags of the other outbounds this one uses (members, detours); they are built first. */
    default List<String> dependencies() {
        return List.of();
    }
}
