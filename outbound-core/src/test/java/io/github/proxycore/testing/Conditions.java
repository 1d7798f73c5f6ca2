package io.github.proxycore.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting for something that happens on another thread (a socket event), with a generous bound: the one polling loop
 * of the tests. A test that times a rule uses a fake clock ({@link ManualLoop}) instead.
 */
public final class Conditions {
    /** Long enough for a loaded CI machine; a passing test never waits for it. */
    public static final Duration DEFAULT_BOUND = Duration.ofSeconds(10);

    private Conditions() {}

    /** Waits until {@code condition} holds, at most {@link #DEFAULT_BOUND}. */
    public static void await(String what, BooleanSupplier condition) {
        await(what, DEFAULT_BOUND, condition);
    }

    /** Waits until {@code condition} holds, at most {@code bound}; fails naming {@code what} after that. */
    public static void await(String what, Duration bound, BooleanSupplier condition) {
        await(what, bound, condition::getAsBoolean, done -> done);
    }

    /** Waits until {@code value} supplies something other than null, and returns it. */
    public static <T> T awaitValue(String what, Supplier<T> value) {
        return await(what, DEFAULT_BOUND, value, v -> v != null);
    }

    /** Waits until the value {@code value} supplies satisfies {@code done}, and returns it. */
    public static <T> T await(String what, Supplier<T> value, Predicate<? super T> done) {
        return await(what, DEFAULT_BOUND, value, done);
    }

    /**
     * Waits until the value {@code value} supplies satisfies {@code done}, at most {@code bound}, and returns it; the
     * failure shows the last value seen.
     */
    public static <T> T await(String what, Duration bound, Supplier<T> value, Predicate<? super T> done) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            T current = value.get();
            if (done.test(current)) {
                return current;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(
                        "timed out after " + bound + " waiting for " + what + " (last seen: " + current + ")");
            }
            try {
                Thread.sleep(5); // polling a condition, not timing a rule
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
