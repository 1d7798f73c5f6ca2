package io.github.proxycore.outbound.route.ruleset;

import java.io.IOException;

/** A rule-set file that cannot be read: its message says what is wrong and where. */
public final class RuleSetFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public RuleSetFormatException(String message) {
        super(message);
    }

    public RuleSetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
