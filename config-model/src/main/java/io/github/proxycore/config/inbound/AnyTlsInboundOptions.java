package io.github.proxycore.config.inbound;

import io.github.proxycore.config.InboundTlsOptions;
import io.github.proxycore.config.ListenOptions;
import java.util.List;
import java.util.Objects;

/**
 * The {@code anytls} inbound: an AnyTLS server.
 *
 * @param tag the inbound's tag
 * @param listen where to listen
 * @param users accepted users (at least one)
 * @param paddingScheme the server's padding scheme, one line per element; empty for the protocol's default
 * @param tls the server's certificate and TLS settings
 */
public record AnyTlsInboundOptions(
        String tag, ListenOptions listen, List<AnyTlsUser> users, List<String> paddingScheme, InboundTlsOptions tls)
        implements InboundOptions {
    public static final String TYPE = "anytls";

    public AnyTlsInboundOptions {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(tls, "tls");
        users = users == null ? List.of() : List.copyOf(users);
        paddingScheme = paddingScheme == null ? List.of() : List.copyOf(paddingScheme);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
