package io.github.proxycore.config.outbound;

/** An outbound that refuses every connection. */
public record BlockOutboundOptions(String tag) implements OutboundOptions {
    public static final String TYPE = "block";

    @Override
    public String type() {
        return TYPE;
    }
}
