package io.github.proxycore.config.outbound;

import io.github.proxycore.config.DialOptions;
import java.util.List;
import java.util.Objects;

/**
 * An outbound that connects straight to the destination.
 *
 * @param tag the outbound's tag
 * @param dial the dial fields
 */
public record DirectOutboundOptions(String tag, DialOptions dial) implements OutboundOptions {
    /** The {@code type} field of this outbound: {@code direct}. */
    public static final String TYPE = "direct";

    /**
     * Checks that {@code dial} is set.
     *
     * @param tag the outbound's tag
     * @param dial the dial fields
     * @throws NullPointerException if {@code dial} is {@code null}
     */
    public DirectOutboundOptions {
        Objects.requireNonNull(dial, "dial");
    }

    /**
     * A direct outbound with default dial options.
     *
     * @param tag the outbound's tag
     * @return the options
     */
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
