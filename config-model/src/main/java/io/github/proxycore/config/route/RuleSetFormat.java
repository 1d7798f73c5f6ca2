package io.github.proxycore.config.route;

/** The file format of a local or remote rule set. */
public enum RuleSetFormat {
    /** sing-box's JSON source format. */
    SOURCE("source"),
    /** sing-box's compiled {@code .srs} format. */
    BINARY("binary");

    private final String configName;

    RuleSetFormat(String configName) {
        this.configName = configName;
    }

    /** {@return the name in configuration files: {@code "source"} or {@code "binary"}} */
    public String configName() {
        return configName;
    }
}
