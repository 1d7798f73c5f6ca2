package io.github.proxycore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.SelfSignedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files a configuration names: every relative path (certificate, key, rule set, log) is taken from the configuration
 * file's directory, or from {@code -D}, never from the working directory; and {@code check} finds every file problem
 * that {@code run} would stop on, with the same message.
 */
class ConfigFilesTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.execute(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A server configuration with relative certificate, key, rule-set and log paths, and the files it names. */
    private static Path serverConfiguration(Path dir, String logOutput) throws Exception {
        SelfSignedCertificate.forLoopback().writeTo(dir.resolve("tls"), "server");
        Files.writeString(
                dir.resolve("private.json"),
                "{\"version\": 1, \"rules\": [{\"ip_cidr\": [\"10.0.0.0/8\"]}]}",
                StandardCharsets.UTF_8);
        Path file = dir.resolve("server.json");
        Files.writeString(
                file,
                "{\"log\": {\"level\": \"info\"" + (logOutput == null ? "" : ", \"output\": \"" + logOutput + "\"")
                        + "},"
                        + " \"inbounds\": [{\"type\": \"anytls\", \"tag\": \"in\", \"listen\": \"127.0.0.1\","
                        + " \"listen_port\": 0, \"users\": [{\"name\": \"a\", \"password\": \"p\"}],"
                        + " \"tls\": {\"certificate_path\": \"tls/server.crt\", \"key_path\": \"tls/server.key\"}}],"
                        + " \"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"},"
                        + " {\"type\": \"block\", \"tag\": \"block\"}],"
                        + " \"route\": {\"rule_set\": [{\"type\": \"local\", \"tag\": \"private\","
                        + " \"path\": \"private.json\"}],"
                        + " \"rules\": [{\"rule_set\": \"private\", \"outbound\": \"block\"}], \"final\": \"direct\"}}",
                StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void relativePathsAreTakenFromTheConfigurationsDirectoryNotTheWorkingDirectory(@TempDir Path dir) throws Exception {
        Path file = serverConfiguration(dir, null);
        assertThat(Path.of("").toAbsolutePath()).isNotEqualTo(dir); // the tests run in the module's directory
        assertThat(run("check", "-c", file.toString())).as(err()).isZero();
        assertThat(out()).startsWith("ok: 1 inbound(s), 2 outbound(s), 1 route rule(s)");
    }

    @Test
    void minusDIsTheWorkingDirectoryForTheFileAndEveryPathInIt(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("etc");
        Path data = dir.resolve("data");
        Files.createDirectories(config);
        serverConfiguration(data, null); // the certificate, key and rule set live in data/
        Files.move(data.resolve("server.json"), config.resolve("server.json"));

        // from its own directory the configuration's files are missing: the paths name the data directory's files
        assertThat(run("check", "-c", config.resolve("server.json").toString())).isEqualTo(Main.FAILED);
        assertThat(err())
                .contains("$.inbounds[0].tls.certificate_path: cannot read " + config.resolve("tls/server.crt")
                        + ": no such file")
                .contains("$.route.rule_set[0].path: cannot read " + config.resolve("private.json"));

        // -D data: the paths in the configuration come from data/; -c, relative, too (as sing-box's -D)
        Files.move(config.resolve("server.json"), data.resolve("server.json"));
        assertThat(run("check", "-D", data.toString(), "-c", "server.json"))
                .as(err())
                .isZero();
        assertThat(out()).startsWith("ok: ");
    }

    @Test
    void checkFindsAMissingCertificateWithTheMessageRunGives(@TempDir Path dir) throws Exception {
        Path file = serverConfiguration(dir, null);
        Files.delete(dir.resolve("tls/server.crt"));
        String expected =
                "$.inbounds[0].tls.certificate_path: cannot read " + dir.resolve("tls/server.crt") + ": no such file";

        assertThat(run("check", "-c", file.toString())).isEqualTo(Main.FAILED);
        String checked = err();
        assertThat(checked).contains(file + " has 1 problem:").contains(expected);
        assertThat(out()).isEmpty();

        assertThat(run("run", "-c", file.toString())).isEqualTo(Main.FAILED);
        assertThat(err()).isEqualTo(checked);
    }

    @Test
    void checkFindsWhatRunWouldStopOnAllAtOnce(@TempDir Path dir) throws Exception {
        Path file = serverConfiguration(dir, "no-such-directory/proxycore.log");
        // a key that belongs to another certificate, a missing rule-set file, a log in a missing directory
        SelfSignedCertificate.forLoopback().writeTo(dir.resolve("other"), "server");
        Files.copy(
                dir.resolve("other/server.key"),
                dir.resolve("tls/server.key"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(dir.resolve("private.json"));

        for (String command : new String[] {"check", "run"}) {
            assertThat(run(command, "-c", file.toString())).as(command).isEqualTo(Main.FAILED);
            assertThat(err())
                    .as(command)
                    .contains(file + " has 3 problems:")
                    .contains("$.log.output: cannot create " + dir.resolve("no-such-directory/proxycore.log")
                            + ": no such directory " + dir.resolve("no-such-directory"))
                    .contains("$.inbounds[0].tls.key_path: the private key does not belong to the certificate")
                    .contains("$.route.rule_set[0].path: cannot read " + dir.resolve("private.json"));
        }
    }

    @Test
    void checkValidatesRemoteRuleSetsWithoutDownloadingThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("remote.json");
        Files.writeString(
                file,
                "{\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}],"
                        + " \"route\": {\"rule_set\": [{\"type\": \"remote\", \"tag\": \"geo\","
                        + " \"url\": \"http://127.0.0.1:1/geo.srs\", \"download_detour\": \"nowhere\"}],"
                        + " \"rules\": [{\"rule_set\": \"geo\", \"outbound\": \"direct\"}]}}");
        assertThat(run("check", "-c", file.toString())).isEqualTo(Main.FAILED);
        assertThat(err()).contains("$.route.rule_set[0].download_detour: unknown outbound \"nowhere\"");

        Files.writeString(file, Files.readString(file).replace(", \"download_detour\": \"nowhere\"", ""));
        assertThat(run("check", "-c", file.toString())).as(err()).isZero();
        assertThat(dir.resolve("cache")).doesNotExist(); // nothing downloaded, nothing cached
    }

    /**
     * What systemd does: the working directory is {@code /} and the configuration names its files relatively. The
     * server starts, and its log goes to the file beside the configuration.
     */
    @Test
    void aServerStartedFromTheRootDirectoryFindsItsFiles(@TempDir Path dir) throws Exception {
        Path file = serverConfiguration(dir, "proxycore.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(Main.class.getName());
        command.addAll(List.of("server", "-c", file.toString()));
        Process server = new ProcessBuilder(command)
                .directory(Path.of("/").toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("console.txt").toFile())
                .start();
        try {
            Path log = dir.resolve("proxycore.log");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String logged = "";
            while (server.isAlive() && System.nanoTime() < deadline && !logged.contains("listening on")) {
                server.waitFor(50, TimeUnit.MILLISECONDS); // polls the log file while the process runs
                logged = Files.exists(log) ? Files.readString(log) : "";
            }
            assertThat(logged)
                    .as("console: %s", Files.readString(dir.resolve("console.txt")))
                    .contains("anytls inbound \"in\" listening on /127.0.0.1:");
            assertThat(server.isAlive()).isTrue();
        } finally {
            server.destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
