package io.github.proxycore.loadbalance.support;

import io.github.proxycore.loadbalance.internal.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} on a fake clock: time moves only when the test calls {@link #advance}, which runs the tasks
 * that fall due, in time order, on the test's thread.
 */
public final class FakeScheduler implements Scheduler {
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private volatile long now = 1_000_000_000L; // an arbitrary origin: only differences matter
    private long sequence;

    private static final class Task implements Comparable<Task> {
        final long due;
        final long order;
        final Runnable runnable;
        volatile boolean cancelled;

        Task(long due, long order, Runnable runnable) {
            this.due = due;
            this.order = order;
            this.runnable = runnable;
        }

        @Override
        public int compareTo(Task o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(order, o.order);
        }
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayNanos) {
        Task t = new Task(now + Math.max(0, delayNanos), sequence++, task);
        tasks.add(t);
        return () -> t.cancelled = true;
    }

    /** Runs the tasks due now. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves the clock forward by {@code d}, running every task that falls due on the way at its due time. */
    public void advance(Duration d) {
        long target = now + d.toNanos();
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due > target) {
                    break;
                }
                tasks.poll();
                if (next.due > now) {
                    now = next.due;
                }
            }
            if (!next.cancelled) {
                next.runnable.run();
            }
        }
        synchronized (this) {
            now = target;
        }
    }

    /** Due times (relative to now) of the tasks still pending and not cancelled. */
    public synchronized List<Duration> pending() {
        List<Duration> out = new ArrayList<>();
        for (Task t : tasks) {
            if (!t.cancelled) {
                out.add(Duration.ofNanos(t.due - now));
            }
        }
        out.sort(null);
        return out;
    }
}
