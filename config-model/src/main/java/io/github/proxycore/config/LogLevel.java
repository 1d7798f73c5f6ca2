package io.github.proxycore.config;

/** Log levels as sing-box names them. {@code fatal} and {@code panic} are both logged as errors. */
public enum LogLevel {
    TRACE("trace"),
    DEBUG("debug"),
    INFO("info"),
    WARN("warn"),
    ERROR("error"),
    FATAL("fatal"),
    PANIC("panic");

    private final String configName;

    LogLevel(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
