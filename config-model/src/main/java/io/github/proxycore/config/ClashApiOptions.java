package io.github.proxycore.config;

import io.github.proxycore.config.route.IpPrefix;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * {@code experimental.clash_api}: a small HTTP status endpoint in the style of the Clash API, for dashboards.
 *
 * @param externalController where it listens, {@code host:port} with an IP host (e.g. {@code 127.0.0.1:9090}), or
 *     {@code :port} for every interface as sing-box accepts it
 * @param secret the bearer token clients must send, or empty for none; never printed
 */
public record ClashApiOptions(String externalController, String secret) {
    /**
     * Reads a {@code null} secret as empty.
     *
     * @param externalController {@code host:port} to listen on, or {@code null} for none
     * @param secret the bearer token, or {@code null} or empty for none
     */
    public ClashApiOptions {
        secret = secret == null ? "" : secret;
    }

    /**
     * The address {@code externalController} names: an IP literal ({@code [v6]} for IPv6) and a port, 0 for any free
     * one; an empty host ({@code :9090}) is the wildcard address, as in Go's listeners. {@code null} when it is absent
     * or names no such address (the validator reports that).
     *
     * @return the address to listen on, or {@code null}
     */
    public InetSocketAddress listenAddress() {
        if (externalController == null) {
            return null;
        }
        int colon = externalController.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        String host = externalController.substring(0, colon);

        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        byte[] ip = IpPrefix.parseAddress(host);
        int port;
        try {
            port = Integer.parseInt(externalController.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (host.isEmpty() && port >= 0 && port <= 65535) {
            return new InetSocketAddress(port); // Go's ":9090": the wildcard address, both families where dual-stack
        }
        if (ip == null || port < 0 || port > 65535) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            return null; // not 4 or 16 bytes: parseAddress never returns such
        }
    }

    @Override
    public String toString() {
        return "ClashApiOptions[externalController=" + externalController + ", secret="
                + (secret.isEmpty() ? "" : "<redacted>") + "]";
    }
}
