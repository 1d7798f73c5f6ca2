package io.github.proxycore.config.spi;

import io.github.proxycore.config.outbound.OutboundOptions;

/**
 * The JSON binding and validation of one outbound {@code type}, registered with {@link java.util.ServiceLoader} in
 * {@code META-INF/services/io.github.proxycore.config.spi.OutboundType}. Every type, the built-in ones included, is
 * loaded this way.
 *
 * <pre>{@code
 * public final class PinnedType implements OutboundType<PinnedOptions> {
 *     public String type() { return "pinned"; }
 *     public Class<PinnedOptions> optionsClass() { return PinnedOptions.class; }
 *
 *     public PinnedOptions bind(String tag, ConfigObject json) {
 *         return new PinnedOptions(tag, json.requiredString("address"), json.integer("port", 0));
 *     }
 *
 *     public void validate(PinnedOptions options, ConfigChecks checks) {
 *         checks.port(options.port(), 1, "port");
 *     }
 * }
 * }</pre>
 *
 * <p>Implementations are stateless and need a public no-argument constructor.
 *
 * @param <T> the options record this type binds
 */
public interface OutboundType<T extends OutboundOptions> {

    /** The {@code type} field's value, e.g. {@code anytls}; unique among the registered outbound types. */
    String type();

    /** The class of the options {@link #bind} returns; {@link #validate} is given only instances of it. */
    Class<T> optionsClass();

    /**
     * Reads one element of {@code outbounds}. {@code type} and {@code tag} are read already; read every other field
     * the type accepts through {@code json}, whose accessors report wrong types and missing required fields. Fields
     * nobody asked for are reported as unknown afterwards, so do not call {@link ConfigObject#finish()} on
     * {@code json} itself (do call it on the nested objects you read).
     *
     * <p>Return options even when a field was wrong (use the accessor's fallback), so that validation can still
     * report the other fields; return {@code null} only when nothing sensible can be built.
     *
     * @param tag the {@code tag} field, or the element's index when it has none (as sing-box names it)
     */
    T bind(String tag, ConfigObject json);

    /**
     * Checks value ranges and consistency of options read from JSON or built in Java. The tag is checked already.
     * Report outbound tags the options refer to with {@link ConfigChecks#outboundReference}, so that a tag no
     * outbound has is reported; list them in {@link OutboundOptions#dependencies()} too, so they are built first.
     */
    default void validate(T options, ConfigChecks checks) {}
}
