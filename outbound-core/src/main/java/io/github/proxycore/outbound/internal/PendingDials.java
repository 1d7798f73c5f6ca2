package io.github.proxycore.outbound.internal;

import io.github.proxycore.outbound.ConnectionListener;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DialException;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The results of one outbound's dials that are not complete yet, so that closing the outbound completes every one of
 * them. A dial waits on event loops, resolvers and servers that closing may stop; their own futures may then never
 * fire (a listener cannot be notified on a loop that has shut down), and a future nobody completes hangs its caller.
 *
 * <p>Results are notified on the thread that completes them, never through an executor that may be gone.
 */
public final class PendingDials {
    private static final Logger log = LoggerFactory.getLogger(PendingDials.class);

    private final String tag;
    private final String type;
    private final Map<Promise<Channel>, Destination> pending = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile ConnectionListener listener = ConnectionListener.NONE;

    public PendingDials(String tag, String type) {
        this.tag = tag;
        this.type = type;
    }

    /**
     * The result of a new dial to {@code destination}: completed by the caller, or failed by {@link #close()}; failed
     * already when the outbound is closed (check {@link Promise#isDone()} before starting the dial). A channel
     * offered after that is the caller's to close.
     */
    public Promise<Channel> newDial(Destination destination) {
        Promise<Channel> result = ImmediateEventExecutor.INSTANCE.newPromise();
        ConnectionListener l = listener;
        if (l != ConnectionListener.NONE) {
            result.addListener(f -> report(l, destination, result));
        }
        if (closed) {
            result.setFailure(closedFailure(destination));
            return result;
        }
        pending.put(result, destination);
        result.addListener(f -> pending.remove(result));
        if (closed) { // closed while it was being added
            result.tryFailure(closedFailure(destination));
        }
        return result;
    }

    /** Who hears each dial's outcome and each connection's end; set once, when the outbound is built. */
    public void listener(ConnectionListener listener) {
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
    }

    private void report(ConnectionListener l, Destination destination, Promise<Channel> result) {
        try {
            if (result.isSuccess()) {
                Channel channel = result.getNow();
                l.connected(tag, destination, channel);
                channel.closeFuture().addListener(f -> {
                    try {
                        l.closed(tag, destination, channel);
                    } catch (RuntimeException e) {
                        log.warn("a connection listener of outbound \"{}\" failed", tag, e);
                    }
                });
            } else {
                l.dialFailed(tag, destination, result.cause());
            }
        } catch (RuntimeException e) {
            log.warn("a connection listener of outbound \"{}\" failed", tag, e);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Fails every dial still pending with "the outbound is closed"; later dials fail at once. */
    public void close() {
        closed = true;
        for (Map.Entry<Promise<Channel>, Destination> dial : pending.entrySet()) {
            dial.getKey().tryFailure(closedFailure(dial.getValue()));
        }
    }

    private DialException closedFailure(Destination destination) {
        return new DialException(tag, type, destination, "the outbound is closed", null);
    }
}
