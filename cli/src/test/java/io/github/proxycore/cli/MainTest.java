package io.github.proxycore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.execute(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpDocumentsEveryCommandAndOption() {
        assertThat(run("--help")).isZero();
        for (String item : new String[] {
            "demo [--once] [--port N]",
            "run -c FILE",
            "server -c FILE",
            "check -c FILE",
            "version",
            "help",
            "-c, --config FILE",
            "-D, --directory DIR",
            "--port N",
            "--once",
            "-h, --help",
            "Exit status"
        }) {
            assertThat(out()).contains(item);
        }
        out.reset();
        assertThat(run("help")).isZero();
        assertThat(out()).isEqualTo(Main.HELP + System.lineSeparator());
    }

    @Test
    void versionComesFromTheBuild() {
        assertThat(run("version")).isZero();
        assertThat(out()).startsWith("proxycore ").doesNotContain("unknown").doesNotContain("${");
        String version = out();
        for (String flag : new String[] {"--version", "-v"}) {
            out.reset();
            assertThat(run(flag)).isZero();
            assertThat(out()).isEqualTo(version);
        }
    }

    @Test
    void eachCommandHasItsOwnHelp() {
        for (String command : new String[] {"run", "server", "check", "demo", "version", "help"}) {
            out.reset();
            assertThat(run("help", command)).isZero();
            String help = out();
            assertThat(help)
                    .startsWith("Usage: java -jar proxycore.jar " + command)
                    .isNotEqualTo(Main.HELP);
            out.reset();
            assertThat(run(command, "--help")).isZero();
            assertThat(out()).isEqualTo(help);
        }
        assertThat(run("help", "bogus")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("no help for unknown command bogus");
    }

    @Test
    void optionsTakeTheEqualsFormToo() {
        assertThat(run("check", "--config=configs/mixed-direct.json")).as(err()).isZero();
        assertThat(out()).startsWith("ok: ");
    }

    @Test
    void aDirectoryIsNotTakenForAMissingFile(@TempDir Path dir) {
        assertThat(run("check", "-c", dir.toString())).isEqualTo(Main.FAILED);
        assertThat(err()).contains("cannot read configuration").contains("it is a directory");
    }

    @Test
    void runWithNoInboundsStopsWithAnError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("no-inbounds.json");
        Files.writeString(file, "{\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}]}");
        assertThat(run("run", "-c", file.toString())).isEqualTo(Main.FAILED);
        assertThat(err()).contains("has no inbounds: nothing to serve");
    }

    @Test
    void theLogFileIsAppendedToNotTruncated(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("proxycore.log");
        try (PrintStream first = Logging.appending(log)) {
            first.println("the first run's last words");
        }
        try (PrintStream second = Logging.appending(log)) {
            second.println("the second run starts");
        }
        assertThat(Files.readAllLines(log)).containsExactly("the first run's last words", "the second run starts");
    }

    @Test
    void theShippedConfigurationIsValid() {
        assertThat(run("check", "-c", "configs/mixed-direct.json")).isZero();
        assertThat(out()).isEqualTo("ok: 1 inbound(s), 2 outbound(s), 1 route rule(s)" + System.lineSeparator());
    }

    @Test
    void badConfigurationsListEveryProblemAndNothingStarts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(
                file,
                "{\"inbounds\": [{\"type\": \"mixed\", \"listen\": \"localhost\"}],"
                        + " \"outbounds\": [{\"type\": \"direct\", \"tag\": \"d\", \"connect_timeout\": \"5 s\"}],"
                        + " \"route\": {\"final\": \"nowhere\"}}");
        for (String command : new String[] {"check", "run"}) {
            err.reset();
            assertThat(run(command, "-c", file.toString())).isEqualTo(Main.FAILED);
            assertThat(err())
                    .contains(file + " has 3 problems:")
                    .contains("$.inbounds[0].listen: must be an IP address such as 127.0.0.1 or ::, got \"localhost\"")
                    .contains("$.outbounds[0].connect_timeout: unknown unit \" s\"")
                    .contains("$.route.final: unknown outbound \"nowhere\"");
        }
    }

    @Test
    void checkLoadsLocalRuleSetFilesAndNamesABadOne(@TempDir Path dir) throws Exception {
        Path shared = Path.of("")
                .toAbsolutePath()
                .getParent()
                .resolveSibling("shared")
                .resolve("rulesets");
        Files.write(dir.resolve("broken.srs"), new byte[] {'S', 'R', 'S', 1, 0x78, 0x01, 0x02});
        Path file = dir.resolve("sets.json");
        Files.writeString(
                file,
                "{\"outbounds\": [{\"type\": \"direct\", \"tag\": \"d\"}], \"route\": {\"rule_set\": ["
                        + "{\"type\": \"local\", \"tag\": \"cn\", \"path\": \""
                        + shared.resolve("v2/lite-geosite-cn.srs") + "\"},"
                        + "{\"type\": \"local\", \"tag\": \"g\", \"path\": \""
                        + shared.resolve("v2/geosite-google.json") + "\"},"
                        + "{\"type\": \"local\", \"tag\": \"bad\", \"path\": \"broken.srs\"}],"
                        + "\"rules\": [{\"rule_set\": [\"cn\", \"g\", \"bad\"], \"outbound\": \"d\"}]}}");
        assertThat(run("check", "-c", file.toString())).isEqualTo(Main.FAILED);
        assertThat(err())
                .contains(file + " has 1 problem:")
                .contains("$.route.rule_set[2].path: " + dir.resolve("broken.srs"))
                .contains("zlib");
        Files.delete(dir.resolve("broken.srs"));
        Files.write(dir.resolve("broken.srs"), Files.readAllBytes(shared.resolve("v1/geosite-openai.srs")));
        err.reset();
        assertThat(run("check", "-c", file.toString())).isZero();
        assertThat(out()).startsWith("ok: ");
    }

    @Test
    void aMissingFileIsSaidPlainly(@TempDir Path dir) {
        assertThat(run("check", "-c", dir.resolve("nope.json").toString())).isEqualTo(Main.FAILED);
        assertThat(err()).contains("cannot read configuration").contains("nope.json");
    }

    @Test
    void aPortInUseStopsTheStartWithAClearError(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path file = dir.resolve("busy.json");
            Files.writeString(
                    file,
                    "{\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"busy\", \"listen\": \"127.0.0.1\","
                            + " \"listen_port\": " + taken.getLocalPort() + "}]}");
            assertThat(run("run", "-c", file.toString())).isEqualTo(Main.FAILED);
            assertThat(err())
                    .contains(
                            "cannot start: mixed inbound \"busy\" cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void theDemoProvesTheWholePathWithoutConfiguration() {
        assertThat(run("demo", "--once", "--port", "0")).as(err()).isZero();
        assertThat(out())
                .contains("AnyTLS server 3")
                .contains("through mixed-in -> lb -> anytls")
                .contains("HTTP/1.1 200 OK ... Hello from the proxycore demo origin: you came through AnyTLS.")
                .containsPattern("anytls-1 +primary +healthy")
                .containsPattern("anytls-2 +primary +healthy")
                .containsPattern("anytls-3 +primary +healthy");
    }

    @Test
    void serverWantsAnAnytlsInbound() {
        assertThat(run("server", "-c", "configs/mixed-direct.json")).isEqualTo(Main.FAILED);
        assertThat(err()).contains("has no anytls inbound");
    }

    @Test
    void usageErrors() {
        assertThat(run()).isEqualTo(Main.USAGE);
        assertThat(err()).contains("no command given").contains("--help");
        err.reset();
        assertThat(run("run")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("run needs a configuration: -c FILE");
        err.reset();
        assertThat(run("serve")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("unknown command serve");
        err.reset();
        assertThat(run("check", "-c")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("-c needs a value");
        err.reset();
        assertThat(run("check", "--verbose")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("unknown option --verbose");
        err.reset();
        assertThat(run("demo", "--port", "http")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("--port needs a number");
    }
}
