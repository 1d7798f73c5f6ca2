package io.github.proxycore.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.proxycore.config.internal.ConfigBinder;
import io.github.proxycore.config.internal.Problems;
import io.github.proxycore.config.internal.Validator;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.config.route.HeadlessRule;
import io.github.proxycore.config.route.RouteOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * Loads sing-box-style JSON configurations, strictly.
 *
 * <p>Comments ({@code //} and {@code /* *}{@code /}) are allowed, as sing-box allows them. Everything else is
 * strict: unknown fields, wrong types, out-of-range values, missing required fields, unknown or duplicate tags and
 * tag cycles are all collected and thrown together in one {@link ConfigException}, each with its JSON path.
 *
 * <pre>{@code
 * ProxyConfig config = ConfigLoader.load(Path.of("config.json"));
 * }</pre>
 */
public final class ConfigLoader {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ConfigLoader() {}

    /**
     * Reads and validates a configuration file.
     *
     * @param file the file, UTF-8 JSON
     * @return the validated configuration
     * @throws ConfigException listing every problem, each with its JSON path
     * @throws UncheckedIOException if the file cannot be read
     */
    public static ProxyConfig load(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses and validates configuration text.
     *
     * @param json the configuration, a JSON document
     * @return the validated configuration
     * @throws ConfigException listing every problem
     */
    public static ProxyConfig parse(String json) {
        return parse(json, null);
    }

    /**
     * Parses and validates configuration text; {@code source} (a file name, or {@code null}) names it in errors.
     *
     * @param json the configuration, a JSON document
     * @param source the name used in the exception's message, or {@code null}
     * @return the validated configuration
     * @throws ConfigException listing every problem
     */
    public static ProxyConfig parse(String json, String source) {
        return load(json, source, ConfigBinder::bindConfig, Validator::validate);
    }

    /**
     * Parses one outbound object, e.g. {@code {"type": "direct", "tag": "out"}}. Tags it refers to (members,
     * detours) are not checked, since the other outbounds are not known here.
     *
     * @param json one outbound object, as an element of {@code outbounds} holds it
     * @return the validated options, of the subtype its {@code type} names
     * @throws ConfigException listing every problem
     */
    public static OutboundOptions parseOutbound(String json) {
        return load(
                json,
                null,
                (root, problems) -> ConfigBinder.bindOutbound(root, "$", problems),
                (outbound, problems) -> Validator.validateOutbound(outbound, "$", problems));
    }

    /**
     * Parses a rule set in sing-box's source format, {@code {"version": 1, "rules": [...]}}, as a local rule-set
     * file holds it.
     *
     * @param json the rule-set file's text
     * @param source names the rule set in the exception, e.g. a file name; may be {@code null}
     * @return the validated rules, in file order
     * @throws ConfigException listing every problem
     */
    public static List<HeadlessRule> parseRuleSetSource(String json, String source) {
        return load(
                json,
                source,
                ConfigBinder::bindRuleSetSource,
                (rules, problems) -> Validator.validateHeadlessRules(rules, "$.rules", problems));
    }

    /**
     * Validates rule-set rules that were read from another form (a binary {@code .srs} file) as a source file's
     * rules are validated.
     *
     * @param rules the rules to check
     * @param source names the rules' origin in the exception, e.g. a file name
     * @throws ConfigException listing every problem, with paths under {@code $.rules}
     */
    public static void validateRuleSet(List<HeadlessRule> rules, String source) {
        Objects.requireNonNull(rules, "rules");
        Problems problems = new Problems();
        Validator.validateHeadlessRules(rules, "$.rules", problems);
        problems.throwIfAny(source);
    }

    /** Reads the JSON, binds it, validates what was bound; every problem of a stage is thrown at its end. */
    private static <T> T load(
            String json, String source, BiFunction<JsonNode, Problems, T> bind, BiConsumer<T, Problems> validate) {
        Objects.requireNonNull(json, "json");
        Problems problems = new Problems();
        JsonNode root = readTree(json, problems);
        problems.throwIfAny(source);
        T value = bind.apply(root, problems);
        if (value != null) {
            validate.accept(value, problems);
        }
        problems.throwIfAny(source);
        return value;
    }

    /**
     * Validates options built in Java as the loader validates a file: ranges, required fields, tags and cycles.
     *
     * @param config the configuration to check
     * @throws ConfigException listing every problem
     */
    public static void validate(ProxyConfig config) {
        Objects.requireNonNull(config, "config");
        Problems problems = new Problems();
        Validator.validate(config, problems);
        problems.throwIfAny(null);
    }

    /**
     * Validates a list of outbounds on its own: every field, and that tags are unique, known and free of cycles.
     *
     * @param outbounds the outbounds to check, as a configuration's {@code outbounds} would hold them
     * @throws ConfigException listing every problem
     */
    public static void validateOutbounds(List<OutboundOptions> outbounds) {
        validate(new ProxyConfig(LogOptions.DEFAULT, List.of(), outbounds, RouteOptions.EMPTY));
    }

    private static JsonNode readTree(String json, Problems problems) {
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null || root.isMissingNode()) {
                problems.add("$", "the document is empty");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            problems.add("$", "not valid JSON" + where + ": " + e.getOriginalMessage());
            return null;
        }
    }
}
