package io.github.proxycore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.config.outbound.HysteresisOptions;
import io.github.proxycore.config.outbound.LoadBalanceOutboundOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad configurations: each is rejected, and the problem names the JSON path and a plain reason. */
class ConfigProblemsTest {
    private static final String ANYTLS =
            "{\"type\": \"anytls\", \"tag\": \"a\", \"server\": \"s\", \"server_port\": 443, \"password\": \"p\", \"tls\": {}";
    private static final String DIRECT = "{\"type\": \"direct\", \"tag\": \"d\"}";
    private static final String LB = "{\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"d\"],"
            + " \"strategy\": \"random\"";
    private static final String MIXED = "{\"type\": \"mixed\", \"listen\": \"127.0.0.1\", \"listen_port\": 1080";
    private static final String ANYTLS_IN = "{\"type\": \"anytls\", \"listen\": \"127.0.0.1\", \"listen_port\": 8443,"
            + " \"users\": [{\"name\": \"u\", \"password\": \"p\"}], \"tls\": {\"certificate_path\": \"c.pem\","
            + " \"key_path\": \"k.pem\"}";

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                bad("unknown top-level field", "{\"dns\": {}}", "$.dns", "unknown field"),
                bad(
                        "typo with a suggestion",
                        out(ANYTLS + ", \"servr\": \"x\"}"),
                        "$.outbounds[0].servr",
                        "unknown field (did you mean \"server\"?)"),
                bad(
                        "a numeric password is not echoed",
                        out("{\"type\": \"anytls\", \"tag\": \"a\", \"server\": \"s\", \"server_port\": 443,"
                                + " \"password\": 123456, \"tls\": {}}"),
                        "$.outbounds[0].password",
                        "expected a string, got a number (not shown: password is secret)"),
                bad(
                        "a clash_api secret of the wrong type is not echoed",
                        "{\"experimental\": {\"clash_api\": {\"external_controller\": \"127.0.0.1:9090\","
                                + " \"secret\": 123456}}}",
                        "$.experimental.clash_api.secret",
                        "expected a string, got a number (not shown: secret is secret)"),
                bad(
                        "port as a string",
                        out("{\"type\": \"anytls\", \"tag\": \"a\", \"server\": \"s\", \"server_port\": \"443\","
                                + " \"password\": \"p\", \"tls\": {}}"),
                        "$.outbounds[0].server_port",
                        "expected an integer, got string \"443\""),
                bad(
                        "port out of range",
                        out("{\"type\": \"anytls\", \"tag\": \"a\", \"server\": \"s\", \"server_port\": 70000,"
                                + " \"password\": \"p\", \"tls\": {}}"),
                        "$.outbounds[0].server_port",
                        "must be between 1 and 65535, got 70000"),
                bad(
                        "port as a fraction",
                        out("{\"type\": \"anytls\", \"tag\": \"a\", \"server\": \"s\", \"server_port\": 44.3,"
                                + " \"password\": \"p\", \"tls\": {}}"),
                        "$.outbounds[0].server_port",
                        "expected an integer, got number 44.3"),
                bad(
                        "missing password",
                        out(
                                "{\"type\": \"anytls\", \"tag\": \"a\", \"server\": \"s\", \"server_port\": 1, \"tls\": {}}"),
                        "$.outbounds[0].password",
                        "missing required field"),
                bad(
                        "empty server",
                        out("{\"type\": \"anytls\", \"tag\": \"a\", \"server\": \"\", \"server_port\": 1,"
                                + " \"password\": \"p\", \"tls\": {}}"),
                        "$.outbounds[0].server",
                        "must not be empty"),
                bad(
                        "missing tls",
                        out(
                                "{\"type\": \"anytls\", \"tag\": \"a\", \"server\": \"s\", \"server_port\": 1, \"password\": \"p\"}"),
                        "$.outbounds[0].tls",
                        "missing required field (AnyTLS runs over TLS; {} takes the defaults)"),
                bad(
                        "tls disabled",
                        out(ANYTLS.replace("\"tls\": {}", "\"tls\": {\"enabled\": false}") + "}"),
                        "$.outbounds[0].tls.enabled",
                        "AnyTLS always runs over TLS; remove \"enabled\": false"),
                bad(
                        "negative min_idle_session",
                        out(ANYTLS + ", \"min_idle_session\": -1}"),
                        "$.outbounds[0].min_idle_session",
                        "must not be negative, got -1"),
                bad(
                        "negative create rate",
                        out(ANYTLS + ", \"ensure_idle_session_create_rate\": -3}"),
                        "$.outbounds[0].ensure_idle_session_create_rate",
                        "must not be negative, got -3"),
                bad(
                        "bad duration unit",
                        out(ANYTLS + ", \"idle_session_timeout\": \"5x\"}"),
                        "$.outbounds[0].idle_session_timeout",
                        "unknown unit \"x\" in duration \"5x\" (valid units: ns, us, ms, s, m, h, d)"),
                bad(
                        "duration without unit",
                        out(ANYTLS + ", \"max_connection_lifetime\": \"60\"}"),
                        "$.outbounds[0].max_connection_lifetime",
                        "missing unit in duration \"60\""),
                bad(
                        "duration as a number",
                        out(ANYTLS + ", \"heartbeat\": 30}"),
                        "$.outbounds[0].heartbeat",
                        "expected a duration string such as \"30s\", got number 30"),
                bad(
                        "negative duration",
                        out(ANYTLS + ", \"connection_lifetime_jitter\": \"-10m\"}"),
                        "$.outbounds[0].connection_lifetime_jitter",
                        "must not be negative, got -10m0s"),
                bad(
                        "zero check interval",
                        out(ANYTLS + ", \"idle_session_check_interval\": \"0\"}"),
                        "$.outbounds[0].idle_session_check_interval",
                        "must be greater than 0, got 0s"),
                bad(
                        "heartbeat too short",
                        out(ANYTLS + ", \"heartbeat\": \"1ms\"}"),
                        "$.outbounds[0].heartbeat",
                        "must be 0 (off) or at least 10ms, got 1ms"),
                bad(
                        "unsupported dial field",
                        out(ANYTLS + ", \"routing_mark\": 1234}"),
                        "$.outbounds[0].routing_mark",
                        "not supported by proxycore: the JVM cannot set SO_MARK"),
                bad(
                        "bind address of the wrong family",
                        out(DIRECT.replace("}", ", \"inet4_bind_address\": \"::1\"}")),
                        "$.outbounds[0].inet4_bind_address",
                        "must be an IPv4 address, got \"::1\""),
                bad(
                        "negative keep-alive",
                        out(DIRECT.replace("}", ", \"tcp_keep_alive\": \"-1s\"}")),
                        "$.outbounds[0].tcp_keep_alive",
                        "must be greater than 0, got -1s"),
                bad(
                        "tls versions reversed",
                        out(ANYTLS.replace(
                                        "\"tls\": {}", "\"tls\": {\"min_version\": \"1.3\", \"max_version\": \"1.2\"}")
                                + "}"),
                        "$.outbounds[0].tls.min_version",
                        "is above max_version"),
                bad(
                        "unknown tls version",
                        out(ANYTLS.replace("\"tls\": {}", "\"tls\": {\"min_version\": \"1.4\"}") + "}"),
                        "$.outbounds[0].tls.min_version",
                        "unknown value \"1.4\", expected one of 1.0, 1.1, 1.2, 1.3"),
                bad(
                        "unknown outbound type",
                        out("{\"type\": \"vmess\", \"tag\": \"v\"}"),
                        "$.outbounds[0].type",
                        "unknown outbound type \"vmess\", expected one of anytls, block, direct, loadbalance, selector, urltest"),
                bad("missing outbound type", out("{\"tag\": \"v\"}"), "$.outbounds[0].type", "missing required field"),
                bad(
                        "duplicate outbound tag",
                        out(DIRECT + "," + DIRECT),
                        "$.outbounds[1].tag",
                        "duplicate outbound tag \"d\" (first used by outbounds[0])"),
                bad(
                        "unknown detour",
                        out(DIRECT.replace("}", ", \"detour\": \"ghost\"}")),
                        "$.outbounds[0].detour",
                        "unknown outbound \"ghost\""),
                bad(
                        "virtual_nodes 0",
                        out(DIRECT + "," + LB + ", \"hash\": {\"virtual_nodes\": 0}}"),
                        "$.outbounds[1].hash.virtual_nodes",
                        "must be between 1 and 10000, got 0"),
                bad(
                        "negative top_n",
                        out(DIRECT + "," + LB + ", \"top_n\": {\"primary\": -1}}"),
                        "$.outbounds[1].top_n.primary",
                        "must not be negative, got -1"),
                bad(
                        "negative tolerance",
                        out(DIRECT + "," + LB + ", \"tolerance\": -5}"),
                        "$.outbounds[1].tolerance",
                        "must not be negative, got -5ms"),
                bad(
                        "missing strategy",
                        out(DIRECT + ",{\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"d\"]}"),
                        "$.outbounds[1].strategy",
                        "missing required field (random or consistent_hash)"),
                bad(
                        "unknown strategy",
                        out(DIRECT + "," + LB.replace("random", "round_robin") + "}"),
                        "$.outbounds[1].strategy",
                        "unknown value \"round_robin\", expected one of random, consistent_hash"),
                bad(
                        "consistent_hash without key parts",
                        out(DIRECT + "," + LB.replace("random", "consistent_hash") + "}"),
                        "$.outbounds[1].hash.key_parts",
                        "missing required field (consistent_hash needs key parts)"),
                bad(
                        "unknown key part",
                        out(DIRECT + "," + LB.replace("random", "consistent_hash")
                                + ", \"hash\": {\"key_parts\": [\"src_ip\", \"src_mac\"]}}"),
                        "$.outbounds[1].hash.key_parts[1]",
                        "unknown key part \"src_mac\", expected one of src_ip, dst_ip, src_port, dst_port, network, domain,"
                                + " inbound_tag, matched_ruleset, etld_plus_one, matched_ruleset_or_etld"),
                bad(
                        "key part of the wrong type",
                        out(DIRECT + "," + LB + ", \"hash\": {\"key_parts\": [1]}}"),
                        "$.outbounds[1].hash.key_parts[0]",
                        "expected a string, got number 1"),
                bad(
                        "salt twice",
                        out(DIRECT + "," + LB + ", \"hash\": {\"key_salt\": \"a\", \"salt\": \"b\"}}"),
                        "$.outbounds[1].hash.salt",
                        "give key_salt or its alias salt, not both"),
                bad(
                        "unknown empty_pool_action",
                        out(DIRECT + "," + LB + ", \"empty_pool_action\": \"explode\"}"),
                        "$.outbounds[1].empty_pool_action",
                        "unknown value \"explode\", expected one of error, fallback_all, direct"),
                bad(
                        "negative primary_failures",
                        out(DIRECT + "," + LB + ", \"hysteresis\": {\"primary_failures\": -1}}"),
                        "$.outbounds[1].hysteresis.primary_failures",
                        "must not be negative, got -1"),
                bad(
                        "negative rise",
                        out(DIRECT + "," + LB + ", \"hysteresis\": {\"rise\": -1}}"),
                        "$.outbounds[1].hysteresis.rise",
                        "must not be negative, got -1"),
                bad(
                        "members of the wrong type",
                        out(DIRECT + ",{\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": 5,"
                                + " \"strategy\": \"random\"}"),
                        "$.outbounds[1].primary_outbounds",
                        "expected a string or an array of strings, got number 5"),
                bad(
                        "no primaries",
                        out(
                                "{\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [], \"strategy\": \"random\"}"),
                        "$.outbounds[0].primary_outbounds",
                        "must name at least one outbound"),
                bad(
                        "unknown member",
                        out(DIRECT + "," + LB.replace("[\"d\"]", "[\"d\", \"ghost\"]") + "}"),
                        "$.outbounds[1].primary_outbounds[1]",
                        "unknown outbound \"ghost\""),
                bad(
                        "member in both tiers",
                        out(DIRECT + "," + LB + ", \"backup_outbounds\": [\"d\"]}"),
                        "$.outbounds[1].backup_outbounds[0]",
                        "\"d\" is already a member at $.outbounds[1].primary_outbounds[0]"),
                bad(
                        "balancer contains itself",
                        out(DIRECT + "," + LB.replace("[\"d\"]", "[\"d\", \"lb\"]") + "}"),
                        "$.outbounds[1]",
                        "outbound \"lb\" refers to itself"),
                bad(
                        "balancers contain each other",
                        out(
                                DIRECT
                                        + ",{\"type\": \"loadbalance\", \"tag\": \"lb-a\", \"primary_outbounds\": [\"d\", \"lb-b\"], \"strategy\": \"random\"}"
                                        + ",{\"type\": \"loadbalance\", \"tag\": \"lb-b\", \"primary_outbounds\": [\"lb-a\"], \"strategy\": \"random\"}"),
                        "$.outbounds[1]",
                        "tag cycle: lb-a -> lb-b -> lb-a"),
                bad(
                        "health check url not http",
                        out(DIRECT + "," + LB + ", \"url\": \"ftp://example.com/x\"}"),
                        "$.outbounds[1].url",
                        "must be an absolute http:// or https:// URL, got \"ftp://example.com/x\""),
                bad(
                        "zero health-check interval",
                        out(DIRECT + "," + LB + ", \"interval\": \"0s\"}"),
                        "$.outbounds[1].interval",
                        "must be greater than 0, got 0s"),
                bad(
                        "route.final unknown",
                        "{\"outbounds\": [" + DIRECT + "], \"route\": {\"final\": \"proxy\"}}",
                        "$.route.final",
                        "unknown outbound \"proxy\""),
                bad(
                        "rule names an unknown outbound",
                        route("{\"domain\": \"a.com\", \"outbound\": \"ghost\"}"),
                        "$.route.rules[0].outbound",
                        "unknown outbound \"ghost\""),
                bad(
                        "rule without outbound",
                        route("{\"domain\": \"a.com\"}"),
                        "$.route.rules[0].outbound",
                        "missing required field"),
                bad(
                        "rule without conditions",
                        route("{\"outbound\": \"d\"}"),
                        "$.route.rules[0]",
                        "rule has no conditions; use route.final for a catch-all"),
                bad(
                        "rule names an unknown rule set",
                        route("{\"rule_set\": \"geosite-x\", \"outbound\": \"d\"}"),
                        "$.route.rules[0].rule_set[0]",
                        "unknown rule set \"geosite-x\""),
                bad(
                        "bad CIDR",
                        route("{\"ip_cidr\": [\"10.0.0.0/8\", \"10.0.0.0/33\"], \"outbound\": \"d\"}"),
                        "$.route.rules[0].ip_cidr[1]",
                        "prefix length 33 exceeds 32 in \"10.0.0.0/33\""),
                bad(
                        "not an address",
                        route("{\"source_ip_cidr\": \"example.com\", \"outbound\": \"d\"}"),
                        "$.route.rules[0].source_ip_cidr[0]",
                        "not an IP address or CIDR prefix: \"example.com\""),
                bad(
                        "port out of range in a rule",
                        route("{\"port\": [80, 70000], \"outbound\": \"d\"}"),
                        "$.route.rules[0].port[1]",
                        "must be between 0 and 65535, got 70000"),
                bad(
                        "reversed port range",
                        route("{\"port_range\": \"3000:1000\", \"outbound\": \"d\"}"),
                        "$.route.rules[0].port_range[0]",
                        "range start exceeds its end in \"3000:1000\""),
                bad(
                        "bad regex",
                        route("{\"domain_regex\": \"(\", \"outbound\": \"d\"}"),
                        "$.route.rules[0].domain_regex[0]",
                        "bad regular expression: missing closing )"),
                bad(
                        "regex syntax Go does not have",
                        route("{\"domain_regex\": \"^(?=x)\", \"outbound\": \"d\"}"),
                        "$.route.rules[0].domain_regex[0]",
                        "bad regular expression: invalid or unsupported Perl syntax"),
                bad(
                        "bad network",
                        route("{\"network\": \"icmp\", \"outbound\": \"d\"}"),
                        "$.route.rules[0].network[0]",
                        "must be tcp or udp, got \"icmp\""),
                bad(
                        "unsupported action",
                        route("{\"domain\": \"a.com\", \"action\": \"hijack-dns\", \"outbound\": \"d\"}"),
                        "$.route.rules[0].action",
                        "unknown value \"hijack-dns\", expected one of route, reject, sniff"),
                bad(
                        "unknown sniffer",
                        route("{\"domain\": \"a.com\", \"action\": \"sniff\", \"sniffer\": [\"tls\", \"tcp\"]}"),
                        "$.route.rules[0].sniffer[1]",
                        "unknown sniffer \"tcp\", expected one of http, tls, quic, stun, dns, bittorrent, dtls, ssh,"
                                + " rdp, ntp"),
                bad(
                        "route rule without outbound",
                        route("{\"domain\": \"a.com\", \"action\": \"route\"}"),
                        "$.route.rules[0].outbound",
                        "missing required field"),
                bad(
                        "duplicate rule set",
                        "{\"outbounds\": [" + DIRECT + "], \"route\": {\"rule_set\": ["
                                + "{\"type\": \"inline\", \"tag\": \"x\", \"rules\": [{\"domain\": \"a\"}]},"
                                + "{\"type\": \"inline\", \"tag\": \"x\", \"rules\": [{\"domain\": \"b\"}]}]}}",
                        "$.route.rule_set[1].tag",
                        "duplicate rule-set tag \"x\""),
                bad(
                        "rule-set format unknown",
                        "{\"route\": {\"rule_set\": [{\"type\": \"local\", \"tag\": \"x\", \"path\": \"rules.txt\"}]}}",
                        "$.route.rule_set[0].format",
                        "missing required field (source or binary; not implied by the file name)"),
                bad(
                        "listen on a name",
                        in(MIXED.replace("127.0.0.1", "localhost") + "}"),
                        "$.inbounds[0].listen",
                        "must be an IP address such as 127.0.0.1 or ::, got \"localhost\""),
                bad(
                        "listen port out of range",
                        in(MIXED.replace("1080", "-1") + "}"),
                        "$.inbounds[0].listen_port",
                        "must be between 0 and 65535, got -1"),
                bad(
                        "unknown inbound type",
                        in("{\"type\": \"tun\", \"listen\": \"::\"}"),
                        "$.inbounds[0].type",
                        "unknown inbound type \"tun\", expected one of anytls, mixed"),
                bad(
                        "duplicate inbound tag",
                        in(MIXED + "}," + MIXED.replace("1080", "1081") + "}"),
                        "$.inbounds[1].tag",
                        "duplicate inbound tag \"mixed\" (first used by inbounds[0])"),
                bad(
                        "anytls server without users",
                        in(ANYTLS_IN.replace("[{\"name\": \"u\", \"password\": \"p\"}]", "[]") + "}"),
                        "$.inbounds[0].users",
                        "an AnyTLS server needs at least one user"),
                bad(
                        "anytls users sharing a password",
                        in(ANYTLS_IN.replace("}]", "}, {\"name\": \"v\", \"password\": \"p\"}]") + "}"),
                        "$.inbounds[0].users[1].password",
                        "same password as users[0]; users are told apart by it"),
                bad(
                        "anytls server without a key",
                        in(ANYTLS_IN.replace(", \"key_path\": \"k.pem\"", "") + "}"),
                        "$.inbounds[0].tls.key_path",
                        "give exactly one of key and key_path"),
                bad(
                        "mixed with no handshakes allowed",
                        in(MIXED + ", \"max_handshakes\": 0}"),
                        "$.inbounds[0].max_handshakes",
                        "must be at least 1"),
                bad(
                        "mixed zero handshake timeout",
                        in(MIXED + ", \"handshake_timeout\": \"0s\"}"),
                        "$.inbounds[0].handshake_timeout",
                        "must be greater than 0, got 0s"),
                bad(
                        "anytls server with no streams allowed",
                        in(ANYTLS_IN + ", \"max_streams_per_session\": 0}"),
                        "$.inbounds[0].max_streams_per_session",
                        "must be at least 1"),
                bad(
                        "anytls session memory budget below one frame",
                        in(ANYTLS_IN + ", \"session_memory_budget\": 1024}"),
                        "$.inbounds[0].session_memory_budget",
                        "must be at least 65536 (bytes)"),
                bad(
                        "anytls zero idle timeout",
                        in(ANYTLS_IN + ", \"session_idle_timeout\": \"0s\"}"),
                        "$.inbounds[0].session_idle_timeout",
                        "must be greater than 0, got 0s"),
                bad(
                        "anytls dial timeout as a number",
                        in(ANYTLS_IN + ", \"stream_dial_timeout\": 5}"),
                        "$.inbounds[0].stream_dial_timeout",
                        "expected a duration string such as \"30s\", got number 5"),
                bad(
                        "log level",
                        "{\"log\": {\"level\": \"verbose\"}}",
                        "$.log.level",
                        "unknown value \"verbose\", expected one of trace, debug, info, warn, error, fatal, panic"),
                bad(
                        "outbounds not an array",
                        "{\"outbounds\": {\"type\": \"direct\"}}",
                        "$.outbounds",
                        "expected an array of objects, got object"),
                bad(
                        "outbound not an object",
                        "{\"outbounds\": [\"direct\"]}",
                        "$.outbounds[0]",
                        "expected an object, got string \"direct\""),
                bad("root not an object", "[]", "$", "expected an object, got array"),
                bad(
                        "status endpoint on a name",
                        "{\"experimental\": {\"clash_api\": {\"external_controller\": \"localhost:9090\"}}}",
                        "$.experimental.clash_api.external_controller",
                        "must be an IP address and a port such as 127.0.0.1:9090, got \"localhost:9090\""),
                bad(
                        "dashboard files are not served",
                        "{\"experimental\": {\"clash_api\": {\"external_controller\": \"127.0.0.1:9090\","
                                + " \"external_ui\": \"ui\"}}}",
                        "$.experimental.clash_api.external_ui",
                        "not supported by proxycore"),
                bad("empty document", "", "$", "the document is empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void isRejectedWithPathAndReason(String name, String json, String path, String message) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(json, "test.json"));
        assertThat(e).as("expected %s to be rejected", json).isNotNull();
        assertThat(e.problems()).contains(new ConfigProblem(path, message));
        assertThat(e.getMessage()).startsWith("test.json has ").contains(path + ": " + message);
    }

