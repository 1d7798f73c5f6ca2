package io.github.proxycore.outbound.route;

import io.github.proxycore.outbound.Metadata;

/**
 * A named rule set as routing sees it: the current compiled rules, replaced whole when a remote set is
 * downloaded again, so a lookup sees either the old set or the new one, never a mix. Until it is first loaded it
 * matches nothing.
 */
final class RuleSetSlot {
    private final String tag;
    private volatile RuleSetMatcher current;

    RuleSetSlot(String tag, RuleSetMatcher initial) {
        this.tag = tag;
        this.current = initial;
    }

    String tag() {
        return tag;
    }

    boolean isLoaded() {
        return current != null;
    }

    void install(RuleSetMatcher matcher) {
        current = matcher;
    }

    boolean matches(Metadata m) {
        RuleSetMatcher matcher = current;
        return matcher != null && matcher.matches(m);
    }
}
