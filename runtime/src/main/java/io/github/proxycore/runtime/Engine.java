package io.github.proxycore.runtime;

import io.github.proxycore.config.ClashApiOptions;
import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigProblem;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.config.inbound.InboundOptions;
import io.github.proxycore.config.outbound.DirectOutboundOptions;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.config.route.RouteOptions;
import io.github.proxycore.outbound.HostResolver;
import io.github.proxycore.outbound.OutboundFactory;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.outbound.inbound.Inbound;
import io.github.proxycore.outbound.inbound.InboundContext;
import io.github.proxycore.outbound.inbound.InboundFactory;
import io.github.proxycore.outbound.route.Router;
import io.github.proxycore.runtime.status.ConnectionTable;
import io.github.proxycore.runtime.status.LogFeed;
import io.github.proxycore.runtime.status.StatusServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;

/**
 * A running configuration: its outbounds, its router and its inbounds, on one set of event loops. What the
 * {@code run} command starts, usable from Java too.
 *
 * <pre>{@code
 * try (Engine engine = Engine.builder(ConfigLoader.load(file)).start()) {
 *     ...
 * }
 * }</pre>
 */
public final class Engine implements AutoCloseable {
    private static final String VERSION = readVersion();

    private final Transport transport;
    private final boolean ownsTransport;
    private final Outbounds outbounds;
    private final Router router;
    private final List<Inbound> inbounds;
    private final StatusServer status;

    private Engine(
            Transport transport,
            boolean ownsTransport,
            Outbounds outbounds,
            Router router,
            List<Inbound> inbounds,
            StatusServer status) {
        this.transport = transport;
        this.ownsTransport = ownsTransport;
        this.outbounds = outbounds;
        this.router = router;
        this.inbounds = inbounds;
        this.status = status;
    }

    /**
     * A builder that starts {@code config}.
     *
     * @param config a validated configuration, e.g. from {@link io.github.proxycore.config.ConfigLoader#load}
     * @return the builder
     */
    public static Builder builder(ProxyConfig config) {
        return new Builder(config);
    }

    /** {@return proxycore's version, e.g. {@code 0.1.0}, as built; {@code unknown} if the build left no record} */
    public static String version() {
        return VERSION;
    }

