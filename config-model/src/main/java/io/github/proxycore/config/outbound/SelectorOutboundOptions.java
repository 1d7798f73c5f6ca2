package io.github.proxycore.config.outbound;

import java.util.List;

/**
 * The {@code selector} outbound, as sing-box has it: connections go to the member selected now, which starts as
 * {@code default} (or the first member) and is switched through the Clash API ({@code PUT /proxies/{tag}}).
 *
 * <pre>{@code
 * new SelectorOutboundOptions("proxy", List.of("lb", "direct"), "lb", false)
 * }</pre>
 *
 * @param tag the outbound's tag
 * @param outbounds tags of the members (required, non-empty)
 * @param defaultOutbound the member selected at start ({@code default}); {@code null}: the first
 * @param interruptExistConnections when the selection changes, also close inbound connections going through the
 *     member that was selected (the application's own connections are closed in any case)
 */
public record SelectorOutboundOptions(
        String tag, List<String> outbounds, String defaultOutbound, boolean interruptExistConnections)
        implements OutboundOptions {
    /** The {@code type} field's value. */
    public static final String TYPE = "selector";

    /**
     * Copies the member list; {@code null} is none.
     *
     * @param tag {@code tag}
     * @param outbounds {@code outbounds}
     * @param defaultOutbound {@code default}, or {@code null}
     * @param interruptExistConnections {@code interrupt_exist_connections}
     */
    public SelectorOutboundOptions {
        outbounds = outbounds == null ? List.of() : List.copyOf(outbounds);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<String> dependencies() {
        return outbounds;
    }

    /** {@return the member selected at start: {@link #defaultOutbound()}, else the first} */
    public String initialOutbound() {
        if (defaultOutbound != null && !defaultOutbound.isEmpty()) {
            return defaultOutbound;
        }
        return outbounds.isEmpty() ? null : outbounds.get(0);
    }
}
