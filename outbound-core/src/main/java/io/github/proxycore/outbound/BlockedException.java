package io.github.proxycore.outbound;

/**
 * A dial refused by policy (the {@code block} outbound) rather than by the network, so that an inbound can answer
 * "not allowed" (SOCKS5 status 2, HTTP 403) instead of "failed".
 */
public final class BlockedException extends DialException {
    private static final long serialVersionUID = 1L;

    /**
     * A refused dial; the reason in the message is {@code blocked}.
     *
     * @param outboundTag the tag of the outbound that refused
     * @param outboundType its type, or {@code null}
     * @param destination where the connection was going
     */
    public BlockedException(String outboundTag, String outboundType, Destination destination) {
        super(outboundTag, outboundType, destination, "blocked", null);
    }
}
