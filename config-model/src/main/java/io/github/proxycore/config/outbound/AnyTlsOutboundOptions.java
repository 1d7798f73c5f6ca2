package io.github.proxycore.config.outbound;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code anytls} outbound: the server, its password, TLS, dial fields, and the session pool's seven fields
 * (their behaviour is described in docs/anytls.md, "The session pool").
 *
 * <pre>{@code
 * AnyTlsOutboundOptions options = AnyTlsOutboundOptions.builder("proxy", "example.com", 443, "secret")
 *         .ensureIdleSession(5)
 *         .heartbeat(Duration.ofSeconds(30))
 *         .build();
 * }</pre>
 *
 * @param tag the outbound's tag
 * @param server server host name or IP literal
 * @param serverPort server port
 * @param password the AnyTLS password (never printed)
 * @param idleSessionCheckInterval how often the pool housekeeper runs (default 30s)
 * @param idleSessionTimeout idle sessions older than this are closed by the housekeeper (default 30s)
 * @param minIdleSession the newest idle sessions protected from the idle timeout (default 0)
 * @param minIdleSessionForAge idle sessions protected from age cleanup (default 0)
 * @param ensureIdleSession idle sessions the pool keeps ready (default 0, off)
 * @param ensureIdleSessionCreateRate new sessions per housekeeping cycle at most (default 0, unlimited)
 * @param heartbeat interval of session heartbeats (default 0, off)
 * @param maxConnectionLifetime lifetime of a session (default 0, unlimited)
 * @param connectionLifetimeJitter random spread of each session's lifetime, ± this much (default 0)
 * @param tls TLS options; AnyTLS always runs over TLS
 * @param dial how the TCP connection to the server is made
 */