    private static String readVersion() {
        try (InputStream in = Engine.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {@return the configuration's outbounds, built} */
    public Outbounds outbounds() {
        return outbounds;
    }

    /** {@return the router the inbounds hand their connections to} */
    public Router router() {
        return router;
    }

    /** {@return the running inbounds, in configuration order} */
    public List<Inbound> inbounds() {
        return inbounds;
    }

    /** {@return the status endpoint of {@code experimental.clash_api}, if configured} */
    public Optional<StatusServer> status() {
        return Optional.ofNullable(status);
    }

    /**
     * The inbound with this tag.
     *
     * @param tag the tag
     * @return the inbound
     * @throws java.util.NoSuchElementException if there is none
     */
    public Inbound inbound(String tag) {
        return inbounds.stream()
                .filter(i -> i.tag().equals(tag))
                .findFirst()
                .orElseThrow(() -> new java.util.NoSuchElementException("no inbound \"" + tag + "\""));
    }

    /** Stops the inbounds, then the outbounds, then the event loops if the engine started them. */
    @Override
    public void close() {
        if (status != null) {
            status.close();
        }
        List<Inbound> reverse = new ArrayList<>(inbounds);
        Collections.reverse(reverse);
        reverse.forEach(Inbound::close);
        router.close();
        outbounds.close();
        if (ownsTransport) {
            transport.close();
        }
    }

    /** Starts an {@link Engine}. */
    public static final class Builder {
        private final ProxyConfig config;
        private Path baseDirectory = Path.of(".");
        private Path ruleSetCache;
        private Transport transport;
        private HostResolver resolver = HostResolver.system();
        private final List<OutboundFactory> outboundFactories = new ArrayList<>();
        private LogFeed logs = new LogFeed();

        private Builder(ProxyConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /**
         * Sets where relative paths in the configuration are resolved from: certificate and key files, local rule-set
         * files, {@code log.output} (see {@link ProxyConfig#resolvePaths}); remote rule sets are cached under it too.
         * The command line passes the configuration file's directory, or {@code -D}.
         *
         * @param directory the directory; default the working directory
         * @return this builder
         */
        public Builder baseDirectory(Path directory) {
            this.baseDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets where remote rule sets are cached (default: {@code cache} under the base directory).
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder ruleSetCacheDirectory(Path directory) {
            this.ruleSetCache = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets the event loops; by default a lease on the shared ones, released on close.
         *
         * @param transport the event loops; the engine does not close them
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
         * The log lines the Clash API's {@code /logs} streams, fed by the application's logging backend (see
         * {@link LogFeed#tee}); by default a feed nothing publishes to but {@link StatusServer#logs()}.
         *
         * @param logs the feed
         * @return this builder
         */
        public Builder logs(LogFeed logs) {
            this.logs = Objects.requireNonNull(logs, "logs");
            return this;
        }

        /**
         * Adds (or replaces, by type) an outbound factory.
         *
         * @param factory the factory
         * @return this builder
         */
        public Builder outboundFactory(OutboundFactory factory) {
            outboundFactories.add(Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /**
         * Checks everything {@link #start()} checks, short of listening, connecting, downloading or starting a thread:
         * that every inbound and outbound type has an implementation, and what each implementation checks before it
         * starts (certificate and key files read, parse and belong together; padding schemes parse), the outbounds'
         * options, and that every local rule-set file reads and decodes. Remote rule sets are validated as the loader
         * validates them (URL, download detour) but not downloaded. What {@code proxycore check} runs.
         *
         * @throws ConfigException listing every problem, with the paths {@link #start()} would report
         */
        public void check() {
            ProxyConfig resolved = config.resolvePaths(baseDirectory);
            Map<String, InboundFactory> inboundFactories = inboundFactories();
            List<ConfigProblem> problems = missingInbounds(resolved, inboundFactories);
            for (int i = 0; i < resolved.inbounds().size(); i++) {
                InboundOptions options = resolved.inbounds().get(i);
                InboundFactory factory = inboundFactories.get(options.type());
                if (factory != null) {
                    try {
                        factory.check(options);
                    } catch (ConfigException e) {
                        problems.addAll(e.under("$.inbounds[" + i + "]").problems());
                    }
                }
            }
            try {
                outboundsBuilder(resolved, null).check();
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
            problems.addAll(Router.checkLocalRuleSets(resolved.route(), baseDirectory));
            if (!problems.isEmpty()) {
                throw new ConfigException(null, problems);
            }
        }

        private static Map<String, InboundFactory> inboundFactories() {
            Map<String, InboundFactory> factories = new HashMap<>();
            for (InboundFactory factory : ServiceLoader.load(InboundFactory.class, Engine.class.getClassLoader())) {
                factories.put(factory.type(), factory);
            }
            return factories;
        }

        private static List<ConfigProblem> missingInbounds(ProxyConfig config, Map<String, InboundFactory> factories) {
            List<ConfigProblem> missing = new ArrayList<>();
            for (int i = 0; i < config.inbounds().size(); i++) {
                String type = config.inbounds().get(i).type();
                if (!factories.containsKey(type)) {
                    missing.add(new ConfigProblem(
                            "$.inbounds[" + i + "].type",
                            "no implementation of inbound type \"" + type + "\" on the class path"));
                }
            }
            return missing;
        }

        /** The outbounds of {@code config}: sing-box's rule, with no outbounds at all everything goes direct. */
        private Outbounds.Builder outboundsBuilder(ProxyConfig config, Transport t) {
            List<OutboundOptions> outboundOptions =
                    config.outbounds().isEmpty() ? List.of(DirectOutboundOptions.of("direct")) : config.outbounds();
            Outbounds.Builder ob = Outbounds.builder(outboundOptions).resolver(resolver);
            if (t != null) {
                ob.transport(t);
            }
            outboundFactories.forEach(ob::factory);
            return ob;
        }

        /**
         * Builds the outbounds and the router, then starts every inbound; on any failure everything already started
         * is stopped again. Relative paths in the configuration are resolved from the {@linkplain #baseDirectory base
         * directory} first.
         *
         * @return the running engine; {@link Engine#close()} stops it
         * @throws ConfigException for problems found while building (paths name the configuration's elements)
         * @throws Exception if an inbound cannot listen
         */
        public Engine start() throws Exception {
            ProxyConfig config = this.config.resolvePaths(baseDirectory);
            Map<String, InboundFactory> inboundFactories = inboundFactories();
            List<ConfigProblem> missing = missingInbounds(config, inboundFactories);
            if (!missing.isEmpty()) {
                throw new ConfigException(null, missing);
            }

            boolean owns = transport == null;
            Transport t = owns ? Transport.shared() : transport;
            Outbounds outbounds = null;
            List<Inbound> started = new ArrayList<>();
            try {
                outbounds = outboundsBuilder(config, t).build();
                Router.Builder routing =
                        Router.builder(config.route(), outbounds).baseDirectory(baseDirectory);
                if (ruleSetCache != null) {
                    routing.cacheDirectory(ruleSetCache);
                }
                Router router = routing.build();
                ClashApiOptions clash = config.experimental().clashApi();
                // connections are tracked for the Clash API only: without it the data path carries no counter
                ConnectionTable table = clash == null ? null : new ConnectionTable();
                InboundContext context =
                        new InboundContext(t, table == null ? router : table.track(router, inboundTypes(config)));
                for (int i = 0; i < config.inbounds().size(); i++) {
                    started.add(startInbound(i, config.inbounds().get(i), inboundFactories, context));
                }
                StatusServer status =
                        clash == null ? null : startStatus(clash, outbounds, config.route(), table, logs, t);
                return new Engine(t, owns, outbounds, router, List.copyOf(started), status);
            } catch (Exception | Error e) {
                Collections.reverse(started);
                started.forEach(Inbound::close);
                if (outbounds != null) {
                    outbounds.close();
                }
                if (owns) {
                    t.close();
                }
                throw e;
            }
        }

        private static Map<String, String> inboundTypes(ProxyConfig config) {
            Map<String, String> types = new HashMap<>();
            for (InboundOptions inbound : config.inbounds()) {
                if (inbound.tag() != null && inbound.type() != null) {
                    types.put(inbound.tag(), inbound.type());
                }
            }
            return types;
        }

        private static StatusServer startStatus(
                ClashApiOptions clash,
                Outbounds outbounds,
                RouteOptions route,
                ConnectionTable connections,
                LogFeed logs,
                Transport transport)
                throws Exception {
            try {
                return StatusServer.builder(clash, outbounds, transport)
                        .route(route)
                        .connections(connections)
                        .logs(logs)
                        .start();
            } catch (Exception e) { // Netty's bind throws BindException without declaring it
                if (e instanceof java.net.BindException) {
                    throw new java.io.IOException(
                            "the status endpoint cannot listen on " + clash.externalController() + ": "
                                    + e.getMessage(),
                            e);
                }
                throw e;
            }
        }

        private static Inbound startInbound(
                int index, InboundOptions options, Map<String, InboundFactory> factories, InboundContext context)
                throws Exception {
            try {
                return factories.get(options.type()).start(options, context);
            } catch (ConfigException e) {
                throw e.under("$.inbounds[" + index + "]");
            } catch (java.net.BindException e) {
                throw new java.io.IOException(
                        options.type() + " inbound \"" + options.tag() + "\" cannot listen on "
                                + options.listen().listen() + ":"
                                + options.listen().listenPort() + ": " + e.getMessage(),
                        e);
            }
        }
    }
}
