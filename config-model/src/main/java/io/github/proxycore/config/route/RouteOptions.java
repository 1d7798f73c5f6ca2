package io.github.proxycore.config.route;

import java.util.List;

/**
 * The {@code route} section.
 *
 * @param rules rules tried in order; the first match decides the outbound
 * @param ruleSets named rule sets the rules refer to
 * @param finalOutbound the outbound for connections no rule matches, or {@code null} for the first outbound
 */
public record RouteOptions(List<RouteRule> rules, List<RuleSetOptions> ruleSets, String finalOutbound) {
    /** No rules: everything goes to the first outbound. */
    public static final RouteOptions EMPTY = new RouteOptions(List.of(), List.of(), null);

    /**
     * Copies the lists, reading {@code null} as empty.
     *
     * @param rules the rules, or {@code null}
     * @param ruleSets the rule sets, or {@code null}
     * @param finalOutbound {@code final}: the outbound when no rule matches, or {@code null} for the first outbound
     */
    public RouteOptions {
        rules = rules == null ? List.of() : List.copyOf(rules);
        ruleSets = ruleSets == null ? List.of() : List.copyOf(ruleSets);
    }
}
