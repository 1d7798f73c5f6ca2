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

        /** {@return the name in rule-set files: {@code "and"} or {@code "or"}} */
        public String configName() {
            return configName;
        }
    }

    /**
     * Copies the sub-rules, reading {@code null} as none.
     *
     * @param conditions the match fields
     * @param invert match when the rule otherwise would not
     * @param mode {@code null} for a default rule, else the logical mode
     * @param rules the sub-rules, or {@code null}
     * @throws NullPointerException if {@code conditions} is {@code null}
     * @throws IllegalArgumentException if a default rule has sub-rules
     */
    public HeadlessRule {
        Objects.requireNonNull(conditions, "conditions");
        rules = rules == null ? List.of() : List.copyOf(rules);
        if (mode == null && !rules.isEmpty()) {
            throw new IllegalArgumentException("a default rule has no sub-rules");
        }
    }

    /**
     * A default rule.
     *
     * @param conditions the match fields
     * @param invert match when the conditions do not
     */
    public HeadlessRule(RuleConditions conditions, boolean invert) {
        this(conditions, invert, null, List.of());
    }

    /**
     * A logical rule over {@code rules}.
     *
     * @param mode how the sub-rules combine
     * @param rules the sub-rules
     * @param invert match when the combination does not
     * @return the rule
     */
    public static HeadlessRule logical(LogicalMode mode, List<HeadlessRule> rules, boolean invert) {
        return new HeadlessRule(RuleConditions.NONE, invert, Objects.requireNonNull(mode, "mode"), rules);
    }

    /** {@return whether this is a logical rule} */
    public boolean isLogical() {
        return mode != null;
    }
}
