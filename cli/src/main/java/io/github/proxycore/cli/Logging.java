package io.github.proxycore.cli;

import io.github.proxycore.config.LogOptions;

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
        setDefault("logFile", log.output() == null ? "System.err" : log.output());
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
