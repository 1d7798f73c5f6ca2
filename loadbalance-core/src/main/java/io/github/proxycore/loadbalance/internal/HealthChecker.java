package io.github.proxycore.loadbalance.internal;

import io.github.proxycore.config.GoDuration;
import io.github.proxycore.loadbalance.CheckResult;
import io.github.proxycore.loadbalance.MemberHealth;
import io.github.proxycore.outbound.Network;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health checks of a balancer's members (docs/loadbalance.md): rounds that check every member, the next round
 * {@code interval} plus a random jitter after the previous one ends; a cap on concurrent checks; a per-check
 * {@code timeout}; at most one check in flight per member (a second request joins it); {@code idle_timeout}: a round
 * that falls due after that long without a dial is skipped and rounds pause until the next dial, which resumes them
 * with an immediate round.
 *
 * <p>A member's first successful check is repeated at once and the faster sample counts: the first pays for
 * warm-up and would skew Top-N.
 *
 * <p>A failed check marks a member unhealthy at once. An unhealthy member that passes is <em>recovering</em> until it
 * has passed {@code rise} checks in a row (HAProxy's {@code rise}), and only then healthy and a candidate again.
 *
 * <p>Members that cannot carry TCP cannot be checked over HTTP; they are never checked and stay candidates.
 *
 * <p>All state lives in the {@link SyncContext}; only {@link #noteDial()} is called from other threads.
 */
public final class HealthChecker {
    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    /** Checks running at once: as many as sing-box's URL test runs. */
    public static final int DEFAULT_MAX_CONCURRENT_CHECKS = 10;
    /** The next round starts between {@code interval} and {@code interval * (1 + JITTER)} after the last one ended. */
    static final double JITTER = 0.1;

    /** What the balancer hears from the checker, in the sync context. */
    public interface Listener {
        /** A check finished and the member's health was updated. */
        void checked(MemberState member, CheckResult result);

        /** Every member of a round has been checked. */
        void roundCompleted();
    }

    private final List<MemberState> members;
    private final Prober prober;
    private final Scheduler scheduler;
    private final SyncContext sync;
    private final Random random;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final long idleTimeoutNanos;
    private final int maxConcurrent;
    private final int rise;
    private final Listener listener;
    private final String tag;

    private final ArrayDeque<MemberState> waiting = new ArrayDeque<>();
    private final List<Check> running = new ArrayList<>();
    private volatile long lastDialNanos;
    private volatile boolean paused;
    private volatile long rounds;
    private boolean periodicRoundRunning;
    private boolean closed;
    private Scheduler.Cancellable roundTimer = Scheduler.Cancellable.NONE;

    public HealthChecker(
            String tag,
            List<MemberState> members,
            Prober prober,
            Scheduler scheduler,
            SyncContext sync,
            Random random,
            Duration interval,
            Duration timeout,
            Duration idleTimeout,
            int maxConcurrent,
            int rise,
            Listener listener) {
        this.tag = Objects.requireNonNull(tag, "tag");
        this.members = List.copyOf(members);
        this.prober = Objects.requireNonNull(prober, "prober");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.sync = Objects.requireNonNull(sync, "sync");
        this.random = Objects.requireNonNull(random, "random");
        this.intervalNanos = positive(interval, "interval");
        this.timeoutNanos = positive(timeout, "timeout");
        this.idleTimeoutNanos = idleTimeout.toNanos();
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be positive");
        }
        this.maxConcurrent = maxConcurrent;
        this.rise = Math.max(1, rise); // 0 means no damping: one passing check restores a member
        this.listener = Objects.requireNonNull(listener, "listener");
        this.lastDialNanos = scheduler.nanoTime();
    }

    private static long positive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d.toNanos();
    }

    /** Schedules the first round at once: until it completes the balancer is bootstrapping. */
    public void start() {
        roundTimer = scheduler.schedule(() -> sync.execute(this::roundDue), 0);
    }

    /** Records a dial (any thread); resumes paused rounds with an immediate one. */
    public void noteDial() {
        lastDialNanos = scheduler.nanoTime();
        if (paused) {
            sync.execute(this::resume);
        }
    }

    public boolean paused() {
        return paused;
    }

    /** Rounds completed so far (periodic and on-demand). */
    public long rounds() {
        return rounds;
    }

    private void roundDue() {
        if (closed || periodicRoundRunning) {
            return;
        }
        if (idleTimeoutNanos > 0 && scheduler.nanoTime() - lastDialNanos >= idleTimeoutNanos) {
            paused = true;
            log.debug(
                    "[{}] no dial for {}; health checks paused until the next one",
                    tag,
                    GoDuration.format(Duration.ofNanos(idleTimeoutNanos)));
            return;
        }
        runPeriodicRound();
    }

    private void resume() {
        if (!paused || closed) {
            return;
        }
        paused = false;
        log.debug("[{}] dial after an idle pause; health checks resume", tag);
        if (!periodicRoundRunning) {
            roundTimer.cancel();
            runPeriodicRound();
        }
    }

    private void runPeriodicRound() {
        periodicRoundRunning = true;
        round().whenComplete((results, error) -> sync.execute(() -> {
            periodicRoundRunning = false;
            if (!closed && !paused) {
                long jitter = (long) (random.nextDouble() * JITTER * intervalNanos);
                roundTimer = scheduler.schedule(() -> sync.execute(this::roundDue), intervalNanos + jitter);
            }
        }));
    }

    /**
     * Checks every member now (a round), joining checks already in flight. Sync context only.
     *
     * @return every checked member's result, in member order
     */
    public CompletableFuture<List<CheckResult>> round() {
        List<CompletableFuture<CheckResult>> checks = new ArrayList<>(members.size());
        for (MemberState m : members) {
            if (m.supports(Network.TCP)) {
                checks.add(check(m));
            }
        }
        CompletableFuture<List<CheckResult>> all = new CompletableFuture<>();
        CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0])).whenComplete((ignored, error) -> {
            List<CheckResult> results = new ArrayList<>(checks.size());
            for (CompletableFuture<CheckResult> c : checks) {
                results.add(c.join());
            }
            // after the member updates of the last check, in their own sync task
            sync.execute(() -> {
                if (!closed) {
                    listener.roundCompleted();
                    rounds++; // after the round's snapshot is published: whoever sees the count sees the snapshot
                }
                all.complete(List.copyOf(results));
            });
        });
        return all;
    }

    /**
     * Checks one member, or joins its check in flight. Sync context only. The future never fails: a failed check
     * is a result with an error.
     */
    public CompletableFuture<CheckResult> check(MemberState member) {
        if (member.inFlight != null) {
            return member.inFlight;
        }
        CompletableFuture<CheckResult> future = new CompletableFuture<>();
        if (closed) {
            future.complete(CheckResult.failure(member.tag, member.tier, "the balancer is closed"));
            return future;
        }
        if (!member.supports(Network.TCP)) {
            future.complete(CheckResult.failure(member.tag, member.tier, "cannot be checked: no TCP"));
            return future;
        }
        member.inFlight = future;
        waiting.add(member);
        pump();
        return future;
    }

    private void pump() {
        while (!closed && running.size() < maxConcurrent && !waiting.isEmpty()) {
            Check check = new Check(waiting.poll());
            running.add(check);
            check.start();
        }
    }

    /** Stops rounds and aborts checks in flight; their futures complete with an error. */
    public void close() {
        sync.execute(() -> {
            if (closed) {
                return;
            }
            closed = true;
            roundTimer.cancel();
            for (Check check : new ArrayList<>(running)) {
                check.finish(null, "the balancer is closed");
            }
            MemberState m;
            while ((m = waiting.poll()) != null) {
                CompletableFuture<CheckResult> future = m.inFlight;
                m.inFlight = null;
                future.complete(CheckResult.failure(m.tag, m.tier, "the balancer is closed"));
            }
        });
    }

    /** One member's check in progress: the probe and its timeout. Sync context only. */
    private final class Check implements Prober.Callback {
        private final MemberState member;
        private Scheduler.Cancellable timeout = Scheduler.Cancellable.NONE;
        private Scheduler.Cancellable probe = Scheduler.Cancellable.NONE;
        private boolean done;
        /** The member's first answer ever, taken again at once (see {@link #finish}); -1 until then. */
        private long coldSample = -1;

        Check(MemberState member) {
            this.member = member;
        }

        void start() {
            timeout = scheduler.schedule(
                    () -> sync.execute(() -> finish(
                            null,
                            "timed out after " + Duration.ofNanos(timeoutNanos).toMillis() + " ms")),
                    timeoutNanos);
            try {
                probe = prober.probe(member.outbound, this);
            } catch (RuntimeException e) {
                finish(null, "the check could not start: " + e);
            }
        }

        // Prober callbacks arrive on any thread: hand them to the sync context.
        @Override
        public void succeeded(long latencyNanos) {
            sync.execute(() -> finish(latencyNanos, null));
        }

        @Override
        public void failed(String reason) {
            sync.execute(() -> finish(null, reason));
        }

        void finish(Long latencyNanos, String error) {
            if (done) {
                return;
            }
            if (latencyNanos != null && coldSample < 0 && member.health().latencyNanos() < 0 && !closed) {
                // A member's first answer pays for warm-up: class loading and JIT in this JVM, its first TLS
                // session (631 ms where the same member answered in 24 ms two seconds later). With tolerance, such
                // a sample can lock a wrong Top-N in place; so it is taken again at once, and the faster counts.
                coldSample = latencyNanos;
                timeout.cancel();
                log.debug(
                        "[{}] check of {}: first answer {} ms, taken again (a first sample is cold)",
                        tag,
                        member.tag,
                        Duration.ofNanos(latencyNanos).toMillis());
                start();
                return;
            }
            if (latencyNanos != null && coldSample >= 0) {
                latencyNanos = Math.min(latencyNanos, coldSample);
            }
            done = true;
            timeout.cancel();
            if (latencyNanos == null) {
                probe.cancel(); // closes the connection of a check that timed out
            }
            running.remove(this);
            CheckResult result;
            if (latencyNanos != null) {
                MemberHealth before = member.health().state();
                MemberState.Health after = member.markHealthy(latencyNanos, rise, scheduler.nanoTime());
                result = CheckResult.success(member.tag, member.tier, Duration.ofNanos(latencyNanos));
                log.debug(
                        "[{}] check of {}: {} ms",
                        tag,
                        member.tag,
                        Duration.ofNanos(latencyNanos).toMillis());
                if (after.state() == MemberHealth.RECOVERING) {
                    log.info(
                            "[{}] {} is recovering: {} of {} checks passed in a row",
                            tag,
                            member.tag,
                            after.passes(),
                            rise);
                } else if (before == MemberHealth.UNHEALTHY || before == MemberHealth.RECOVERING) {
                    log.info("[{}] {} is healthy again after {} checks passed in a row", tag, member.tag, rise);
                }
            } else {
                MemberHealth before = member.health().state();
                member.markUnhealthy(error);
                result = CheckResult.failure(member.tag, member.tier, error);
                log.debug("[{}] check of {}: {}", tag, member.tag, error);
                if (before != MemberHealth.UNHEALTHY) {
                    log.info("[{}] {} is unhealthy ({}): {}", tag, member.tag, before, error);
                }
            }
            CompletableFuture<CheckResult> future = member.inFlight;
            member.inFlight = null;
            if (!closed) {
                listener.checked(member, result);
            }
            if (future != null) {
                future.complete(result);
            }
            pump();
        }
    }
}
