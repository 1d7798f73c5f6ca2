package io.github.proxycore.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.proxycore.anytls.SelfSignedCertificate;
import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ProxyConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Engine.Builder#check()} finds what {@link Engine.Builder#start()} would stop on, with the same problems, and
 * both take relative paths from the base directory.
 */
class EngineCheckTest {
    private static ProxyConfig server(String certificatePath, String keyPath) {
        return ConfigLoader.parse("{\"inbounds\": [{\"type\": \"anytls\", \"tag\": \"in\", \"listen\": \"127.0.0.1\","
                + " \"users\": [{\"password\": \"p\"}], \"tls\": {\"certificate_path\": \"" + certificatePath
                + "\", \"key_path\": \"" + keyPath + "\"}}]}");
    }

    @Test
    void relativeCertificateAndKeyComeFromTheBaseDirectory(@TempDir Path dir) throws Exception {
        SelfSignedCertificate.forLoopback().writeTo(dir.resolve("tls"), "server");
        Engine.Builder builder =
                Engine.builder(server("tls/server.crt", "tls/server.key")).baseDirectory(dir);
        builder.check();
        try (Engine engine = builder.start()) {
            InetSocketAddress address = engine.inbound("in").localAddress();
            assertThat(address.getPort()).isPositive();
        }
        // from the working directory the same configuration names files that are not there
        assertThatThrownBy(() -> Engine.builder(server("tls/server.crt", "tls/server.key"))
                        .check())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("$.inbounds[0].tls.certificate_path: cannot read "
                        + Path.of("tls/server.crt").toAbsolutePath() + ": no such file");
    }

    @Test
    void checkAndStartReportTheSameProblem(@TempDir Path dir) throws Exception {
        SelfSignedCertificate.forLoopback().writeTo(dir, "server");
        Files.delete(dir.resolve("server.key"));
        Engine.Builder builder =
                Engine.builder(server("server.crt", "server.key")).baseDirectory(dir);
        ConfigException checked = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(builder::check);
        ConfigException started = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(builder::start);
        assertThat(checked.problems()).isEqualTo(started.problems());
        assertThat(checked.problems().get(0).path()).isEqualTo("$.inbounds[0].tls.key_path");
    }
}
