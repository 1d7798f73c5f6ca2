package io.github.proxycore.config;

import io.github.proxycore.config.inbound.InboundOptions;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.config.route.RouteOptions;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole configuration: {@code log}, {@code inbounds}, {@code outbounds} and {@code route}, in sing-box's JSON
 * layout. Load one with {@link ConfigLoader}; every instance it returns has passed validation.
 *
 * @param log logging
 * @param inbounds where connections come from (used by the command-line proxy)
 * @param outbounds where connections go
 * @param route which outbound each connection takes
 * @param experimental the status endpoint
 */
public record ProxyConfig(
        LogOptions log,
        List<InboundOptions> inbounds,
        List<OutboundOptions> outbounds,
        RouteOptions route,
        ExperimentalOptions experimental) {

    /**
     * Copies the lists, reading {@code null} as empty.
     *
     * @param log logging
     * @param inbounds the inbounds, or {@code null} for none
     * @param outbounds the outbounds, or {@code null} for none
     * @param route the routing
     * @param experimental the status endpoint; {@link ExperimentalOptions#NONE} for none
     * @throws NullPointerException if {@code log}, {@code route} or {@code experimental} is {@code null}
     */
    public ProxyConfig {
        Objects.requireNonNull(log, "log");
        inbounds = inbounds == null ? List.of() : List.copyOf(inbounds);
        outbounds = outbounds == null ? List.of() : List.copyOf(outbounds);
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(experimental, "experimental");
    }

    /**
     * A configuration without an {@code experimental} section.
     *
     * @param log logging
     * @param inbounds the inbounds, or {@code null} for none
     * @param outbounds the outbounds, or {@code null} for none
     * @param route the routing
     */
    public ProxyConfig(
            LogOptions log, List<InboundOptions> inbounds, List<OutboundOptions> outbounds, RouteOptions route) {
        this(log, inbounds, outbounds, route, ExperimentalOptions.NONE);
    }

    /**
     * The outbound with this tag, if any.
     *
     * @param tag the tag
     * @return the first outbound tagged {@code tag}, or empty
     */
    public Optional<OutboundOptions> outbound(String tag) {
        return outbounds.stream().filter(o -> o.tag().equals(tag)).findFirst();
    }
}
