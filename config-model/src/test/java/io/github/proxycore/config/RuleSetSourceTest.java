package io.github.proxycore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.proxycore.config.route.HeadlessRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleSetSourceTest {

    @Test
    void logicalRulesBindWithTheirModeAndSubRules() {
        List<HeadlessRule> rules = ConfigLoader.parseRuleSetSource(
                "{\"version\": 3, \"rules\": [{\"type\": \"logical\", \"mode\": \"or\", \"invert\": true, \"rules\": ["
                        + "{\"domain\": \"a.example\"},"
                        + "{\"type\": \"logical\", \"mode\": \"and\", \"rules\": [{\"port\": 443}, {\"network\": \"tcp\"}]}"
                        + "]}, {\"ip_cidr\": \"10.0.0.0/8\", \"invert\": true}]}",
                "logic.json");
        assertThat(rules).hasSize(2);
        HeadlessRule or = rules.get(0);
        assertThat(or.isLogical()).isTrue();
        assertThat(or.mode()).isEqualTo(HeadlessRule.LogicalMode.OR);
        assertThat(or.invert()).isTrue();
        assertThat(or.rules().get(0).conditions().domain()).containsExactly("a.example");
        assertThat(or.rules().get(1).mode()).isEqualTo(HeadlessRule.LogicalMode.AND);
        assertThat(or.rules().get(1).rules()).hasSize(2);
        assertThat(rules.get(1).isLogical()).isFalse();
        assertThat(rules.get(1).invert()).isTrue();
    }

    @Test
    void unsupportedItemsAndBadLogicalRulesAreClearErrors() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> ConfigLoader.parseRuleSetSource(
                        "{\"version\": 2, \"rules\": ["
                                + "{\"process_name\": [\"curl\"], \"domain\": \"a.example\"},"
                                + "{\"type\": \"logical\", \"mode\": \"xor\", \"rules\": [{\"domain\": \"b\"}]},"
                                + "{\"type\": \"logical\", \"mode\": \"and\", \"rules\": []},"
                                + "{\"type\": \"logical\", \"rules\": [{\"domain\": \"c\"}]},"
                                + "{\"type\": \"headless\", \"domain\": \"d\"},"
                                + "{\"type\": \"logical\", \"mode\": \"or\", \"rules\": [{\"port\": 70000}]}]}",
                        "bad.json"));
        assertThat(e.problems())
                .extracting(p -> p.path() + " " + p.message())
                .containsExactlyInAnyOrder(
                        "$.rules[0].process_name not supported by proxycore (it matches only on a client device)",
                        "$.rules[1].mode unknown value \"xor\", expected one of and, or",
                        "$.rules[3].mode missing required field (and or or)",
                        "$.rules[4].type unknown rule type \"headless\", expected default or logical",
                        "$.rules[2].rules a logical rule needs at least one rule",
                        "$.rules[5].rules[0].port[0] must be between 0 and 65535, got 70000");
    }
}
