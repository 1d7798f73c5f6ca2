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

    /** {@return the JSON path of the options' object, e.g. {@code $.outbounds[2]}} */
    String path();

    /**
     * The JSON path of a field below the options' object.
     *
     * @param field the field's name, relative to the options' object
     * @return the full path, e.g. {@code $.outbounds[2].port}
     */
    String path(String field);

    /**
     * Reports a problem at {@code field}.
     *
     * @param field the field's name ({@code null} for the object itself)
     * @param message what is wrong, without the field's value when it is a secret
     */
    void problem(String field, String message);

    /**
     * Reports {@code field} as missing when {@code value} is null (options built in Java).
     *
     * @param value the field's value
     * @param field the field's name, relative to the options' object
     */
    void required(Object value, String field);

    /**
     * Reports an empty (but not null) string.
     *
     * @param value the field's value
     * @param field the field's name, relative to the options' object
     */
    void notEmpty(String value, String field);

    /**
     * Reports a negative number.
     *
     * @param value the field's value
     * @param field the field's name, relative to the options' object
     */
    void nonNegative(int value, String field);

    /**
     * Reports a negative duration.
     *
     * @param value the field's value, or null when absent
     * @param field the field's name, relative to the options' object
     * @return whether {@code value} is present and not negative
     */
    boolean nonNegative(Duration value, String field);

    /**
     * Reports a zero or negative duration (null is left to {@link #required}).
     *
     * @param value the field's value
     * @param field the field's name, relative to the options' object
     */
    void positive(Duration value, String field);

    /**
     * Reports a port outside {@code min..65535}.
     *
     * @param port the port
     * @param min the smallest port accepted (0 or 1)
     * @param field the field's name, relative to the options' object
     */
    void port(int port, int min, String field);

    /**
     * Reports each empty or null element of a list.
     *
     * @param values the list
     * @param field the field's name, relative to the options' object
     */
    void nonEmptyElements(List<String> values, String field);

    /**
     * Reports anything but an absolute {@code http://} or {@code https://} URL.
     *
     * @param url the field's value
     * @param field the field's name, relative to the options' object
     */
    void httpUrl(String url, String field);

    /**
     * Checks dial options read with {@link ConfigObject#dialOptions()}, their detour as an outbound reference.
     *
     * @param dial the dial options
     */
    void dialOptions(DialOptions dial);

    /**
     * Checks listen options read with {@link ConfigObject#listenOptions()}.
     *
     * @param listen the listen options
     */
    void listenOptions(ListenOptions listen);

    /**
     * Checks outbound TLS options found at {@code field}.
     *
     * @param tls the TLS options
     * @param field the field's name, relative to the options' object
     */
    void outboundTls(OutboundTlsOptions tls, String field);

    /**
     * Checks inbound TLS options found at {@code field}.
     *
     * @param tls the TLS options
     * @param field the field's name, relative to the options' object
     */
    void inboundTls(InboundTlsOptions tls, String field);

    /**
     * Records that the value at {@code field} names an outbound; when the whole configuration is checked, a tag no
     * outbound has is reported there ({@code unknown outbound "x"}). Null and empty tags are ignored.
     *
     * @param tag the outbound tag named
     * @param field the field's name, relative to the options' object
     */
    void outboundReference(String tag, String field);
}
