package io.github.proxycore.loadbalance.internal;

import io.github.proxycore.config.GoDuration;
import io.github.proxycore.loadbalance.Chains;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DestinationException;
import io.github.proxycore.outbound.DialException;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.TcpDialer;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.BitSet;

/**
 * One connection through the balancer: dials the picked member and, when that dial fails because of the member, the
 * next distinct member (clockwise on the ring, or another random one). A member failure is reported as passive
 * health; the connection that succeeds is tracked under its member for {@code interrupt_exist_connections}.
 * Cancelling the promise cancels the dial in progress.
 *
 * <ul>
 *   <li>Normally up to {@link #MAX_ATTEMPTS} members are tried: enough to ride over a member that just died.
 *   <li>Under {@code fallback_all} with an empty pool every member is tried, one at a time, until one connects or
 *       {@link #FALLBACK_ALL_TIMEOUT} has passed since the first dial.
 *   <li>A destination error (the member's server reached and reported that the destination failed, see
 *       {@link DestinationException}) ends the attempt at once: it is the caller's failure, every member would
 *       report the same, and blaming members for it would take healthy ones out of the pool.
 * </ul>
 */
public final class DialAttempt {
    /** Members tried per connection while the pool has usable members. */
    public static final int MAX_ATTEMPTS = 3;
    /** How long a {@code fallback_all} walk over every member may take in all. */
    public static final Duration FALLBACK_ALL_TIMEOUT = Duration.ofSeconds(15);

    private final Balancer balancer;
    private final String tag;
    private final String type;
    private final TierView view;
    private final Network network;
    private final Metadata keyMetadata;
    private final Destination target;
    private final Metadata forward;
    private final Promise<Channel> promise;
    private final boolean everyMember;
    private final BitSet tried = new BitSet();
    private final StringBuilder failures = new StringBuilder();
    private volatile Future<Channel> current;
    private Scheduler.Cancellable deadline = Scheduler.Cancellable.NONE;
    // attempts are sequential (each starts from the previous one's completion); the deadline timer only reads these
    private volatile int attempts;
    private volatile String failed = "";

    /**
     * @param keyMetadata the metadata the pick hashed (retries walk from the same point)
     * @param target where the member connects to
     * @param forward the metadata the member is dialled with
     * @param everyMember whether {@code view} is {@code fallback_all}'s: try every member within
     *     {@link #FALLBACK_ALL_TIMEOUT}
     */
    public DialAttempt(
            Balancer balancer,
            String type,
            TierView view,
            Network network,
            Metadata keyMetadata,
            Destination target,
            Metadata forward,
            Promise<Channel> promise,
            boolean everyMember) {
        this.balancer = balancer;
        this.tag = balancer.tag();
        this.type = type;
        this.view = view;
        this.network = network;
        this.keyMetadata = keyMetadata;
        this.target = target;
        this.forward = forward;
        this.promise = promise;
        this.everyMember = everyMember;
        promise.addListener(f -> {
            Future<Channel> c = current;
            if (f.isCancelled() && c != null) {
                c.cancel(false);
            }
        });
    }

    public void start(MemberState first) {
        if (everyMember) {
            deadline = balancer.scheduler().schedule(this::timedOut, FALLBACK_ALL_TIMEOUT.toNanos());
        }
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
            future = ImmediateEventExecutor.INSTANCE.newFailedFuture(e);
        }
        current = future;
        if (promise.isDone()) {
            future.cancel(false); // cancelled, or timed out, meanwhile
        }
        Future<Channel> dial = future;
        dial.addListener(f -> completed(member, dial));
    }

    private void completed(MemberState member, Future<Channel> dial) {
        if (dial.isSuccess()) {
            deadline.cancel();
            Channel channel = dial.getNow();
            member.connections.add(channel, forward.external());
            Chains.picked(channel, tag, member.tag);
            if (!promise.trySuccess(channel)) {
                channel.close(); // the caller gave up meanwhile
            }
            return;
        }
        if (dial.isCancelled() || promise.isDone()) {
            promise.cancel(false);
            return;
        }
        Throwable cause = dial.cause();
        String reason = TcpDialer.describe(cause);
        boolean destinationError = DestinationException.isCauseOf(cause);
        if (!destinationError) {
            balancer.dialFailed(member, reason);
        }
        if (failures.length() > 0) {
            failures.append("; ");
        }
        if (cause instanceof DialException) {
            failures.append(reason); // it names the member already
        } else {
            failures.append(member.tag).append(": ").append(reason);
        }
        failed = failures.toString();
        MemberState next = destinationError || (!everyMember && attempts >= MAX_ATTEMPTS)
                ? null
                : balancer.next(view, network, keyMetadata, tried);
        if (next != null) {
            attempt(next);
            return;
        }
        deadline.cancel();
        String summary = attempts == 1 ? failures.toString() : attempts + " members failed: " + failures;
        promise.tryFailure(new DialException(tag, type, target, summary, cause));
    }

    /** {@code fallback_all} ran out of time: the dial in flight is abandoned and the connection fails. */
    private void timedOut() {
        if (promise.isDone()) {
            return;
        }
        String summary = "fallback_all: no member connected within " + GoDuration.format(FALLBACK_ALL_TIMEOUT)
                + " (" + attempts + " of " + view.size() + " members tried"
                + (failed.isEmpty() ? "" : "; " + failed) + ")";
        if (promise.tryFailure(new DialException(tag, type, target, summary, null))) {
            Future<Channel> c = current;
            if (c != null) {
                c.cancel(false);
            }
        }
    }
}
