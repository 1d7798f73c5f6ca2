package io.github.proxycore.mixed;

import io.github.proxycore.outbound.BlockedException;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/** What kind of failure a dial ended in, for the reply codes of SOCKS and HTTP. */
enum DialFailure {
    BLOCKED,
    REFUSED,
    UNREACHABLE,
    TIMED_OUT,
    OTHER;

    static DialFailure of(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof BlockedException) {
                return BLOCKED;
            }
            if (t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return UNREACHABLE;
            }
            if (t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException) {
                return TIMED_OUT;
            }
            if (t instanceof ConnectException) {
                return REFUSED;
            }
        }
        return OTHER;
    }
}
