package io.github.proxycore.config.outbound;

/**
 * An outbound that refuses every connection.
 *
 * @param tag the outbound's tag
 */
public record BlockOutboundOptions(String tag) implements OutboundOptions {
    /** The {@code type} field of this outbound: {@code block}. */
    public static final String TYPE = "block";

    @Override
    public String type() {
        return TYPE;
    }
}
