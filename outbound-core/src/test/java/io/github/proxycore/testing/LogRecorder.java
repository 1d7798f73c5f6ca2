package io.github.proxycore.testing;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J backend for tests that assert log lines: WARN and ERROR go to {@code System.err} as usual, and a test can
 * {@link #capture} the lines of some loggers down to a lower level for as long as it needs them. Levels are read on
 * every call, so debug formatting costs nothing outside a capture (allocation tests stay valid).
 *
 * <p>A module uses it by naming this class in {@code src/test/resources/META-INF/services/
 * org.slf4j.spi.SLF4JServiceProvider} instead of depending on slf4j-simple.
 */
public final class LogRecorder implements SLF4JServiceProvider {
    /** Copied on write and read as an array: a level check must not allocate (allocation tests run with this). */
    private static volatile Capture[] captures = new Capture[0];

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, RecordingLogger::new);
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /**
     * Records what loggers whose name starts with {@code prefix} log at {@code level} or above, until closed.
     * Lines are {@code "LEVEL message"}.
     */
    public static Capture capture(String prefix, Level level) {
        Capture capture = new Capture(prefix, level);
        synchronized (LogRecorder.class) {
            Capture[] next = java.util.Arrays.copyOf(captures, captures.length + 1);
            next[next.length - 1] = capture;
            captures = next;
        }
        return capture;
    }

    /** Records {@code type}'s logger (and those under its name) at {@code level} or above. */
    public static Capture capture(Class<?> type, Level level) {
        return capture(type.getName(), level);
    }

    /** The lines recorded for one test. */
    public static final class Capture implements AutoCloseable {
        private final String prefix;
        private final Level level;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        private Capture(String prefix, Level level) {
            this.prefix = prefix;
            this.level = level;
        }

        /** Every line so far, in order. */
        public List<String> lines() {
            return List.copyOf(lines);
        }

        /** The lines so far that contain {@code text}. */
        public List<String> containing(String text) {
            return lines.stream().filter(l -> l.contains(text)).toList();
        }

        boolean wants(String logger, Level at) {
            return logger.startsWith(prefix) && at.toInt() >= level.toInt();
        }

        @Override
        public void close() {
            synchronized (LogRecorder.class) {
                captures =
                        java.util.Arrays.stream(captures).filter(c -> c != this).toArray(Capture[]::new);
            }
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {}

    private static final class RecordingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        RecordingLogger(String name) {
            this.name = name;
        }

        private boolean enabled(Level level) {
            if (level.toInt() >= Level.WARN.toInt()) {
                return true;
            }
            for (Capture c : captures) { // an array: no iterator
                if (c.wants(name, level)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(
                Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            for (Capture c : captures) {
                if (c.wants(name, level)) {
                    c.lines.add(level + " " + message);
                }
            }
            if (level.toInt() >= Level.WARN.toInt()) {
                PrintStream err = System.err;
                err.println("[" + Thread.currentThread().getName() + "] " + level + " " + name + " - " + message);
                if (throwable != null) {
                    throwable.printStackTrace(err);
                }
            }
        }
    }
}
