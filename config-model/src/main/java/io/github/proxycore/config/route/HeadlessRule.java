package io.github.proxycore.config.route;

import java.util.List;
import java.util.Objects;

/**
 * A rule inside a rule set: conditions only, no outbound. Either a default rule ({@code mode == null}: the
 * {@code conditions} decide) or a logical rule ({@code type: logical}: the sub-{@code rules} combined by
 * {@code mode}); {@code invert} negates either.
 *
 * @param conditions the match fields of a default rule ({@link RuleConditions#NONE} for a logical rule)
 * @param invert match when the rule otherwise would not
 * @param mode {@code null} for a default rule, else how a logical rule combines its sub-rules
 * @param rules the sub-rules of a logical rule (empty for a default rule)
 */
public record HeadlessRule(RuleConditions conditions, boolean invert, LogicalMode mode, List<HeadlessRule> rules) {
    /** How a logical rule combines its sub-rules. */
    public enum LogicalMode {
        /** Every sub-rule must match. */
        AND("and"),
        /** Any sub-rule matches. */
        OR("or");

        private final String configName;

        LogicalMode(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    public HeadlessRule {
        Objects.requireNonNull(conditions, "conditions");
        rules = rules == null ? List.of() : List.copyOf(rules);
        if (mode == null && !rules.isEmpty()) {
            throw new IllegalArgumentException("a default rule has no sub-rules");
        }
    }

    /** A default rule. */
    public HeadlessRule(RuleConditions conditions, boolean invert) {
        this(conditions, invert, null, List.of());
    }

    /** A logical rule over {@code rules}. */
    public static HeadlessRule logical(LogicalMode mode, List<HeadlessRule> rules, boolean invert) {
        return new HeadlessRule(RuleConditions.NONE, invert, Objects.requireNonNull(mode, "mode"), rules);
    }

    /** Whether this is a logical rule. */
    public boolean isLogical() {
        return mode != null;
    }
}
