package io.github.proxycore.outbound;

import java.io.IOException;
import java.util.Objects;

/**
 * A dial that failed. The message names the outbound, the destination and the reason, e.g.
 * {@code outbound "proxy" (anytls) could not reach example.com:443: connection refused by 10.0.0.2:8443}; the
 * underlying error, if any, is the cause.
 */
public class DialException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The tag of the outbound that failed. */
    private final String outboundTag;

    private final transient Destination destination;

    /**
     * A failed dial.
     *
     * @param outboundTag the tag of the outbound that failed
     * @param outboundType its type, or {@code null} to leave it out of the message
     * @param destination where the connection was going
     * @param reason what went wrong, for the message
     * @param cause the underlying error, or {@code null}
     * @throws NullPointerException if {@code reason} is {@code null}
     */
    public DialException(
            String outboundTag, String outboundType, Destination destination, String reason, Throwable cause) {
        super(message(outboundTag, outboundType, destination, reason), cause);
        this.outboundTag = outboundTag;
        this.destination = destination;
    }

    private static String message(String tag, String type, Destination destination, String reason) {
        Objects.requireNonNull(reason, "reason");
        return "outbound \"" + tag + "\"" + (type == null ? "" : " (" + type + ")") + " could not reach " + destination
                + ": " + reason;
    }

    /** {@return the tag of the outbound that failed} */
    public String outboundTag() {
        return outboundTag;
    }

    /** {@return where the connection was going; not serialized} */
    public Destination destination() {
        return destination;
    }
}
