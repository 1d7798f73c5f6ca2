package io.github.proxycore.loadbalance.support;

import io.github.proxycore.loadbalance.internal.Prober;
import io.github.proxycore.loadbalance.internal.Scheduler;
import io.github.proxycore.outbound.Outbound;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Prober} whose results the test sets per member: a latency, a failure, or no answer at all (the check
 * then times out). Answers come back at once, on the calling thread.
 */
public final class ScriptedProber implements Prober {
    private static final Object HANG = new Object();

    private final Map<String, Object> script = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> probes = new ConcurrentHashMap<>();
    private final List<Callback> hanging = new ArrayList<>();
    private final AtomicInteger cancelled = new AtomicInteger();

    public ScriptedProber ok(String tag, long latencyMillis) {
        script.put(tag, Duration.ofMillis(latencyMillis));
        return this;
    }

    /** Successive checks of {@code tag} take these latencies, the last one from then on. */
    public ScriptedProber sequence(String tag, long... latencyMillis) {
        Duration[] latencies = new Duration[latencyMillis.length];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = Duration.ofMillis(latencyMillis[i]);
        }
        script.put(tag, new java.util.ArrayDeque<>(List.of(latencies)));
        return this;
    }

    public ScriptedProber fail(String tag, String reason) {
        script.put(tag, reason);
        return this;
    }

    /** Checks of {@code tag} never answer. */
    public ScriptedProber hang(String tag) {
        script.put(tag, HANG);
        return this;
    }

    /** How many checks of {@code tag} started. */
    public int probes(String tag) {
        AtomicInteger n = probes.get(tag);
        return n == null ? 0 : n.get();
    }

    public int totalProbes() {
        return probes.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** How many checks were cancelled (timed out or aborted). */
    public int cancelled() {
        return cancelled.get();
    }

    /** Answers the hanging checks started so far with {@code latencyMillis}. */
    public synchronized void answerHanging(long latencyMillis) {
        List<Callback> callbacks = new ArrayList<>(hanging);
        hanging.clear();
        for (Callback c : callbacks) {
            c.succeeded(Duration.ofMillis(latencyMillis).toNanos());
        }
    }

    @Override
    public Scheduler.Cancellable probe(Outbound member, Callback callback) {
        probes.computeIfAbsent(member.tag(), t -> new AtomicInteger()).incrementAndGet();
        Object result = script.getOrDefault(member.tag(), "no script for " + member.tag());
        if (result instanceof java.util.ArrayDeque<?> sequence) {
            synchronized (sequence) {
                result = sequence.size() > 1 ? sequence.poll() : sequence.peek();
            }
        }
        if (result == HANG) {
            synchronized (this) {
                hanging.add(callback);
            }
        } else if (result instanceof Duration latency) {
            callback.succeeded(latency.toNanos());
        } else {
            callback.failed((String) result);
        }
        return cancelled::incrementAndGet;
    }
}
