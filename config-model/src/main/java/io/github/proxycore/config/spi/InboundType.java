package io.github.proxycore.config.spi;

import io.github.proxycore.config.inbound.InboundOptions;

/**
 * The JSON binding and validation of one inbound {@code type}, registered with {@link java.util.ServiceLoader} in
 * {@code META-INF/services/io.github.proxycore.config.spi.InboundType}; the inbound counterpart of
 * {@link OutboundType}, with the same rules.
 *
 * @param <T> the options record this type binds
 */
public interface InboundType<T extends InboundOptions> {

    /** The {@code type} field's value, e.g. {@code mixed}; unique among the registered inbound types. */
    String type();

    /** The class of the options {@link #bind} returns. */
    Class<T> optionsClass();

    /**
     * Reads one element of {@code inbounds} ({@code type} and {@code tag} are read already); see
     * {@link OutboundType#bind}. The listen fields are read with {@link ConfigObject#listenOptions()}.
     *
     * @param tag the {@code tag} field, or the type's name when it has none
     */
    T bind(String tag, ConfigObject json);

    /** Checks the options; the listen options ({@link InboundOptions#listen()}) are checked already. */
    default void validate(T options, ConfigChecks checks) {}
}
