package io.github.proxycore.anytls;

import io.github.proxycore.config.inbound.AnyTlsInboundOptions;
import io.github.proxycore.config.inbound.InboundOptions;
import io.github.proxycore.outbound.inbound.Inbound;
import io.github.proxycore.outbound.inbound.InboundContext;
import io.github.proxycore.outbound.inbound.InboundFactory;
import java.net.InetSocketAddress;

/**
 * Starts {@code anytls} inbounds (AnyTLS servers) whose streams go through the configuration's router; registered
 * through {@link java.util.ServiceLoader}.
 */
public final class AnyTlsInboundFactory implements InboundFactory {
    @Override
    public String type() {
        return AnyTlsInboundOptions.TYPE;
    }

    @Override
    public Inbound start(InboundOptions options, InboundContext context) {
        AnyTlsInboundOptions anytls = (AnyTlsInboundOptions) options;
        return AnyTlsServer.builder(anytls)
                .router(context.router())
                .transport(context.transport())
                .bind(new InetSocketAddress(
                        anytls.listen().listen(), anytls.listen().listenPort()));
    }

    /**
     * Prepares the server as {@link #start} does, short of listening: the certificate chain and key are read, parsed
     * and matched, and the padding scheme parsed.
     */
    @Override
    public void check(InboundOptions options) {
        AnyTlsServer.builder((AnyTlsInboundOptions) options);
    }
}
