package io.github.proxycore.config.outbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code loadbalance} outbound: health-checked primary and backup tiers of other outbounds, Top-N selection
 * with tolerance, random or consistent-hash picking, and hysteresis between tiers (seeds 001 and 002, SPEC §4).
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
 * @param tolerance latency margin that keeps incumbent Top-N members (default 0)
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

    public static final String TYPE = "loadbalance";
    public static final String DEFAULT_URL = "https://www.gstatic.com/generate_204";
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(3);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);

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

    /** The primaries, then the backups. */
    @Override
    public List<String> dependencies() {
        List<String> all = new ArrayList<>(primaryOutbounds);
        all.addAll(backupOutbounds);
        return List.copyOf(all);
    }

    public static Builder builder(String tag, LoadBalanceStrategy strategy) {
        return new Builder(tag, strategy);
    }

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

    /** Builds {@link LoadBalanceOutboundOptions}; unset fields take the defaults of SPEC §4. */
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

        public Builder primaryOutbounds(List<String> tags) {
            this.primaryOutbounds = tags;
            return this;
        }

        public Builder backupOutbounds(List<String> tags) {
            this.backupOutbounds = tags;
            return this;
        }

        public Builder url(String url) {
            this.url = url;
            return this;
        }

        public Builder interval(Duration interval) {
            this.interval = interval;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder topN(TopNOptions topN) {
            this.topN = Objects.requireNonNull(topN, "topN");
            return this;
        }

        public Builder tolerance(Duration tolerance) {
            this.tolerance = tolerance;
            return this;
        }

        public Builder hash(HashOptions hash) {
            this.hash = Objects.requireNonNull(hash, "hash");
            return this;
        }

        public Builder hysteresis(HysteresisOptions hysteresis) {
            this.hysteresis = Objects.requireNonNull(hysteresis, "hysteresis");
            return this;
        }

        public Builder emptyPoolAction(EmptyPoolAction action) {
            this.emptyPoolAction = Objects.requireNonNull(action, "action");
            return this;
        }

        public Builder interruptExistConnections(boolean interrupt) {
            this.interruptExistConnections = interrupt;
            return this;
        }

        public Builder preferDomain(boolean preferDomain) {
            this.preferDomain = preferDomain;
            return this;
        }

        /** @throws io.github.proxycore.config.ConfigException listing every invalid field */
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
