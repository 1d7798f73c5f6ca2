package io.github.proxycore.outbound.route;

import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigProblem;
import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.route.HeadlessRule;
import io.github.proxycore.config.route.InlineRuleSet;
import io.github.proxycore.config.route.LocalRuleSet;
import io.github.proxycore.config.route.RemoteRuleSet;
import io.github.proxycore.config.route.RouteOptions;
import io.github.proxycore.config.route.RouteRule;
import io.github.proxycore.config.route.RuleSetFormat;
import io.github.proxycore.config.route.RuleSetOptions;
import io.github.proxycore.outbound.BlockOutbound;
import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.DirectOutbound;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.outbound.route.ruleset.HttpDownloader;
import io.github.proxycore.outbound.route.ruleset.RuleSetFormatException;
import io.github.proxycore.outbound.route.ruleset.RuleSetReader;
import io.github.proxycore.outbound.sniff.SniffRequest;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sing-box-style routing: rules are tried in order and the first that matches names the outbound; no match goes to
 * {@code route.final}, or to the first outbound. A rule that matches through a rule set records that set's tag in
 * the connection's {@link Metadata#matchedRuleSet()}, which load balancers can hash on.
 *
 * <p>Rule sets may be inline, local files or remote URLs, in sing-box's source (JSON) or binary ({@code .srs})
 * format. Remote sets are downloaded through their {@code download_detour} (default: the first outbound), cached on
 * disk, refreshed every {@code update_interval} in the background and swapped in whole; routing takes no lock.
 *
 * <pre>{@code
 * Router router = Router.create(config.route(), outbounds, Path.of("."));
 * router.dial(metadata).addListener(...);
 * }</pre>
 */
