package io.github.proxycore.outbound;

import io.github.proxycore.config.outbound.OutboundOptions;

/**
 * Builds the outbounds of one configuration {@code type}. Modules contribute factories through
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/io.github.proxycore.outbound.OutboundFactory} entry);
 * {@link Outbounds} picks them up.
 *
 * <p>A factory may throw {@link io.github.proxycore.config.ConfigException} for problems only it can see (a
 * certificate file that does not parse); its paths are relative to the outbound ({@code $.tls.certificate_path})
 * and are reported under the outbound's own path.
 */
public interface OutboundFactory {

    /** {@return the {@code type} this factory builds, e.g. {@code anytls}} */
    String type();

    /**
     * Builds an outbound. The options are validated, and every outbound in
     * {@link OutboundOptions#dependencies()} is already built and available from {@code context}.
     *
     * @param options the outbound's options, of this factory's type
     * @param context the transport, resolver, clock and the outbounds already built
     * @return the outbound
     */
    Outbound create(OutboundOptions options, OutboundContext context);
}
