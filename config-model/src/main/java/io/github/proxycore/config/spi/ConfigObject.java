package io.github.proxycore.config.spi;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.InboundTlsOptions;
import io.github.proxycore.config.ListenOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One JSON object of a configuration, read strictly. Every accessor marks its field as known; a wrong type is
 * reported with the field's JSON path ({@code $.outbounds[2].port: expected an integer, got string "x"}) and the
 * accessor returns its fallback, so one load reports every problem. Fields that no accessor asked for are reported as
 * unknown, with a suggestion for a near miss. JSON {@code null} counts as absent, as in Go.
 *
 * <p>Values of fields named {@code password}, {@code secret}, {@code key}, {@code private_key} or
 * {@code pre_shared_key}, and of every field read with {@link #secret}, are never repeated in a message.
 */
public interface ConfigObject {

    /** The JSON path of this object, e.g. {@code $.outbounds[2]}. */
    String path();

    /** The JSON path of one of its fields. */
    String path(String field);

    /** Whether the field is present and not null (and marks it known). */
    boolean has(String name);

    /** A string field, or {@code fallback} when absent. */
    String string(String name, String fallback);

    /** A string field that must be present and non-empty; reports and returns {@code null} otherwise. */
    String requiredString(String name);

    /**
     * A secret string field that must be present and non-empty: like {@link #requiredString}, but no message ever
     * shows its value.
     */
    String secret(String name);

    /** An integer field, or {@code fallback} when absent. */
    int integer(String name, int fallback);

    /** An integer field, or {@code null} when absent (for fields where "absent" and 0 mean different things). */
    Integer optionalInteger(String name);

    /** A boolean field, or {@code fallback} when absent. */
    boolean bool(String name, boolean fallback);

    /** A Go duration string ({@code "30s"}), or {@code fallback} when absent. */
    Duration duration(String name, Duration fallback);

    /** A Go duration string, or {@code null} when absent. */
    Duration optionalDuration(String name);

    /** A list of strings; a single string stands for a list of one (sing-box's Listable). */
    List<String> strings(String name);

    /** A list of integers; a single integer stands for a list of one. */
    List<Integer> integers(String name);

    /** A nested object, or {@code null} when absent or not an object (the latter reported). Call its finish(). */
    ConfigObject object(String name);

    /** An array of objects; elements that are not objects are reported and skipped. Call each one's finish(). */
    List<? extends ConfigObject> objects(String name);

    /**
     * One of a fixed set of names: {@code names} maps every accepted spelling (aliases included) to its value, and an
     * unknown one is reported listing {@code canonical}.
     */
    <E> E choice(String name, Map<String, E> names, List<String> canonical, E fallback);

    /** Like {@link #choice} for an enum whose constants know their configuration name. */
    <E extends Enum<E>> E enumValue(
            String name, E[] values, Function<E, String> configName, Map<String, E> aliases, E fallback);

    /**
     * Marks a field the format has but this implementation cannot honour: harmless when off ({@code false},
     * {@code ""}, {@code 0}, an empty array, an object without {@code "enabled": true}), reported with
     * {@code reason} when set.
     */
    void unsupported(String name, String reason);

    /** Reports a problem at one of this object's fields; {@code field} may be {@code null} for the object itself. */
    void problem(String field, String message);

    /** Reports every field that no accessor asked for. For nested objects; the loader finishes the type's object. */
    void finish();

    /** Reads the dial fields (sing-box's dial fields: {@code detour}, {@code connect_timeout}...) of this object. */
    DialOptions dialOptions();

    /** Reads the listen fields ({@code listen}, {@code listen_port}...) of this object. */
    ListenOptions listenOptions();

    /**
     * Reads this object as outbound TLS options (and finishes it).
     *
     * @param enabledByDefault what an absent {@code enabled} means
     */
    OutboundTlsOptions asOutboundTls(boolean enabledByDefault);

    /** Reads this object as inbound TLS options (and finishes it). */
    InboundTlsOptions asInboundTls(boolean enabledByDefault);
}