public final class Router implements ConnectionRouter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    /** How long start-up waits, at most, for remote rule sets that have no cached copy yet. */
    public static final Duration DEFAULT_STARTUP_WAIT = Duration.ofSeconds(10);

    /** How long one download of a remote rule set may take. */
    public static final Duration DEFAULT_DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);

    private final List<CompiledRule> rules;
    private final Outbound finalOutbound;
    private final Map<String, RemoteRuleSetUpdater> updaters;
    private final ScheduledExecutorService ownedWorker;

    /**
     * The outbound chosen for a connection and the metadata it is dialled with.
     *
     * @param outbound the outbound
     * @param metadata the connection's metadata with the matched rule set recorded
     * @param rule the {@code route.rules} element that decided, or {@code null} when {@code final} did (status
     *     pages show it)
     */
    public record Route(Outbound outbound, Metadata metadata, RouteRule rule) {
        /**
         * A route decided by {@code final}.
         *
         * @param outbound the outbound
         * @param metadata the connection's metadata
         */
        public Route(Outbound outbound, Metadata metadata) {
            this(outbound, metadata, null);
        }
    }

    /** {@code outbound}: a route rule's target or the reject outbound; {@code sniff}: set for sniff rules only. */
    private record CompiledRule(
            Set<String> inbounds,
            Conditions conditions,
            List<RuleSetSlot> ruleSets,
            boolean invert,
            Outbound outbound,
            SniffRequest sniff,
            RouteRule source) {

        /** The matched rule-set tag, "" when the rule matched without one, or null when it did not match. */
        String match(Metadata m) {
            boolean matched = (inbounds.isEmpty() || (m.inboundTag() != null && inbounds.contains(m.inboundTag())))
                    && conditions.matches(m);
            String ruleSetTag = "";
            if (matched && !ruleSets.isEmpty()) {
                ruleSetTag = null;
                for (RuleSetSlot set : ruleSets) {
                    if (set.matches(m)) {
                        ruleSetTag = set.tag();
                        break;
                    }
                }
                matched = ruleSetTag != null;
            }
            if (invert) {
                return matched ? null : "";
            }
            return matched ? ruleSetTag : null;
        }
    }

    private Router(
            List<CompiledRule> rules,
            Outbound finalOutbound,
            Map<String, RemoteRuleSetUpdater> updaters,
            ScheduledExecutorService ownedWorker) {
        this.rules = rules;
        this.finalOutbound = finalOutbound;
        this.updaters = updaters;
        this.ownedWorker = ownedWorker;
    }

    /**
     * Compiles the routing rules over built outbounds, with remote rule sets cached under
     * {@code ruleSetBase/cache}.
     *
     * @param route the {@code route} section
     * @param outbounds the built outbounds the rules name
     * @param ruleSetBase the directory relative {@code path}s of local rule sets are read from ({@code null}: the
     *     working directory)
     * @return the router; {@link #close()} stops its rule-set refreshes
     * @throws ConfigException for rule sets that cannot be used (unreadable or malformed files)
     */
    public static Router create(RouteOptions route, Outbounds outbounds, Path ruleSetBase) {
        Builder builder = builder(route, outbounds);
        if (ruleSetBase != null) {
            builder.baseDirectory(ruleSetBase);
        }
        return builder.build();
    }

    /**
     * A builder for a router with non-default rule-set loading.
     *
     * @param route the {@code route} section
     * @param outbounds the built outbounds the rules name
     * @return the builder
     */
    public static Builder builder(RouteOptions route, Outbounds outbounds) {
        return new Builder(route, outbounds);
    }

    /**
     * Reads every local rule-set file of {@code route} as {@link #create} would, without building anything.
     *
     * @param route the {@code route} section
     * @param ruleSetBase the directory relative {@code path}s are read from
     * @return one problem per unusable file, at its {@code $.route.rule_set[i].path}, naming the file
     */
    public static List<ConfigProblem> checkLocalRuleSets(RouteOptions route, Path ruleSetBase) {
        Objects.requireNonNull(route, "route");
        List<ConfigProblem> problems = new ArrayList<>();
        for (int i = 0; i < route.ruleSets().size(); i++) {
            if (route.ruleSets().get(i) instanceof LocalRuleSet local) {
                loadLocal(local, "$.route.rule_set[" + i + "]", ruleSetBase, problems);
            }
        }
        return problems;
    }

    private static List<HeadlessRule> loadLocal(
            LocalRuleSet local, String path, Path base, List<ConfigProblem> problems) {
        Path file = base.resolve(local.path());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            problems.add(new ConfigProblem(path + ".path", "cannot read " + file + ": " + e.getMessage()));
            return null;
        }
        try {
            return RuleSetReader.read(bytes, local.format(), file.toString());
        } catch (RuleSetFormatException e) {
            if (e.getCause() instanceof ConfigException config) {
                for (ConfigProblem p : config.problems()) {
                    problems.add(new ConfigProblem(path + ".path", file + " " + p));
                }
            } else {
                problems.add(new ConfigProblem(path + ".path", e.getMessage()));
            }
            return null;
        }
    }

    /**
     * Downloads the remote rule set {@code tag} now, installing it if it decodes (the periodic refresh does the
     * same).
     *
     * @param tag the rule set's tag
     * @return {@code true} once a new copy is installed, {@code false} if the download or its decoding failed
     * @throws IllegalArgumentException if there is no remote rule set {@code tag}
     */
    public CompletableFuture<Boolean> refreshRuleSet(String tag) {
        RemoteRuleSetUpdater updater = updaters.get(tag);
        if (updater == null) {
            throw new IllegalArgumentException("no remote rule set \"" + tag + "\"");
        }
        return updater.refresh();
    }

    /** Stops refreshing remote rule sets. Routing keeps working with the sets it has. */
    @Override
    public void close() {
        updaters.values().forEach(RemoteRuleSetUpdater::close);
        if (ownedWorker != null) {
            ownedWorker.shutdownNow();
        }
    }

    /**
     * The sniffing a connection asks for: the settings of the first {@code sniff} rule that matches before any rule
     * that decides the route, or {@code null} (also once the connection has been sniffed).
     */
    @Override
    public SniffRequest sniffRequest(Metadata metadata) {
        if (metadata.sniffedDomain() != null) {
            return null;
        }
        for (CompiledRule rule : rules) {
            if (rule.match(metadata) != null) {
                return rule.sniff();
            }
        }
        return null;
    }

    /**
     * The outbound for a connection, and its metadata with the matched rule set recorded. {@code sniff} rules are
     * passed over (the inbound has acted on them); a {@code reject} rule routes to an outbound that refuses.
     *
     * @param metadata the connection
     * @return the outbound of the first matching rule, else the {@code final} outbound
     */
    public Route route(Metadata metadata) {
        for (CompiledRule rule : rules) {
            if (rule.sniff() != null) {
                continue;
            }
            String ruleSet = rule.match(metadata);
            if (ruleSet != null) {
                Metadata routed = ruleSet.isEmpty()
                        ? metadata
                        : metadata.toBuilder().matchedRuleSet(ruleSet).build();
                if (log.isDebugEnabled()) {
                    log.debug(
                            "route {} -> {}{}",
                            metadata,
                            rule.outbound().tag(),
                            ruleSet.isEmpty() ? "" : " (rule set " + ruleSet + ")");
                }
                return new Route(rule.outbound(), routed, rule.source());
            }
        }
        log.debug("route {} -> {} (final)", metadata, finalOutbound.tag());
        return new Route(finalOutbound, metadata);
    }

    @Override
    public Future<Channel> dial(Metadata metadata) {
        Route route = route(metadata);
        return route.outbound().dial(route.metadata());
    }

    @Override
    public Future<Channel> listenPacket(Metadata metadata) {
        Route route = route(metadata);
        return route.outbound().listenPacket(route.metadata());
    }

    /** Builds a {@link Router}. */
    public static final class Builder {
        private final RouteOptions route;
        private final Outbounds outbounds;
        private Path baseDirectory = Path.of(".");
        private Path cacheDirectory;
        private Clock clock = Clock.systemUTC();
        private Duration startupWait = DEFAULT_STARTUP_WAIT;
        private Duration downloadTimeout = DEFAULT_DOWNLOAD_TIMEOUT;
        private ScheduledExecutorService worker;
        private SslContext ssl;

        private Builder(RouteOptions route, Outbounds outbounds) {
            this.route = Objects.requireNonNull(route, "route");
            this.outbounds = Objects.requireNonNull(outbounds, "outbounds");
        }

        /**
         * Sets where relative {@code path}s of local rule sets are read from (default: the working directory).
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder baseDirectory(Path directory) {
            this.baseDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets where downloaded rule sets are cached (default: {@code cache} under the base directory).
         *
         * @param directory the directory; created when needed
         * @return this builder
         */
        public Builder cacheDirectory(Path directory) {
            this.cacheDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets the clock the age of cached copies is judged by.
         *
         * @param clock the clock; default the system's, in UTC
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the longest {@link #build} waits for remote sets without a cached copy (default 10 s; zero: no wait).
         *
         * @param wait the longest wait
         * @return this builder
         */
        public Builder startupWait(Duration wait) {
            this.startupWait = Objects.requireNonNull(wait, "wait");
            return this;
        }

        /**
         * Sets the longest time one download may take (default 60 s).
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder downloadTimeout(Duration timeout) {
            this.downloadTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Runs rule-set decoding, cache I/O and the refresh schedule (default: a daemon thread of the router's own,
         * started only when there are remote sets and stopped by {@link Router#close}).
         *
         * @param worker the executor; the router does not shut down one given here
         * @return this builder
         */
        public Builder worker(ScheduledExecutorService worker) {
            this.worker = Objects.requireNonNull(worker, "worker");
            return this;
        }

        /**
         * Sets the TLS client context for https rule-set URLs (default: the JDK's trusted certificates).
         *
         * @param ssl the client context
         * @return this builder
         */
        public Builder ssl(SslContext ssl) {
            this.ssl = Objects.requireNonNull(ssl, "ssl");
            return this;
        }

        /**
         * Compiles the rules, loads local rule sets, starts remote ones and waits (boundedly) for those that have
         * no cached copy.
         *
         * @return the router
         * @throws ConfigException for rule sets that cannot be used (unreadable or malformed local files)
         */
        public Router build() {
            List<ConfigProblem> problems = new ArrayList<>();
            Map<String, RuleSetSlot> sets = new HashMap<>();
            List<Integer> remote = new ArrayList<>();
            for (int i = 0; i < route.ruleSets().size(); i++) {
                RuleSetOptions options = route.ruleSets().get(i);
                String path = "$.route.rule_set[" + i + "]";
                List<HeadlessRule> headless = null;
                if (options instanceof InlineRuleSet inline) {
                    headless = inline.rules();
                } else if (options instanceof LocalRuleSet local) {
                    headless = loadLocal(local, path, baseDirectory, problems);
                } else {
                    remote.add(i);
                }
                sets.put(
                        options.tag(),
                        new RuleSetSlot(options.tag(), headless == null ? null : RuleSetMatcher.compile(headless)));
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(null, problems);
            }
            List<CompiledRule> compiled = new ArrayList<>();
            Outbound reject = new BlockOutbound("reject");
            for (RouteRule rule : route.rules()) {
                List<RuleSetSlot> ruleSets =
                        rule.ruleSet().stream().map(sets::get).toList();
                Outbound target = null;
                SniffRequest sniff = null;
                switch (rule.action()) {
                    case ROUTE -> target = outbounds.get(rule.outbound());
                    case REJECT -> target = reject;
                    case SNIFF -> sniff = new SniffRequest(rule.sniffer(), rule.sniffTimeout(), false);
                }
                compiled.add(new CompiledRule(
                        Set.copyOf(rule.inbound()),
                        new Conditions(rule.conditions()),
                        ruleSets,
                        rule.invert(),
                        target,
                        sniff,
                        rule));
            }
            Outbound fallback = route.finalOutbound() != null
                    ? outbounds.get(route.finalOutbound())
                    : outbounds.all().isEmpty() ? null : outbounds.all().get(0);
            if (fallback == null) {
                throw new ConfigException(
                        null, List.of(new ConfigProblem("$.outbounds", "there is no outbound to route to")));
            }
            Map<String, RemoteRuleSetUpdater> updaters = new HashMap<>();
            ScheduledExecutorService owned = null;
            if (!remote.isEmpty()) {
                ScheduledExecutorService w = worker;
                if (w == null) {
                    owned = Executors.newSingleThreadScheduledExecutor(runnable -> {
                        Thread thread = new Thread(runnable, "proxycore-rule-sets");
                        thread.setDaemon(true);
                        return thread;
                    });
                    w = owned;
                }
                HttpDownloader downloader = new HttpDownloader(w, downloadTimeout, ssl);
                Path cache = cacheDirectory != null ? cacheDirectory : baseDirectory.resolve("cache");
                List<CompletableFuture<Void>> firstLoads = new ArrayList<>();
                for (int i : remote) {
                    RemoteRuleSet options = (RemoteRuleSet) route.ruleSets().get(i);
                    Outbound via = options.downloadDetour() != null
                            ? outbounds.get(options.downloadDetour())
                            : directOutbound();
                    RemoteRuleSetUpdater updater = new RemoteRuleSetUpdater(
                            options,
                            via,
                            cache.resolve(cacheFileName(options)),
                            downloader,
                            w,
                            clock,
                            sets.get(options.tag()));
                    updaters.put(options.tag(), updater);
                    firstLoads.add(updater.start());
                }
                awaitFirstLoads(firstLoads);
            }
            return new Router(List.copyOf(compiled), fallback, Map.copyOf(updaters), owned);
        }

        /**
         * Without a {@code download_detour} a set is downloaded directly: through the configuration's first direct
         * outbound (it carries the configured resolver), or else a plain direct dialer.
         */
        private Outbound directOutbound() {
            for (Outbound outbound : outbounds.all()) {
                if (outbound instanceof DirectOutbound) {
                    return outbound;
                }
            }
            return DirectOutbound.create("direct", DialOptions.DEFAULT, OutboundContext.of(outbounds.transport()));
        }

        private void awaitFirstLoads(List<CompletableFuture<Void>> firstLoads) {
            if (startupWait.isZero() || startupWait.isNegative()) {
                return;
            }
            try {
                CompletableFuture.allOf(firstLoads.toArray(CompletableFuture[]::new))
                        .get(startupWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                log.warn(
                        "remote rule sets still downloading after {} ms; starting without them (they match nothing"
                                + " until they arrive)",
                        startupWait.toMillis());
            } catch (ExecutionException e) {
                log.warn("remote rule set start-up failed: {}", e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code <tag>-<8 hex digits of the URL's SHA-256>.<srs|json>}: a changed URL never reuses a stale copy. */
    static String cacheFileName(RemoteRuleSet options) {
        String safeTag = options.tag().replaceAll("[^A-Za-z0-9._-]", "_");
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(options.url().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        String hash = HexFormat.of().formatHex(digest, 0, 4);
        return "rule-set-" + safeTag + "-" + hash + (options.format() == RuleSetFormat.BINARY ? ".srs" : ".json");
    }
}
