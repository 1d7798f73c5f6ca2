package io.github.proxycore.config.internal.types;

import io.github.proxycore.config.GoDuration;
import io.github.proxycore.config.outbound.UrlTestOutboundOptions;
import io.github.proxycore.config.spi.ConfigChecks;
import io.github.proxycore.config.spi.ConfigObject;
import io.github.proxycore.config.spi.OutboundType;
import java.time.Duration;

/** The {@code urltest} outbound's JSON, as sing-box writes it ({@code tolerance} a number of ms). */
public final class UrlTestType implements OutboundType<UrlTestOutboundOptions> {
    @Override
    public String type() {
        return UrlTestOutboundOptions.TYPE;
    }

    @Override
    public Class<UrlTestOutboundOptions> optionsClass() {
        return UrlTestOutboundOptions.class;
    }

    @Override
    public UrlTestOutboundOptions bind(String tag, ConfigObject o) {
        if (!o.has("outbounds")) {
            o.problem("outbounds", "missing required field");
        }
        return new UrlTestOutboundOptions(
                tag,
                o.strings("outbounds"),
                o.string("url", ""),
                o.duration("interval", UrlTestOutboundOptions.DEFAULT_INTERVAL),
                Duration.ofMillis(o.integer("tolerance", 0)),
                o.duration("idle_timeout", UrlTestOutboundOptions.DEFAULT_IDLE_TIMEOUT),
                o.bool("interrupt_exist_connections", false));
    }

    @Override
    public void validate(UrlTestOutboundOptions o, ConfigChecks c) {
        SelectorType.members(o.outbounds(), c);
        c.httpUrl(o.url(), "url");
        c.positive(o.interval(), "interval");
        c.nonNegative(o.tolerance(), "tolerance");
        c.positive(o.idleTimeout(), "idle_timeout");
        if (!o.interval().isNegative()
                && !o.idleTimeout().isNegative()
                && o.idleTimeout().compareTo(o.interval()) < 0) {
            c.problem(
                    "idle_timeout",
                    "must be at least the interval (" + GoDuration.format(o.interval()) + "), got "
                            + GoDuration.format(o.idleTimeout()));
        }
    }
}
