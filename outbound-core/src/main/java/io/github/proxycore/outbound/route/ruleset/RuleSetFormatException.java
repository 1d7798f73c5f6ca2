package io.github.proxycore.outbound.route.ruleset;

import java.io.IOException;

/** A rule-set file that cannot be read: its message says what is wrong and where. */
public final class RuleSetFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what is wrong and where
     */
    public RuleSetFormatException(String message) {
        super(message);
    }

    /**
     * An exception with a message and a cause.
     *
     * @param message what is wrong and where
     * @param cause the underlying error
     */
    public RuleSetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
