package io.github.proxycore.loadbalance.internal;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DialException;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.TcpDialer;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.BitSet;

/**
 * One connection through the balancer: dials the picked member and, when that dial fails, the next distinct member
 * (clockwise on the ring, or another random one), up to {@link #MAX_ATTEMPTS} members. Each failure is reported as
 * passive health; the connection that succeeds is tracked under its member for
 * {@code interrupt_exist_connections}. Cancelling the promise cancels the dial in progress.
 */
public final class DialAttempt {
    /** Members tried per connection: enough to ride over a member that just died, bounded so a bad destination
     * does not mark the whole pool down. */
    public static final int MAX_ATTEMPTS = 3;

    private final Balancer balancer;
    private final String tag;
    private final String type;
    private final TierView view;
    private final Network network;
    private final Metadata keyMetadata;
    private final Destination target;
    private final Metadata forward;
    private final Promise<Channel> promise;
    private final BitSet tried = new BitSet();
    private final StringBuilder failures = new StringBuilder();
    private volatile Future<Channel> current;
    private int attempts;

    /**
     * @param keyMetadata the metadata the pick hashed (retries walk from the same point)
     * @param target where the member connects to
     * @param forward the metadata the member is dialled with
     */
    public DialAttempt(
            Balancer balancer,
            String type,
            TierView view,
            Network network,
            Metadata keyMetadata,
            Destination target,
            Metadata forward,
            Promise<Channel> promise) {
        this.balancer = balancer;
        this.tag = balancer.tag();
        this.type = type;
        this.view = view;
        this.network = network;
        this.keyMetadata = keyMetadata;
        this.target = target;
        this.forward = forward;
        this.promise = promise;
        promise.addListener(f -> {
            Future<Channel> c = current;
            if (f.isCancelled() && c != null) {
                c.cancel(false);
            }
        });
    }

    public void start(MemberState first) {
        attempt(first);
    }

    private void attempt(MemberState member) {
        attempts++;
        tried.set(member.index);
        Future<Channel> future;
        try {
            future = network == Network.UDP
                    ? member.outbound.listenPacket(target, forward)
                    : member.outbound.dial(target, forward);
        } catch (RuntimeException e) {
            future = io.netty.util.concurrent.ImmediateEventExecutor.INSTANCE.newFailedFuture(e);
        }
        current = future;
        if (promise.isCancelled()) {
            future.cancel(false);
        }
        Future<Channel> dial = future;
        dial.addListener(f -> completed(member, dial));
    }

    private void completed(MemberState member, Future<Channel> dial) {
        if (dial.isSuccess()) {
            Channel channel = dial.getNow();
            member.connections.add(channel, forward.external());
            if (!promise.trySuccess(channel)) {
                channel.close(); // the caller gave up meanwhile
            }
            return;
        }
        if (dial.isCancelled() || promise.isDone()) {
            promise.cancel(false);
            return;
        }
        String reason = TcpDialer.describe(dial.cause());
        balancer.dialFailed(member, reason);
        if (failures.length() > 0) {
            failures.append("; ");
        }
        if (dial.cause() instanceof DialException) {
            failures.append(reason); // it names the member already
        } else {
            failures.append(member.tag).append(": ").append(reason);
        }
        MemberState next = attempts < MAX_ATTEMPTS ? balancer.next(view, network, keyMetadata, tried) : null;
        if (next != null) {
            attempt(next);
            return;
        }
        String summary = attempts == 1 ? failures.toString() : attempts + " members failed: " + failures;
        promise.tryFailure(new DialException(tag, type, target, summary, dial.cause()));
    }
}
