package io.github.proxycore.config.route;

import java.util.Objects;

/** A rule inside a rule set: conditions only, no outbound. */
public record HeadlessRule(RuleConditions conditions, boolean invert) {
    public HeadlessRule {
        Objects.requireNonNull(conditions, "conditions");
    }
}
