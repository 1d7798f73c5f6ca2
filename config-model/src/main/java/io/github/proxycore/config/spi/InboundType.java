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

    /** {@return the {@code type} field's value, e.g. {@code mixed}; unique among the registered inbound types} */
    String type();

    /** {@return the class of the options {@link #bind} returns} */
    Class<T> optionsClass();

    /**
     * Reads one element of {@code inbounds} ({@code type} and {@code tag} are read already); see
     * {@link OutboundType#bind}. The listen fields are read with {@link ConfigObject#listenOptions()}.
     *
     * @param tag the {@code tag} field, or the type's name when it has none
     * @param json the element
     * @return the options, or null when nothing sensible can be built
     */
    T bind(String tag, ConfigObject json);

    /**
     * Checks the options; the listen options ({@link InboundOptions#listen()}) are checked already.
     *
     * @param options the options
     * @param checks where problems are reported
     */
    default void validate(T options, ConfigChecks checks) {}
}
