package io.github.proxycore.anytls.internal;

import io.github.proxycore.outbound.BlockedException;
import io.github.proxycore.outbound.Destination;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The text a server sends a client in a SYNACK when dialling its destination failed: what failed, in generic terms
 * and in sing-box's wording ({@code dial tcp 127.0.0.1:1: connect: connection refused}), never the server's outbound
 * tags, rule names or exception messages, which are none of the client's business. The destination is the client's
 * own.
 */
final class DialErrors {
    static final String REFUSED = "connect: connection refused";
    static final String UNREACHABLE = "connect: network is unreachable";
    static final String TIMEOUT = "i/o timeout";
    static final String NO_SUCH_HOST = "no such host";
    static final String FAILED = "failed";

    private DialErrors() {}

    /** The SYNACK text for a dial of {@code destination} that failed with {@code cause} ({@code null}: unknown). */
    static String text(Destination destination, Throwable cause) {
        return "dial tcp " + destination + ": " + kind(cause);
    }

    /** The SYNACK text for a dial that did not complete in time. */
    static String timeout(Destination destination) {
        return "dial tcp " + destination + ": " + TIMEOUT;
    }

    static String kind(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BlockedException) {
                return REFUSED; // a rule that blocks looks, to the client, like a destination that refuses
            }
            if (t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException) {
                return TIMEOUT;
            }
            if (t instanceof NoRouteToHostException || t instanceof PortUnreachableException) {
                return UNREACHABLE;
            }
            if (t instanceof UnknownHostException) {
                return NO_SUCH_HOST;
            }
            if (t instanceof ConnectException) {
                // the JDK and the native transports both say "Connection refused" / "Network is unreachable" / ...
                String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                if (message.contains("refused")) {
                    return REFUSED;
                }
                if (message.contains("unreachable") || message.contains("no route")) {
                    return UNREACHABLE;
                }
                if (message.contains("timed out")) {
                    return TIMEOUT;
                }
            }
        }
        return FAILED;
    }
}
