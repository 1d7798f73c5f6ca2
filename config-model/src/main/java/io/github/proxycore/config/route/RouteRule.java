package io.github.proxycore.config.route;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One element of {@code route.rules}: when the connection matches, the rule's action applies. {@code route} sends
 * it to {@code outbound} (also what a rule with only the legacy {@code outbound} field does), {@code reject}
 * refuses it, and {@code sniff} reads its first bytes for a domain and goes on to the next rules.
 *
 * @param inbound inbound tags the connection must have come from (any of them)
 * @param conditions the match fields
 * @param ruleSet tags of rule sets, any of which must match; the first that matches is recorded in the
 *     connection's metadata as its matched rule set
 * @param invert match when the conditions do not
 * @param action what a match does
 * @param outbound the tag of the outbound that receives matching connections ({@code route} only)
 * @param sniffer the sniffers to run ({@code sniff} only; empty: all)
 * @param sniffTimeout how long to wait for the first bytes ({@code sniff} only; default 300ms)
 */
public record RouteRule(
        List<String> inbound,
        RuleConditions conditions,
        List<String> ruleSet,
        boolean invert,
        Action action,
        String outbound,
        List<String> sniffer,
        Duration sniffTimeout) {
    /** The default {@code timeout} of a {@code sniff} rule: 300 milliseconds. */
    public static final Duration DEFAULT_SNIFF_TIMEOUT = Duration.ofMillis(300);

    /** What a matching rule does. */
    public enum Action {
        /** Send the connection to the rule's outbound. */
        ROUTE,
        /** Refuse the connection. */
        REJECT,
        /** Sniff the connection's first bytes for a domain, then go on matching. */
        SNIFF
    }

    /**
     * Copies the lists, reading {@code null} as empty, and a {@code null} sniff timeout as the default.
     *
     * @param inbound {@code inbound}, or {@code null}
     * @param conditions the match fields
     * @param ruleSet {@code rule_set}, or {@code null}
     * @param invert {@code invert}
     * @param action {@code action}
     * @param outbound {@code outbound}, or {@code null} unless {@code route}
     * @param sniffer {@code sniffer}, or {@code null}
     * @param sniffTimeout {@code timeout} of a {@code sniff} rule, or {@code null}
     * @throws NullPointerException if {@code conditions} or {@code action} is {@code null}
     */
    public RouteRule {
        inbound = inbound == null ? List.of() : List.copyOf(inbound);
        Objects.requireNonNull(conditions, "conditions");
        ruleSet = ruleSet == null ? List.of() : List.copyOf(ruleSet);
        Objects.requireNonNull(action, "action");
        sniffer = sniffer == null ? List.of() : List.copyOf(sniffer);
        sniffTimeout = sniffTimeout == null ? DEFAULT_SNIFF_TIMEOUT : sniffTimeout;
    }

    /**
     * A {@code route} rule to {@code outbound}.
     *
     * @param inbound inbound tags the connection must have come from; empty for any
     * @param conditions the match fields
     * @param ruleSet tags of rule sets, any of which must match; empty for none
     * @param invert match when the conditions do not
     * @param outbound the tag of the outbound that receives matching connections
     */
    public RouteRule(
            List<String> inbound, RuleConditions conditions, List<String> ruleSet, boolean invert, String outbound) {
        this(inbound, conditions, ruleSet, invert, Action.ROUTE, outbound, List.of(), DEFAULT_SNIFF_TIMEOUT);
    }
}
