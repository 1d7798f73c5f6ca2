package io.github.proxycore.outbound;

import java.io.IOException;

/**
 * A dial failed at the destination, not at the outbound: the outbound reached its server, and the server reported
 * that it could not connect to the destination (an AnyTLS SYNACK carrying an error, {@code remote: dial tcp …:
 * connection refused}). The outbound itself is fine.
 *
 * <p>It travels as the cause of the outbound's {@link DialException}, so a caller that only knows
 * {@code DialException} sees no difference. A group outbound (a load balancer) uses {@link #isCauseOf(Throwable)}
 * to tell the caller's failure from its member's: a destination error marks no member down and is not retried on
 * another member, since every member would reach the same destination.
 */
public class DestinationException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * A destination error.
     *
     * @param message the reason the server gave, e.g. {@code remote: dial tcp 10.0.0.9:80: connection refused}
     */
    public DestinationException(String message) {
        super(message);
    }

    /**
     * Whether {@code failure} is, or was caused by, a destination error (also through the {@code DialException} of
     * a group outbound whose member reported one).
     *
     * @param failure a dial's failure, or {@code null}
     * @return whether a {@code DestinationException} is in its cause chain
     */
    public static boolean isCauseOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DestinationException) {
                return true;
            }
        }
        return false;
    }
}
