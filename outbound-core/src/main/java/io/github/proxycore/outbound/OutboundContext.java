package io.github.proxycore.outbound;

import io.github.proxycore.config.DialOptions;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * What an {@link OutboundFactory} builds with: the event loops, the resolver, the clock, and the outbounds already
 * built (members, detours).
 */
public final class OutboundContext {
    private final Transport transport;
    private final HostResolver resolver;
    private final Ticker ticker;
    private final Map<String, Outbound> built;

    OutboundContext(Transport transport, HostResolver resolver, Ticker ticker, Map<String, Outbound> built) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.built = built;
    }

    /** A context over {@code transport} with the system resolver and clock and no other outbounds. */
    public static OutboundContext of(Transport transport) {
        return new OutboundContext(transport, HostResolver.system(), Ticker.systemTicker(), Map.of());
    }

    public Transport transport() {
        return transport;
    }

    public HostResolver resolver() {
        return resolver;
    }

    /** The clock timing rules read; tests substitute a {@link io.netty.util.concurrent.MockTicker}. */
    public Ticker ticker() {
        return ticker;
    }

    /**
     * An outbound built earlier (a member or a detour).
     *
     * @throws NoSuchElementException if it is not built, i.e. not among the dependencies
     */
    public Outbound outbound(String tag) {
        Outbound outbound = built.get(tag);
        if (outbound == null) {
            throw new NoSuchElementException("outbound \"" + tag + "\" is not built yet; list it in dependencies()");
        }
        return outbound;
    }

    /**
     * A TCP dialer for {@code options}, through their detour if they name one.
     *
     * @param defaultKeepAliveIdle the first keep-alive probe's delay when the options give none, or {@code null}
     */
    public TcpDialer dialer(DialOptions options, Duration defaultKeepAliveIdle) {
        Outbound detour = options.detour() == null ? null : outbound(options.detour());
        return new TcpDialer(transport, resolver, options, defaultKeepAliveIdle, detour);
    }
}
