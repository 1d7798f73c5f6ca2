package io.github.proxycore.loadbalance;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one health check of one member: the latency from the start of the dial to the response headers,
 * or why it failed.
 *
 * @param tag the member's tag
 * @param tier the member's tier
 * @param latency the measured latency, or {@code null} if the check failed
 * @param error why the check failed (a timeout, a refused connection, a certificate problem), or {@code null}
 */
public record CheckResult(String tag, Tier tier, Duration latency, String error) {

    /**
     * Checks that exactly one of {@code latency} and {@code error} is set.
     *
     * @param tag the member's tag
     * @param tier the member's tier
     * @param latency the latency, or {@code null}
     * @param error why the check failed, or {@code null}
     * @throws NullPointerException if {@code tag} or {@code tier} is {@code null}
     * @throws IllegalArgumentException unless exactly one of {@code latency} and {@code error} is set
     */
    public CheckResult {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(tier, "tier");
        if ((latency == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of latency and error must be set");
        }
    }

    /**
     * A passed check.
     *
     * @param tag the member's tag
     * @param tier the member's tier
     * @param latency the measured latency
     * @return the result
     */
    public static CheckResult success(String tag, Tier tier, Duration latency) {
        return new CheckResult(tag, tier, Objects.requireNonNull(latency, "latency"), null);
    }

    /**
     * A failed check.
     *
     * @param tag the member's tag
     * @param tier the member's tier
     * @param error why it failed
     * @return the result
     */
    public static CheckResult failure(String tag, Tier tier, String error) {
        return new CheckResult(tag, tier, null, Objects.requireNonNull(error, "error"));
    }

    /** {@return whether the member answered in time} */
    public boolean isSuccess() {
        return latency != null;
    }
}
