package io.github.proxycore.examples.thirdparty;

import io.github.proxycore.config.outbound.OutboundOptions;
import java.util.List;

/**
 * The options of a third-party outbound type, {@code pinned}, that exists only in this test code: it sends every
 * connection to one fixed address, through another outbound ({@code via}). Its JSON:
 *
 * <pre>{@code
 * {"type": "pinned", "tag": "pin", "address": "127.0.0.1", "port": 8080, "via": "direct", "token": "..."}
 * }</pre>
 *
 * @param token a secret (it is never echoed in an error), at least 8 characters
 */
public record PinnedOutboundOptions(String tag, String address, int port, String via, String token)
        implements OutboundOptions {
    public static final String TYPE = "pinned";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> dependencies() {
        return via == null ? List.of() : List.of(via);
    }
}
