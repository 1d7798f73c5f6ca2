package io.github.proxycore.testing;

import io.github.proxycore.outbound.Transport;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An event loop on a fake clock, run by the test's own thread: Netty's {@link ManualIoEventLoop} with a
 * {@link MockTicker}. Its timers and the timestamps read from it ({@code OutboundContext.ticker()}, an executor's
 * {@code ticker()}) are one clock, which moves only when the test calls {@link #advance}. Nothing runs until the test
 * calls {@link #runPending()} or {@link #advance}, so a test of timing needs no sleep and cannot be late.
 *
 * <pre>{@code
 * try (ManualLoop loop = new ManualLoop()) {
 *     LoadBalanceOutbound lb = LoadBalanceOutbound.create(options, OutboundContext.of(loop.transport(), members));
 *     loop.advance(Duration.ofSeconds(30), Duration.ofSeconds(1));
 * }
 * }</pre>
 */
public final class ManualLoop implements AutoCloseable {
    private final MockTicker ticker = Ticker.newMockTicker();
    private final ManualIoEventLoop loop;

    /** A loop owned by the calling thread (the only one that may run it). */
    public ManualLoop() {
        loop = new ManualIoEventLoop(null, Thread.currentThread(), NioIoHandler.newFactory(), ticker);
    }

    /** The loop, as a host's transport: outbounds built over it schedule on it and read its clock. */
    public Transport transport() {
        return Transport.of(loop);
    }

    public ManualIoEventLoop loop() {
        return loop;
    }

    public MockTicker ticker() {
        return ticker;
    }

    /** Runs every task and timer that is due now, including those they submit, until none is left. */
    public void runPending() {
        for (int i = 0; i < 10_000; i++) {
            if (loop.runNow() == 0) {
                return;
            }
        }
        throw new AssertionError("tasks keep submitting tasks: 10000 rounds without an idle loop");
    }

    /** Moves the clock by {@code by} at once, then runs what fell due. */
    public void advance(Duration by) {
        ticker.advance(by.toNanos(), TimeUnit.NANOSECONDS);
        runPending();
    }

    /**
     * Moves the clock by {@code by} in steps of {@code step}, running what falls due after each: timers fire at most
     * {@code step} late, and a timer set by another fires in the same call.
     */
    public void advance(Duration by, Duration step) {
        for (Duration left = by; !left.isNegative() && !left.isZero(); left = left.minus(step)) {
            advance(left.compareTo(step) < 0 ? left : step);
        }
    }

    /** Shuts the loop down and runs it until it has terminated (bounded). */
    @Override
    public void close() {
        loop.shutdownGracefully(0, 0, TimeUnit.NANOSECONDS);
        for (int i = 0; i < 1_000 && !loop.isTerminated(); i++) {
            // the shutdown's quiet period is timed by this loop's clock too: it passes only as the clock moves
            ticker.advance(1, TimeUnit.MILLISECONDS);
            loop.runNow(); // never run(0): that blocks until I/O or a task arrives
        }
        if (!loop.isTerminated()) {
            throw new AssertionError("the manual loop did not terminate");
        }
    }
}
