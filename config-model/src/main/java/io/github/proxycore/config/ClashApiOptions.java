package io.github.proxycore.config;

/**
 * {@code experimental.clash_api}: a small HTTP status endpoint in the style of the Clash API, for dashboards.
 *
 * @param externalController where it listens, {@code host:port} with an IP host (e.g. {@code 127.0.0.1:9090})
 * @param secret the bearer token clients must send, or empty for none; never printed
 */
public record ClashApiOptions(String externalController, String secret) {
    public ClashApiOptions {
        secret = secret == null ? "" : secret;
    }

    @Override
    public String toString() {
        return "ClashApiOptions[externalController=" + externalController + ", secret="
                + (secret.isEmpty() ? "" : "<redacted>") + "]";
    }
}
