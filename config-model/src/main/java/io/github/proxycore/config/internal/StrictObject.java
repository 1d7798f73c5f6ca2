package io.github.proxycore.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.GoDuration;
import io.github.proxycore.config.InboundTlsOptions;
import io.github.proxycore.config.ListenOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.spi.ConfigObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A JSON object read strictly: every accessor records the field as known, reports wrong types to the shared
 * {@link Problems} with the field's path and returns a harmless default, and {@link #finish()} reports the fields
 * nobody asked for. JSON {@code null} counts as absent, as in Go. It is what {@link ConfigObject} hands to the
 * binders of every type, built-in or not.
 */
public final class StrictObject implements ConfigObject {
    private final JsonNode node;
    private final String path;
    private final Problems problems;
    private final Set<String> known = new LinkedHashSet<>();
    /** Fields read with {@link #secret}, beyond the {@link #SECRETS} every object has. */
    private final Set<String> secrets = new LinkedHashSet<>();

    private StrictObject(JsonNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /** Wraps {@code node}, or reports that it is not an object and returns {@code null}. */
    public static StrictObject of(JsonNode node, String path, Problems problems) {
        if (node == null || !node.isObject()) {
            problems.add(path, "expected an object, got " + describe(node));
            return null;
        }
        return new StrictObject(node, path, problems);
    }

    public String path() {
        return path;
    }

    public String path(String field) {
        return Problems.field(path, field);
    }

    public Problems problems() {
        return problems;
    }

    /** Whether the field is present and not null. */
    public boolean has(String name) {
        known.add(name);
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    /** The raw JSON value of a field (marking it known), or {@code null} when absent. */
    public JsonNode rawValue(String name) {
        return value(name);
    }

    private JsonNode value(String name) {
        known.add(name);
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    /** A string field, or {@code fallback} when absent. */
    public String string(String name, String fallback) {
        JsonNode value = value(name);
        if (value == null) {
            return fallback;
        }
        if (!value.isTextual()) {
            typeMismatch(name, "a string", value);
            return fallback;
        }
        return value.textValue();
    }

    /** A string field that must be present and non-empty; reports and returns {@code null} otherwise. */
    public String requiredString(String name) {
        String value = string(name, null);
        if (value == null) {
            if (!has(name)) {
                problems.add(path(name), "missing required field");
            }
            return null;
        }
        if (value.isEmpty()) {
            problems.add(path(name), "must not be empty");
            return null;
        }
        return value;
    }

    @Override
    public String secret(String name) {
        secrets.add(name);
        return requiredString(name);
    }

    /** An integer field, or {@code fallback} when absent. */
    public int integer(String name, int fallback) {
        Integer value = optionalInteger(name);
        return value == null ? fallback : value;
    }

    /** An integer field, or {@code null} when absent (for fields where "absent" and 0 mean different things). */
    public Integer optionalInteger(String name) {
        JsonNode value = value(name);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber()) {
            typeMismatch(name, "an integer", value);
            return null;
        }
        if (!value.canConvertToInt()) {
            problems.add(path(name), "integer out of range: " + value.asText());
            return null;
        }
        return value.intValue();
    }

    /** A boolean field, or {@code fallback} when absent. */
    public boolean bool(String name, boolean fallback) {
        JsonNode value = value(name);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            typeMismatch(name, "true or false", value);
            return fallback;
        }
        return value.booleanValue();
    }

    /** A Go duration string ({@code "30s"}), or {@code fallback} when absent. */
    public Duration duration(String name, Duration fallback) {
        Duration value = optionalDuration(name);
        return value == null ? fallback : value;
    }

    /** A Go duration string, or {@code null} when absent. */
    public Duration optionalDuration(String name) {
        JsonNode value = value(name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            typeMismatch(name, "a duration string such as \"30s\"", value);
            return null;
        }
        try {
            return GoDuration.parse(value.textValue());
        } catch (IllegalArgumentException e) {
            problems.add(path(name), e.getMessage());
            return null;
        }
    }

    /** A list of strings; like sing-box's Listable, a single string stands for a list of one. */
    public List<String> strings(String name) {
        JsonNode value = value(name);
        if (value == null) {
            return List.of();
        }
        if (value.isTextual()) {
            return List.of(value.textValue());
        }
        if (!value.isArray()) {
            typeMismatch(name, "a string or an array of strings", value);
            return List.of();
        }
        List<String> out = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            if (element.isTextual()) {
                out.add(element.textValue());
            } else {
                problems.add(Problems.index(path(name), i), "expected a string, got " + describe(name, element));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** A list of integers; a single integer stands for a list of one. */
    public List<Integer> integers(String name) {
        JsonNode value = value(name);
        if (value == null) {
            return List.of();
        }
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            return List.of(value.intValue());
        }
        if (!value.isArray()) {
            typeMismatch(name, "an integer or an array of integers", value);
            return List.of();
        }
        List<Integer> out = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            if (element.isIntegralNumber() && element.canConvertToInt()) {
                out.add(element.intValue());
            } else {
                problems.add(Problems.index(path(name), i), "expected an integer, got " + describe(name, element));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** A nested object, or {@code null} when absent or not an object (the latter reported). */
    public StrictObject object(String name) {
        JsonNode value = value(name);
        return value == null ? null : of(value, path(name), problems);
    }

    /** An array of objects; elements that are not objects are reported and skipped. */
    public List<StrictObject> objects(String name) {
        JsonNode value = value(name);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            typeMismatch(name, "an array of objects", value);
            return List.of();
        }
        List<StrictObject> out = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            StrictObject element = of(value.get(i), Problems.index(path(name), i), problems);
            if (element != null) {
                out.add(element);
            }
        }
        return out;
    }

    /**
     * One of a fixed set of names. {@code names} maps every accepted spelling (aliases included) to its value; the
     * error lists the canonical ones, {@code canonical}.
     */
    public <E> E choice(String name, Map<String, E> names, List<String> canonical, E fallback) {
        String text = string(name, null);
        if (text == null) {
            return fallback;
        }
        E value = names.get(text);
        if (value == null) {
            problems.add(
                    path(name), "unknown value " + quote(text) + ", expected one of " + String.join(", ", canonical));
            return fallback;
        }
        return value;
    }

    /** Like {@link #choice} for an enum whose constants know their configuration name. */
    public <E extends Enum<E>> E enumValue(
            String name, E[] values, Function<E, String> configName, Map<String, E> aliases, E fallback) {
        Map<String, E> names = new LinkedHashMap<>();
        List<String> canonical = new ArrayList<>();
        for (E value : values) {
            names.put(configName.apply(value), value);
            canonical.add(configName.apply(value));
        }
        names.putAll(aliases);
        return choice(name, names, canonical, fallback);
    }

    /** Reports every field that no accessor asked for, with a suggestion when one is a near miss. */
    public void finish() {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                String suggestion = closest(name, known);
                problems.add(
                        path(name),
                        suggestion == null
                                ? "unknown field"
                                : "unknown field (did you mean " + quote(suggestion) + "?)");
            }
        }
    }

