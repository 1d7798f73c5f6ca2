package io.github.proxycore.config.route;

import java.util.List;
import java.util.Objects;

/**
 * One element of {@code route.rules}: when the connection matches, it goes to {@code outbound}.
 *
 * @param inbound inbound tags the connection must have come from (any of them)
 * @param conditions the match fields
 * @param ruleSet tags of rule sets, any of which must match; the first that matches is recorded in the
 *     connection's metadata as its matched rule set
 * @param invert match when the conditions do not
 * @param outbound the tag of the outbound that receives matching connections
 */
public record RouteRule(
        List<String> inbound, RuleConditions conditions, List<String> ruleSet, boolean invert, String outbound) {
    public RouteRule {
        inbound = inbound == null ? List.of() : List.copyOf(inbound);
        Objects.requireNonNull(conditions, "conditions");
        ruleSet = ruleSet == null ? List.of() : List.copyOf(ruleSet);
    }
}
