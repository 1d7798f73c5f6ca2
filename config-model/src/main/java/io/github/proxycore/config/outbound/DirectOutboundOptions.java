package io.github.proxycore.config.outbound;

import io.github.proxycore.config.DialOptions;
import java.util.List;
import java.util.Objects;

/** An outbound that connects straight to the destination. */
public record DirectOutboundOptions(String tag, DialOptions dial) implements OutboundOptions {
    public static final String TYPE = "direct";

    public DirectOutboundOptions {
        Objects.requireNonNull(dial, "dial");
    }

    /** A direct outbound with default dial options. */
    public static DirectOutboundOptions of(String tag) {
        return new DirectOutboundOptions(tag, DialOptions.DEFAULT);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> dependencies() {
        return dial.detourDependency();
    }
}
