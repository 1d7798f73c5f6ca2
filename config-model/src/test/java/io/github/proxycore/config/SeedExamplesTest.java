package io.github.proxycore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.config.outbound.EmptyPoolAction;
import io.github.proxycore.config.outbound.HashKeyPart;
import io.github.proxycore.config.outbound.HashOptions;
import io.github.proxycore.config.outbound.HysteresisOptions;
import io.github.proxycore.config.outbound.LoadBalanceOutboundOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.config.outbound.OnEmptyKey;
import io.github.proxycore.config.outbound.TopNOptions;
import io.github.proxycore.config.route.RemoteRuleSet;
import io.github.proxycore.config.route.RuleSetFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Loads every JSON example of the three design notes the anytls and loadbalance fields were first written down in,
 * kept verbatim in {@code src/test/resources/seeds} ({@code 000-NN}: the anytls pool examples in order, {@code 001-NN}
 * and {@code 002-NN}: two revisions of the loadbalance examples), and asserts what each one means (the behaviour is
 * described in docs/anytls.md and docs/loadbalance.md).
 *
 * <p>The 000 examples show pool fields as fragments of an anytls outbound; those are spliced, text unchanged, into a
 * minimal outbound ({@link #anyTls}). Three of its examples are not JSON as written: 000-01 has a {@code ...}
 * placeholder for the dial fields, and 000-10 / 000-11 list three alternative values without commas. Those are
 * asserted to be rejected with a clear syntax error, and then loaded as the note means them.
 */
class SeedExamplesTest {
    private static final Duration S30 = Duration.ofSeconds(30);

    // ---- 000-NN: the anytls outbound

    @Test
    void structureExampleIsRejectedAsWrittenAndLoadsWithTheDialPlaceholderFilledIn() {
        String text = seed("000-01");
        assertThatThrownBy(() -> ConfigLoader.parseOutbound(text))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("$: not valid JSON (line 19");

        AnyTlsOutboundOptions o = anyTlsOutbound(text.replace("... // 拨号字段", "\"connect_timeout\": \"10s\" // 拨号字段"));
        assertThat(o.tag()).isEqualTo("anytls-out");
        assertThat(o.server()).isEqualTo("127.0.0.1");
        assertThat(o.serverPort()).isEqualTo(1080);
        assertThat(o.password()).isEqualTo("8JCsPssfgS8tiRwiMlhARg==");
        assertThat(o.idleSessionCheckInterval()).isEqualTo(S30);
        assertThat(o.idleSessionTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.minIdleSession()).isEqualTo(2);
        assertThat(o.minIdleSessionForAge()).isEqualTo(1);
        assertThat(o.ensureIdleSession()).isEqualTo(5);
        assertThat(o.ensureIdleSessionCreateRate()).isEqualTo(3);
        assertThat(o.heartbeat()).isEqualTo(S30);
        assertThat(o.maxConnectionLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(o.connectionLifetimeJitter()).isEqualTo(Duration.ofMinutes(10));
        // "tls": {} is TLS with every default: enabled (AnyTLS needs it) and verifying
        assertThat(o.tls().enabled()).isTrue();
        assertThat(o.tls().insecure()).isFalse();
        assertThat(o.tls().serverName()).isNull();
        assertThat(o.dial().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void minIdleScenarios() {
        AnyTlsOutboundOptions s1 = anyTls("000-02");
        assertThat(pool(s1)).containsExactly(5, 1, 0, 0);
        assertThat(s1.maxConnectionLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s1.idleSessionTimeout()).isEqualTo(Duration.ofMinutes(10));

        AnyTlsOutboundOptions s2 = anyTls("000-03");
        assertThat(pool(s2)).containsExactly(1, 5, 0, 0);
        assertThat(s2.maxConnectionLifetime()).isEqualTo(Duration.ofHours(2));
        assertThat(s2.idleSessionTimeout()).isEqualTo(Duration.ofMinutes(2));

        AnyTlsOutboundOptions s3 = anyTls("000-04");
        assertThat(pool(s3)).containsExactly(3, 2, 0, 0);
        assertThat(s3.maxConnectionLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(s3.idleSessionTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void ensureIdleExamples() {
        AnyTlsOutboundOptions e = anyTls("000-05");
        assertThat(pool(e)).containsExactly(3, 0, 10, 0);
        assertThat(e.idleSessionTimeout()).isEqualTo(Duration.ofMinutes(5));

        assertThat(pool(anyTls("000-06"))).containsExactly(0, 0, 10, 3);
        assertThat(pool(anyTls("000-07"))).containsExactly(0, 0, 20, 2);
        assertThat(pool(anyTls("000-08"))).containsExactly(0, 0, 10, 3);
        assertThat(pool(anyTls("000-09"))).containsExactly(0, 0, 10, 5);
        for (String name : List.of("000-06", "000-07", "000-08", "000-09")) {
            assertThat(anyTls(name).idleSessionCheckInterval()).isEqualTo(S30);
        }
    }

    @Test
    void alternativeValueListsAreRejectedAsWrittenAndEachAlternativeLoads() {
        for (String name : List.of("000-10", "000-11")) {
            assertThatThrownBy(() -> anyTls(name))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("$: not valid JSON (line 3");
        }
        assertThat(alternatives("000-10").stream().map(o -> o.heartbeat()))
                .containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(60));
        assertThat(alternatives("000-11").stream().map(o -> o.maxConnectionLifetime()))
                .containsExactly(Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofHours(2));
    }

    @Test
    void lifetimeExamples() {
        AnyTlsOutboundOptions rotation = anyTls("000-12");
        assertThat(rotation.maxConnectionLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(pool(rotation)).containsExactly(2, 0, 5, 0);

        AnyTlsOutboundOptions j1 = anyTls("000-13");
        assertThat(j1.maxConnectionLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(j1.connectionLifetimeJitter()).isEqualTo(Duration.ofMinutes(10));

        AnyTlsOutboundOptions j2 = anyTls("000-14");
        assertThat(j2.maxConnectionLifetime()).isEqualTo(Duration.ofMinutes(30));
        assertThat(j2.connectionLifetimeJitter()).isEqualTo(Duration.ofMinutes(5));

        AnyTlsOutboundOptions full = anyTls("000-15");
        assertThat(full.maxConnectionLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(full.connectionLifetimeJitter()).isEqualTo(Duration.ofMinutes(15));
        assertThat(pool(full)).containsExactly(5, 0, 10, 0);
    }

    @Test
    void strategyExamplesLoadUnchangedAsOutbounds() {
        // {ensure, min, idle timeout, check interval, heartbeat} for strategies 1-5
        Object[][] expected = {
            {"000-16", 5, 3, Duration.ofMinutes(10), S30, Duration.ofSeconds(20)},
            {"000-17", 10, 5, Duration.ofMinutes(15), Duration.ofMinutes(1), S30},
            {"000-18", 3, 2, Duration.ofMinutes(5), S30, Duration.ofSeconds(10)},
            {"000-19", 1, 1, Duration.ofMinutes(2), Duration.ofMinutes(1), Duration.ofSeconds(45)},
            {"000-20", 5, 2, Duration.ofMinutes(5), S30, S30},
        };
        for (Object[] row : expected) {
            AnyTlsOutboundOptions o = anyTlsOutbound(seed((String) row[0]));
            assertThat(o.tag())
                    .as("an untagged outbound is named by its index, as in sing-box")
                    .isEqualTo("0");
            assertThat(o.server()).isEqualTo("example.com");
            assertThat(o.serverPort()).isEqualTo(443);
            assertThat(o.password()).isEqualTo("your-password");
            assertThat(o.ensureIdleSession()).isEqualTo(row[1]);
            assertThat(o.minIdleSession()).isEqualTo(row[2]);
            assertThat(o.idleSessionTimeout()).isEqualTo(row[3]);
            assertThat(o.idleSessionCheckInterval()).isEqualTo(row[4]);
            assertThat(o.heartbeat()).isEqualTo(row[5]);
            assertThat(o.tls().enabled()).isTrue();
            assertThat(o.tls().serverName()).isEqualTo("example.com");
            // and the same text works inside a whole configuration
            ProxyConfig config = ConfigLoader.parse("{\"outbounds\": [" + seed((String) row[0]) + "]}");
            assertThat(config.outbounds()).containsExactly(o);
        }
    }

    @Test
    void debugLogExampleIsAWholeConfiguration() {
        ProxyConfig config = ConfigLoader.parse(seed("000-21"));
        assertThat(config.log().level()).isEqualTo(LogLevel.DEBUG);
        assertThat(config.log().disabled()).isFalse();
        assertThat(config.outbounds()).isEmpty();
    }

    @Test
    void troubleshootingExamples() {
        AnyTlsOutboundOptions more = anyTls("000-22");
        assertThat(more.minIdleSession()).isEqualTo(5);
        assertThat(more.idleSessionTimeout()).isEqualTo(Duration.ofMinutes(10));

        assertThat(anyTls("000-23").ensureIdleSession()).isEqualTo(10);
        assertThat(anyTls("000-24").heartbeat()).isEqualTo(Duration.ofSeconds(10));

        AnyTlsOutboundOptions small = anyTls("000-25");
        assertThat(small.ensureIdleSession()).isEqualTo(2);
        assertThat(small.idleSessionTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(small.heartbeat()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void unsetPoolFieldsTakeTheSeedDefaults() {
        AnyTlsOutboundOptions o = anyTlsOutbound(
                "{\"type\":\"anytls\",\"server\":\"s\",\"server_port\":1,\"password\":\"p\",\"tls\":{}}");
        assertThat(o.idleSessionCheckInterval()).isEqualTo(S30);
        assertThat(o.idleSessionTimeout()).isEqualTo(S30);
        assertThat(pool(o)).containsExactly(0, 0, 0, 0);
        assertThat(o.heartbeat()).isZero();
        assertThat(o.maxConnectionLifetime()).isZero();
        assertThat(o.connectionLifetimeJitter()).isZero();
    }

    // ---- 001-NN and 002-NN: the loadbalance outbound

    @Test
    void structureOfSeed001() {
        LoadBalanceOutboundOptions lb = loadBalance("001-01");
        assertThat(lb.tag()).isEqualTo("lb");
        assertThat(lb.primaryOutbounds()).containsExactly("proxy-a", "proxy-b", "proxy-c");
        assertThat(lb.backupOutbounds()).containsExactly("proxy-backup-1", "proxy-backup-2");
        assertThat(lb.url()).isEqualTo("https://www.gstatic.com/generate_204");
        assertThat(lb.interval()).isEqualTo(Duration.ofMinutes(3));
        assertThat(lb.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(lb.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(lb.topN()).isEqualTo(new TopNOptions(3, 1));
        assertThat(lb.tolerance()).isEqualTo(Duration.ofMillis(50));
        assertThat(lb.strategy()).isEqualTo(LoadBalanceStrategy.CONSISTENT_HASH);
        assertThat(lb.hash())
                .isEqualTo(new HashOptions(
                        List.of(HashKeyPart.SRC_IP, HashKeyPart.MATCHED_RULESET_OR_ETLD), 100, OnEmptyKey.RANDOM, ""));
        assertThat(lb.hysteresis()).isEqualTo(new HysteresisOptions(3, Duration.ofMinutes(5)));
        assertThat(lb.emptyPoolAction()).isEqualTo(EmptyPoolAction.ERROR);
        assertThat(lb.interruptExistConnections()).isFalse();
        assertThat(lb.preferDomain()).isTrue();
    }

    @Test
    void structureOfSeed002UsesTheRejectAlias() {
        LoadBalanceOutboundOptions lb = loadBalance("002-01");
        assertThat(lb.emptyPoolAction()).isEqualTo(EmptyPoolAction.ERROR);
        assertThat(lb.tolerance()).isZero();
        assertThat(lb.preferDomain()).isFalse();
        // everything else is 001-01's structure
        assertThat(lb.toBuilder()
                        .tolerance(Duration.ofMillis(50))
                        .preferDomain(true)
                        .build())
                .isEqualTo(loadBalance("001-01"));
    }

    @Test
    void configurationExamplesOfBothRevisionsAgree() {
        for (int i = 2; i <= 8; i++) {
            if (i == 6) {
                continue; // the route example, below
            }
            assertThat(loadBalance(String.format("002-%02d", i))).isEqualTo(loadBalance(String.format("001-%02d", i)));
        }
    }

    @Test
    void example1SimpleRandom() {
        LoadBalanceOutboundOptions lb = loadBalance("002-02");
        assertThat(lb.tag()).isEqualTo("lb-simple");
        assertThat(lb.primaryOutbounds()).containsExactly("proxy-1", "proxy-2", "proxy-3");
        assertThat(lb.backupOutbounds()).isEmpty();
        assertThat(lb.interval()).isEqualTo(Duration.ofMinutes(3));
        assertThat(lb.strategy()).isEqualTo(LoadBalanceStrategy.RANDOM);
        // absent fields: the defaults of docs/configuration.md
        assertThat(lb.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(lb.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(lb.topN()).isEqualTo(TopNOptions.ALL);
        assertThat(lb.hysteresis()).isEqualTo(new HysteresisOptions(3, Duration.ofSeconds(30)));
        assertThat(lb.emptyPoolAction()).isEqualTo(EmptyPoolAction.ERROR);
    }

    @Test
    void example2TopNWithFailover() {
        LoadBalanceOutboundOptions lb = loadBalance("002-03");
        assertThat(lb.tag()).isEqualTo("lb-topn");
        assertThat(lb.primaryOutbounds()).containsExactly("proxy-1", "proxy-2", "proxy-3", "proxy-4", "proxy-5");
        assertThat(lb.backupOutbounds()).containsExactly("proxy-backup-1", "proxy-backup-2");
        assertThat(lb.interval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(lb.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(lb.topN()).isEqualTo(new TopNOptions(3, 1));
        assertThat(lb.strategy()).isEqualTo(LoadBalanceStrategy.RANDOM);
        assertThat(lb.hysteresis()).isEqualTo(new HysteresisOptions(3, Duration.ofMinutes(5)));
    }

    @Test
    void examples3To5ConsistentHash() {
        assertThat(loadBalance("002-04").hash()).isEqualTo(HashOptions.of(HashKeyPart.SRC_IP));
        assertThat(loadBalance("002-04").tag()).isEqualTo("lb-per-ip");
        assertThat(loadBalance("002-05").hash())
                .isEqualTo(HashOptions.of(HashKeyPart.SRC_IP, HashKeyPart.MATCHED_RULESET));
        assertThat(loadBalance("002-05").tag()).isEqualTo("lb-by-category");
        assertThat(loadBalance("002-07").hash())
                .isEqualTo(HashOptions.of(HashKeyPart.SRC_IP, HashKeyPart.ETLD_PLUS_ONE));
        assertThat(loadBalance("002-07").tag()).isEqualTo("lb-by-domain");
        for (String name : List.of("002-04", "002-05", "002-07")) {
            LoadBalanceOutboundOptions lb = loadBalance(name);
            assertThat(lb.strategy()).isEqualTo(LoadBalanceStrategy.CONSISTENT_HASH);
            assertThat(lb.primaryOutbounds()).containsExactly("proxy-1", "proxy-2", "proxy-3", "proxy-4");
        }
    }

    @Test
    void example6SmartRouting() {
        LoadBalanceOutboundOptions lb = loadBalance("002-08");
        assertThat(lb.tag()).isEqualTo("lb-smart");
        assertThat(lb.topN()).isEqualTo(new TopNOptions(3, 0));
        assertThat(lb.hash())
                .isEqualTo(new HashOptions(
                        List.of(HashKeyPart.SRC_IP, HashKeyPart.MATCHED_RULESET_OR_ETLD), 100, OnEmptyKey.RANDOM, ""));
    }

    @Test
    void routeExampleLoadsInAWholeConfigurationWithTheBalancerItNames() {
        for (String revision : List.of("001", "002")) {
            String route = seed(revision + "-06").trim();
            String json = "{\"outbounds\": [" + seed(revision + "-05") + ","
                    + members("proxy-1", "proxy-2", "proxy-3", "proxy-4") + "],"
                    + route.substring(1, route.length() - 1) + "}";
            ProxyConfig config = ConfigLoader.parse(json);
            assertThat(config.route().ruleSets())
                    .containsExactly(new RemoteRuleSet(
                            "geosite-netflix",
                            RuleSetFormat.BINARY,
                            "https://raw.githubusercontent.com/SagerNet/sing-geosite/rule-set/geosite-netflix.srs",
                            null,
                            Duration.ofDays(1)));
            assertThat(config.route().rules()).hasSize(1);
            assertThat(config.route().rules().get(0).ruleSet()).containsExactly("geosite-netflix");
            assertThat(config.route().rules().get(0).outbound()).isEqualTo("lb-by-category");
        }
    }

    @Test
    void everyBalancerExampleLoadsInAWholeConfigurationWithItsMembers() {
        for (String name : List.of(
                "001-01", "001-02", "001-03", "001-04", "001-05", "001-07", "001-08", "002-01", "002-02", "002-03",
                "002-04", "002-05", "002-07", "002-08")) {
            LoadBalanceOutboundOptions lb = loadBalance(name);
            String json = "{\"outbounds\": [" + seed(name) + ","
                    + members(lb.dependencies().toArray(String[]::new)) + "]}";
            assertThat(ConfigLoader.parse(json).outbound(lb.tag())).contains(lb);
        }
    }

    // ---- helpers

    private static List<Integer> pool(AnyTlsOutboundOptions o) {
        return List.of(
                o.minIdleSession(), o.minIdleSessionForAge(), o.ensureIdleSession(), o.ensureIdleSessionCreateRate());
    }

    /** A {@code 000-NN} fragment spliced, unchanged, into a minimal anytls outbound and loaded. */
    private static AnyTlsOutboundOptions anyTls(String name) {
        String fragment = seed(name).trim();
        return anyTlsOutbound("{\"type\": \"anytls\", \"tag\": \"t\", \"server\": \"127.0.0.1\", \"server_port\": 443,"
                + " \"password\": \"p\", \"tls\": {}," + fragment.substring(1));
    }

    /** Each line of a comma-less list of alternatives, loaded on its own. */
    private static List<AnyTlsOutboundOptions> alternatives(String name) {
        return seed(name)
                .lines()
                .filter(line -> line.trim().startsWith("\""))
                .map(line -> anyTlsOutbound(
                        "{\"type\": \"anytls\", \"server\": \"s\", \"server_port\": 1, \"password\": \"p\","
                                + " \"tls\": {}, " + line + "\n}"))
                .collect(Collectors.toList());
    }

    private static AnyTlsOutboundOptions anyTlsOutbound(String json) {
        return (AnyTlsOutboundOptions) ConfigLoader.parseOutbound(json);
    }

    private static LoadBalanceOutboundOptions loadBalance(String name) {
        return (LoadBalanceOutboundOptions) ConfigLoader.parseOutbound(seed(name));
    }

    private static String members(String... tags) {
        return Stream.of(tags)
                .map(tag -> "{\"type\": \"direct\", \"tag\": \"" + tag + "\"}")
                .collect(Collectors.joining(","));
    }

    static String seed(String name) {
        try (InputStream in = SeedExamplesTest.class.getResourceAsStream("/seeds/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no seed example " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
