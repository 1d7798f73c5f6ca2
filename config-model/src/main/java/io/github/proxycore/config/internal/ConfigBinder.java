package io.github.proxycore.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.proxycore.config.ClashApiOptions;
import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.DomainStrategy;
import io.github.proxycore.config.ExperimentalOptions;
import io.github.proxycore.config.InboundTlsOptions;
import io.github.proxycore.config.ListenOptions;
import io.github.proxycore.config.LogLevel;
import io.github.proxycore.config.LogOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.config.TlsVersion;
import io.github.proxycore.config.inbound.InboundOptions;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.config.route.HeadlessRule;
import io.github.proxycore.config.route.InlineRuleSet;
import io.github.proxycore.config.route.LocalRuleSet;
import io.github.proxycore.config.route.RemoteRuleSet;
import io.github.proxycore.config.route.RouteOptions;
import io.github.proxycore.config.route.RouteRule;
import io.github.proxycore.config.route.RuleConditions;
import io.github.proxycore.config.route.RuleSetFormat;
import io.github.proxycore.config.route.RuleSetOptions;
import io.github.proxycore.config.spi.InboundType;
import io.github.proxycore.config.spi.OutboundType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps sing-box JSON onto the option records. It reports what only the JSON shows (wrong types, unknown and
 * missing fields, unknown names) and applies defaults; value ranges and cross references are the
 * {@link Validator}'s job, which also checks options built in Java.
 *
 * <p>Outbounds and inbounds are bound by the {@link OutboundType} or {@link InboundType} registered for their
 * {@code type} ({@link ConfigTypes}); this class knows none of them, only the pieces they share (dial, listen and
 * TLS fields), which they reach through {@link io.github.proxycore.config.spi.ConfigObject}.
 */
public final class ConfigBinder {
    private static final String JVM = "not supported by proxycore";

    private ConfigBinder() {}

    /** Binds a whole document; returns {@code null} only when the root is not an object. */
    public static ProxyConfig bindConfig(JsonNode root, Problems problems) {
        StrictObject o = StrictObject.of(root, "$", problems);
        if (o == null) {
            return null;
        }
        StrictObject logObject = o.object("log");
        LogOptions log = logObject == null ? LogOptions.DEFAULT : bindLog(logObject);

        List<InboundOptions> inbounds = new ArrayList<>();
        for (StrictObject inbound : o.objects("inbounds")) {
            InboundOptions bound = bindInbound(inbound);
            if (bound != null) {
                inbounds.add(bound);
            }
        }
        List<OutboundOptions> outbounds = new ArrayList<>();
        List<StrictObject> outboundObjects = o.objects("outbounds");
        for (int i = 0; i < outboundObjects.size(); i++) {
            OutboundOptions bound = bindOutbound(outboundObjects.get(i), Integer.toString(i));
            if (bound != null) {
                outbounds.add(bound);
            }
        }
        StrictObject routeObject = o.object("route");
        RouteOptions route = routeObject == null ? RouteOptions.EMPTY : bindRoute(routeObject);
        StrictObject experimentalObject = o.object("experimental");
        ExperimentalOptions experimental =
                experimentalObject == null ? ExperimentalOptions.NONE : bindExperimental(experimentalObject);
        o.finish();
        return new ProxyConfig(log, inbounds, outbounds, route, experimental);
    }

    /** Binds one outbound object found at {@code path}. */
    public static OutboundOptions bindOutbound(JsonNode node, String path, Problems problems) {
        StrictObject o = StrictObject.of(node, path, problems);
        return o == null ? null : bindOutbound(o, "0");
    }

    // ---- log

    private static LogOptions bindLog(StrictObject o) {
        boolean disabled = o.bool("disabled", false);
        LogLevel level = o.enumValue("level", LogLevel.values(), LogLevel::configName, Map.of(), LogLevel.INFO);
        String output = o.string("output", null);
        boolean timestamp = o.bool("timestamp", LogOptions.DEFAULT.timestamp());
        o.finish();
        return new LogOptions(disabled, level, output == null || output.isEmpty() ? null : output, timestamp);
    }

    // ---- experimental

