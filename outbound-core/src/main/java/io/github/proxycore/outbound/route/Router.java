package io.github.proxycore.outbound.route;

import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ConfigProblem;
import io.github.proxycore.config.route.HeadlessRule;
import io.github.proxycore.config.route.InlineRuleSet;
import io.github.proxycore.config.route.LocalRuleSet;
import io.github.proxycore.config.route.RemoteRuleSet;
import io.github.proxycore.config.route.RouteOptions;
import io.github.proxycore.config.route.RouteRule;
import io.github.proxycore.config.route.RuleSetFormat;
import io.github.proxycore.config.route.RuleSetOptions;
import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.Outbounds;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sing-box-style routing: rules are tried in order and the first that matches names the outbound; no match goes to
 * {@code route.final}, or to the first outbound. A rule that matches through a rule set records that set's tag in
 * the connection's {@link Metadata#matchedRuleSet()}, which load balancers can hash on.
 *
 * <p>Rule sets may be inline or local files in sing-box's source (JSON) format. Compiled once; routing takes no
 * lock.
 *
 * <pre>{@code
 * Router router = Router.create(config.route(), outbounds, Path.of("."));
 * router.dial(metadata).addListener(...);
 * }</pre>
 */
public final class Router implements ConnectionRouter {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final List<CompiledRule> rules;
    private final Outbound finalOutbound;

    /** The outbound chosen for a connection and the metadata it is dialled with. */
    public record Route(Outbound outbound, Metadata metadata) {}

    private record CompiledRule(
            Set<String> inbounds,
            Conditions conditions,
            List<CompiledRuleSet> ruleSets,
            boolean invert,
            Outbound outbound) {

        /** The matched rule-set tag, "" when the rule matched without one, or null when it did not match. */
        String match(Metadata m) {
            boolean matched = (inbounds.isEmpty() || (m.inboundTag() != null && inbounds.contains(m.inboundTag())))
                    && conditions.matches(m);
            String ruleSetTag = "";
            if (matched && !ruleSets.isEmpty()) {
                ruleSetTag = null;
                for (CompiledRuleSet set : ruleSets) {
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

    private record CompiledRuleSet(String tag, List<HeadlessMatcher> rules) {
        boolean matches(Metadata m) {
            for (HeadlessMatcher rule : rules) {
                if (rule.conditions().matches(m) != rule.invert()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One rule of a rule set. */
    private record HeadlessMatcher(Conditions conditions, boolean invert) {}

    private Router(List<CompiledRule> rules, Outbound finalOutbound) {
        this.rules = rules;
        this.finalOutbound = finalOutbound;
    }

    /**
     * Compiles the routing rules over built outbounds.
     *
     * @param ruleSetBase the directory relative {@code path}s of local rule sets are read from
     * @throws ConfigException for rule sets that cannot be used (unreadable, or a format this build does not read)
     */
    public static Router create(RouteOptions route, Outbounds outbounds, Path ruleSetBase) {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(outbounds, "outbounds");
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, CompiledRuleSet> sets = new HashMap<>();
        for (int i = 0; i < route.ruleSets().size(); i++) {
            RuleSetOptions options = route.ruleSets().get(i);
            String path = "$.route.rule_set[" + i + "]";
            List<HeadlessRule> headless = load(options, path, ruleSetBase, problems);
            if (headless != null) {
                sets.put(options.tag(), compile(options.tag(), headless));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(null, problems);
        }
        List<CompiledRule> compiled = new ArrayList<>();
        for (RouteRule rule : route.rules()) {
            List<CompiledRuleSet> ruleSets =
                    rule.ruleSet().stream().map(sets::get).toList();
            compiled.add(new CompiledRule(
                    Set.copyOf(rule.inbound()),
                    new Conditions(rule.conditions()),
                    ruleSets,
                    rule.invert(),
                    outbounds.get(rule.outbound())));
        }
        Outbound fallback = route.finalOutbound() != null
                ? outbounds.get(route.finalOutbound())
                : outbounds.all().isEmpty() ? null : outbounds.all().get(0);
        if (fallback == null) {
            throw new ConfigException(
                    null, List.of(new ConfigProblem("$.outbounds", "there is no outbound to route to")));
        }
        return new Router(List.copyOf(compiled), fallback);
    }

    private static List<HeadlessRule> load(
            RuleSetOptions options, String path, Path base, List<ConfigProblem> problems) {
        if (options instanceof InlineRuleSet inline) {
            return inline.rules();
        }
        if (options instanceof RemoteRuleSet) {
            problems.add(new ConfigProblem(
                    path,
                    "remote rule sets are not supported by this build;"
                            + " download the file and use a local rule set in source format"));
            return null;
        }
        LocalRuleSet local = (LocalRuleSet) options;
        if (local.format() == RuleSetFormat.BINARY) {
            problems.add(new ConfigProblem(
                    path + ".format",
                    "binary (.srs) rule sets are not supported by this build;" + " use the source (JSON) format"));
            return null;
        }
        Path file = base.resolve(local.path());
        try {
            return ConfigLoader.parseRuleSetSource(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            problems.add(new ConfigProblem(path + ".path", "cannot read " + file + ": " + e.getMessage()));
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                problems.add(new ConfigProblem(path + ".path", file + " " + p));
            }
        }
        return null;
    }

    private static CompiledRuleSet compile(String tag, List<HeadlessRule> rules) {
        List<HeadlessMatcher> matchers = new ArrayList<>();
        for (HeadlessRule rule : rules) {
            matchers.add(new HeadlessMatcher(new Conditions(rule.conditions()), rule.invert()));
        }
        return new CompiledRuleSet(tag, List.copyOf(matchers));
    }

    /** The outbound for a connection, and its metadata with the matched rule set recorded. */
    public Route route(Metadata metadata) {
        for (CompiledRule rule : rules) {
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
                return new Route(rule.outbound(), routed);
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
}
