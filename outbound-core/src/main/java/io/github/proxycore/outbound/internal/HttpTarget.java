package io.github.proxycore.outbound.internal;

import io.github.proxycore.outbound.Destination;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * What an HTTP/1.1 GET of an absolute http(s) URL needs: where to connect, the name for TLS, the Host header and the
 * request target. Shared by the health-check probe and the rule-set downloader.
 *
 * @param host the host without IPv6 brackets (the TLS server name, when it is a name)
 * @param hostHeader the host as the Host header carries it, with the port unless it is the scheme's default
 * @param requestTarget the raw path (at least {@code /}) and query
 */
public record HttpTarget(
        URI uri, boolean https, String host, Destination destination, String hostHeader, String requestTarget) {
    /**
     * Parses {@code url}.
     *
     * @throws IllegalArgumentException if it is not an absolute http:// or https:// URL
     */
    public static HttpTarget parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean https = scheme.equals("https");
        if ((!https && !scheme.equals("http")) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an absolute http:// or https:// URL: " + url);
        }
        int defaultPort = https ? 443 : 80;
        int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
        String host = uri.getHost();
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String hostHeader = port == defaultPort ? host : host + ":" + port;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String requestTarget = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new HttpTarget(uri, https, bare, Destination.of(bare, port), hostHeader, requestTarget);
    }
}
