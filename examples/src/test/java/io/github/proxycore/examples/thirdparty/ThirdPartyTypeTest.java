package io.github.proxycore.examples.thirdparty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ConfigProblem;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.examples.api.FetchThroughOutbound;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.testing.LocalHttpServer;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A type defined only in this test code ({@code pinned}: its options, its {@code OutboundType} and its factory, each
 * registered in {@code META-INF/services}) loads from JSON, builds and dials like a built-in type, and its mistakes
 * are reported as strictly and at the same paths.
 */
class ThirdPartyTypeTest {

    private static String config(String pinned) {
        return "{\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}, " + pinned + "]}";
    }

    private static List<ConfigProblem> problems(String json) {
        try {
            ConfigLoader.parse(json);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("no problem reported for " + json);
    }

    @Test
    void loadsFromJsonBuildsThroughItsFactoryAndDials() throws Exception {
        try (LocalHttpServer http = LocalHttpServer.start("pinned")) {
            ProxyConfig config = ConfigLoader.parse(config("{\"type\": \"pinned\", \"tag\": \"pin\", "
                    + "\"address\": \"127.0.0.1\", \"port\": " + http.port()
                    + ", \"via\": \"direct\", \"token\": \"0123456789\"}"));
            assertThat(config.outbounds().get(1))
                    .isEqualTo(new PinnedOutboundOptions("pin", "127.0.0.1", http.port(), "direct", "0123456789"));

            try (Outbounds outbounds = Outbounds.builder(config.outbounds()).build()) {
                PinnedOutbound pin = outbounds.get("pin", PinnedOutbound.class);
                // whatever the destination, the connection goes to the pinned address
                String response = FetchThroughOutbound.fetch(URI.create("http://example.invalid/hello"), pin);
                assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("hello from pinned");
                assertThat(response.toLowerCase(java.util.Locale.ROOT)).contains("x-host: example.invalid\r\n");
            }
        }
    }

    @Test
    void anUnknownTypeListsTheRegisteredOnesThirdPartyIncluded() {
        assertThat(problems(config("{\"type\": \"pinnned\", \"tag\": \"pin\"}")))
                .containsExactly(new ConfigProblem(
                        "$.outbounds[1].type",
                        "unknown outbound type \"pinnned\", expected one of anytls, block, direct, loadbalance,"
                                + " pinned, selector, urltest"));
    }

    @Test
    void bindingMistakesAreReportedTogetherWithTheirPaths() {
        List<ConfigProblem> problems = problems(config("{\"type\": \"pinned\", \"tag\": \"pin\", "
                + "\"adress\": \"127.0.0.1\", \"port\": \"80\", \"via\": \"direct\", \"token\": \"0123456789\"}"));
        assertThat(problems)
                .containsExactlyInAnyOrder(
                        new ConfigProblem("$.outbounds[1].address", "missing required field"),
                        new ConfigProblem("$.outbounds[1].port", "expected an integer, got string \"80\""),
                        new ConfigProblem("$.outbounds[1].adress", "unknown field (did you mean \"address\"?)"));
    }

    @Test
    void aSecretIsNeverEchoed() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class,
                () -> ConfigLoader.parse(config("{\"type\": \"pinned\", \"tag\": \"pin\", "
                        + "\"address\": \"127.0.0.1\", \"port\": 80, \"via\": \"direct\", \"token\": 31415926535}")));
        assertThat(e.problems())
                .containsExactly(new ConfigProblem(
                        "$.outbounds[1].token", "expected a string, got a number (not shown: token is secret)"));
        assertThat(e.getMessage()).doesNotContain("31415926535");
    }

    @Test
    void validationAndReferencesUseTheDocumentsPaths() {
        assertThat(problems(config("{\"type\": \"pinned\", \"tag\": \"pin\", "
                        + "\"address\": \"127.0.0.1\", \"port\": 0, \"via\": \"nowhere\", \"token\": \"short\"}")))
                .containsExactlyInAnyOrder(
                        new ConfigProblem("$.outbounds[1].port", "must be between 1 and 65535, got 0"),
                        new ConfigProblem("$.outbounds[1].token", "must be at least 8 characters"),
                        new ConfigProblem("$.outbounds[1].via", "unknown outbound \"nowhere\""));
    }

    @Test
    void optionsBuiltInJavaAreValidatedTheSameWay() {
        assertThatThrownBy(() -> Outbounds.builder(
                                List.of(new PinnedOutboundOptions("pin", "127.0.0.1", 70000, "pin", "0123456789")))
                        .build())
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactlyInAnyOrder(
                                new ConfigProblem("$.outbounds[0].port", "must be between 1 and 65535, got 70000"),
                                new ConfigProblem("$.outbounds[0]", "outbound \"pin\" refers to itself")));
    }

    @Test
    void oneOutboundParsesOnItsOwn() {
        assertThat(ConfigLoader.parseOutbound("{\"type\": \"pinned\", \"tag\": \"p\", \"address\": \"::1\","
                        + " \"port\": 443, \"via\": \"elsewhere\", \"token\": \"0123456789\"}"))
                .isEqualTo(new PinnedOutboundOptions("p", "::1", 443, "elsewhere", "0123456789"));
    }
}
