package io.github.proxycore.outbound;

import io.github.proxycore.config.DialOptions;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What an {@link OutboundFactory} builds with: the event loops, the resolver, the clock, and the outbounds already
 * built (members, detours).
 */
public final class OutboundContext {
    private final Transport transport;
    private final HostResolver resolver;
    private final Map<String, Outbound> built;
    private final Listeners listeners;

    OutboundContext(Transport transport, HostResolver resolver, Map<String, Outbound> built) {
        this(transport, resolver, built, Listeners.NONE);
    }

    OutboundContext(Transport transport, HostResolver resolver, Map<String, Outbound> built, Listeners listeners) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.built = built;
        this.listeners = listeners;
    }

    /**
     * A context over {@code transport} with the system resolver and clock and no other outbounds.
     *
     * @param transport the event loops and channel types
     * @return the context
     */
    public static OutboundContext of(Transport transport) {
        return builder(transport).build();
    }

    /**
     * A context over {@code transport} holding {@code outbounds} by tag, with the system resolver and clock: how a
     * host builds an outbound that uses others it already has, such as a load balancer over them.
     *
     * <pre>{@code
     * LoadBalanceOutbound lb = LoadBalanceOutbound.create(options, OutboundContext.of(transport, List.of(a, b)));
     * }</pre>
     *
     * @param transport the event loops and channel types
     * @param outbounds outbounds the one being built may use, found by tag
     * @return the context
     * @throws IllegalArgumentException if two outbounds share a tag
     */
    public static OutboundContext of(Transport transport, Collection<? extends Outbound> outbounds) {
        return builder(transport).outbounds(outbounds).build();
    }

    /**
     * A builder over {@code transport}: the system resolver and clock and no outbounds unless set.
     *
     * @param transport the event loops and channel types
     * @return the builder
     */
    public static Builder builder(Transport transport) {
        return new Builder(transport);
    }

    /** {@return the event loops and channel types outbounds use} */
    public Transport transport() {
        return transport;
    }

    /** {@return the resolver dials use for domain names} */
    public HostResolver resolver() {
        return resolver;
    }

    /**
     * The clock of the transport's event loops ({@link io.netty.util.concurrent.EventExecutorGroup#ticker()}): the one
     * clock outbounds read timestamps from, since their timers run on those loops. There is no other to set: a test
     * that drives time gives the transport a loop with a {@link io.netty.util.concurrent.MockTicker} (Netty's
     * {@code ManualIoEventLoop}), and timers and timestamps move together.
     *
     * @return the clock
     */
    public Ticker ticker() {
        return transport.group().next().ticker();
    }

    /**
     * The host's listener of type {@code type} for the outbound tagged {@code tag}, if it attached a factory for
     * that type ({@link Outbounds.Builder#listeners}, {@link Builder#listeners}); outbounds that emit events of
     * that type (an AnyTLS pool's {@code PoolListener}) take it from here.
     *
     * @param <L> the listener type
     * @param type the listener type
     * @param tag the outbound's tag
     * @return the listener, or empty if the host attached none
     */
    public <L> Optional<L> listener(Class<L> type, String tag) {
        return listeners.forOutbound(type, tag);
    }

    /**
     * An outbound built earlier (a member or a detour).
     *
     * @param tag its tag
     * @return the outbound
     * @throws NoSuchElementException if it is not built, i.e. not among the dependencies
     */
    public Outbound outbound(String tag) {
        Outbound outbound = built.get(tag);
        if (outbound == null) {
            throw new NoSuchElementException(
                    "outbound \"" + tag + "\" is not in this context: pass it with"
                            + " OutboundContext.of(transport, outbounds) (or, from a configuration, Outbounds builds it first)");
        }
        return outbound;
    }

    /** Builds an {@link OutboundContext}. */
    public static final class Builder {
        private final Transport transport;
        private HostResolver resolver = HostResolver.system();
        private final Map<String, Outbound> outbounds = new LinkedHashMap<>();
        private Listeners listeners = Listeners.NONE;

        private Builder(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
        }

        /**
         * Sets the resolver of domain names for dials; by default the system's resolver.
         *
         * @param resolver the resolver
         * @return this builder
         */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Outbounds that the outbound being built may use (members, detours), found by tag.
         *
         * @param outbounds the outbounds; added to those already given
         * @return this builder
         * @throws IllegalArgumentException if a tag comes twice
         */
        public Builder outbounds(Collection<? extends Outbound> outbounds) {
            for (Outbound outbound : outbounds) {
                if (this.outbounds.putIfAbsent(outbound.tag(), outbound) != null) {
                    throw new IllegalArgumentException("two outbounds are tagged \"" + outbound.tag() + "\"");
                }
            }
            return this;
        }

        /**
         * Attaches listeners of {@code type} to the outbounds built with this context: {@code factory} is asked,
         * once per outbound by its tag, for the listener to give it (null: none).
         *
         * @param <L> the listener type
         * @param type the listener type
         * @param factory the listener for a tag, or {@code null}
         * @return this builder
         */
        public <L> Builder listeners(Class<L> type, Function<String, ? extends L> factory) {
            this.listeners = listeners.with(type, factory);
            return this;
        }

        /** {@return the context} */
        public OutboundContext build() {
            return new OutboundContext(transport, resolver, Map.copyOf(outbounds), listeners);
        }
    }

    /**
     * A TCP dialer for {@code options}, through their detour if they name one.
     *
     * @param options the dial options
     * @param defaultKeepAliveIdle the first keep-alive probe's delay when the options give none, or {@code null}
     * @return the dialer
     * @throws NoSuchElementException if the detour is not in this context
     */
    public TcpDialer dialer(DialOptions options, Duration defaultKeepAliveIdle) {
        Outbound detour = options.detour() == null ? null : outbound(options.detour());
        return new TcpDialer(transport, resolver, options, defaultKeepAliveIdle, detour);
    }
}
