package io.github.proxycore.outbound.inbound;

import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.Transport;
import java.util.Objects;

/**
 * What an {@link InboundFactory} starts an inbound with: the event loops and the router its connections go to.
 *
 * @param transport the event loops to accept and serve on
 * @param router where accepted connections are routed and dialled
 */
public record InboundContext(Transport transport, ConnectionRouter router) {
    /**
     * Checks that both are set.
     *
     * @param transport the event loops
     * @param router the router
     * @throws NullPointerException if either is {@code null}
     */
    public InboundContext {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(router, "router");
    }
}
