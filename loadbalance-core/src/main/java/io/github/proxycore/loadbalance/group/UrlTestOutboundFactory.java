package io.github.proxycore.loadbalance.group;

import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.config.outbound.UrlTestOutboundOptions;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.OutboundFactory;

/** Builds {@code urltest} outbounds; registered for {@link java.util.ServiceLoader}. */
public final class UrlTestOutboundFactory implements OutboundFactory {

    @Override
    public String type() {
        return UrlTestOutboundOptions.TYPE;
    }

    @Override
    public Outbound create(OutboundOptions options, OutboundContext context) {
        if (!(options instanceof UrlTestOutboundOptions urltest)) {
            throw new IllegalArgumentException("not urltest options: " + options.type());
        }
        return UrlTestOutbound.create(urltest, context);
    }
}
