package io.github.proxycore.outbound;

/** The transport a connection uses. */
public enum Network {
    /** A TCP connection. */
    TCP("tcp"),
    /** A UDP flow (an association of datagrams). */
    UDP("udp");

    private final String configName;

    Network(String configName) {
        this.configName = configName;
    }

    /** {@return the lowercase name configurations and hash keys use: {@code tcp} or {@code udp}} */
    public String configName() {
        return configName;
    }

    @Override
    public String toString() {
        return configName;
    }
}