    private static ExperimentalOptions bindExperimental(StrictObject o) {
        unsupported(o, "cache_file", JVM);
        unsupported(o, "v2ray_api", JVM);
        StrictObject clash = o.object("clash_api");
        ClashApiOptions clashApi = null;
        if (clash != null) {
            for (String name : List.of(
                    "external_ui",
                    "external_ui_download_url",
                    "external_ui_download_detour",
                    "default_mode",
                    "access_control_allow_origin",
                    "access_control_allow_private_network")) {
                unsupported(clash, name, JVM);
            }
            clashApi = new ClashApiOptions(clash.requiredString("external_controller"), clash.string("secret", ""));
            clash.finish();
        }
        o.finish();
        return new ExperimentalOptions(clashApi);
    }

    // ---- outbounds

    /** {@code defaultTag} is what sing-box names an untagged outbound: its index in the array. */
    private static OutboundOptions bindOutbound(StrictObject o, String defaultTag) {
        String type = o.requiredString("type");
        String tag = o.string("tag", "");
        if (tag.isEmpty()) {
            tag = defaultTag;
        }
        if (type == null) {
            return null;
        }
        OutboundType<?> binding = ConfigTypes.get().outbound(type);
        if (binding == null) {
            o.problems()
                    .add(
                            o.path("type"),
                            "unknown outbound type \"" + type + "\", expected one of "
                                    + String.join(", ", ConfigTypes.get().outboundNames()));
            return null;
        }
        OutboundOptions bound = binding.bind(tag, o);
        o.finish();
        return bound;
    }

    static DialOptions bindDial(StrictObject o) {
        unsupported(o, "bind_interface", JVM + ": the JVM cannot bind a socket to an interface");
        unsupported(o, "routing_mark", JVM + ": the JVM cannot set SO_MARK");
        unsupported(o, "netns", JVM + ": network namespaces are chosen when the JVM starts");
        unsupported(o, "tcp_fast_open", JVM);
        unsupported(o, "tcp_multi_path", JVM);
        unsupported(o, "udp_fragment", JVM);
        unsupported(o, "network_strategy", JVM);
        unsupported(o, "network_type", JVM);
        unsupported(o, "fallback_network_type", JVM);
        unsupported(o, "domain_resolver", JVM + ": domains are resolved by the system resolver");
        DomainStrategy strategy = o.enumValue(
                "domain_strategy",
                DomainStrategy.values(),
                DomainStrategy::configName,
                Map.of("as_is", DomainStrategy.AS_IS),
                DomainStrategy.AS_IS);
        return new DialOptions(
                emptyToNull(o.string("detour", null)),
                emptyToNull(o.string("inet4_bind_address", null)),
                emptyToNull(o.string("inet6_bind_address", null)),
                o.bool("reuse_addr", false),
                o.duration("connect_timeout", DialOptions.DEFAULT_CONNECT_TIMEOUT),
                strategy,
                o.duration("fallback_delay", DialOptions.DEFAULT_FALLBACK_DELAY),
                o.bool("disable_tcp_keep_alive", false),
                o.optionalDuration("tcp_keep_alive"),
                o.duration("tcp_keep_alive_interval", DialOptions.DEFAULT_TCP_KEEP_ALIVE_INTERVAL));
    }

    static OutboundTlsOptions bindOutboundTls(StrictObject o, boolean enabledByDefault) {
        for (String name : List.of(
                "utls",
                "reality",
                "ech",
                "fragment",
                "record_fragment",
                "kernel_tx",
                "kernel_rx",
                "certificate_public_key_sha256",
                "client_certificate",
                "client_certificate_path",
                "client_key",
                "client_key_path",
                "fragment_fallback_delay")) {
            unsupported(o, name, JVM);
        }
        OutboundTlsOptions options = new OutboundTlsOptions(
                o.bool("enabled", enabledByDefault),
                o.bool("disable_sni", false),
                emptyToNull(o.string("server_name", null)),
                o.bool("insecure", false),
                o.strings("alpn"),
                tlsVersion(o, "min_version"),
                tlsVersion(o, "max_version"),
                o.strings("cipher_suites"),
                pem(o, "certificate"),
                emptyToNull(o.string("certificate_path", null)));
        o.finish();
        return options;
    }

