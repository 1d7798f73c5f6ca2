package io.github.proxycore.outbound.internal;

import io.github.proxycore.outbound.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link InetAddress#getAllByName} on a small pool of daemon threads: the JVM resolver honours the system's
 * configuration (hosts file, search domains, its own cache), and running it here keeps it off the event loops.
 */
public final class SystemHostResolver implements HostResolver {
    public static final SystemHostResolver INSTANCE = new SystemHostResolver();

    private static final int THREADS = 4;
    private final ExecutorService executor;

    private SystemHostResolver() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "proxycore-resolver-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true); // no threads left behind while nothing resolves
        this.executor = pool;
    }

    @Override
    public CompletableFuture<List<InetAddress>> resolve(String host) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return List.of(InetAddress.getAllByName(host));
                    } catch (UnknownHostException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                },
                executor);
    }
}
