package io.github.proxycore.outbound;

/** The transport a connection uses. */
public enum Network {
    TCP("tcp"),
    UDP("udp");

    private final String configName;

    Network(String configName) {
        this.configName = configName;
    }

    /** The lowercase name configurations and hash keys use: {@code tcp} or {@code udp}. */
    public String configName() {
        return configName;
    }

    @Override
    public String toString() {
        return configName;
    }
}
