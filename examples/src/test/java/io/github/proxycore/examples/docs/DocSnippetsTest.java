package io.github.proxycore.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.proxycore.anytls.AnyTlsServer;
import io.github.proxycore.anytls.SelfSignedCertificate;
import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.loadbalance.LoadBalanceOutbound;
import io.github.proxycore.outbound.BlockOutbound;
import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.testing.LocalHttpServer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code in README.md and docs/*.md cannot drift: every {@code java} block is exactly one of
 * {@link DocSnippets}' tagged pieces (which compile, and run below), and every {@code json} block loads and validates
 * (a whole configuration, one outbound or inbound, or the fields of an {@code anytls} outbound).
 */
class DocSnippetsTest {
    private static final Path ROOT = Path.of("..");
    private static final Path SOURCE = Path.of("src/test/java/io/github/proxycore/examples/docs/DocSnippets.java");
    private static final Pattern FENCE = Pattern.compile("(?m)^```(\\w*)\\n(.*?)^```$", Pattern.DOTALL);
    private static final Pattern REGION =
            Pattern.compile("(?m)^[ \\t]*// tag::([\\w-]+)\\[]\\n(.*?)^[ \\t]*// end::\\1\\[]$", Pattern.DOTALL);

    /** A fenced block: where it is, its language, its text. */
    record Block(String where, String language, String text) {}

    static List<Block> blocks() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Block> out = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Matcher m = FENCE.matcher(text);
            while (m.find()) {
                int line = 1
                        + (int) text.substring(0, m.start())
                                .chars()
                                .filter(c -> c == '\n')
                                .count();
                out.add(new Block(ROOT.relativize(file) + ":" + line, m.group(1), m.group(2)));
            }
        }
        return out;
    }

    /** The tagged pieces of {@link DocSnippets}, without their common indentation. */
    static Map<String, String> snippets() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = REGION.matcher(Files.readString(SOURCE, StandardCharsets.UTF_8));
        while (m.find()) {
            out.put(m.group(1), dedent(m.group(2)));
        }
        return out;
    }

    /** Removes the indentation the non-blank lines share; blank lines become empty. */
    static String dedent(String text) {
        String[] lines = text.split("\n", -1);
        int indent = Integer.MAX_VALUE;
        for (String line : lines) {
            if (!line.isBlank()) {
                indent = Math.min(indent, line.length() - line.stripLeading().length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            out.append(lines[i].isBlank() ? "" : lines[i].substring(indent));
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    @Test
    void everyJavaBlockIsATaggedPieceOfCompiledCodeAndEveryPieceIsShown() throws IOException {
        Map<String, String> snippets = snippets();
        assertThat(snippets).hasSizeGreaterThanOrEqualTo(7);
        List<String> shown = new ArrayList<>();
        for (Block block : blocks()) {
            if (!block.language().equals("java")) {
                continue;
            }
            String name = snippets.entrySet().stream()
                    .filter(e -> e.getValue().equals(block.text()))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
            assertThat(name)
                    .as(
                            "%s: this java block is not one of DocSnippets' tagged pieces (copy the piece from %s)",
                            block.where(), SOURCE)
                    .isNotNull();
            shown.add(name);
        }
        assertThat(shown).as("pieces shown in no document").containsAll(snippets.keySet());
    }

    @Test
    void everyJsonBlockLoadsAndValidates() throws IOException {
        JsonMapper mapper = JsonMapper.builder().build();
        int checked = 0;
        for (Block block : blocks()) {
            if (!block.language().equals("json")) {
                continue;
            }
            JsonNode node = mapper.readTree(block.text());
            try {
                if (node.has("inbounds") || node.has("outbounds") || node.has("route") || node.has("log")) {
                    ConfigLoader.parse(block.text(), block.where());
                } else if (node.has("type") && node.has("listen")) {
                    ConfigLoader.parse("{\"inbounds\": [" + block.text() + "]}", block.where());
                } else if (node.has("type")) {
                    ConfigLoader.parseOutbound(block.text());
                } else {
                    // the fields of an anytls outbound, shown on their own
                    ObjectNode outbound = (ObjectNode) mapper.readTree("{\"type\": \"anytls\", \"tag\": \"proxy\","
                            + " \"server\": \"127.0.0.1\", \"server_port\": 443, \"password\": \"p\", \"tls\": {}}");
                    outbound.setAll((ObjectNode) node);
                    ConfigLoader.parseOutbound(outbound.toString());
                }
            } catch (ConfigException e) {
                throw new AssertionError(block.where() + ": this json block does not validate: " + e.getMessage(), e);
            }
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(6);
    }

    @Test
    void theReadmeSnippetRuns(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(
                dir.resolve("config.json"), "{\"outbounds\": [{\"type\": \"block\", \"tag\": \"proxy\"}]}");
        EmbeddedChannel client = new EmbeddedChannel();
        DocSnippets.readme(new String[] {config.toString()}, client);
        client.finishAndReleaseAll();
    }

    @Test
    void theGettingStartedSnippetRuns(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(
                dir.resolve("config.json"), "{\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}]}");
        try (LocalHttpServer http = LocalHttpServer.start("docs")) {
            DocSnippets.gettingStarted(new String[] {config.toString()}, Destination.of("127.0.0.1", http.port()));
        }
    }

    @Test
    void theAnyTlsSnippetsRun() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
        try (LocalHttpServer http = LocalHttpServer.start("docs");
                AnyTlsServer server = AnyTlsServer.builder()
                        .user("docs", "secret")
                        .certificate(cert)
                        .bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = server.localAddress().getPort();
            Channel stream = DocSnippets.anytlsFromJava(
                            "127.0.0.1", port, cert.certificatePem(), Destination.of("127.0.0.1", http.port()))
                    .get(10, TimeUnit.SECONDS);
            stream.close().syncUninterruptibly();

            String pem = JsonMapper.builder().build().writeValueAsString(cert.certificatePem());
            DocSnippets.anytlsListeners(ConfigLoader.parse("{\"outbounds\": [{\"type\": \"anytls\", \"tag\": \"proxy\","
                    + " \"server\": \"127.0.0.1\", \"server_port\": " + port + ", \"password\": \"secret\","
                    + " \"tls\": {\"certificate\": " + pem + "}}]}"));
        }
        try (Transport transport = Transport.create(1);
                AnyTlsServer embedded = DocSnippets.anytlsEmbedded(
                        ConnectionRouter.to(new BlockOutbound("nowhere")), ChannelInboundHandlerAdapter::new)) {
            assertThat(embedded.localAddress().getPort()).isPositive();
        }
    }

    @Test
    void theLoadBalanceSnippetsRun() throws Exception {
        try (Outbounds outbounds = Outbounds.builder(ConfigLoader.parse("{\"outbounds\": ["
                                + "{\"type\": \"block\", \"tag\": \"a\"}, {\"type\": \"block\", \"tag\": \"b\"},"
                                + " {\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"a\", \"b\"],"
                                + " \"url\": \"http://127.0.0.1:9/\", \"strategy\": \"random\"}]}")
                        .outbounds())
                .build()) {
            DocSnippets.loadbalanceFromJava(outbounds, Metadata.internal(Network.TCP, Destination.of("127.0.0.1", 80)));
        }
        try (Transport transport = Transport.create(1);
                LoadBalanceOutbound lb = DocSnippets.loadbalanceOverHostOutbounds(
                        transport, new BlockOutbound("proxy"), new BlockOutbound("direct"))) {
            assertThat(lb.snapshot().members()).hasSize(2);
        }
    }
}
