package io.github.proxycore.outbound.route;

import io.github.proxycore.config.route.HeadlessRule;
import io.github.proxycore.config.route.RemoteRuleSet;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.route.ruleset.HttpDownloader;
import io.github.proxycore.outbound.route.ruleset.RuleSetFormatException;
import io.github.proxycore.outbound.route.ruleset.RuleSetReader;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one remote rule set current: starts from the copy cached on disk (so a restart without network still
 * routes by the last good copy), downloads it through its detour when the copy is missing or older than
 * {@code update_interval}, and again every interval. A download that fails or does not decode is logged and
 * leaves the installed set alone; a good one is cached (written whole, then renamed into place) and installed.
 * Decoding and file I/O run on {@code worker}, never on an event loop.
 */
final class RemoteRuleSetUpdater implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemoteRuleSetUpdater.class);

    /** After a failed download, try again this soon (or at the interval, if shorter). */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(5);

    private final RemoteRuleSet options;
    private final Outbound via;
    private final Path cacheFile;
    private final HttpDownloader downloader;
    private final ScheduledExecutorService worker;
    private final Clock clock;
    private final RuleSetSlot slot;
    private final AtomicReference<CompletableFuture<Boolean>> inFlight = new AtomicReference<>();
    private volatile ScheduledFuture<?> next;
    private volatile boolean closed;

    RemoteRuleSetUpdater(
            RemoteRuleSet options,
            Outbound via,
            Path cacheFile,
            HttpDownloader downloader,
            ScheduledExecutorService worker,
            Clock clock,
            RuleSetSlot slot) {
        this.options = options;
        this.via = via;
        this.cacheFile = cacheFile;
        this.downloader = downloader;
        this.worker = worker;
        this.clock = clock;
        this.slot = slot;
    }

    /**
     * Installs the cached copy if there is a good one, then downloads now or schedules the next download.
     *
     * @return completes when the set has rules or its first download has failed
     */
    CompletableFuture<Void> start() {
        Instant cachedAt = loadCache();
        if (cachedAt == null) {
            log.warn(
                    "rule set \"{}\" has not been downloaded yet; it matches nothing until it is (from {})",
                    options.tag(),
                    options.url());
            return refresh().thenApply(installed -> null);
        }
        Duration age = Duration.between(cachedAt, clock.instant());
        Duration wait = options.updateInterval().minus(age);
        if (wait.isNegative() || wait.isZero()) {
            refresh();
        } else {
            schedule(wait);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** The cached copy's time, once installed; {@code null} if there is none or it does not decode. */
    private Instant loadCache() {
        try {
            byte[] bytes = Files.readAllBytes(cacheFile);
            Instant modified = Files.getLastModifiedTime(cacheFile).toInstant();
            List<HeadlessRule> rules = RuleSetReader.read(bytes, options.format(), cacheFile.toString());
            slot.install(RuleSetMatcher.compile(rules));
            log.info(
                    "rule set \"{}\": using the copy cached at {} ({} rules, downloaded {})",
                    options.tag(),
                    cacheFile,
                    rules.size(),
                    modified);
            return modified;
        } catch (NoSuchFileException e) {
            return null;
        } catch (RuleSetFormatException e) {
            log.warn("rule set \"{}\": ignoring the cached copy: {}", options.tag(), e.getMessage());
            return null;
        } catch (IOException e) {
            log.warn("rule set \"{}\": cannot read the cached copy {}: {}", options.tag(), cacheFile, e.toString());
            return null;
        }
    }

    /**
     * Downloads the set now (joining a download already under way) and installs it if it decodes.
     *
     * @return {@code true} once a new copy is installed, {@code false} if the download or its decoding failed
     */
    CompletableFuture<Boolean> refresh() {
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = inFlight.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        downloader
                .download(options.url(), via)
                .thenApplyAsync(this::install, worker)
                .whenComplete((installed, error) -> {
                    boolean ok = error == null && installed;
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause()
                                : error;
                        log.warn(
                                "rule set \"{}\": download from {} failed ({}); {}",
                                options.tag(),
                                options.url(),
                                cause.getMessage(),
                                slot.isLoaded() ? "keeping the current copy" : "it still matches nothing");
                    }
                    inFlight.set(null);
                    schedule(ok ? options.updateInterval() : min(options.updateInterval(), RETRY_AFTER_FAILURE));
                    mine.complete(ok);
                });
        return mine;
    }

    /** Decodes and installs a download; runs on the worker. */
    private boolean install(byte[] bytes) {
        List<HeadlessRule> rules;
        try {
            rules = RuleSetReader.read(bytes, options.format(), options.url());
        } catch (RuleSetFormatException e) {
            log.warn(
                    "rule set \"{}\": the downloaded copy is corrupt ({}); {}",
                    options.tag(),
                    e.getMessage(),
                    slot.isLoaded() ? "keeping the current copy" : "it still matches nothing");
            return false;
        }
        slot.install(RuleSetMatcher.compile(rules));
        try {
            writeCache(bytes);
        } catch (IOException e) {
            log.warn("rule set \"{}\": cannot cache it at {}: {}", options.tag(), cacheFile, e.toString());
        }
        log.info("rule set \"{}\": downloaded from {} ({} rules)", options.tag(), options.url(), rules.size());
        return true;
    }

    private void writeCache(byte[] bytes) throws IOException {
        Files.createDirectories(cacheFile.toAbsolutePath().getParent());
        Path temporary = cacheFile.resolveSibling(cacheFile.getFileName() + ".tmp");
        Files.write(temporary, bytes);
        Files.setLastModifiedTime(temporary, FileTime.from(clock.instant()));
        try {
            Files.move(temporary, cacheFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, cacheFile, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void schedule(Duration delay) {
        if (closed) {
            return;
        }
        ScheduledFuture<?> previous = next;
        if (previous != null) {
            previous.cancel(false);
        }
        next = worker.schedule(this::refresh, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> scheduled = next;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }
}
