package io.github.proxycore.runtime.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The log lines {@code /logs} streams to dashboards. Whoever owns the logging backend feeds it with
 * {@link #publish(Level, String)}; the command line does it with {@link #tee(PrintStream)} around the standard error
 * its slf4j-simple backend writes to. A line goes to each subscriber whose level it reaches, and a subscriber that
 * falls {@value #MAX_PENDING} lines behind loses the newest ones rather than holding memory for a slow dashboard.
 *
 * <pre>{@code
 * LogFeed logs = new LogFeed();
 * System.setErr(logs.tee(System.err)); // slf4j-simple with logFile=System.err looks System.err up at every line
 * Engine engine = Engine.builder(config).logs(logs).start();
 * }</pre>
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
    /** A longer line is cut here: a dashboard shows lines, not dumps. */
    static final int MAX_LINE_BYTES = 8192;

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

    /** {@return whether any dashboard listens now} */
    public boolean hasSubscribers() {
        return !subscribers.isEmpty();
    }

    /**
     * A stream that writes to {@code target} and publishes each complete line as slf4j-simple writes them: the
     * level is the first word that is {@code TRACE}, {@code DEBUG}, {@code INFO}, {@code WARN} or {@code ERROR}
     * (bracketed or not) before the message, and the payload what follows it; a line without one (a stack trace's)
     * takes the level of the line before it. Nothing is parsed while no dashboard listens.
     *
     * @param target where the lines are written
     * @return the stream to write to instead of {@code target}
     */
    public PrintStream tee(PrintStream target) {
        return new PrintStream(new LineTee(target), true, StandardCharsets.UTF_8);
    }

    /** Splits what is written into lines and publishes them; callers serialize writes (PrintStream does). */
    private final class LineTee extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private Level lastLevel = Level.INFO;

        LineTee(PrintStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            target.write(b);
            take(b);
        }

        @Override
        public void write(byte[] bytes, int off, int len) {
            target.write(bytes, off, len);
            for (int i = off; i < off + len; i++) {
                take(bytes[i]);
            }
        }

        private void take(int b) {
            if (b == '\n') {
                if (hasSubscribers()) {
                    publishLine(line.toString(StandardCharsets.UTF_8));
                }
                line.reset();
            } else if (b != '\r' && line.size() < MAX_LINE_BYTES) {
                line.write(b);
            }
        }

        private void publishLine(String text) {
            // slf4j-simple: [date] [thread] LEVEL name - message, the level bracketed with levelInBrackets
            int start = 0;
            while (start < text.length()) {
                int end = text.indexOf(' ', start);
                if (end < 0) {
                    end = text.length();
                }
                String token = text.substring(start, end);
                Level level = levelOf(token);
                if (level != null) {
                    lastLevel = level;
                    publish(level, text.substring(end).strip());
                    return;
                }
                if (token.equals("-")) {
                    break; // the message began: a level word after it is the message's
                }
                start = end + 1;
            }
            if (!text.isBlank()) {
                publish(lastLevel, text.strip());
            }
        }

        private static Level levelOf(String token) {
            String name = token.startsWith("[") && token.endsWith("]") && token.length() > 2
                    ? token.substring(1, token.length() - 1)
                    : token;
            return switch (name) {
                case "TRACE", "DEBUG" -> Level.DEBUG;
                case "INFO" -> Level.INFO;
                case "WARN" -> Level.WARNING;
                case "ERROR" -> Level.ERROR;
                default -> null;
            };
        }

        @Override
        public void flush() {
            target.flush();
        }
    }

    /**
     * Subscribes to the lines at {@code level} or above, each a JSON document {@code {"type","payload"}}: {@code sink}
     * runs on {@code executor}, one line at a time. Close the subscription when done.
     *
     * @param level the least severe level wanted
     * @param executor where {@code sink} runs
     * @param sink what receives each line
     * @return the subscription
     */
    public Subscriber subscribe(Level level, java.util.concurrent.Executor executor, Consumer<String> sink) {
        Subscriber s = new Subscriber(level, executor, sink);
        subscribers.add(s);
        return s;
    }

    /** One dashboard's subscription; {@link #close()} when its connection closes. */
    public final class Subscriber implements AutoCloseable {
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