    @Override
    public void unsupported(String name, String reason) {
        ConfigBinder.unsupported(this, name, reason);
    }

    @Override
    public void problem(String field, String message) {
        problems.add(field == null || field.isEmpty() ? path : path(field), message);
    }

    @Override
    public DialOptions dialOptions() {
        return ConfigBinder.bindDial(this);
    }

    @Override
    public ListenOptions listenOptions() {
        return ConfigBinder.bindListen(this);
    }

    @Override
    public OutboundTlsOptions asOutboundTls(boolean enabledByDefault) {
        return ConfigBinder.bindOutboundTls(this, enabledByDefault);
    }

    @Override
    public InboundTlsOptions asInboundTls(boolean enabledByDefault) {
        return ConfigBinder.bindInboundTls(this, enabledByDefault);
    }

    /** Reports a mismatch for field {@code name}: expected {@code what}. */
    public void typeMismatch(String name, String what, JsonNode value) {
        problems.add(path(name), "expected " + what + ", got " + describe(name, value));
    }

    /**
     * Fields whose value is a secret: an error names the kind of value found, never the value (a password typed
     * as a number is still the password).
     */
    private static final Set<String> SECRETS = Set.of("password", "secret", "key", "private_key", "pre_shared_key");

    private String describe(String field, JsonNode node) {
        if (!(SECRETS.contains(field) || secrets.contains(field))
                || node == null
                || node.isNull()
                || node.isMissingNode()) {
            return describe(node);
        }
        return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT) + " (not shown: " + field + " is secret)";
    }

    static String describe(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isTextual()) {
            return "string " + quote(node.textValue());
        }
        if (node.isNumber()) {
            return "number " + node.asText();
        }
        if (node.isBoolean()) {
            return node.asText();
        }
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    static String quote(String s) {
        return '"' + s + '"';
    }

    private static String closest(String name, Set<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = editDistance(name.toLowerCase(Locale.ROOT), candidate);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(1, Math.min(3, name.length() / 4)) ? best : null;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
