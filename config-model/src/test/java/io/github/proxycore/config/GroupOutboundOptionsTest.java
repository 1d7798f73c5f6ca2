package io.github.proxycore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.proxycore.config.outbound.SelectorOutboundOptions;
import io.github.proxycore.config.outbound.UrlTestOutboundOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** sing-box's {@code selector} and {@code urltest} outbounds: their fields, defaults and problems. */
class GroupOutboundOptionsTest {
    private static final String MEMBERS =
            "{\"type\": \"direct\", \"tag\": \"a\"}, {\"type\": \"direct\", \"tag\": \"b\"}";

    @Test
    void bindsASelectorAsSingBoxWritesIt() {
        ProxyConfig config = ConfigLoader.parse("{\"outbounds\": [{\"type\": \"selector\", \"tag\": \"proxy\","
                + " \"outbounds\": [\"a\", \"b\"], \"default\": \"b\", \"interrupt_exist_connections\": true}, "
                + MEMBERS + "]}");
        SelectorOutboundOptions selector =
                (SelectorOutboundOptions) config.outbounds().get(0);
        assertThat(selector.outbounds()).containsExactly("a", "b");
        assertThat(selector.initialOutbound()).isEqualTo("b");
        assertThat(selector.interruptExistConnections()).isTrue();
        assertThat(selector.dependencies()).containsExactly("a", "b");

        SelectorOutboundOptions plain = (SelectorOutboundOptions) ConfigLoader.parse(
                        "{\"outbounds\": [{\"type\": \"selector\", \"tag\": \"p\", \"outbounds\": [\"a\", \"b\"]}, "
                                + MEMBERS + "]}")
                .outbounds()
                .get(0);
        assertThat(plain.initialOutbound()).isEqualTo("a");
        assertThat(plain.interruptExistConnections()).isFalse();
    }

    @Test
    void bindsAUrlTestWithSingBoxDefaults() {
        UrlTestOutboundOptions auto = (UrlTestOutboundOptions) ConfigLoader.parse(
                        "{\"outbounds\": [{\"type\": \"urltest\", \"tag\": \"auto\", \"outbounds\": [\"a\", \"b\"]}, "
                                + MEMBERS + "]}")
                .outbounds()
                .get(0);
        assertThat(auto.url()).isEqualTo("https://www.gstatic.com/generate_204");
        assertThat(auto.interval()).isEqualTo(Duration.ofMinutes(3));
        assertThat(auto.tolerance()).isEqualTo(Duration.ofMillis(50));
        assertThat(auto.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(auto.interruptExistConnections()).isFalse();

        UrlTestOutboundOptions set = (UrlTestOutboundOptions) ConfigLoader.parse(
                        "{\"outbounds\": [{\"type\": \"urltest\", \"tag\": \"auto\", \"outbounds\": [\"a\", \"b\"],"
                                + " \"url\": \"http://cp.example/204\", \"interval\": \"1m\", \"tolerance\": 120,"
                                + " \"idle_timeout\": \"10m\", \"interrupt_exist_connections\": true}, "
                                + MEMBERS + "]}")
                .outbounds()
                .get(0);
        assertThat(set.url()).isEqualTo("http://cp.example/204");
        assertThat(set.interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(set.tolerance()).isEqualTo(Duration.ofMillis(120));
        assertThat(set.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(set.interruptExistConnections()).isTrue();
    }

    @Test
    void reportsWhatSingBoxRefuses() {
        assertProblem("{\"type\": \"selector\", \"tag\": \"s\"}", "$.outbounds[0].outbounds", "missing required field");
        assertProblem(
                "{\"type\": \"selector\", \"tag\": \"s\", \"outbounds\": []}",
                "$.outbounds[0].outbounds",
                "at least one");
        assertProblem(
                "{\"type\": \"selector\", \"tag\": \"s\", \"outbounds\": [\"a\"], \"default\": \"b\"}",
                "$.outbounds[0].default",
                "\"b\" is not one of the selector's outbounds");
        assertProblem(
                "{\"type\": \"selector\", \"tag\": \"s\", \"outbounds\": [\"a\", \"nobody\"]}",
                "$.outbounds[0].outbounds[1]",
                "unknown outbound \"nobody\"");
        assertProblem(
                "{\"type\": \"selector\", \"tag\": \"s\", \"outbounds\": [\"a\", \"a\"]}",
                "$.outbounds[0].outbounds[1]",
                "already a member");
        assertProblem(
                "{\"type\": \"selector\", \"tag\": \"s\", \"outbounds\": [\"a\"], \"selected\": \"a\"}",
                "$.outbounds[0].selected",
                "unknown field");
        assertProblem(
                "{\"type\": \"urltest\", \"tag\": \"u\", \"outbounds\": [\"a\"], \"url\": \"ftp://x/\"}",
                "$.outbounds[0].url",
                "http");
        assertProblem(
                "{\"type\": \"urltest\", \"tag\": \"u\", \"outbounds\": [\"a\"], \"interval\": \"10m\","
                        + " \"idle_timeout\": \"5m\"}",
                "$.outbounds[0].idle_timeout",
                "at least the interval");
        assertProblem(
                "{\"type\": \"urltest\", \"tag\": \"u\", \"outbounds\": [\"a\"], \"tolerance\": \"50ms\"}",
                "$.outbounds[0].tolerance",
                "integer");
        assertProblem(
                "{\"type\": \"urltest\", \"tag\": \"u\", \"outbounds\": [\"u\"]}",
                "$.outbounds[0]",
                "refers to itself");
    }

    private static void assertProblem(String outbound, String path, String message) {
        ConfigException e = catchThrowableOfType(
                () -> ConfigLoader.parse("{\"outbounds\": [" + outbound + ", " + MEMBERS + "]}"),
                ConfigException.class);
        assertThat(e).as(outbound).isNotNull();
        assertThat(e.problems()).as(outbound).anySatisfy(p -> {
            assertThat(p.path()).isEqualTo(path);
            assertThat(p.message()).contains(message);
        });
    }

    @Test
    void optionsBuiltInJavaTakeTheDefaults() {
        UrlTestOutboundOptions auto = UrlTestOutboundOptions.of("auto", List.of("a"));
        assertThat(auto.interval()).isEqualTo(UrlTestOutboundOptions.DEFAULT_INTERVAL);
        assertThat(new SelectorOutboundOptions("s", List.of("a"), null, false).initialOutbound())
                .isEqualTo("a");
    }
}
