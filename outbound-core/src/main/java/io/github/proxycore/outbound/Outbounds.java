package io.github.proxycore.outbound;

import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ConfigProblem;
import io.github.proxycore.config.outbound.OutboundOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A configuration's outbounds, built and ready to dial: each built by the {@link OutboundFactory} registered for its
 * {@code type} (all found with {@link ServiceLoader}, direct and block included), dependencies before the
 * outbounds that use them. {@link #close()} releases everything they hold, and the event loops if this object
 * started them.
 *
 * <pre>{@code
 * try (Outbounds outbounds = Outbounds.builder(config.outbounds()).build()) {
 *     outbounds.get("proxy").dial(metadata);
 * }
 * }</pre>
 */
public final class Outbounds implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Outbounds.class);

    private final Map<String, Outbound> byTag;
    private final List<Outbound> buildOrder;
    private final Transport transport;
    private final boolean ownsTransport;

    private Outbounds(
            Map<String, Outbound> byTag, List<Outbound> buildOrder, Transport transport, boolean ownsTransport) {
        this.byTag = byTag;
        this.buildOrder = buildOrder;
        this.transport = transport;
        this.ownsTransport = ownsTransport;
    }

    /**
     * A builder for {@code options} (any mix of option types, as a configuration lists them).
     *
     * @param options the outbounds' options, in configuration order; copied
     * @return the builder, with the factories of the class path registered
     */
    public static Builder builder(List<? extends OutboundOptions> options) {
        return new Builder(options);
    }

    /**
     * The outbound with this tag.
     *
     * @param tag the tag
     * @return the outbound
     * @throws java.util.NoSuchElementException if there is none
     */
    public Outbound get(String tag) {
        return find(tag).orElseThrow(() -> new java.util.NoSuchElementException("no outbound \"" + tag + "\""));
    }

    /**
     * The outbound with this tag, as the type the caller expects.
     *
     * <pre>{@code
     * LoadBalanceOutbound lb = outbounds.get("lb", LoadBalanceOutbound.class);
     * }</pre>
     *
     * @param <T> the expected type
     * @param tag the tag
     * @param type the expected type
     * @return the outbound
     * @throws java.util.NoSuchElementException if there is none
     * @throws ClassCastException naming the tag, the expected and the actual type, if it is another kind
     */
    public <T extends Outbound> T get(String tag, Class<T> type) {
        Outbound outbound = get(tag);
        if (!type.isInstance(outbound)) {
            throw new ClassCastException("outbound \"" + tag + "\" is a "
                    + outbound.getClass().getName() + " (type " + outbound.type() + "), not a " + type.getName());
        }
        return type.cast(outbound);
    }

    /**
     * The outbound with this tag, if any.
     *
     * @param tag the tag
     * @return the outbound, or empty
     */
    public Optional<Outbound> find(String tag) {
        return Optional.ofNullable(byTag.get(tag));
    }

    /** {@return every outbound, in configuration order} */
    public List<Outbound> all() {
        return List.copyOf(byTag.values());
    }

    /** {@return the event loops the outbounds run on} */
    public Transport transport() {
        return transport;
    }

    /** Closes every outbound (users before what they use), then the event loops if they were started here. */
    @Override
    public void close() {
        List<Outbound> reverse = new ArrayList<>(buildOrder);
        Collections.reverse(reverse);
        for (Outbound outbound : reverse) {
            try {
                outbound.close();
            } catch (RuntimeException e) {
                log.warn("closing outbound \"{}\" failed", outbound.tag(), e);
            }
        }
        if (ownsTransport) {
            transport.close();
        }
    }

    /** Builds {@link Outbounds}. */
    public static final class Builder {
        private final List<OutboundOptions> options;
        private final Map<String, OutboundFactory> factories = new HashMap<>();
        private Transport transport;
        private HostResolver resolver = HostResolver.system();
        private Listeners listeners = Listeners.NONE;

        private Builder(List<? extends OutboundOptions> options) {
            this.options = List.copyOf(options);
            for (OutboundFactory factory :
                    ServiceLoader.load(OutboundFactory.class, Outbounds.class.getClassLoader())) {
                factory(factory);
            }
        }

        /**
         * Adds (or replaces) the factory for its type.
         *
         * @param factory the factory
         * @return this builder
         */
        public Builder factory(OutboundFactory factory) {
            factories.put(factory.type(), factory);
            return this;
        }

        /**
         * Sets the event loops to use; by default a lease on {@link Transport#shared()}, released on close. A
         * transport set here is not closed by {@link Outbounds#close()}.
         *
         * @param transport the transport
         * @return this builder
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Sets the resolver of domain names for dials; by default {@link HostResolver#system()}.
         *
         * @param resolver the resolver
         * @return this builder
         */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Attaches listeners of {@code type} to the outbounds built here, as OkHttp attaches an event listener factory
         * to its client: {@code factory} is asked once per outbound, by its tag, for the listener to give it (null:
         * none). Outbounds that emit events of that type use it; for example
         * {@code listeners(PoolListener.class, tag -> new PoolMetrics(registry, tag))} reaches every AnyTLS pool.
         *
         * @param <L> the listener type
         * @param type the listener type
         * @param factory the listener for a tag, or {@code null}
         * @return this builder
         */
        public <L> Builder listeners(Class<L> type, java.util.function.Function<String, ? extends L> factory) {
            this.listeners = listeners.with(type, factory);
            return this;
        }

        /**
         * Validates the options and builds every outbound.
         *
         * @return the outbounds
         * @throws ConfigException listing every problem (including outbound types with no factory here); nothing is
         *     left running
         */
        public Outbounds build() {
            ConfigLoader.validateOutbounds(options);
            List<ConfigProblem> missing = new ArrayList<>();
            for (int i = 0; i < options.size(); i++) {
                if (!factories.containsKey(options.get(i).type())) {
                    missing.add(new ConfigProblem(
                            "$.outbounds[" + i + "].type",
                            "no implementation of outbound type \""
                                    + options.get(i).type() + "\" on the class path (is io.github.proxycore:"
                                    + options.get(i).type() + "-core a dependency?)"));
                }
            }
            if (!missing.isEmpty()) {
                throw new ConfigException(null, missing);
            }
            boolean owns = transport == null;
            Transport t = owns ? Transport.shared() : transport;
            Map<String, Outbound> built = new LinkedHashMap<>(); // in build order: dependencies first
            OutboundContext context = new OutboundContext(t, resolver, Collections.unmodifiableMap(built), listeners);
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < options.size(); i++) {
                index.put(options.get(i).tag(), i);
            }
            try {
                Set<String> visiting = new HashSet<>();
                for (OutboundOptions o : options) {
                    buildWithDependencies(o, index, context, built, visiting);
                }
            } catch (RuntimeException e) {
                new Outbounds(built, List.copyOf(built.values()), t, owns).close();
                throw e;
            }
            Map<String, Outbound> inConfigOrder = new LinkedHashMap<>();
            for (OutboundOptions o : options) {
                inConfigOrder.put(o.tag(), built.get(o.tag()));
            }
            return new Outbounds(Collections.unmodifiableMap(inConfigOrder), List.copyOf(built.values()), t, owns);
        }

        private void buildWithDependencies(
                OutboundOptions o,
                Map<String, Integer> index,
                OutboundContext context,
                Map<String, Outbound> built,
                Set<String> visiting) {
            if (!visiting.add(o.tag())) {
                return; // built or being built (validation rules out cycles)
            }
            for (String dependency : o.dependencies()) {
                buildWithDependencies(options.get(index.get(dependency)), index, context, built, visiting);
            }
            Outbound outbound;
            try {
                outbound = factories.get(o.type()).create(o, context);
            } catch (ConfigException e) {
                throw e.under("$.outbounds[" + index.get(o.tag()) + "]");
            }
            built.put(o.tag(), outbound);
        }
    }
}
