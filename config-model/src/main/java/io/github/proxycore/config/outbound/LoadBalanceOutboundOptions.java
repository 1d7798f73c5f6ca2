package io.github.proxycore.config.outbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code loadbalance} outbound: health-checked primary and backup tiers of other outbounds, Top-N selection
 * with tolerance, random or consistent-hash picking, and hysteresis between tiers (described in docs/loadbalance.md).
 *
 * <pre>{@code
 * LoadBalanceOutboundOptions lb = LoadBalanceOutboundOptions.builder("lb", LoadBalanceStrategy.CONSISTENT_HASH)
 *         .primaryOutbounds(List.of("proxy-a", "proxy-b"))
 *         .hash(HashOptions.of(HashKeyPart.SRC_IP))
 *         .build();
 * }</pre>
 *
 * @param tag the outbound's tag
 * @param primaryOutbounds tags of the primary members (required, non-empty)
 * @param backupOutbounds tags of the backup members
 * @param url the health-check URL (default {@code https://www.gstatic.com/generate_204})
 * @param interval time between health-check rounds (default 3m)
 * @param timeout per-member health-check timeout (default 5s)
 * @param idleTimeout periodic checks pause after this long without a dial (default 30m; 0 never pauses)
 * @param topN how many of the fastest healthy members of each tier are used
 * @param tolerance latency margin that keeps incumbent Top-N members (default 0; the JSON field {@code tolerance} is
 *     an integer number of milliseconds)
 * @param strategy {@code random} or {@code consistent_hash} (required)
 * @param hash consistent-hash settings
 * @param hysteresis tier-switch damping
 * @param emptyPoolAction what happens when no member is usable (default {@code error})
 * @param interruptExistConnections close inbound connections bound to members that left the active set
 * @param preferDomain pass an IP destination with a sniffed domain to the member as that domain
 */
public record LoadBalanceOutboundOptions(
        String tag,
        List<String> primaryOutbounds,
        List<String> backupOutbounds,
        String url,
        Duration interval,
        Duration timeout,
        Duration idleTimeout,
        TopNOptions topN,
        Duration tolerance,
        LoadBalanceStrategy strategy,
        HashOptions hash,
        HysteresisOptions hysteresis,
        EmptyPoolAction emptyPoolAction,
        boolean interruptExistConnections,
        boolean preferDomain)
        implements OutboundOptions {

    /** The {@code type} field of this outbound: {@code loadbalance}. */
    public static final String TYPE = "loadbalance";
    /** The default health-check {@code url}. */
    public static final String DEFAULT_URL = "https://www.gstatic.com/generate_204";
    /** The default {@code interval} between health-check rounds: 3 minutes. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(3);
    /** The default per-check {@code timeout}: 5 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** The default {@code idle_timeout}: 30 minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);

    /**
     * Copies the member lists, reading {@code null} as empty; ranges are checked by the validator ({@link
     * Builder#build()}).
     *
     * @param tag the outbound's tag
     * @param primaryOutbounds {@code primary_outbounds}, or {@code null}
     * @param backupOutbounds {@code backup_outbounds}, or {@code null}
     * @param url {@code url}
     * @param interval {@code interval}
     * @param timeout {@code timeout}
     * @param idleTimeout {@code idle_timeout}
     * @param topN {@code top_n}
     * @param tolerance {@code tolerance} (milliseconds in JSON)
     * @param strategy {@code strategy}
     * @param hash {@code hash}
     * @param hysteresis {@code hysteresis}
     * @param emptyPoolAction {@code empty_pool_action}
     * @param interruptExistConnections {@code interrupt_exist_connections}
     * @param preferDomain {@code prefer_domain}
     * @throws NullPointerException if {@code topN}, {@code hash}, {@code hysteresis} or {@code emptyPoolAction} is
     *     {@code null}
     */
    public LoadBalanceOutboundOptions {
        primaryOutbounds = primaryOutbounds == null ? List.of() : List.copyOf(primaryOutbounds);
        backupOutbounds = backupOutbounds == null ? List.of() : List.copyOf(backupOutbounds);
        Objects.requireNonNull(topN, "topN");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(hysteresis, "hysteresis");
        Objects.requireNonNull(emptyPoolAction, "emptyPoolAction");
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** {@return the primaries, then the backups} */
    @Override
    public List<String> dependencies() {
        List<String> all = new ArrayList<>(primaryOutbounds);
        all.addAll(backupOutbounds);
        return List.copyOf(all);
    }

    /**
     * A builder for a balancer; the members must still be set, the other fields start at their defaults.
     *
     * @param tag the outbound's tag
     * @param strategy {@code strategy}: how a member is picked
     * @return the builder
     */
    public static Builder builder(String tag, LoadBalanceStrategy strategy) {
        return new Builder(tag, strategy);
    }

    /** {@return a builder holding these options, to change some of them} */
    public Builder toBuilder() {
        return new Builder(tag, strategy)
                .primaryOutbounds(primaryOutbounds)
                .backupOutbounds(backupOutbounds)
                .url(url)
                .interval(interval)
                .timeout(timeout)
                .idleTimeout(idleTimeout)
                .topN(topN)
                .tolerance(tolerance)
                .hash(hash)
                .hysteresis(hysteresis)
                .emptyPoolAction(emptyPoolAction)
                .interruptExistConnections(interruptExistConnections)
                .preferDomain(preferDomain);
    }

    /** Builds {@link LoadBalanceOutboundOptions}; unset fields take the defaults listed in docs/configuration.md. */
    public static final class Builder {
        private final String tag;
        private final LoadBalanceStrategy strategy;
        private List<String> primaryOutbounds = List.of();
        private List<String> backupOutbounds = List.of();
        private String url = DEFAULT_URL;
        private Duration interval = DEFAULT_INTERVAL;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private TopNOptions topN = TopNOptions.ALL;
        private Duration tolerance = Duration.ZERO;
        private HashOptions hash = HashOptions.DEFAULT;
        private HysteresisOptions hysteresis = HysteresisOptions.DEFAULT;
        private EmptyPoolAction emptyPoolAction = EmptyPoolAction.ERROR;
        private boolean interruptExistConnections;
        private boolean preferDomain;

        private Builder(String tag, LoadBalanceStrategy strategy) {
            this.tag = tag;
            this.strategy = strategy;
        }

        /**
         * Sets {@code primary_outbounds}: the members that serve while one of them is usable; required, non-empty.
         *
         * @param tags the members' tags
         * @return this builder
         */
        public Builder primaryOutbounds(List<String> tags) {
            this.primaryOutbounds = tags;
            return this;
        }

        /**
         * Sets {@code backup_outbounds}: the members that serve when no primary is usable; default none.
         *
         * @param tags the members' tags; none may also be a primary
         * @return this builder
         */
        public Builder backupOutbounds(List<String> tags) {
            this.backupOutbounds = tags;
            return this;
        }

        /**
         * Sets {@code url}: what health checks fetch through each member; default {@link #DEFAULT_URL}.
         *
         * @param url an absolute {@code http://} or {@code https://} URL
         * @return this builder
         */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /**
         * Sets {@code interval}: the time between health-check rounds; default {@link #DEFAULT_INTERVAL}.
         *
         * @param interval the interval; must be positive
         * @return this builder
         */
        public Builder interval(Duration interval) {
            this.interval = interval;
            return this;
        }

        /**
         * Sets {@code timeout}: how long one member's check may take; default {@link #DEFAULT_TIMEOUT}.
         *
         * @param timeout the timeout; must be positive
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets {@code idle_timeout}: periodic checks pause after this long without a dial; default {@link
         * #DEFAULT_IDLE_TIMEOUT}.
         *
         * @param idleTimeout the timeout; zero never pauses
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Sets {@code top_n}: how many of the fastest healthy members of each tier serve; default {@link
         * TopNOptions#ALL}.
         *
         * @param topN the counts
         * @return this builder
         */
        public Builder topN(TopNOptions topN) {
            this.topN = Objects.requireNonNull(topN, "topN");
            return this;
        }

        /**
         * Sets {@code tolerance}: how much slower than the Top-N cut-off a member in use may be and keep its place, and
         * how much faster a newcomer must be to replace one; default zero. The JSON field is an integer number of
         * milliseconds, so finer values cannot be written in a file.
         *
         * @param tolerance the margin; zero or more
         * @return this builder
         */
        public Builder tolerance(Duration tolerance) {
            this.tolerance = tolerance;
            return this;
        }

        /**
         * Sets {@code hash}: the consistent-hash settings, required for {@link LoadBalanceStrategy#CONSISTENT_HASH};
         * default {@link HashOptions#DEFAULT}.
         *
         * @param hash the settings
         * @return this builder
         */
        public Builder hash(HashOptions hash) {
            this.hash = Objects.requireNonNull(hash, "hash");
            return this;
        }

        /**
         * Sets {@code hysteresis}: damping between the tiers and of recovering members; default {@link
         * HysteresisOptions#DEFAULT}.
         *
         * @param hysteresis the settings
         * @return this builder
         */
        public Builder hysteresis(HysteresisOptions hysteresis) {
            this.hysteresis = Objects.requireNonNull(hysteresis, "hysteresis");
            return this;
        }

        /**
         * Sets {@code empty_pool_action}: what a dial does when no member is usable; default {@link
         * EmptyPoolAction#ERROR}.
         *
         * @param action the action
         * @return this builder
         */
        public Builder emptyPoolAction(EmptyPoolAction action) {
            this.emptyPoolAction = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * Sets {@code interrupt_exist_connections}: whether connections from inbounds are closed when their member
         * leaves the active set (the application's own connections always are); default {@code false}.
         *
         * @param interrupt whether to close them
         * @return this builder
         */
        public Builder interruptExistConnections(boolean interrupt) {
            this.interruptExistConnections = interrupt;
            return this;
        }

        /**
         * Sets {@code prefer_domain}: whether an IP destination with a sniffed domain is passed to the member as that
         * domain; default {@code false}.
         *
         * @param preferDomain whether to pass the domain
         * @return this builder
         */
        public Builder preferDomain(boolean preferDomain) {
            this.preferDomain = preferDomain;
            return this;
        }

        /**
         * Builds and validates the options.
         *
         * @return the options
         * @throws io.github.proxycore.config.ConfigException listing every invalid field
         */
        public LoadBalanceOutboundOptions build() {
            LoadBalanceOutboundOptions options = new LoadBalanceOutboundOptions(
                    tag,
                    primaryOutbounds,
                    backupOutbounds,
                    url,
                    interval,
                    timeout,
                    idleTimeout,
                    topN,
                    tolerance,
                    strategy,
                    hash,
                    hysteresis,
                    emptyPoolAction,
                    interruptExistConnections,
                    preferDomain);
            io.github.proxycore.config.internal.Validator.check(options);
            return options;
        }
    }
}
