package io.github.proxycore.runtime.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The log lines {@code /logs} streams to dashboards. Whoever owns the logging backend feeds it with
 * {@link #publish(Level, String)} (proxycore does not bridge its own slf4j logging here yet); a line goes to each subscriber whose
 * level it reaches, and a subscriber that falls {@value #MAX_PENDING} lines behind loses the newest ones rather than
 * holding memory for a slow dashboard.
 */
public final class LogFeed {
    /** Levels as the Clash API names them, least severe first. */
    public enum Level {
        /** {@code debug}: diagnostics ({@code trace} is read as this). */
        DEBUG,
        /** {@code info}: normal events. */
        INFO,
        /** {@code warning}: problems that do not stop the proxy. */
        WARNING,
        /** {@code error}: failures. */
        ERROR,
        /** Subscribes to nothing; never published. */
        SILENT;

        /** {@return the Clash name: {@code debug}, {@code info}, {@code warning}, {@code error}, {@code silent}} */
        public String clashName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The level a {@code ?level=} parameter names ({@code warn} too), or null.
         *
         * @param text the parameter, any case; sing-box's {@code trace}, {@code fatal} and {@code panic} are read too
         * @return the level, or {@code null} if the text names none
         */
        public static Level parse(String text) {
            if (text == null) {
                return null;
            }
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "debug", "trace" -> DEBUG;
                case "info" -> INFO;
                case "warning", "warn" -> WARNING;
                case "error", "fatal", "panic" -> ERROR;
                case "silent" -> SILENT;
                default -> null;
            };
        }
    }

    static final int MAX_PENDING = 256;

    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();

    /**
     * Sends a line to every subscriber at {@code level} or below. Never blocks: delivery happens on each
     * subscriber's event loop. Callers must not publish secrets.
     *
     * @param level the line's level; {@link Level#SILENT} is dropped
     * @param message the line
     */
    public void publish(Level level, String message) {
        if (level == Level.SILENT) {
            return;
        }
        ObjectNode line =
                ClashApi.JSON.createObjectNode().put("type", level.clashName()).put("payload", message);
        String text = line.toString();
        for (Subscriber s : subscribers) {
            if (level.compareTo(s.level) >= 0) {
                s.offer(text);
            }
        }
    }

    /** A dashboard's subscription; {@code sink} runs on {@code executor}, one line at a time. */
    Subscriber subscribe(Level level, java.util.concurrent.Executor executor, Consumer<String> sink) {
        Subscriber s = new Subscriber(level, executor, sink);
        subscribers.add(s);
        return s;
    }

    /** One dashboard's subscription; {@link #close()} when its connection closes. */
    final class Subscriber implements AutoCloseable {
        private final Level level;
        private final java.util.concurrent.Executor executor;
        private final Consumer<String> sink;
        private final AtomicInteger pending = new AtomicInteger();

        private Subscriber(Level level, java.util.concurrent.Executor executor, Consumer<String> sink) {
            this.level = level;
            this.executor = executor;
            this.sink = sink;
        }

        private void offer(String line) {
            if (pending.incrementAndGet() > MAX_PENDING) {
                pending.decrementAndGet(); // too far behind: this line is dropped for this dashboard only
                return;
            }
            executor.execute(() -> {
                pending.decrementAndGet();
                sink.accept(line);
            });
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }
}
