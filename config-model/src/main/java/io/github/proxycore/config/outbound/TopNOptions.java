package io.github.proxycore.config.outbound;

/**
 * How many of the fastest healthy members of each tier are used. 0 means all of them.
 *
 * @param primary fastest primaries used (0: all healthy primaries)
 * @param backup fastest backups used (0: all healthy backups)
 */
public record TopNOptions(int primary, int backup) {
    /** All healthy members of both tiers. */
    public static final TopNOptions ALL = new TopNOptions(0, 0);
}
