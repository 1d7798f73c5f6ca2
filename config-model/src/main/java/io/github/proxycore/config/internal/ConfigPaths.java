package io.github.proxycore.config.internal;

import io.github.proxycore.config.InboundTlsOptions;
import io.github.proxycore.config.LogOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.config.inbound.AnyTlsInboundOptions;
import io.github.proxycore.config.inbound.InboundOptions;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.config.route.InlineRuleSet;
import io.github.proxycore.config.route.LocalRuleSet;
import io.github.proxycore.config.route.RemoteRuleSet;
import io.github.proxycore.config.route.RouteOptions;
import io.github.proxycore.config.route.RuleSetOptions;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every file path a configuration holds, resolved against one directory: {@code log.output}, the {@code tls}
 * {@code certificate_path} and {@code key_path} of inbounds and outbounds, and the {@code path} of local rule sets.
 * One list, so that no file-like field is resolved from somewhere else; a new field that names a file belongs here.
 */
public final class ConfigPaths {
    private ConfigPaths() {}

    /** {@code config} with each relative path resolved against {@code directory} (made absolute first). */
    public static ProxyConfig resolve(ProxyConfig config, Path directory) {
        Path base = directory.toAbsolutePath().normalize();
        LogOptions log = config.log();
        LogOptions resolvedLog = new LogOptions(log.disabled(), log.level(), file(base, log.output()), log.timestamp());
        List<InboundOptions> inbounds = new ArrayList<>();
        for (InboundOptions inbound : config.inbounds()) {
            inbounds.add(inbound(base, inbound));
        }
        List<OutboundOptions> outbounds = new ArrayList<>();
        for (OutboundOptions outbound : config.outbounds()) {
            outbounds.add(outbound(base, outbound));
        }
        RouteOptions route = config.route();
        List<RuleSetOptions> ruleSets = new ArrayList<>();
        for (RuleSetOptions set : route.ruleSets()) {
            ruleSets.add(ruleSet(base, set));
        }
        return new ProxyConfig(
                resolvedLog,
                inbounds,
                outbounds,
                new RouteOptions(route.rules(), ruleSets, route.finalOutbound()),
                config.experimental());
    }

    private static InboundOptions inbound(Path base, InboundOptions inbound) {
        if (inbound instanceof AnyTlsInboundOptions a) {
            InboundTlsOptions t = a.tls();
            InboundTlsOptions tls = new InboundTlsOptions(
                    t.enabled(),
                    t.serverName(),
                    t.alpn(),
                    t.minVersion(),
                    t.maxVersion(),
                    t.cipherSuites(),
                    t.certificate(),
                    file(base, t.certificatePath()),
                    t.key(),
                    file(base, t.keyPath()));
            return new AnyTlsInboundOptions(
                    a.tag(),
                    a.listen(),
                    a.users(),
                    a.paddingScheme(),
                    tls,
                    a.maxStreamsPerSession(),
                    a.streamAddressTimeout(),
                    a.streamDialTimeout(),
                    a.sessionMemoryBudget(),
                    a.sessionIdleTimeout());
        }
        // mixed has no file paths; a type contributed through the config SPI keeps its paths as written (the SPI has
        // no hook for paths yet)
        return inbound;
    }

    private static OutboundOptions outbound(Path base, OutboundOptions outbound) {
        if (outbound instanceof AnyTlsOutboundOptions a) {
            OutboundTlsOptions t = a.tls();
            OutboundTlsOptions tls = new OutboundTlsOptions(
                    t.enabled(),
                    t.disableSni(),
                    t.serverName(),
                    t.insecure(),
                    t.alpn(),
                    t.minVersion(),
                    t.maxVersion(),
                    t.cipherSuites(),
                    t.certificate(),
                    file(base, t.certificatePath()));
            return new AnyTlsOutboundOptions(
                    a.tag(),
                    a.server(),
                    a.serverPort(),
                    a.password(),
                    a.idleSessionCheckInterval(),
                    a.idleSessionTimeout(),
                    a.minIdleSession(),
                    a.minIdleSessionForAge(),
                    a.ensureIdleSession(),
                    a.ensureIdleSessionCreateRate(),
                    a.heartbeat(),
                    a.maxConnectionLifetime(),
                    a.connectionLifetimeJitter(),
                    tls,
                    a.dial());
        }
        // loadbalance, selector, urltest, direct and block have no file paths; a type contributed through the config
        // SPI keeps its paths as written (the SPI has no hook for paths yet)
        return outbound;
    }

    private static RuleSetOptions ruleSet(Path base, RuleSetOptions set) {
        if (set instanceof LocalRuleSet local) {
            return new LocalRuleSet(local.tag(), local.format(), file(base, local.path()));
        }
        if (set instanceof InlineRuleSet || set instanceof RemoteRuleSet) {
            return set; // no file paths (a remote set's cache directory is the caller's choice)
        }
        throw new IllegalArgumentException("unknown rule set options " + set.getClass());
    }

    /** {@code path} resolved against {@code base}; {@code null}, absolute and unparsable paths as they are. */
    private static String file(Path base, String path) {
        if (path == null || path.isEmpty()) {
            return path;
        }
        try {
            Path p = Path.of(path);
            return p.isAbsolute() ? path : base.resolve(p).normalize().toString();
        } catch (InvalidPathException e) {
            return path; // reading it reports the problem, with the path as written
        }
    }
}
