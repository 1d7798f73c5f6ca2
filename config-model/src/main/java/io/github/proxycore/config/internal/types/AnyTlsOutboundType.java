package io.github.proxycore.config.internal.types;

import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.internal.Validator;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.config.spi.ConfigChecks;
import io.github.proxycore.config.spi.ConfigObject;
import io.github.proxycore.config.spi.OutboundType;
import java.time.Duration;

/** The {@code anytls} outbound's JSON. */
public final class AnyTlsOutboundType implements OutboundType<AnyTlsOutboundOptions> {
    @Override
    public String type() {
        return AnyTlsOutboundOptions.TYPE;
    }

    @Override
    public Class<AnyTlsOutboundOptions> optionsClass() {
        return AnyTlsOutboundOptions.class;
    }

    @Override
    public AnyTlsOutboundOptions bind(String tag, ConfigObject o) {
        String server = o.requiredString("server");
        Integer port = o.optionalInteger("server_port");
        if (port == null && !o.has("server_port")) {
            o.problem("server_port", "missing required field");
        }
        String password = o.secret("password");
        ConfigObject tlsObject = o.object("tls");
        OutboundTlsOptions tls;
        if (tlsObject == null) {
            if (!o.has("tls")) {
                o.problem("tls", "missing required field (AnyTLS runs over TLS; {} takes the defaults)");
            }
            tls = OutboundTlsOptions.builder().build();
        } else {
            // AnyTLS is TLS by definition, so an empty object means "TLS with defaults".
            tls = tlsObject.asOutboundTls(true);
        }
        return new AnyTlsOutboundOptions(
                tag,
                server,
                port == null ? 0 : port,
                password,
                o.duration("idle_session_check_interval", AnyTlsOutboundOptions.DEFAULT_IDLE_SESSION_CHECK_INTERVAL),
                o.duration("idle_session_timeout", AnyTlsOutboundOptions.DEFAULT_IDLE_SESSION_TIMEOUT),
                o.integer("min_idle_session", 0),
                o.integer("min_idle_session_for_age", 0),
                o.integer("ensure_idle_session", 0),
                o.integer("ensure_idle_session_create_rate", 0),
                o.duration("heartbeat", Duration.ZERO),
                o.duration("max_connection_lifetime", Duration.ZERO),
                o.duration("connection_lifetime_jitter", Duration.ZERO),
                tls,
                o.dialOptions());
    }

    @Override
    public void validate(AnyTlsOutboundOptions o, ConfigChecks c) {
        c.required(o.server(), "server");
        c.required(o.password(), "password");
        if (o.server() != null && o.server().isBlank()) {
            c.problem("server", "must not be empty");
        }
        if (o.server() != null) {
            c.port(o.serverPort(), 1, "server_port");
        }
        c.notEmpty(o.password(), "password");
        c.positive(o.idleSessionCheckInterval(), "idle_session_check_interval");
        c.nonNegative(o.idleSessionTimeout(), "idle_session_timeout");
        c.nonNegative(o.minIdleSession(), "min_idle_session");
        c.nonNegative(o.minIdleSessionForAge(), "min_idle_session_for_age");
        c.nonNegative(o.ensureIdleSession(), "ensure_idle_session");
        c.nonNegative(o.ensureIdleSessionCreateRate(), "ensure_idle_session_create_rate");
        if (c.nonNegative(o.heartbeat(), "heartbeat")
                && !o.heartbeat().isZero()
                && o.heartbeat().compareTo(Validator.MIN_HEARTBEAT) < 0) {
            c.problem("heartbeat", "must be 0 (off) or at least 10ms, got " + Validator.format(o.heartbeat()));
        }
        c.nonNegative(o.maxConnectionLifetime(), "max_connection_lifetime");
        c.nonNegative(o.connectionLifetimeJitter(), "connection_lifetime_jitter");
        c.outboundTls(o.tls(), "tls");
        if (!o.tls().enabled()) {
            c.problem("tls.enabled", "AnyTLS always runs over TLS; remove \"enabled\": false");
        }
        c.dialOptions(o.dial());
    }
}
