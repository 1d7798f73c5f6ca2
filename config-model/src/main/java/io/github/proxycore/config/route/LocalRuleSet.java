package io.github.proxycore.config.route;

/** A rule set read from a file. */
public record LocalRuleSet(String tag, RuleSetFormat format, String path) implements RuleSetOptions {
    public static final String TYPE = "local";

    @Override
    public String type() {
        return TYPE;
    }
}