    @Test
    void syntaxErrorsNameTheLine() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> ConfigLoader.parse("{\n  \"outbounds\": [\n    {\"type\": \"direct\" \"tag\": \"d\"}\n  ]\n}"));
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0).path()).isEqualTo("$");
        assertThat(e.problems().get(0).message()).startsWith("not valid JSON (line 3, column");
    }

    @Test
    void duplicateKeysAreRejected() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> ConfigLoader.parse("{\"log\": {\"level\": \"info\", \"level\": \"debug\"}}"));
        assertThat(e.problems().get(0).message()).contains("Duplicate field 'level'");
    }

    @Test
    void commentsAreAllowedAsInSingBox() {
        ProxyConfig config = ConfigLoader.parse("{ // outbounds\n \"outbounds\": [/* the only one */ " + DIRECT + "]}");
        assertThat(config.outbounds()).hasSize(1);
    }

    @Test
    void everyProblemIsReportedTogether() {
        String json = "{\"outbounds\": ["
                + "{\"type\": \"anytls\", \"tag\": \"a\", \"server_port\": 0, \"password\": \"p\", \"tls\": {},"
                + "  \"min_idle_session\": -1, \"heartbeat\": \"soon\"},"
                + LB.replace("[\"d\"]", "[\"missing\"]") + ", \"hash\": {\"virtual_nodes\": 0}}"
                + "], \"route\": {\"final\": \"nowhere\"}, \"extra\": true}";
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(json));
        assertThat(e.problems())
                .extracting(ConfigProblem::path)
                .containsExactlyInAnyOrder(
                        "$.outbounds[0].server",
                        "$.outbounds[0].heartbeat",
                        "$.outbounds[0].min_idle_session",
                        "$.outbounds[1].hash.virtual_nodes",
                        "$.outbounds[1].primary_outbounds[0]",
                        "$.route.final",
                        "$.extra");
    }

    @Test
    void absentHysteresisFieldsTakeDefaultsButExplicitZeroMeansNoDamping() {
        String json = "{\"outbounds\": [" + DIRECT + "," + LB + ", \"hysteresis\": {\"primary_failures\": 0}}]}";
        LoadBalanceOutboundOptions lb = (LoadBalanceOutboundOptions)
                ConfigLoader.parse(json).outbound("lb").orElseThrow();
        assertThat(lb.hysteresis().primaryFailures()).isZero();
        assertThat(lb.hysteresis().backupHoldTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(lb.hysteresis().rise()).isEqualTo(2);
        String rise = "{\"outbounds\": [" + DIRECT + "," + LB + ", \"hysteresis\": {\"rise\": 5}}]}";
        LoadBalanceOutboundOptions five = (LoadBalanceOutboundOptions)
                ConfigLoader.parse(rise).outbound("lb").orElseThrow();
        assertThat(five.hysteresis()).isEqualTo(new HysteresisOptions(3, Duration.ofSeconds(30), 5));
    }

    @Test
    void builtOptionsAreValidatedByTheSamePolicy() {
        assertThatThrownBy(() -> AnyTlsOutboundOptions.builder("p", "example.com", 443, "secret")
                        .minIdleSession(-1)
                        .heartbeat(Duration.ofNanos(1))
                        .build())
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly(
                                new ConfigProblem("$.min_idle_session", "must not be negative, got -1"),
                                new ConfigProblem("$.heartbeat", "must be 0 (off) or at least 10ms, got 1ns")));
        assertThatThrownBy(() -> LoadBalanceOutboundOptions.builder("lb", LoadBalanceStrategy.CONSISTENT_HASH)
                        .primaryOutbounds(List.of("a"))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("$.hash.key_parts: consistent_hash needs at least one key part");
        assertThatThrownBy(() -> ListenOptions.of("localhost", 1080))
                .hasMessageContaining("$.listen: must be an IP address");
    }

    @Test
    void passwordsAndKeysAreNeverPrinted() {
        AnyTlsOutboundOptions options = AnyTlsOutboundOptions.builder("p", "example.com", 443, "hunter2")
                .build();
        assertThat(options.toString()).doesNotContain("hunter2").contains("password=<redacted>");
        assertThat(InboundTlsOptions.ofPem("CERT", "PRIVATE-KEY").toString()).doesNotContain("PRIVATE-KEY");
        assertThat(new io.github.proxycore.config.inbound.AnyTlsUser("u", "hunter2").toString())
                .doesNotContain("hunter2");
        assertThat(new io.github.proxycore.config.inbound.MixedUser("u", "hunter2").toString())
                .doesNotContain("hunter2");
    }

    private static Arguments bad(String name, String json, String path, String message) {
        return Arguments.of(name, json, path, message);
    }

    private static String out(String outbounds) {
        return "{\"outbounds\": [" + outbounds + "]}";
    }

    private static String in(String inbounds) {
        return "{\"inbounds\": [" + inbounds + "]}";
    }

    private static String route(String rule) {
        return "{\"outbounds\": [" + DIRECT + "], \"route\": {\"rules\": [" + rule + "]}}";
    }
}
