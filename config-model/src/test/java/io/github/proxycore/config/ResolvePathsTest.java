package io.github.proxycore.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.inbound.AnyTlsInboundOptions;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.config.route.LocalRuleSet;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every file path of a configuration is resolved from one directory; absolute paths and the rest stay as written. */
class ResolvePathsTest {
    private static final String CONFIG = "{\"log\": {\"output\": \"logs/proxycore.log\"},"
            + " \"inbounds\": [{\"type\": \"anytls\", \"listen\": \"127.0.0.1\", \"users\": [{\"password\": \"p\"}],"
            + " \"tls\": {\"certificate_path\": \"tls/server.crt\", \"key_path\": \"/etc/keys/server.key\"}}],"
            + " \"outbounds\": [{\"type\": \"anytls\", \"tag\": \"proxy\", \"server\": \"127.0.0.1\","
            + " \"server_port\": 8443, \"password\": \"p\", \"tls\": {\"certificate_path\": \"../pinned.crt\"}},"
            + " {\"type\": \"direct\", \"tag\": \"direct\"}],"
            + " \"route\": {\"rule_set\": [{\"type\": \"local\", \"tag\": \"cn\", \"path\": \"sets/cn.srs\"},"
            + " {\"type\": \"remote\", \"tag\": \"geo\", \"url\": \"https://127.0.0.1/geo.srs\"}],"
            + " \"rules\": [{\"rule_set\": [\"cn\", \"geo\"], \"outbound\": \"direct\"}]}}";

    @Test
    void everyRelativeFilePathIsTakenFromTheDirectory() {
        ProxyConfig config = ConfigLoader.parse(CONFIG);
        Path base = Path.of("/srv/proxycore/conf");
        ProxyConfig resolved = config.resolvePaths(base);

        assertThat(resolved.log().output()).isEqualTo("/srv/proxycore/conf/logs/proxycore.log");
        InboundTlsOptions server = ((AnyTlsInboundOptions) resolved.inbounds().get(0)).tls();
        assertThat(server.certificatePath()).isEqualTo("/srv/proxycore/conf/tls/server.crt");
        assertThat(server.keyPath()).isEqualTo("/etc/keys/server.key"); // absolute: as written
        OutboundTlsOptions client =
                ((AnyTlsOutboundOptions) resolved.outbounds().get(0)).tls();
        assertThat(client.certificatePath()).isEqualTo("/srv/proxycore/pinned.crt");
        assertThat(((LocalRuleSet) resolved.route().ruleSets().get(0)).path())
                .isEqualTo("/srv/proxycore/conf/sets/cn.srs");

        // nothing else changes
        assertThat(resolved.route().ruleSets().get(1))
                .isEqualTo(config.route().ruleSets().get(1));
        assertThat(resolved.outbounds().get(1)).isEqualTo(config.outbounds().get(1));
        assertThat(resolved.route().rules()).isEqualTo(config.route().rules());
        assertThat(resolved.resolvePaths(Path.of("/elsewhere"))).isEqualTo(resolved); // resolving twice: no change
    }

    @Test
    void groupTypesHaveNoPathsAndPassUnchanged() {
        ProxyConfig config = ConfigLoader.parse("{\"outbounds\": ["
                + " {\"type\": \"selector\", \"tag\": \"pick\", \"outbounds\": [\"a\", \"b\"]},"
                + " {\"type\": \"urltest\", \"tag\": \"auto\", \"outbounds\": [\"a\", \"b\"]},"
                + " {\"type\": \"direct\", \"tag\": \"a\"}, {\"type\": \"block\", \"tag\": \"b\"}]}");
        assertThat(config.resolvePaths(Path.of("/srv/proxycore/conf")).outbounds())
                .isEqualTo(config.outbounds());
    }

    @Test
    void aRelativeDirectoryIsTakenFromTheWorkingDirectory() {
        ProxyConfig resolved = ConfigLoader.parse(CONFIG).resolvePaths(Path.of("conf"));
        assertThat(resolved.log().output())
                .isEqualTo(Path.of("conf/logs/proxycore.log").toAbsolutePath().toString());
    }
}