    private static TlsVersion tlsVersion(StrictObject o, String name) {
        return o.enumValue(name, TlsVersion.values(), TlsVersion::configName, Map.of(), null);
    }

    /** sing-box takes PEM either as one string or as an array of its lines. */
    private static String pem(StrictObject o, String name) {
        List<String> lines = o.strings(name);
        return lines.isEmpty() ? null : String.join("\n", lines);
    }

    // ---- inbounds

    private static InboundOptions bindInbound(StrictObject o) {
        String type = o.requiredString("type");
        if (type == null) {
            return null;
        }
        String tag = o.string("tag", "");
        if (tag.isEmpty()) {
            tag = type;
        }
        InboundType<?> binding = ConfigTypes.get().inbound(type);
        if (binding == null) {
            o.problems()
                    .add(
                            o.path("type"),
                            "unknown inbound type \"" + type + "\", expected one of "
                                    + String.join(", ", ConfigTypes.get().inboundNames()));
            return null;
        }
        InboundOptions bound = binding.bind(tag, o);
        o.finish();
        return bound;
    }

    static InboundTlsOptions bindInboundTls(StrictObject o, boolean enabledByDefault) {
        for (String name : List.of(
                "acme",
                "ech",
                "reality",
                "kernel_tx",
                "kernel_rx",
                "client_authentication",
                "client_certificate",
                "client_certificate_path",
                "client_certificate_public_key_sha256")) {
            unsupported(o, name, JVM);
        }
        InboundTlsOptions options = new InboundTlsOptions(
                o.bool("enabled", enabledByDefault),
                emptyToNull(o.string("server_name", null)),
                o.strings("alpn"),
                tlsVersion(o, "min_version"),
                tlsVersion(o, "max_version"),
                o.strings("cipher_suites"),
                pem(o, "certificate"),
                emptyToNull(o.string("certificate_path", null)),
                pem(o, "key"),
                emptyToNull(o.string("key_path", null)));
        o.finish();
        return options;
    }

    static ListenOptions bindListen(StrictObject o) {
        for (String name : List.of(
                "bind_interface",
                "routing_mark",
                "netns",
                "tcp_fast_open",
                "tcp_multi_path",
                "udp_fragment",
                "detour")) {
            unsupported(o, name, JVM);
        }
        for (String name : List.of("domain_strategy", "udp_disable_domain_unmapping")) {
            unsupported(o, name, "removed in sing-box 1.12; use route rule actions instead");
        }
        String listen = o.requiredString("listen");
        return new ListenOptions(
                listen,
                o.integer("listen_port", 0),
                o.bool("reuse_addr", false),
                o.bool("disable_tcp_keep_alive", false),
                o.duration("tcp_keep_alive", ListenOptions.DEFAULT_TCP_KEEP_ALIVE),
                o.duration("tcp_keep_alive_interval", DialOptions.DEFAULT_TCP_KEEP_ALIVE_INTERVAL),
                o.duration("udp_timeout", ListenOptions.DEFAULT_UDP_TIMEOUT),
                o.bool("sniff", false),
                o.bool("sniff_override_destination", false),
                o.duration("sniff_timeout", ListenOptions.DEFAULT_SNIFF_TIMEOUT));
    }

    // ---- route

    private static RouteOptions bindRoute(StrictObject o) {
        List<RouteRule> rules = new ArrayList<>();
        for (StrictObject rule : o.objects("rules")) {
            RouteRule bound = bindRouteRule(rule);
            if (bound != null) {
                rules.add(bound);
            }
        }
        List<RuleSetOptions> ruleSets = new ArrayList<>();
        for (StrictObject ruleSet : o.objects("rule_set")) {
            RuleSetOptions bound = bindRuleSet(ruleSet);
            if (bound != null) {
                ruleSets.add(bound);
            }
        }
        String finalOutbound = emptyToNull(o.string("final", null));
        unsupported(o, "auto_detect_interface", JVM);
        unsupported(o, "default_interface", JVM);
        unsupported(o, "default_mark", JVM);
        o.finish();
        return new RouteOptions(rules, ruleSets, finalOutbound);
    }

