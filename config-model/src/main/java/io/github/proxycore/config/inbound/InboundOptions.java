package io.github.proxycore.config.inbound;

import io.github.proxycore.config.ListenOptions;

/**
 * The options of one inbound, an element of the configuration's {@code inbounds} array. Open like
 * {@link io.github.proxycore.config.outbound.OutboundOptions}: a module adds a type with an
 * {@link io.github.proxycore.config.spi.InboundType}.
 */
public interface InboundOptions {
    /** {@return the {@code type} field: {@code mixed}, {@code anytls}, or a module's} */
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
