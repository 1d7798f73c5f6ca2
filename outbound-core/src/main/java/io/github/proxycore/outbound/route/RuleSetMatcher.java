package io.github.proxycore.outbound.route;

import io.github.proxycore.config.route.HeadlessRule;
import io.github.proxycore.outbound.Metadata;
import java.util.ArrayList;
import java.util.List;

/**
 * The compiled rules of one rule set: it matches when any of its rules does. Immutable; a remote set that is
 * downloaded again gets a new matcher, published atomically.
 */
final class RuleSetMatcher {
    private final List<Rule> rules;

    private RuleSetMatcher(List<Rule> rules) {
        this.rules = rules;
    }

    /**
     * Compiles rules that have been validated.
     *
     * @throws IllegalArgumentException if a value cannot be compiled (only for unvalidated rules)
     */
    static RuleSetMatcher compile(List<HeadlessRule> rules) {
        List<Rule> compiled = new ArrayList<>(rules.size());
        for (HeadlessRule rule : rules) {
            compiled.add(compile(rule));
        }
        return new RuleSetMatcher(List.copyOf(compiled));
    }

    private static Rule compile(HeadlessRule rule) {
        if (!rule.isLogical()) {
            return new DefaultRule(new Conditions(rule.conditions()), rule.invert());
        }
        List<Rule> sub = new ArrayList<>();
        for (HeadlessRule r : rule.rules()) {
            sub.add(compile(r));
        }
        return new LogicalRule(rule.mode() == HeadlessRule.LogicalMode.AND, List.copyOf(sub), rule.invert());
    }

    boolean matches(Metadata m) {
        for (Rule rule : rules) {
            if (rule.matches(m)) {
                return true;
            }
        }
        return false;
    }

    private sealed interface Rule permits DefaultRule, LogicalRule {
        boolean matches(Metadata m);
    }

    private record DefaultRule(Conditions conditions, boolean invert) implements Rule {
        @Override
        public boolean matches(Metadata m) {
            return conditions.matches(m) != invert;
        }
    }

    private record LogicalRule(boolean and, List<Rule> rules, boolean invert) implements Rule {
        @Override
        public boolean matches(Metadata m) {
            boolean result = and;
            for (Rule rule : rules) {
                if (rule.matches(m) != and) {
                    result = !and;
                    break;
                }
            }
            return result != invert;
        }
    }
}
