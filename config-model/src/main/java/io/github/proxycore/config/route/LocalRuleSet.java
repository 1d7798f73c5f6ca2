package io.github.proxycore.config.route;

/**
 * A rule set read from a file when the router is built.
 *
 * @param tag the rule set's tag
 * @param format the file format
 * @param path the file; a relative path in a configuration file is relative to that file's directory
 */
public record LocalRuleSet(String tag, RuleSetFormat format, String path) implements RuleSetOptions {
    /** The {@code type} field of this rule set: {@code local}. */
    public static final String TYPE = "local";

    @Override
    public String type() {
        return TYPE;
    }
}
