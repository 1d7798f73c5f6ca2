package io.github.proxycore.anytls;

import io.github.proxycore.anytls.internal.TlsContexts;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.OutboundFactory;

/** Builds {@code anytls} outbounds; registered through {@link java.util.ServiceLoader}. */
public final class AnyTlsOutboundFactory implements OutboundFactory {
    @Override
    public String type() {
        return AnyTlsOutboundOptions.TYPE;
    }

    @Override
    public Outbound create(OutboundOptions options, OutboundContext context) {
        return AnyTlsOutbound.create((AnyTlsOutboundOptions) options, context);
    }

    /** Builds the outbound's TLS context, which reads and parses pinned certificates; no session is opened. */
    @Override
    public void check(OutboundOptions options) {
        TlsContexts.client(((AnyTlsOutboundOptions) options).tls());
    }
}
