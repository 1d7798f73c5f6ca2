package io.github.proxycore.outbound.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ConfigProblem;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.testing.LoopbackTransport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RouterTest {
    @RegisterExtension
    static final LoopbackTransport LOOPBACK = new LoopbackTransport(1);

    private static Transport transport;

    @BeforeAll
    static void start() {
        transport = LOOPBACK.transport();
    }

    private static final String OUTBOUNDS = "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"},"
            + "{\"type\": \"block\", \"tag\": \"block\"}, {\"type\": \"direct\", \"tag\": \"other\"}]";

    private static Router router(String route, Path base) {
        ProxyConfig config = ConfigLoader.parse("{" + OUTBOUNDS + ", \"route\": " + route + "}");
        Outbounds outbounds =
                Outbounds.builder(config.outbounds()).transport(transport).build();
        return Router.create(config.route(), outbounds, base);
    }

    private static Metadata tcp(String host, int port) {
        return Metadata.builder(Network.TCP, Destination.of(host, port))
                .source(new InetSocketAddress("192.168.1.100", 40000))
                .inboundTag("mixed-in")
                .external(true)
                .build();
    }

    @Test
    void firstMatchingRuleWinsAndTheRestGoToFinal() {
        Router router = router(
                "{\"rules\": ["
                        + "{\"domain_suffix\": \"ads.example\", \"outbound\": \"block\"},"
                        + "{\"domain\": \"exact.example\", \"domain_keyword\": \"tracker\", \"outbound\": \"other\"},"
                        + "{\"ip_cidr\": \"10.0.0.0/8\", \"port\": 443, \"outbound\": \"block\"}"
                        + "], \"final\": \"direct\"}",
                null);
        assertThat(router.route(tcp("ads.example", 80)).outbound().tag()).isEqualTo("block");
        assertThat(router.route(tcp("x.ads.example", 80)).outbound().tag()).isEqualTo("block");
        assertThat(router.route(tcp("badads.example", 80)).outbound().tag()).isEqualTo("direct");
        assertThat(router.route(tcp("EXACT.example.", 80)).outbound().tag()).isEqualTo("other");
        assertThat(router.route(tcp("a.tracker.net", 80)).outbound().tag()).isEqualTo("other");
        assertThat(router.route(tcp("10.1.2.3", 443)).outbound().tag()).isEqualTo("block");
        assertThat(router.route(tcp("10.1.2.3", 80)).outbound().tag()).isEqualTo("direct");
        assertThat(router.route(tcp("::ffff:10.1.2.3", 443)).outbound().tag()).isEqualTo("block");
        assertThat(router.route(tcp("example.com", 443)).outbound().tag()).isEqualTo("direct");
    }

    /**
     * sing-box's domain_regex is Go's regexp (RE2): its syntax, and matching in time linear in the name, since a
     * rule set may come from anyone and the name from any client while the router runs on an event loop.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS) // a backtracking engine would take hours on the last name
    void domainRegexIsGoSyntaxMatchedInLinearTime() {
        Router router = router(
                "{\"rules\": ["
                        + "{\"domain_regex\": \"^[[:digit:]]+\\\\.example$\", \"outbound\": \"block\"},"
                        + "{\"domain_regex\": \"^(?P<label>[a-z]+)\\\\.named\\\\.example$\", \"outbound\": \"other\"},"
                        + "{\"domain_regex\": \"^(a+)+$\", \"outbound\": \"block\"}"
                        + "], \"final\": \"direct\"}",
                null);
        // a POSIX class, as Go reads it (a Java regex reads "[[:digit:]]" as a set of the characters [ : d i g t)
        assertThat(router.route(tcp("123.example", 80)).outbound().tag()).isEqualTo("block");
        assertThat(router.route(tcp("dig.example", 80)).outbound().tag()).isEqualTo("direct");
        assertThat(router.route(tcp("abc.named.example", 80)).outbound().tag()).isEqualTo("other");
        // the classic catastrophic pattern: 2^60 steps for a backtracking matcher, a few for RE2
        assertThat(router.route(tcp("a".repeat(60) + "b", 80)).outbound().tag()).isEqualTo("direct");
    }

    @Test
    void withoutFinalTheFirstOutboundServes() {
        Router router = router("{\"rules\": [{\"domain\": \"a.example\", \"outbound\": \"block\"}]}", null);
        assertThat(router.route(tcp("b.example", 1)).outbound().tag()).isEqualTo("direct");
    }

    @Test
    void ruleSetMatchesAreRecordedInTheMetadata() {
        Router router = router(
                "{\"rule_set\": ["
                        + "{\"type\": \"inline\", \"tag\": \"geosite-ads\", \"rules\": [{\"domain_suffix\": [\"ads.example\"]}]},"
                        + "{\"type\": \"inline\", \"tag\": \"geosite-video\", \"rules\": [{\"domain_keyword\": \"video\"},"
                        + "  {\"ip_cidr\": \"203.0.113.0/24\"}]}],"
                        + "\"rules\": [{\"rule_set\": \"geosite-ads\", \"outbound\": \"block\"},"
                        + "  {\"rule_set\": [\"geosite-ads\", \"geosite-video\"], \"outbound\": \"other\"}]}",
                null);
        Router.Route ads = router.route(tcp("x.ads.example", 443));
        assertThat(ads.outbound().tag()).isEqualTo("block");
        assertThat(ads.metadata().matchedRuleSet()).isEqualTo("geosite-ads");

        Router.Route video = router.route(tcp("video.example", 443));
        assertThat(video.outbound().tag()).isEqualTo("other");
        assertThat(video.metadata().matchedRuleSet()).isEqualTo("geosite-video");
        assertThat(router.route(tcp("203.0.113.9", 443)).metadata().matchedRuleSet())
                .isEqualTo("geosite-video");

        Router.Route plain = router.route(tcp("example.com", 443));
        assertThat(plain.outbound().tag()).isEqualTo("direct");
        assertThat(plain.metadata().matchedRuleSet()).isNull();
    }

    @Test
    void inboundNetworkSourceAndInvert() {
        Router router = router(
                "{\"rules\": ["
                        + "{\"inbound\": \"other-in\", \"outbound\": \"block\"},"
                        + "{\"network\": \"udp\", \"outbound\": \"other\"},"
                        + "{\"source_ip_cidr\": \"192.168.0.0/16\", \"source_port_range\": \"40000:40010\", \"domain\": \"s.example\","
                        + "  \"outbound\": \"block\"},"
                        + "{\"port\": [80, 443], \"invert\": true, \"outbound\": \"other\"}]}",
                null);
        assertThat(router.route(tcp("a.example", 80).toBuilder()
                                .inboundTag("other-in")
                                .build())
                        .outbound()
                        .tag())
                .isEqualTo("block");
        assertThat(router.route(tcp("a.example", 53).toBuilder()
                                .network(Network.UDP)
                                .build())
                        .outbound()
                        .tag())
                .isEqualTo("other");
        assertThat(router.route(tcp("s.example", 443)).outbound().tag()).isEqualTo("block");
        assertThat(router.route(tcp("s.example", 443).toBuilder()
                                .source(new InetSocketAddress("10.0.0.1", 40000))
                                .build())
                        .outbound()
                        .tag())
                .isEqualTo("direct");
        assertThat(router.route(tcp("a.example", 8080)).outbound().tag()).isEqualTo("other");
        assertThat(router.route(tcp("a.example", 443)).outbound().tag()).isEqualTo("direct");
    }

    @Test
    void domainRulesSeeTheSniffedDomainOfAnIpDestination() {
        Router router = router("{\"rules\": [{\"domain\": \"sniffed.example\", \"outbound\": \"block\"}]}", null);
        Metadata ip = tcp("198.51.100.1", 443);
        assertThat(router.route(ip).outbound().tag()).isEqualTo("direct");
        assertThat(router.route(ip.toBuilder().sniffedDomain("sniffed.example").build())
                        .outbound()
                        .tag())
                .isEqualTo("block");
    }

    @Test
    void localSourceRuleSetsAreRead(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("ads.json"),
                "{\"version\": 2, \"rules\": [{\"domain_suffix\": [\"ads.example\"]}]}",
                StandardCharsets.UTF_8);
        Router router = router(
                "{\"rule_set\": [{\"type\": \"local\", \"tag\": \"ads\", \"path\": \"ads.json\"}],"
                        + "\"rules\": [{\"rule_set\": \"ads\", \"outbound\": \"block\"}]}",
                dir);
        assertThat(router.route(tcp("x.ads.example", 1)).metadata().matchedRuleSet())
                .isEqualTo("ads");
    }

    @Test
    void unreadableOrMalformedLocalRuleSetsAreConfigProblemsNamingTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.json"), "{\"version\": 9, \"rules\": []}", StandardCharsets.UTF_8);
        Files.write(dir.resolve("bad.srs"), new byte[] {'S', 'R', 'S', 2, 1, 2, 3});
        Files.writeString(dir.resolve("json.srs"), "{\"version\": 2, \"rules\": []}", StandardCharsets.UTF_8);
        String route = "{\"rule_set\": ["
                + "{\"type\": \"local\", \"tag\": \"missing\", \"path\": \"missing.json\"},"
                + "{\"type\": \"local\", \"tag\": \"bad\", \"path\": \"bad.json\"},"
                + "{\"type\": \"local\", \"tag\": \"b\", \"path\": \"bad.srs\"},"
                + "{\"type\": \"local\", \"tag\": \"j\", \"path\": \"json.srs\"}]}";
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> router(route, dir));
        assertThat(e.problems())
                .extracting(ConfigProblem::path)
                .containsExactly(
                        "$.route.rule_set[0].path",
                        "$.route.rule_set[1].path",
                        "$.route.rule_set[2].path",
                        "$.route.rule_set[3].path");
        assertThat(e.problems().get(0).message()).contains("missing.json");
        assertThat(e.problems().get(1).message()).contains("bad.json", "$.version: unsupported rule-set version 9");
        assertThat(e.problems().get(2).message()).contains("bad.srs", "zlib");
        assertThat(e.problems().get(3).message()).contains("json.srs", "does not start with \"SRS\"");
        ProxyConfig config = ConfigLoader.parse("{" + OUTBOUNDS + ", \"route\": " + route + "}");
        assertThat(Router.checkLocalRuleSets(config.route(), dir)).isEqualTo(e.problems());
    }

    @Test
    void logicalRulesInRuleSets(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("logic.json"),
                "{\"version\": 3, \"rules\": [{\"type\": \"logical\", \"mode\": \"and\", \"rules\": ["
                        + "{\"domain_suffix\": \"a.example\"}, {\"port\": 443, \"invert\": true}]},"
                        + "{\"type\": \"logical\", \"mode\": \"or\", \"invert\": true, \"rules\": ["
                        + "{\"network\": \"tcp\"}, {\"port_range\": \"1:100\"}]}]}",
                StandardCharsets.UTF_8);
        Router router = router(
                "{\"rule_set\": [{\"type\": \"local\", \"tag\": \"l\", \"path\": \"logic.json\"}],"
                        + "\"rules\": [{\"rule_set\": \"l\", \"outbound\": \"block\"}]}",
                dir);
        assertThat(router.route(tcp("x.a.example", 80)).outbound().tag()).isEqualTo("block");
        assertThat(router.route(tcp("x.a.example", 443)).outbound().tag()).isEqualTo("direct");
        assertThat(router.route(tcp("b.example", 80)).outbound().tag()).isEqualTo("direct");
        Metadata udpHigh =
                Metadata.builder(Network.UDP, Destination.of("b.example", 5000)).build();
        assertThat(router.route(udpHigh).outbound().tag()).isEqualTo("block");
    }

    @Test
    void sniffRejectAndRouteActions() {
        Router router = router(
                "{\"rules\": ["
                        + "{\"port\": 25, \"action\": \"reject\"},"
                        + "{\"action\": \"sniff\", \"sniffer\": [\"tls\"], \"timeout\": \"1s\"},"
                        + "{\"domain\": \"sniffed.example\", \"action\": \"route\", \"outbound\": \"other\"},"
                        + "{\"domain\": \"legacy.example\", \"outbound\": \"block\"}"
                        + "], \"final\": \"direct\"}",
                null);
        Metadata ip = tcp("198.51.100.1", 443);
        assertThat(router.sniffRequest(ip).sniffers()).containsExactly("tls");
        assertThat(router.sniffRequest(ip).timeout()).hasSeconds(1);
        // a deciding rule before the sniff rule: no sniffing
        assertThat(router.sniffRequest(tcp("198.51.100.1", 25))).isNull();
        assertThat(router.route(tcp("198.51.100.1", 25)).outbound().type()).isEqualTo("block");
        // once sniffed, the sniff rule is passed over and the name routes
        Metadata sniffed = ip.toBuilder().sniffedDomain("sniffed.example").build();
        assertThat(router.sniffRequest(sniffed)).isNull();
        assertThat(router.route(sniffed).outbound().tag()).isEqualTo("other");
        assertThat(router.route(ip).outbound().tag()).isEqualTo("direct");
        assertThat(router.route(tcp("legacy.example", 80)).outbound().tag()).isEqualTo("block");
    }
}
