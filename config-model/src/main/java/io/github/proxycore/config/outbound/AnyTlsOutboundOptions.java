package io.github.proxycore.config.outbound;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code anytls} outbound: the server, its password, TLS, dial fields, and the session pool's seven fields
 * (see the field documentation of seed 000 and SPEC §3).
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

    public static final String TYPE = "anytls";
    public static final Duration DEFAULT_IDLE_SESSION_CHECK_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDLE_SESSION_TIMEOUT = Duration.ofSeconds(30);

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

    public static Builder builder(String tag, String server, int serverPort, String password) {
        return new Builder(tag, server, serverPort, password);
    }

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

    /** Builds {@link AnyTlsOutboundOptions}; unset pool fields take the seed's defaults. */
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

        public Builder idleSessionCheckInterval(Duration interval) {
            this.idleSessionCheckInterval = interval;
            return this;
        }

        public Builder idleSessionTimeout(Duration timeout) {
            this.idleSessionTimeout = timeout;
            return this;
        }

        public Builder minIdleSession(int count) {
            this.minIdleSession = count;
            return this;
        }

        public Builder minIdleSessionForAge(int count) {
            this.minIdleSessionForAge = count;
            return this;
        }

        public Builder ensureIdleSession(int count) {
            this.ensureIdleSession = count;
            return this;
        }

        public Builder ensureIdleSessionCreateRate(int perCycle) {
            this.ensureIdleSessionCreateRate = perCycle;
            return this;
        }

        public Builder heartbeat(Duration interval) {
            this.heartbeat = interval;
            return this;
        }

        public Builder maxConnectionLifetime(Duration lifetime) {
            this.maxConnectionLifetime = lifetime;
            return this;
        }

        public Builder connectionLifetimeJitter(Duration jitter) {
            this.connectionLifetimeJitter = jitter;
            return this;
        }

        public Builder tls(OutboundTlsOptions tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        public Builder dial(DialOptions dial) {
            this.dial = Objects.requireNonNull(dial, "dial");
            return this;
        }

        /** @throws io.github.proxycore.config.ConfigException listing every invalid field */
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
