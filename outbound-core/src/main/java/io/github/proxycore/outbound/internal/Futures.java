package io.github.proxycore.outbound.internal;

import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.function.Function;

/** Small combinators for Netty futures. */
public final class Futures {
    private Futures() {}

    /** The cause inside a {@link java.util.concurrent.CompletionException}, as CompletableFuture stages wrap it. */
    public static Throwable unwrap(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
    }

    /**
     * Completes {@code target} like {@code source}, with failures passed through {@code mapError}. Cancelling the
     * target cancels the source. A value that arrives when the target is already done (cancelled) is handed to
     * {@code discard}.
     */
    public static <T> Promise<T> relay(
            Future<T> source,
            Promise<T> target,
            Function<Throwable, Throwable> mapError,
            java.util.function.Consumer<T> discard) {
        source.addListener(f -> {
            if (f.isSuccess()) {
                @SuppressWarnings("unchecked")
                T value = (T) f.getNow();
                if (!target.trySuccess(value)) {
                    discard.accept(value);
                }
            } else if (f.isCancelled()) {
                target.cancel(false);
            } else {
                target.tryFailure(mapError.apply(f.cause()));
            }
        });
        target.addListener(f -> {
            if (f.isCancelled()) {
                source.cancel(false);
            }
        });
        return target;
    }
}
