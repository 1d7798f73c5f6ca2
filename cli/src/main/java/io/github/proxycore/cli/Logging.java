package io.github.proxycore.cli;

import io.github.proxycore.config.LogOptions;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Applies the configuration's {@code log} section to slf4j-simple, the command line's logging backend. It is
 * configured through system properties read when the first logger is created, so this runs before anything logs;
 * properties the user set on the JVM command line win.
 */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";
    /**
     * BouncyCastle's TLS engine (the fallback for servers whose certificate the JDK cannot parse) logs through
     * java.util.logging, every alert at INFO with a stack trace. Held here: java.util.logging keeps loggers weakly.
     */
    private static final java.util.logging.Logger BC_JSSE = java.util.logging.Logger.getLogger("org.bouncycastle.jsse");

    private Logging() {}

    static void configure(LogOptions log) {
        String level;
        if (log.disabled()) {
            level = "off";
        } else {
            switch (log.level()) {
                case TRACE:
                    level = "trace";
                    break;
                case DEBUG:
                    level = "debug";
                    break;
                case WARN:
                    level = "warn";
                    break;
                case ERROR:
                case FATAL:
                case PANIC:
                    level = "error";
                    break;
                default:
                    level = "info";
            }
        }
        setDefault("defaultLogLevel", level);
        // Netty's own debug output is about Netty, not about traffic: only at trace; never more than the rest
        setDefault("log.io.netty", level.equals("debug") ? "info" : level);
        BC_JSSE.setLevel(level.equals("trace") ? java.util.logging.Level.FINE : java.util.logging.Level.SEVERE);
        setDefault("showDateTime", Boolean.toString(log.timestamp()));
        setDefault("dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        setDefault("showThreadName", "false");
        setDefault("showShortLogName", "true");
        setDefault("levelInBrackets", "true");
        // slf4j-simple truncates a logFile it opens; a crashed run's log must survive the next start, so the file
        // is opened here for appending and slf4j-simple writes to it as standard error (looked up at every line)
        if (log.output() != null && System.getProperty(PREFIX + "logFile") == null) {
            System.setErr(appending(Path.of(log.output())));
        }
        setDefault("logFile", "System.err");
    }

    /**
     * Why {@code file} cannot be appended to, or {@code null} if it can; decided without creating it, so that
     * {@code check} changes nothing. {@code run} asks the same before it opens the file.
     */
    static String outputProblem(Path file) {
        if (Files.isDirectory(file)) {
            return "cannot append to " + file + ": it is a directory";
        }
        if (Files.exists(file)) {
            return Files.isWritable(file) ? null : "cannot append to " + file + ": permission denied";
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return "cannot create " + file + ": no such directory " + parent;
        }
        return Files.isWritable(parent) ? null : "cannot create " + file + ": permission denied in " + parent;
    }

    /** {@code file} opened for appending, created if missing. */
    static PrintStream appending(Path file) {
        try {
            return new PrintStream(new FileOutputStream(file.toFile(), true), true, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open log.output " + file + ": " + e.getMessage(), e);
        }
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
