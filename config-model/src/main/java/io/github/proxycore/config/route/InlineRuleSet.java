package io.github.proxycore.config.route;

import java.util.List;

/** A rule set written in the configuration itself. */
public record InlineRuleSet(String tag, List<HeadlessRule> rules) implements RuleSetOptions {
    public static final String TYPE = "inline";

    public InlineRuleSet {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
