package io.github.proxycore.outbound;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.util.concurrent.CompletableFuture;

/** A dial's Netty {@link Future} for code written against {@link java.util.concurrent.CompletionStage}s. */
public final class Dials {
    private Dials() {}

    /**
     * A {@link CompletableFuture} completed like {@code dial}, on the thread that completes the dial. Cancelling it
     * cancels the dial; a channel that arrives after it was cancelled is closed, so none leaks.
     *
     * <pre>{@code
     * Dials.toCompletableFuture(outbound.dial(destination))
     *         .orTimeout(10, TimeUnit.SECONDS)
     *         .thenAccept(channel -> ...);
     * }</pre>
     *
     * @param dial a dial, e.g. {@link Outbound#dial(Destination)}
     * @return a stage completed with the dial's channel or failure
     */
    public static CompletableFuture<Channel> toCompletableFuture(Future<Channel> dial) {
        CompletableFuture<Channel> stage = new CompletableFuture<>();
        dial.addListener(f -> {
            if (f.isSuccess()) {
                Channel channel = dial.getNow();
                if (!stage.complete(channel)) {
                    channel.close();
                }
            } else if (f.isCancelled()) {
                stage.cancel(false);
            } else {
                stage.completeExceptionally(f.cause());
            }
        });
        stage.whenComplete((channel, error) -> {
            if (stage.isCancelled() || error != null) {
                dial.cancel(false);
            }
        });
        return stage;
    }
}
