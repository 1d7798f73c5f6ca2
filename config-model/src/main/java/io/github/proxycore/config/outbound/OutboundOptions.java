package io.github.proxycore.config.outbound;

import java.util.List;

/**
 * The options of one outbound, as one element of the configuration's {@code outbounds} array. The {@link #type()}
 * selects the implementation; the {@link #tag()} names it for routes and for other outbounds.
 *
 * <p>The set is open: a module adds a type with its own options record, its JSON binding (an
 * {@link io.github.proxycore.config.spi.OutboundType}) and its implementation, all found with
 * {@link java.util.ServiceLoader} (see {@link io.github.proxycore.config.spi}).
 */
public interface OutboundOptions {

    /**
     * {@return the {@code type} field: {@code anytls}, {@code loadbalance}, {@code selector}, {@code urltest},
     * {@code direct}, {@code block}, or a module's}
     */
    String type();

    /** {@return the {@code tag} field, unique among outbounds} */
    String tag();

    /** {@return the tags of the other outbounds this one uses (members, detours); they are built first} */
    default List<String> dependencies() {
        return List.of();
    }
}
