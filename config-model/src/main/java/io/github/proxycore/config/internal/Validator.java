package io.github.proxycore.config.internal;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.github.proxycore.config.ClashApiOptions;
import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.InboundTlsOptions;
import io.github.proxycore.config.ListenOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.config.inbound.InboundOptions;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.config.route.HeadlessRule;
import io.github.proxycore.config.route.InlineRuleSet;
import io.github.proxycore.config.route.IpPrefix;
import io.github.proxycore.config.route.LocalRuleSet;
import io.github.proxycore.config.route.PortRange;
import io.github.proxycore.config.route.RemoteRuleSet;
import io.github.proxycore.config.route.RouteOptions;
import io.github.proxycore.config.route.RouteRule;
import io.github.proxycore.config.route.RuleConditions;
import io.github.proxycore.config.route.RuleSetOptions;
import io.github.proxycore.config.spi.InboundType;
import io.github.proxycore.config.spi.OutboundType;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one validation policy: value ranges, consistency and cross references. The loader runs it over every
 * document, builders over what they build, and the outbound registry over what it is given, so an invalid value
 * is rejected the same way however it was written.
 *
 * <p>Required fields are checked here too, for options built in Java; one missing from JSON was already reported
 * by the binder at the same path, and {@link Problems#add} keeps one reason per path.
 */
public final class Validator {
    /** The ring must stay small enough to rebuild quickly; 10,000 points per member is far beyond useful. */
    public static final int MAX_VIRTUAL_NODES = 10_000;
    /** Below this a heartbeat is a busy loop, not a keep-alive. */
    public static final Duration MIN_HEARTBEAT = Duration.ofMillis(10);

    private Validator() {}

    // ---- whole documents

    /** Validates a whole configuration, adding to {@code problems}. */
    public static void validate(ProxyConfig config, Problems problems) {
        Map<String, Integer> outboundIndex = new LinkedHashMap<>();
        List<Checker.Reference> references = new ArrayList<>();
        for (int i = 0; i < config.outbounds().size(); i++) {
            OutboundOptions outbound = config.outbounds().get(i);
            String path = Problems.index("$.outbounds", i);
            validateOutbound(outbound, path, problems, references);
            if (outbound.tag() != null && outboundIndex.putIfAbsent(outbound.tag(), i) != null) {
                problems.add(
                        path + ".tag",
                        "duplicate outbound tag \"" + outbound.tag() + "\" (first used by outbounds["
                                + outboundIndex.get(outbound.tag()) + "])");
            }
        }
        for (Checker.Reference reference : references) {
            if (!outboundIndex.containsKey(reference.tag())) {
                problems.add(reference.path(), unknownOutbound(reference.tag()));
            }
        }
        checkCycles(config.outbounds(), outboundIndex, problems);

        Map<String, Integer> inboundIndex = new HashMap<>();
        for (int i = 0; i < config.inbounds().size(); i++) {
            InboundOptions inbound = config.inbounds().get(i);
            String path = Problems.index("$.inbounds", i);
            validateInbound(inbound, path, problems);
            if (inboundIndex.putIfAbsent(inbound.tag(), i) != null) {
                problems.add(
                        path + ".tag",
                        "duplicate inbound tag \"" + inbound.tag() + "\" (first used by inbounds["
                                + inboundIndex.get(inbound.tag()) + "])");
            }
        }
        validateRoute(config.route(), outboundIndex.keySet(), problems);
        ClashApiOptions clash = config.experimental().clashApi();
        if (clash != null && clash.externalController() != null && clash.listenAddress() == null) {
            problems.add(
                    "$.experimental.clash_api.external_controller",
                    "must be an IP address and a port such as 127.0.0.1:9090, got \"" + clash.externalController()
                            + "\"");
        }
    }

    // ---- outbounds

    /** Validates one outbound on its own (no cross references), adding to {@code problems}. */
    public static void validateOutbound(OutboundOptions outbound, String path, Problems problems) {
        validateOutbound(outbound, path, problems, null);
    }

    /**
     * Checks the tag, then hands the options to the {@link OutboundType} registered for their type. Options of a type
     * with no binding here (built in Java for a factory added by hand) get only the common checks.
     */
    private static void validateOutbound(
            OutboundOptions outbound, String path, Problems problems, List<Checker.Reference> references) {
        required(outbound.tag(), path + ".tag", problems);
        if (outbound.tag() != null && outbound.tag().isEmpty()) {
            problems.add(path + ".tag", "must not be empty");
        }
        OutboundType<?> type = ConfigTypes.get().outbound(outbound.type());
        if (type != null) {
            validateWith(type, outbound, new Checker(path, problems, references));
        }
    }

    /** Runs a type's validation over options of its class; options of another class are reported. */
    private static <T extends OutboundOptions> void validateWith(
            OutboundType<T> type, OutboundOptions options, Checker checks) {
        if (ofClass(type.optionsClass(), options, checks)) {
            type.validate(type.optionsClass().cast(options), checks);
        }
    }

    private static <T extends InboundOptions> void validateWith(
            InboundType<T> type, InboundOptions options, Checker checks) {
        if (ofClass(type.optionsClass(), options, checks)) {
            type.validate(type.optionsClass().cast(options), checks);
        }
    }

    private static boolean ofClass(Class<?> optionsClass, Object options, Checker checks) {
        if (optionsClass.isInstance(options)) {
            return true;
        }
        checks.problem(
                "type",
                "options of type \"" + typeOf(options) + "\" must be a " + optionsClass.getName() + ", got a "
                        + options.getClass().getName());
        return false;
    }

    private static String typeOf(Object options) {
        return options instanceof OutboundOptions o ? o.type() : ((InboundOptions) options).type();
    }

    static void validateDial(DialOptions d, String path, Problems problems) {
        if (d.detour() != null && d.detour().isEmpty()) {
            problems.add(path + ".detour", "must not be empty");
        }
        ipLiteral(d.inet4BindAddress(), 4, path + ".inet4_bind_address", problems);
        ipLiteral(d.inet6BindAddress(), 16, path + ".inet6_bind_address", problems);
        positive(d.connectTimeout(), path + ".connect_timeout", problems);
        nonNegative(d.fallbackDelay(), path + ".fallback_delay", problems);
        if (d.tcpKeepAlive() != null) {
            positive(d.tcpKeepAlive(), path + ".tcp_keep_alive", problems);
        }
        positive(d.tcpKeepAliveInterval(), path + ".tcp_keep_alive_interval", problems);
        if (d.domainStrategy() == null) {
            problems.add(path + ".domain_strategy", "must not be null");
        }
    }

    static void validateOutboundTls(OutboundTlsOptions t, String path, Problems problems) {
        versions(t.minVersion(), t.maxVersion(), path, problems);
        if (t.certificate() != null && t.certificatePath() != null) {
            problems.add(path + ".certificate_path", "give certificate or certificate_path, not both");
        }
        strings(t.alpn(), path + ".alpn", problems);
        strings(t.cipherSuites(), path + ".cipher_suites", problems);
    }

    private static void versions(Object min, Object max, String path, Problems problems) {
        if (min != null && max != null && ((Enum<?>) min).ordinal() > ((Enum<?>) max).ordinal()) {
            problems.add(path + ".min_version", "is above max_version");
        }
    }

    // ---- inbounds

    private static void validateInbound(InboundOptions inbound, String path, Problems problems) {
        validateListen(inbound.listen(), path, problems);
        InboundType<?> type = ConfigTypes.get().inbound(inbound.type());
        if (type != null) {
            validateWith(type, inbound, new Checker(path, problems, null));
        }
    }

    static void validateListen(ListenOptions l, String path, Problems problems) {
        required(l.listen(), path + ".listen", problems);
        if (l.listen() != null && IpPrefix.parseAddress(l.listen()) == null) {
            problems.add(path + ".listen", "must be an IP address such as 127.0.0.1 or ::, got \"" + l.listen() + "\"");
        }
        port(l.listenPort(), 0, path + ".listen_port", problems);
        positive(l.tcpKeepAlive(), path + ".tcp_keep_alive", problems);
        positive(l.tcpKeepAliveInterval(), path + ".tcp_keep_alive_interval", problems);
        positive(l.udpTimeout(), path + ".udp_timeout", problems);
        positive(l.sniffTimeout(), path + ".sniff_timeout", problems);
    }

    static void validateInboundTls(InboundTlsOptions t, String path, Problems problems) {
        if (!t.enabled()) {
            problems.add(path + ".enabled", "an AnyTLS server always runs TLS; remove \"enabled\": false");
        }
        versions(t.minVersion(), t.maxVersion(), path, problems);
        if ((t.certificate() == null) == (t.certificatePath() == null)) {
            problems.add(path + ".certificate_path", "give exactly one of certificate and certificate_path");
        }
        if ((t.key() == null) == (t.keyPath() == null)) {
            problems.add(path + ".key_path", "give exactly one of key and key_path");
        }
        strings(t.alpn(), path + ".alpn", problems);
        strings(t.cipherSuites(), path + ".cipher_suites", problems);
    }

    // ---- route

    /** sing-box's sniffer names, in its documentation's order. */
    private static final List<String> SNIFFERS =
            List.of("http", "tls", "quic", "stun", "dns", "bittorrent", "dtls", "ssh", "rdp", "ntp");

    private static void validateRoute(RouteOptions route, Set<String> outbounds, Problems problems) {
        Map<String, Integer> ruleSets = new HashMap<>();
        for (int i = 0; i < route.ruleSets().size(); i++) {
            RuleSetOptions ruleSet = route.ruleSets().get(i);
            String path = Problems.index("$.route.rule_set", i);
            required(ruleSet.tag(), path + ".tag", problems);
            if (ruleSet.tag() != null && ruleSets.putIfAbsent(ruleSet.tag(), i) != null) {
                problems.add(path + ".tag", "duplicate rule-set tag \"" + ruleSet.tag() + "\"");
            }
            if (ruleSet instanceof InlineRuleSet inline) {
                validateHeadlessRules(inline.rules(), path + ".rules", problems);
            } else if (ruleSet instanceof RemoteRuleSet remote) {
                if (remote.url() != null) {
                    httpUrl(remote.url(), path + ".url", problems);
                }
                positive(remote.updateInterval(), path + ".update_interval", problems);
                if (remote.downloadDetour() != null && !outbounds.contains(remote.downloadDetour())) {
                    problems.add(path + ".download_detour", unknownOutbound(remote.downloadDetour()));
                }
            } else if (!(ruleSet instanceof LocalRuleSet)) {
                throw new AssertionError(ruleSet);
            }
        }
        for (int i = 0; i < route.rules().size(); i++) {
            RouteRule rule = route.rules().get(i);
            String path = Problems.index("$.route.rules", i);
            if (rule.action() == RouteRule.Action.ROUTE // sniff or reject everything is sound; route is final's job
                    && rule.conditions().isEmpty()
                    && rule.inbound().isEmpty()
                    && rule.ruleSet().isEmpty()) {
                problems.add(path, "rule has no conditions; use route.final for a catch-all");
            }
            validateConditions(rule.conditions(), path, problems);
            for (int j = 0; j < rule.ruleSet().size(); j++) {
                if (!ruleSets.containsKey(rule.ruleSet().get(j))) {
                    problems.add(
                            Problems.index(path + ".rule_set", j),
                            "unknown rule set \"" + rule.ruleSet().get(j) + "\"");
                }
            }
            if (rule.action() == RouteRule.Action.ROUTE) {
                required(rule.outbound(), path + ".outbound", problems);
            }
            if (rule.outbound() != null && !outbounds.contains(rule.outbound())) {
                problems.add(path + ".outbound", unknownOutbound(rule.outbound()));
            }
            if (rule.action() == RouteRule.Action.SNIFF) {
                positive(rule.sniffTimeout(), path + ".timeout", problems);
                for (int j = 0; j < rule.sniffer().size(); j++) {
                    String name = rule.sniffer().get(j);
                    if (!SNIFFERS.contains(name)) {
                        problems.add(
                                Problems.index(path + ".sniffer", j),
                                "unknown sniffer \"" + name + "\", expected one of " + String.join(", ", SNIFFERS));
                    }
                }
            }
        }
        if (route.finalOutbound() != null && !outbounds.contains(route.finalOutbound())) {
            problems.add("$.route.final", unknownOutbound(route.finalOutbound()));
        }
    }

    /** Validates the rules of a rule set, found at {@code path}. */
    public static void validateHeadlessRules(List<HeadlessRule> rules, String path, Problems problems) {
        for (int j = 0; j < rules.size(); j++) {
            HeadlessRule rule = rules.get(j);
            String at = Problems.index(path, j);
            if (rule.isLogical()) {
                if (rule.rules().isEmpty()) {
                    problems.add(at + ".rules", "a logical rule needs at least one rule");
                }
                validateHeadlessRules(rule.rules(), at + ".rules", problems);
                continue;
            }
            if (rule.conditions().isEmpty()) {
                problems.add(at, "rule has no conditions");
            }
            validateConditions(rule.conditions(), at, problems);
        }
    }

    private static void validateConditions(RuleConditions c, String path, Problems problems) {
        for (int i = 0; i < c.network().size(); i++) {
            String network = c.network().get(i);
            if (!network.equals("tcp") && !network.equals("udp")) {
                problems.add(Problems.index(path + ".network", i), "must be tcp or udp, got \"" + network + "\"");
            }
        }
        strings(c.domain(), path + ".domain", problems);
        strings(c.domainSuffix(), path + ".domain_suffix", problems);
        strings(c.domainKeyword(), path + ".domain_keyword", problems);
        for (int i = 0; i < c.domainRegex().size(); i++) {
            try {
                Pattern.compile(c.domainRegex().get(i));
            } catch (PatternSyntaxException e) {
                problems.add(
                        Problems.index(path + ".domain_regex", i), "bad regular expression: " + e.getDescription());
            }
        }
        prefixes(c.ipCidr(), path + ".ip_cidr", problems);
        prefixes(c.sourceIpCidr(), path + ".source_ip_cidr", problems);
        ports(c.port(), path + ".port", problems);
        ports(c.sourcePort(), path + ".source_port", problems);
        portRanges(c.portRange(), path + ".port_range", problems);
        portRanges(c.sourcePortRange(), path + ".source_port_range", problems);
    }

    private static void prefixes(List<String> values, String path, Problems problems) {
        for (int i = 0; i < values.size(); i++) {
            try {
                IpPrefix.parse(values.get(i));
            } catch (IllegalArgumentException e) {
                problems.add(Problems.index(path, i), e.getMessage());
            }
        }
    }

    private static void ports(List<Integer> values, String path, Problems problems) {
        for (int i = 0; i < values.size(); i++) {
            port(values.get(i), 0, Problems.index(path, i), problems);
        }
    }

    private static void portRanges(List<String> values, String path, Problems problems) {
        for (int i = 0; i < values.size(); i++) {
            try {
                PortRange.parse(values.get(i));
            } catch (IllegalArgumentException e) {
                problems.add(Problems.index(path, i), e.getMessage());
            }
        }
    }

    // ---- cross references

    /** Reports every outbound that reaches itself through members or detours, once per cycle. */
    private static void checkCycles(List<OutboundOptions> outbounds, Map<String, Integer> index, Problems problems) {
        Map<String, OutboundOptions> byTag = new HashMap<>();
        for (OutboundOptions outbound : outbounds) {
            if (outbound.tag() != null) {
                byTag.putIfAbsent(outbound.tag(), outbound);
            }
        }
        Set<String> done = new HashSet<>();
        Set<Set<String>> reported = new HashSet<>();
        for (OutboundOptions outbound : outbounds) {
            if (outbound.tag() != null) {
                walk(outbound.tag(), byTag, new ArrayList<>(), done, reported, index, problems);
            }
        }
    }

    private static void walk(
            String tag,
            Map<String, OutboundOptions> byTag,
            List<String> stack,
            Set<String> done,
            Set<Set<String>> reported,
            Map<String, Integer> index,
            Problems problems) {
        int onStack = stack.indexOf(tag);
        if (onStack >= 0) {
            List<String> cycle = new ArrayList<>(stack.subList(onStack, stack.size()));
            if (reported.add(new HashSet<>(cycle))) {
                cycle.add(tag);
                String message = cycle.size() == 2
                        ? "outbound \"" + tag + "\" refers to itself"
                        : "tag cycle: " + String.join(" -> ", cycle);
                problems.add(Problems.index("$.outbounds", index.get(stack.get(onStack))), message);
            }
            return;
        }
        OutboundOptions outbound = byTag.get(tag);
        if (outbound == null || done.contains(tag)) {
            return;
        }
        stack.add(tag);
        for (String dependency : outbound.dependencies()) {
            walk(dependency, byTag, stack, done, reported, index, problems);
        }
        stack.remove(stack.size() - 1);
        done.add(tag);
    }

    private static String unknownOutbound(String tag) {
        return "unknown outbound \"" + tag + "\"";
    }

    // ---- checks for options built in Java; paths are relative to the object ("$")

    /** One validation step over an object found at a path. */
    private interface Rule<T> {
        void validate(T options, String path, Problems problems);
    }

    private static <T> void check(T options, String source, Rule<T> rule) {
        Problems problems = new Problems();
        rule.validate(options, "$", problems);
        problems.throwIfAny(source);
    }

    public static void check(DialOptions options) {
        check(options, "dial options", Validator::validateDial);
    }

    public static void check(OutboundTlsOptions options) {
        check(options, "TLS options", Validator::validateOutboundTls);
    }

    public static void check(InboundTlsOptions options) {
        check(options, "TLS options", Validator::validateInboundTls);
    }

    public static void check(ListenOptions options) {
        check(options, "listen options", Validator::validateListen);
    }

    /** Validates an outbound built in Java, including its required fields. */
    public static void check(OutboundOptions options) {
        check(options, options.type() + " outbound \"" + options.tag() + "\"", Validator::validateOutbound);
    }

    /** Validates an inbound built in Java, including its required fields. */
    public static void check(InboundOptions options) {
        check(options, options.type() + " inbound \"" + options.tag() + "\"", Validator::validateInbound);
    }

    // ---- primitives

    static void required(Object value, String path, Problems problems) {
        if (value == null) {
            problems.add(path, "missing required field");
        }
    }

    static void port(int port, int min, String path, Problems problems) {
        if (port < min || port > 65535) {
            problems.add(path, "must be between " + min + " and 65535, got " + port);
        }
    }

    static void nonNegative(int value, String path, Problems problems) {
        if (value < 0) {
            problems.add(path, "must not be negative, got " + value);
        }
    }

    static boolean nonNegative(Duration value, String path, Problems problems) {
        if (value == null) {
            return false;
        }
        if (value.isNegative()) {
            problems.add(path, "must not be negative, got " + format(value));
            return false;
        }
        return true;
    }

    static void positive(Duration value, String path, Problems problems) {
        if (value != null && (value.isNegative() || value.isZero())) {
            problems.add(path, "must be greater than 0, got " + format(value));
        }
    }

    static void strings(List<String> values, String path, Problems problems) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null || values.get(i).isEmpty()) {
                problems.add(Problems.index(path, i), "must not be empty");
            }
        }
    }

    private static void ipLiteral(String value, int length, String path, Problems problems) {
        if (value == null) {
            return;
        }
        byte[] address = IpPrefix.parseAddress(value);
        if (address == null || address.length != length) {
            problems.add(path, "must be an " + (length == 4 ? "IPv4" : "IPv6") + " address, got \"" + value + "\"");
        }
    }

    static void httpUrl(String url, String path, Problems problems) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                problems.add(path, "must be an absolute http:// or https:// URL, got \"" + url + "\"");
            }
        } catch (URISyntaxException e) {
            problems.add(path, "not a valid URL: " + e.getMessage());
        }
    }

    public static String format(Duration duration) {
        return io.github.proxycore.config.GoDuration.format(duration);
    }
}
