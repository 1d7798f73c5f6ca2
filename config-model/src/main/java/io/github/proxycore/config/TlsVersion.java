package io.github.proxycore.config;

/** A TLS protocol version as sing-box names it in {@code min_version} / {@code max_version}. */
public enum TlsVersion {
    /** TLS 1.0, {@code "1.0"} in configuration files. */
    TLS_1_0("1.0", "TLSv1"),
    /** TLS 1.1, {@code "1.1"} in configuration files. */
    TLS_1_1("1.1", "TLSv1.1"),
    /** TLS 1.2, {@code "1.2"} in configuration files. */
    TLS_1_2("1.2", "TLSv1.2"),
    /** TLS 1.3, {@code "1.3"} in configuration files. */
    TLS_1_3("1.3", "TLSv1.3");

    private final String configName;
    private final String jdkName;

    TlsVersion(String configName, String jdkName) {
        this.configName = configName;
        this.jdkName = jdkName;
    }

    /** {@return the name in configuration files, e.g. {@code "1.3"}} */
    public String configName() {
        return configName;
    }

    /** {@return the JSSE protocol name, e.g. {@code "TLSv1.3"}} */
    public String jdkName() {
        return jdkName;
    }
}