public record AnyTlsOutboundOptions(
        String tag,
        String server,
        int serverPort,
        String password,
        Duration idleSessionCheckInterval,
        Duration idleSessionTimeout,
        int minIdleSession,
        int minIdleSessionForAge,
        int ensureIdleSession,
        int ensureIdleSessionCreateRate,
        Duration heartbeat,
        Duration maxConnectionLifetime,
        Duration connectionLifetimeJitter,
        OutboundTlsOptions tls,
        DialOptions dial)
        implements OutboundOptions {

    /** The {@code type} field of this outbound: {@code anytls}. */
    public static final String TYPE = "anytls";
    /** The default {@code idle_session_check_interval}: 30 seconds. */
    public static final Duration DEFAULT_IDLE_SESSION_CHECK_INTERVAL = Duration.ofSeconds(30);
    /** The default {@code idle_session_timeout}: 30 seconds. */
    public static final Duration DEFAULT_IDLE_SESSION_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Checks that {@code tls} and {@code dial} are set; ranges are checked by the validator ({@link Builder#build()}).
     *
     * @param tag the outbound's tag
     * @param server server host name or IP literal
     * @param serverPort server port
     * @param password the AnyTLS password
     * @param idleSessionCheckInterval {@code idle_session_check_interval}
     * @param idleSessionTimeout {@code idle_session_timeout}
     * @param minIdleSession {@code min_idle_session}
     * @param minIdleSessionForAge {@code min_idle_session_for_age}
     * @param ensureIdleSession {@code ensure_idle_session}
     * @param ensureIdleSessionCreateRate {@code ensure_idle_session_create_rate}
     * @param heartbeat {@code heartbeat}
     * @param maxConnectionLifetime {@code max_connection_lifetime}
     * @param connectionLifetimeJitter {@code connection_lifetime_jitter}
     * @param tls TLS options
     * @param dial dial fields
     * @throws NullPointerException if {@code tls} or {@code dial} is {@code null}
     */
    public AnyTlsOutboundOptions {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(dial, "dial");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> dependencies() {
        return dial.detourDependency();
    }

    /**
     * A builder for an outbound to {@code server:serverPort}; the other fields start at their defaults.
     *
     * @param tag the outbound's tag ({@code tag})
     * @param server the server's host name or IP literal ({@code server})
     * @param serverPort the server's port, 1 to 65535 ({@code server_port})
     * @param password the AnyTLS password ({@code password})
     * @return the builder
     */
    public static Builder builder(String tag, String server, int serverPort, String password) {
        return new Builder(tag, server, serverPort, password);
    }

    /** {@return a builder holding these options, to change some of them} */
    public Builder toBuilder() {
        return new Builder(tag, server, serverPort, password)
                .idleSessionCheckInterval(idleSessionCheckInterval)
                .idleSessionTimeout(idleSessionTimeout)
                .minIdleSession(minIdleSession)
                .minIdleSessionForAge(minIdleSessionForAge)
                .ensureIdleSession(ensureIdleSession)
                .ensureIdleSessionCreateRate(ensureIdleSessionCreateRate)
                .heartbeat(heartbeat)
                .maxConnectionLifetime(maxConnectionLifetime)
                .connectionLifetimeJitter(connectionLifetimeJitter)
                .tls(tls)
                .dial(dial);
    }

    @Override
    public String toString() {
        return "AnyTlsOutboundOptions[tag=" + tag
                + ", server=" + server
                + ", serverPort=" + serverPort
                + ", password=<redacted>"
                + ", idleSessionCheckInterval=" + idleSessionCheckInterval
                + ", idleSessionTimeout=" + idleSessionTimeout
                + ", minIdleSession=" + minIdleSession
                + ", minIdleSessionForAge=" + minIdleSessionForAge
                + ", ensureIdleSession=" + ensureIdleSession
                + ", ensureIdleSessionCreateRate=" + ensureIdleSessionCreateRate
                + ", heartbeat=" + heartbeat
                + ", maxConnectionLifetime=" + maxConnectionLifetime
                + ", connectionLifetimeJitter=" + connectionLifetimeJitter
                + ", tls=" + tls
                + ", dial=" + dial
                + "]";
    }

    /** Builds {@link AnyTlsOutboundOptions}; unset fields take the defaults listed in docs/configuration.md. */
    public static final class Builder {
        private final String tag;
        private final String server;
        private final int serverPort;
        private final String password;
        private Duration idleSessionCheckInterval = DEFAULT_IDLE_SESSION_CHECK_INTERVAL;
        private Duration idleSessionTimeout = DEFAULT_IDLE_SESSION_TIMEOUT;
        private int minIdleSession;
        private int minIdleSessionForAge;
        private int ensureIdleSession;
        private int ensureIdleSessionCreateRate;
        private Duration heartbeat = Duration.ZERO;
        private Duration maxConnectionLifetime = Duration.ZERO;
        private Duration connectionLifetimeJitter = Duration.ZERO;
        private OutboundTlsOptions tls = OutboundTlsOptions.builder().build();
        private DialOptions dial = DialOptions.DEFAULT;

        private Builder(String tag, String server, int serverPort, String password) {
            this.tag = tag;
            this.server = server;
            this.serverPort = serverPort;
            this.password = password;
        }

        /**
         * Sets {@code idle_session_check_interval}: how often the pool's housekeeping runs; default {@link
         * #DEFAULT_IDLE_SESSION_CHECK_INTERVAL}.
         *
         * @param interval the period; must be positive
         * @return this builder
         */
        public Builder idleSessionCheckInterval(Duration interval) {
            this.idleSessionCheckInterval = interval;
            return this;
        }

        /**
         * Sets {@code idle_session_timeout}: idle sessions idle longer than this are closed by housekeeping; default
         * {@link #DEFAULT_IDLE_SESSION_TIMEOUT}.
         *
         * @param timeout the timeout; zero or more
         * @return this builder
         */
        public Builder idleSessionTimeout(Duration timeout) {
            this.idleSessionTimeout = timeout;
            return this;
        }

        /**
         * Sets {@code min_idle_session}: how many of the newest idle sessions the idle timeout spares; default 0.
         *
         * @param count the count; zero or more
         * @return this builder
         */
        public Builder minIdleSession(int count) {
            this.minIdleSession = count;
            return this;
        }

        /**
         * Sets {@code min_idle_session_for_age}: how many idle sessions age cleanup spares; default 0.
         *
         * @param count the count; zero or more
         * @return this builder
         */
        public Builder minIdleSessionForAge(int count) {
            this.minIdleSessionForAge = count;
            return this;
        }

        /**
         * Sets {@code ensure_idle_session}: idle sessions the pool keeps ready, dialling new ones as needed; default 0
         * (off).
         *
         * @param count the count; zero or more
         * @return this builder
         */
        public Builder ensureIdleSession(int count) {
            this.ensureIdleSession = count;
            return this;
        }

        /**
         * Sets {@code ensure_idle_session_create_rate}: at most this many sessions are dialled per housekeeping cycle;
         * default 0 (unlimited).
         *
         * @param perCycle sessions per cycle; zero or more
         * @return this builder
         */
        public Builder ensureIdleSessionCreateRate(int perCycle) {
            this.ensureIdleSessionCreateRate = perCycle;
            return this;
        }

        /**
         * Sets {@code heartbeat}: the interval of session heartbeats; default zero (off).
         *
         * @param interval zero, or at least 10 ms
         * @return this builder
         */
        public Builder heartbeat(Duration interval) {
            this.heartbeat = interval;
            return this;
        }

        /**
         * Sets {@code max_connection_lifetime}: how long a session lives before it is retired; default zero
         * (unlimited).
         *
         * @param lifetime the lifetime; zero or more
         * @return this builder
         */
        public Builder maxConnectionLifetime(Duration lifetime) {
            this.maxConnectionLifetime = lifetime;
            return this;
        }

        /**
         * Sets {@code connection_lifetime_jitter}: each session's lifetime is drawn from the lifetime ± this (never
         * below 1 s); default zero.
         *
         * @param jitter the jitter; zero or more
         * @return this builder
         */
        public Builder connectionLifetimeJitter(Duration jitter) {
            this.connectionLifetimeJitter = jitter;
            return this;
        }

        /**
         * Sets {@code tls}; default TLS with verification and the provider's defaults ({@code {}} in JSON).
         *
         * @param tls the TLS options; must be enabled
         * @return this builder
         */
        public Builder tls(OutboundTlsOptions tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * Sets the dial fields used to reach the server; default {@link DialOptions#DEFAULT}.
         *
         * @param dial the dial options
         * @return this builder
         */
        public Builder dial(DialOptions dial) {
            this.dial = Objects.requireNonNull(dial, "dial");
            return this;
        }

        /**
         * Builds and validates the options.
         *
         * @return the options
         * @throws io.github.proxycore.config.ConfigException listing every invalid field
         */
        public AnyTlsOutboundOptions build() {
            AnyTlsOutboundOptions options = new AnyTlsOutboundOptions(
                    tag,
                    server,
                    serverPort,
                    password,
                    idleSessionCheckInterval,
                    idleSessionTimeout,
                    minIdleSession,
                    minIdleSessionForAge,
                    ensureIdleSession,
                    ensureIdleSessionCreateRate,
                    heartbeat,
                    maxConnectionLifetime,
                    connectionLifetimeJitter,
                    tls,
                    dial);
            io.github.proxycore.config.internal.Validator.check(options);
            return options;
        }
    }
}
