package io.github.proxycore.examples.thirdparty;

import io.github.proxycore.config.spi.ConfigChecks;
import io.github.proxycore.config.spi.ConfigObject;
import io.github.proxycore.config.spi.OutboundType;

/** The {@code pinned} type's JSON binding and validation, found through {@code META-INF/services}. */
public final class PinnedOutboundType implements OutboundType<PinnedOutboundOptions> {
    @Override
    public String type() {
        return PinnedOutboundOptions.TYPE;
    }

    @Override
    public Class<PinnedOutboundOptions> optionsClass() {
        return PinnedOutboundOptions.class;
    }

    @Override
    public PinnedOutboundOptions bind(String tag, ConfigObject json) {
        return new PinnedOutboundOptions(
                tag,
                json.requiredString("address"),
                json.integer("port", 0),
                json.requiredString("via"),
                json.secret("token"));
    }

    @Override
    public void validate(PinnedOutboundOptions options, ConfigChecks checks) {
        checks.required(options.address(), "address");
        checks.port(options.port(), 1, "port");
        checks.required(options.via(), "via");
        checks.outboundReference(options.via(), "via");
        if (options.token() != null && options.token().length() < 8) {
            checks.problem("token", "must be at least 8 characters");
        }
    }
}
