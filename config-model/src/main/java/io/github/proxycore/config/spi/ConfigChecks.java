package io.github.proxycore.config.spi;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.InboundTlsOptions;
import io.github.proxycore.config.ListenOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import java.time.Duration;
import java.util.List;

/**
 * Where a type's {@link OutboundType#validate} or {@link InboundType#validate} reports problems. Fields are named
 * relative to the options' own object ({@code "port"}, {@code "hash.virtual_nodes"}, {@code "users[1].password"});
 * problems carry the full JSON path ({@code $.outbounds[2].port}) and are reported with the rest of the document's.
 * One reason per path is kept. The checks below word their messages as the built-in types do.
 */
public interface ConfigChecks {

    /** The JSON path of the options' object, e.g. {@code $.outbounds[2]}. */
    String path();

    /** The JSON path of a field below it. */
    String path(String field);

    /** Reports a problem at {@code field} ({@code null} for the object itself). */
    void problem(String field, String message);

    /** Reports {@code field} as missing when {@code value} is null (options built in Java). */
    void required(Object value, String field);

    /** Reports an empty (but not null) string. */
    void notEmpty(String value, String field);

    /** Reports a negative number. */
    void nonNegative(int value, String field);

    /** Reports a negative duration; returns whether {@code value} is present and not negative. */
    boolean nonNegative(Duration value, String field);

    /** Reports a zero or negative duration (null is left to {@link #required}). */
    void positive(Duration value, String field);

    /** Reports a port outside {@code min..65535}. */
    void port(int port, int min, String field);

    /** Reports each empty or null element of a list. */
    void nonEmptyElements(List<String> values, String field);

    /** Reports anything but an absolute {@code http://} or {@code https://} URL. */
    void httpUrl(String url, String field);

    /** Checks dial options read with {@link ConfigObject#dialOptions()}, their detour as an outbound reference. */
    void dialOptions(DialOptions dial);

    /** Checks listen options read with {@link ConfigObject#listenOptions()}. */
    void listenOptions(ListenOptions listen);

    /** Checks outbound TLS options found at {@code field}. */
    void outboundTls(OutboundTlsOptions tls, String field);

    /** Checks inbound TLS options found at {@code field}. */
    void inboundTls(InboundTlsOptions tls, String field);

    /**
     * Records that the value at {@code field} names an outbound; when the whole configuration is checked, a tag no
     * outbound has is reported there ({@code unknown outbound "x"}). Null and empty tags are ignored.
     */
    void outboundReference(String tag, String field);
}