    private static RouteRule bindRouteRule(StrictObject o) {
        String type = o.string("type", "default");
        if (!type.equals("default")) {
            o.problems().add(o.path("type"), "only default rules are supported, not \"" + type + "\"");
            return null;
        }
        // sing-box before 1.11 had no action: a rule named its outbound
        RouteRule.Action action = o.choice(
                "action",
                Map.of(
                        "route", RouteRule.Action.ROUTE,
                        "reject", RouteRule.Action.REJECT,
                        "sniff", RouteRule.Action.SNIFF),
                List.of("route", "reject", "sniff"),
                RouteRule.Action.ROUTE);
        List<String> inbound = o.strings("inbound");
        RuleConditions conditions = bindConditions(o);
        List<String> ruleSet = o.strings("rule_set");
        boolean invert = o.bool("invert", false);
        String outbound = null;
        List<String> sniffer = List.of();
        java.time.Duration timeout = RouteRule.DEFAULT_SNIFF_TIMEOUT;
        switch (action) {
            case ROUTE -> outbound = o.requiredString("outbound");
            case REJECT -> {
                String method = o.string("method", "default");
                if (!method.equals("default") && !method.equals("drop")) {
                    o.problems()
                            .add(o.path("method"), "unknown value \"" + method + "\", expected one of default, drop");
                }
                o.bool("no_drop", false);
            }
            case SNIFF -> {
                sniffer = o.strings("sniffer");
                timeout = o.duration("timeout", RouteRule.DEFAULT_SNIFF_TIMEOUT);
            }
        }
        o.finish();
        return new RouteRule(inbound, conditions, ruleSet, invert, action, outbound, sniffer, timeout);
    }

    private static RuleConditions bindConditions(StrictObject o) {
        return new RuleConditions(
                o.strings("network"),
                o.strings("domain"),
                o.strings("domain_suffix"),
                o.strings("domain_keyword"),
                o.strings("domain_regex"),
                o.strings("ip_cidr"),
                o.strings("source_ip_cidr"),
                o.integers("port"),
                o.strings("port_range"),
                o.integers("source_port"),
                o.strings("source_port_range"));
    }

    private static RuleSetOptions bindRuleSet(StrictObject o) {
        String type = o.requiredString("type");
        String tag = o.requiredString("tag");
        if (type == null) {
            return null;
        }
        RuleSetOptions bound;
        switch (type) {
            case InlineRuleSet.TYPE:
                bound = new InlineRuleSet(tag, bindHeadlessRules(o));
                break;
            case LocalRuleSet.TYPE: {
                String path = o.requiredString("path");
                bound = new LocalRuleSet(tag, format(o, path), path);
                break;
            }
            case RemoteRuleSet.TYPE: {
                String url = o.requiredString("url");
                bound = new RemoteRuleSet(
                        tag,
                        format(o, url),
                        url,
                        emptyToNull(o.string("download_detour", null)),
                        o.duration("update_interval", RemoteRuleSet.DEFAULT_UPDATE_INTERVAL));
                break;
            }
            default:
                o.problems()
                        .add(
                                o.path("type"),
                                "unknown rule-set type \"" + type + "\", expected one of inline, local, remote");
                return null;
        }
        o.finish();
        return bound;
    }

    /** Binds a rule-set source file: {@code {"version": N, "rules": [...]}}. */
    public static List<HeadlessRule> bindRuleSetSource(JsonNode root, Problems problems) {
        StrictObject o = StrictObject.of(root, "$", problems);
        if (o == null) {
            return null;
        }
        Integer version = o.optionalInteger("version");
        if (version == null && !o.has("version")) {
            problems.add(o.path("version"), "missing required field");
        } else if (version != null && (version < 1 || version > 3)) {
            problems.add(o.path("version"), "unsupported rule-set version " + version + ", expected 1, 2 or 3");
        }
        List<HeadlessRule> rules = bindHeadlessRules(o);
        o.finish();
        return rules;
    }

    private static List<HeadlessRule> bindHeadlessRules(StrictObject o) {
        return bindHeadlessRules(o, 0);
    }

    /** sing-box nests logical rules without a limit; a bound keeps a hostile file from exhausting the stack. */
    private static final int MAX_RULE_DEPTH = 32;

