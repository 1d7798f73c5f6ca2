package io.github.proxycore.loadbalance;

import io.github.proxycore.loadbalance.internal.EventLoopScheduler;
import io.github.proxycore.loadbalance.internal.HttpProbe;
import io.github.proxycore.loadbalance.internal.Prober;
import io.github.proxycore.loadbalance.internal.Scheduler;
import io.github.proxycore.outbound.Outbound;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A one-off URL test through any outbound, as the balancer's health checks do it: an HTTP(S) {@code GET} sent
 * through the outbound's own dial (certificates and host names verified for https), timed from the start of the
 * dial to the response headers.
 *
 * <pre>{@code
 * UrlTest.measure(outbound, "https://www.gstatic.com/generate_204", Duration.ofSeconds(5), loop)
 *         .thenAccept(latency -> System.out.println(latency.toMillis() + " ms"));
 * }</pre>
 */
public final class UrlTest {
    private UrlTest() {}

    /**
     * Measures one request.
     *
     * @param outbound the outbound the request goes through
     * @param url an absolute {@code http://} or {@code https://} URL
     * @param timeout how long the test may take
     * @param executor the event executor that times the test
     * @return the latency, or a failure: a {@link TimeoutException} after {@code timeout}, an {@link IOException}
     *     naming the cause otherwise; cancelling it stops the test and closes its connection
     * @throws IllegalArgumentException if {@code url} is not an absolute http(s) URL
     */
    public static CompletableFuture<Duration> measure(
            Outbound outbound, String url, Duration timeout, EventExecutor executor) {
        Objects.requireNonNull(outbound, "outbound");
        Objects.requireNonNull(timeout, "timeout");
        Scheduler clock = new EventLoopScheduler(executor);
        Prober prober = HttpProbe.create(url, null, clock);
        CompletableFuture<Duration> result = new CompletableFuture<>();
        Scheduler.Cancellable probe = prober.probe(outbound, new Prober.Callback() {
            @Override
            public void succeeded(long latencyNanos) {
                result.complete(Duration.ofNanos(latencyNanos));
            }

            @Override
            public void failed(String reason) {
                result.completeExceptionally(new IOException(reason));
            }
        });
        Scheduler.Cancellable timer = clock.schedule(
                () -> {
                    if (result.completeExceptionally(
                            new TimeoutException("no response within " + timeout.toMillis() + " ms"))) {
                        probe.cancel();
                    }
                },
                timeout.toNanos());
        result.whenComplete((latency, error) -> {
            timer.cancel();
            if (result.isCancelled()) { // the caller gave up: close the probe's connection now, not at the timeout
                if (executor.inEventLoop()) {
                    probe.cancel();
                } else {
                    executor.execute(probe::cancel);
                }
            }
        });
        return result;
    }
}
