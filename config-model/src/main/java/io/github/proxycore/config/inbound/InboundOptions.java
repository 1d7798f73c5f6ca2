package io.github.proxycore.config.inbound;

import io.github.proxycore.config.ListenOptions;

/** The options of one inbound, an element of the configuration's {@code inbounds} array. */
public sealed interface InboundOptions permits MixedInboundOptions, AnyTlsInboundOptions {
    /** {@return the {@code type} field: {@code mixed} or {@code anytls}} */
    String type();

    /**
     * The {@code tag} field; defaults to the type name when absent. Route rules match it with {@code inbound}.
     *
     * @return the tag
     */
    String tag();

    /** {@return where the inbound listens} */
    ListenOptions listen();
}
