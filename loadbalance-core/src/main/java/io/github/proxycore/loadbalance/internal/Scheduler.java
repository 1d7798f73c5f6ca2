package io.github.proxycore.loadbalance.internal;

/**
 * The balancer's clock and timer: health rounds, check timeouts, idle pauses and the backup hold all read time and
 * schedule work through this, so tests drive them with a fake clock and no sleeps. Production runs on an event loop
 * of the outbound's transport ({@link EventLoopScheduler}).
 */
public interface Scheduler {

    /** Monotonic time in nanoseconds; only differences are meaningful. */
    long nanoTime();

    /**
     * Runs {@code task} once, {@code delayNanos} from now (at once for 0). The task runs on the scheduler's thread
     * and must not block; balancer code hands it to its {@link SyncContext}.
     *
     * @return a handle to cancel the task; cancelling a task that has run or was cancelled does nothing
     */
    Cancellable schedule(Runnable task, long delayNanos);

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        Cancellable NONE = () -> {};

        void cancel();
    }
}
