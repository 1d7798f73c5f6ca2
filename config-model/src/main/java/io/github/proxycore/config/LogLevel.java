package io.github.proxycore.config;

/** Log levels as sing-box names them. {@code fatal} and {@code panic} are both logged as errors. */
public enum LogLevel {
    /** {@code trace}: everything, the most verbose. */
    TRACE("trace"),
    /** {@code debug}: diagnostics such as session-pool decisions. */
    DEBUG("debug"),
    /** {@code info}: connections and lifecycle events (the default). */
    INFO("info"),
    /** {@code warn}: problems that do not stop the proxy. */
    WARN("warn"),
    /** {@code error}: failures. */
    ERROR("error"),
    /** {@code fatal}: logged as {@link #ERROR}. */
    FATAL("fatal"),
    /** {@code panic}: logged as {@link #ERROR}. */
    PANIC("panic");

    private final String configName;

    LogLevel(String configName) {
        this.configName = configName;
    }

    /** {@return the name in configuration files, e.g. {@code "info"}} */
    public String configName() {
        return configName;
    }
}
