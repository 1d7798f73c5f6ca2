package io.github.proxycore.config.route;

/** An element of {@code route.rule_set}: a named set of rules that route rules refer to by tag. */
public sealed interface RuleSetOptions permits InlineRuleSet, LocalRuleSet, RemoteRuleSet {
    /** {@return the rule set's tag} */
    String tag();

    /** {@return the {@code type} field: {@code inline}, {@code local} or {@code remote}} */
    String type();
}