    /** Headless rule fields sing-box has and proxycore cannot evaluate: reported, never silently ignored. */
    private static final List<String> UNSUPPORTED_HEADLESS_FIELDS = List.of(
            "query_type",
            "process_name",
            "process_path",
            "process_path_regex",
            "package_name",
            "wifi_ssid",
            "wifi_bssid",
            "network_type",
            "network_is_expensive",
            "network_is_constrained",
            "network_interface_address",
            "default_interface_address",
            "adguard_domain");

    /** Every element yields a rule, even a faulty one (its problem recorded), so validation paths keep indices. */
    private static List<HeadlessRule> bindHeadlessRules(StrictObject o, int depth) {
        List<HeadlessRule> rules = new ArrayList<>();
        for (StrictObject rule : o.objects("rules")) {
            rules.add(bindHeadlessRule(rule, depth));
        }
        return rules;
    }

    private static HeadlessRule bindHeadlessRule(StrictObject rule, int depth) {
        String ruleType = rule.string("type", "default");
        HeadlessRule bound;
        if (ruleType.equals("logical")) {
            if (depth >= MAX_RULE_DEPTH) {
                rule.problems().add(rule.path(), "logical rules nested deeper than " + MAX_RULE_DEPTH);
                return HeadlessRule.logical(HeadlessRule.LogicalMode.OR, List.of(), false);
            }
            HeadlessRule.LogicalMode mode = rule.enumValue(
                    "mode", HeadlessRule.LogicalMode.values(), HeadlessRule.LogicalMode::configName, Map.of(), null);
            if (mode == null && !rule.has("mode")) {
                rule.problems().add(rule.path("mode"), "missing required field (and or or)");
            }
            List<HeadlessRule> subRules = bindHeadlessRules(rule, depth + 1);
            boolean invert = rule.bool("invert", false);
            // a bad mode is already reported; "or" only keeps the sub-rules checkable
            bound = HeadlessRule.logical(mode == null ? HeadlessRule.LogicalMode.OR : mode, subRules, invert);
        } else {
            if (!ruleType.equals("default") && !ruleType.isEmpty()) {
                rule.problems()
                        .add(rule.path("type"), "unknown rule type \"" + ruleType + "\", expected default or logical");
            }
            for (String name : UNSUPPORTED_HEADLESS_FIELDS) {
                unsupported(rule, name, "not supported by proxycore (it matches only on a client device)");
            }
            bound = new HeadlessRule(bindConditions(rule), rule.bool("invert", false));
        }
        rule.finish();
        return bound;
    }

    /** The {@code format} field, or what the file name's extension says, as sing-box infers it. */
    private static RuleSetFormat format(StrictObject o, String location) {
        RuleSetFormat format = o.enumValue("format", RuleSetFormat.values(), RuleSetFormat::configName, Map.of(), null);
        if (format != null || o.has("format")) {
            return format;
        }
        if (location != null && location.endsWith(".json")) {
            return RuleSetFormat.SOURCE;
        }
        if (location != null && location.endsWith(".srs")) {
            return RuleSetFormat.BINARY;
        }
        o.problems().add(o.path("format"), "missing required field (source or binary; not implied by the file name)");
        return null;
    }

    // ---- helpers

    /**
     * Marks a sing-box field proxycore knows but cannot honour: harmless when off ({@code false}, {@code ""},
     * {@code 0}, an object without {@code "enabled": true}), reported when set.
     */
    static void unsupported(StrictObject o, String name, String reason) {
        if (!o.has(name)) {
            return;
        }
        JsonNode value = o.rawValue(name);
        boolean set;
        if (value.isBoolean()) {
            set = value.booleanValue();
        } else if (value.isTextual()) {
            set = !value.textValue().isEmpty();
        } else if (value.isNumber()) {
            set = value.asDouble() != 0;
        } else if (value.isArray()) {
            set = !value.isEmpty();
        } else if (value.isObject()) {
            JsonNode enabled = value.get("enabled");
            set = enabled != null && enabled.asBoolean(false);
        } else {
            set = true;
        }
        if (set) {
            o.problems().add(o.path(name), reason);
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
