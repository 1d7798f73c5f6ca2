package io.github.proxycore.outbound;

import java.io.IOException;

/**
 * A connection carried by a tunnel ended because the tunnel failed, not because its peer ended it: an AnyTLS
 * session that closed under its streams (reset, heartbeat timeout, shut down). What the peer sent after the last
 * byte delivered is lost, and the channel's handlers hear this exception before it closes.
 *
 * <p>{@link Relay} passes it on as a reset of the other side (RST on a TCP socket), so that an application can tell
 * a truncated transfer from a whole one. A reset by the destination itself is not this: the relay ends the other side
 * normally after everything received, as sing-box and most proxies do.
 */
public class ConnectionCutException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * A cut connection.
     *
     * @param message why the tunnel failed, e.g. {@code the session closed (heartbeat_timeout)}
     */
    public ConnectionCutException(String message) {
        super(message);
    }
}
