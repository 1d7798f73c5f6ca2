package io.github.proxycore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.proxycore.runtime.status.LogFeed;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The Clash API's {@code /logs} gets the lines the command line's slf4j-simple backend writes. */
class LogsFeedTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void slf4jSimpleLinesReachSubscribersWithTheirLevel() throws Exception {
        LogFeed feed = new LogFeed();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        PrintStream original = System.err;
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        System.setErr(feed.tee(new PrintStream(shown, true, StandardCharsets.UTF_8)));
        try (LogFeed.Subscriber warnings = feed.subscribe(LogFeed.Level.WARNING, Runnable::run, lines::add)) {
            // through the real backend: slf4j-simple writes to System.err, looked up at every line
            LoggerFactory.getLogger("io.github.proxycore.test.Member").warn("member b failed its check");
            LoggerFactory.getLogger("io.github.proxycore.test.Member").error("no usable member");
            String first = lines.poll(10, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            JsonNode line = JSON.readTree(first);
            assertThat(line.get("type").asText()).isEqualTo("warning");
            assertThat(line.get("payload").asText()).contains("member b failed its check");
            JsonNode second = JSON.readTree(lines.poll(10, TimeUnit.SECONDS));
            assertThat(second.get("type").asText()).isEqualTo("error");
        } finally {
            System.setErr(original);
        }
        assertThat(shown.toString(StandardCharsets.UTF_8))
                .as("the lines are still written where they went")
                .contains("member b failed its check");
    }

    @Test
    void theTeeParsesLevelsAndContinuationLines() throws Exception {
        LogFeed feed = new LogFeed();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        PrintStream tee = feed.tee(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try (LogFeed.Subscriber all = feed.subscribe(LogFeed.Level.DEBUG, Runnable::run, lines::add)) {
            tee.println("2026-01-02 03:04:05.678 [DEBUG] Router - route a -> b");
            tee.println("2026-01-02 03:04:05.678 [ERROR] Relay - failed");
            tee.println("\tat some.Frame(Frame.java:1)");
            tee.println("[TRACE] Netty - bytes");
        }
        assertThat(JSON.readTree(lines.poll()).get("type").asText()).isEqualTo("debug");
        JsonNode error = JSON.readTree(lines.poll());
        assertThat(error.get("type").asText()).isEqualTo("error");
        assertThat(error.get("payload").asText()).isEqualTo("Relay - failed");
        assertThat(JSON.readTree(lines.poll()).get("type").asText())
                .as("a stack trace line keeps its line's level")
                .isEqualTo("error");
        assertThat(JSON.readTree(lines.poll()).get("type").asText()).isEqualTo("debug");
        assertThat(lines).isEmpty();
    }
}
