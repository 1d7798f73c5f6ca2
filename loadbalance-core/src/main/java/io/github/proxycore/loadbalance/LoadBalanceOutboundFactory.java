package io.github.proxycore.loadbalance;

import io.github.proxycore.config.outbound.LoadBalanceOutboundOptions;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.OutboundFactory;

/** Builds {@code loadbalance} outbounds; registered for {@link java.util.ServiceLoader}. */
public final class LoadBalanceOutboundFactory implements OutboundFactory {

    @Override
    public String type() {
        return LoadBalanceOutboundOptions.TYPE;
    }

    @Override
    public Outbound create(OutboundOptions options, OutboundContext context) {
        if (!(options instanceof LoadBalanceOutboundOptions lb)) {
            throw new IllegalArgumentException("not loadbalance options: " + options.type());
        }
        return LoadBalanceOutbound.create(lb, context);
    }
}
