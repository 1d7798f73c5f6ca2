package io.github.proxycore.config.route;

import java.time.Duration;

/**
 * A rule set downloaded from a URL.
 *
 * @param tag the rule set's tag
 * @param format the file format
 * @param url where to download it
 * @param downloadDetour tag of the outbound to download through, or {@code null} for the default
 * @param updateInterval how often to download it again (default 1d)
 */
public record RemoteRuleSet(
        String tag, RuleSetFormat format, String url, String downloadDetour, Duration updateInterval)
        implements RuleSetOptions {
    /** The {@code type} field of this rule set: {@code remote}. */
    public static final String TYPE = "remote";
    /** The default {@code update_interval}: 1 day. */
    public static final Duration DEFAULT_UPDATE_INTERVAL = Duration.ofDays(1);

    @Override
    public String type() {
        return TYPE;
    }
}
