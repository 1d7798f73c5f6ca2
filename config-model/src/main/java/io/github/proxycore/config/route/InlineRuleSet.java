package io.github.proxycore.config.route;

import java.util.List;

/**
 * A rule set written in the configuration itself.
 *
 * @param tag the rule set's tag
 * @param rules its rules; the set matches when any of them does
 */
public record InlineRuleSet(String tag, List<HeadlessRule> rules) implements RuleSetOptions {
    /** The {@code type} field of this rule set: {@code inline}. */
    public static final String TYPE = "inline";

    /**
     * Copies the rules, reading {@code null} as none.
     *
     * @param tag the rule set's tag
     * @param rules its rules, or {@code null}
     */
    public InlineRuleSet {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
