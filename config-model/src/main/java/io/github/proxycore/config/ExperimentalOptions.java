package io.github.proxycore.config;

/**
 * The {@code experimental} section; of sing-box's experimental features proxycore has the Clash-style status API.
 *
 * @param clashApi the status endpoint, or {@code null} for none
 */
public record ExperimentalOptions(ClashApiOptions clashApi) {
    /** Nothing experimental. */
    public static final ExperimentalOptions NONE = new ExperimentalOptions(null);
}
