package io.github.proxycore.outbound.sniff;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How an inbound should sniff a connection before routing it.
 *
 * @param sniffers the sniffers to run (empty: every one)
 * @param timeout how long to wait for the first bytes; the connection is routed without a name after that
 * @param overrideDestination replace an IP destination with the sniffed domain (sing-box's legacy
 *     {@code sniff_override_destination}); otherwise the name only fills the metadata's sniffed domain
 */
public record SniffRequest(List<String> sniffers, Duration timeout, boolean overrideDestination) {
    /**
     * Copies the sniffer names.
     *
     * @param sniffers the sniffers to run (empty: every one)
     * @param timeout how long to wait for the first bytes
     * @param overrideDestination replace an IP destination with the sniffed domain
     * @throws NullPointerException if {@code sniffers} or {@code timeout} is {@code null}
     */
    public SniffRequest {
        sniffers = List.copyOf(sniffers);
        Objects.requireNonNull(timeout, "timeout");
    }
}
