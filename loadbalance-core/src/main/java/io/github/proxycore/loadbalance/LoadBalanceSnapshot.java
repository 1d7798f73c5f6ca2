package io.github.proxycore.loadbalance;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A load balancer's state at one moment, for status pages and logs ({@link LoadBalanceOutbound#snapshot()}).
 *
 * @param tag the balancer's tag
 * @param state the tier the hysteresis state prefers ({@code backup} after {@code primary_failures} consecutive
 *     primary failures, until primaries are usable again and {@code backup_hold_time} has passed)
 * @param bootstrap whether the first health round is still running (every primary not known to be down serves)
 * @param checksPaused whether periodic checks are paused by {@code idle_timeout}
 * @param consecutivePrimaryFailures primary failures (rounds or dials without a usable primary) in a row
 * @param backupHoldRemaining how long backup state must still last ({@link Duration#ZERO} in primary state)
 * @param healthRounds health rounds completed
 * @param members every member, primaries first, in configuration order
 * @param directConnections open connections handed out through the {@code direct} empty-pool fallback
 */
public record LoadBalanceSnapshot(
        String tag,
        Tier state,
        boolean bootstrap,
        boolean checksPaused,
        int consecutivePrimaryFailures,
        Duration backupHoldRemaining,
        long healthRounds,
        List<MemberSnapshot> members,
        int directConnections) {

    /**
     * Copies the members.
     *
     * @param tag the balancer's tag
     * @param state the preferred tier
     * @param bootstrap whether the first health round is still running
     * @param checksPaused whether periodic checks are paused
     * @param consecutivePrimaryFailures primary failures in a row
     * @param backupHoldRemaining how long backup state must still last
     * @param healthRounds health rounds completed
     * @param members every member
     * @param directConnections open connections of the {@code direct} fallback
     */
    public LoadBalanceSnapshot {
        members = List.copyOf(members);
    }

    /**
     * The member with this tag.
     *
     * @param memberTag the member's tag
     * @return the member, or empty if it is not one
     */
    public Optional<MemberSnapshot> member(String memberTag) {
        return members.stream().filter(m -> m.tag().equals(memberTag)).findFirst();
    }

    /** {@return the tags of the members new connections may go to now} */
    public List<String> activeMembers() {
        return members.stream()
                .filter(MemberSnapshot::active)
                .map(MemberSnapshot::tag)
                .toList();
    }
}
