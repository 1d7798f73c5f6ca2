package io.github.proxycore.loadbalance.internal;

import io.github.proxycore.outbound.Outbound;

/**
 * One health check through one member. {@link HttpProbe} is the real one; the {@link HealthChecker} adds timeouts,
 * scheduling and the concurrency cap around any prober, so tests can script results.
 */
public interface Prober {

    /**
     * Starts a check through {@code member}. The callback is called at most once, on any thread. Cancelling the
     * returned handle aborts the check and releases what it holds (its connection); the callback may still fire
     * afterwards and is then ignored by the caller.
     */
    Scheduler.Cancellable probe(Outbound member, Callback callback);

    /** The outcome of a probe. */
    interface Callback {
        /** The member answered; {@code latencyNanos} runs from the start of the dial to the response headers. */
        void succeeded(long latencyNanos);

        /** The check failed, with a short reason naming the cause. */
        void failed(String reason);
    }
}
