package io.github.proxycore.config.internal.types;

import io.github.proxycore.config.outbound.DirectOutboundOptions;
import io.github.proxycore.config.spi.ConfigChecks;
import io.github.proxycore.config.spi.ConfigObject;
import io.github.proxycore.config.spi.OutboundType;

/** The {@code direct} outbound's JSON. */
public final class DirectType implements OutboundType<DirectOutboundOptions> {
    @Override
    public String type() {
        return DirectOutboundOptions.TYPE;
    }

    @Override
    public Class<DirectOutboundOptions> optionsClass() {
        return DirectOutboundOptions.class;
    }

    @Override
    public DirectOutboundOptions bind(String tag, ConfigObject json) {
        DirectOutboundOptions options = new DirectOutboundOptions(tag, json.dialOptions());
        json.unsupported("override_address", "use a route rule instead");
        json.unsupported("override_port", "use a route rule instead");
        return options;
    }

    @Override
    public void validate(DirectOutboundOptions options, ConfigChecks checks) {
        checks.dialOptions(options.dial());
    }
}
