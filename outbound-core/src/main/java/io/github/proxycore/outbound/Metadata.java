package io.github.proxycore.outbound;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What is known about a connection besides its bytes: where it came from, where it goes, which inbound took it and
 * which rule set matched it. Outbounds use it to decide (a load balancer hashes it), never to change it; each
 * hop that learns more makes a new instance with {@link #toBuilder()}.
 *
 * <pre>{@code
 * Metadata metadata = Metadata.builder(Network.TCP, Destination.of("example.com", 443))
 *         .source(clientAddress)
 *         .inboundTag("mixed-in")
 *         .build();
 * }</pre>
 */
public final class Metadata {
    private final Network network;
    private final InetSocketAddress source;
    private final Destination destination;
    private final String inboundTag;
    private final String matchedRuleSet;
    private final String sniffedDomain;
    private final boolean external;

    private Metadata(Builder b) {
        this.network = Objects.requireNonNull(b.network, "network");
        this.destination = Objects.requireNonNull(b.destination, "destination");
        this.source = b.source;
        this.inboundTag = b.inboundTag;
        this.matchedRuleSet = b.matchedRuleSet;
        this.sniffedDomain = b.sniffedDomain;
        this.external = b.external;
    }

    /**
     * Metadata for a connection the application itself makes (a health check, a rule-set download): no source, no
     * inbound, internal.
     */
    public static Metadata internal(Network network, Destination destination) {
        return builder(network, destination).build();
    }

    /** A builder; the connection is internal until {@link Builder#external(boolean)} says otherwise. */
    public static Builder builder(Network network, Destination destination) {
        return new Builder(network, destination);
    }

    /**
     * Checks that this metadata describes a {@code network} connection to {@code destination}, as an outbound's
     * {@code dial(destination, metadata)} (TCP) or {@code listenPacket} (UDP) requires.
     *
     * @throws IllegalArgumentException naming the mismatch (another network, port or host)
     */
    public Metadata requireFor(Network network, Destination destination) {
        if (this.network != network) {
            throw new IllegalArgumentException(
                    "a " + network + " connection to " + destination + " with " + this.network + " metadata");
        }
        if (!this.destination.equals(destination)) {
            throw new IllegalArgumentException("a connection to " + destination + " with metadata for "
                    + this.destination + " (the metadata's destination is the connection's)");
        }
        return this;
    }

    public Builder toBuilder() {
        return new Builder(network, destination)
                .source(source)
                .inboundTag(inboundTag)
                .matchedRuleSet(matchedRuleSet)
                .sniffedDomain(sniffedDomain)
                .external(external);
    }

    public Network network() {
        return network;
    }

    /** The client's address, or {@code null} for internal connections. */
    public InetSocketAddress source() {
        return source;
    }

    public Destination destination() {
        return destination;
    }

    /** The tag of the inbound that accepted the connection, or {@code null}. */
    public String inboundTag() {
        return inboundTag;
    }

    /** The tag of the rule set whose rule routed the connection, or {@code null}. */
    public String matchedRuleSet() {
        return matchedRuleSet;
    }

    /** A domain learned by sniffing the first bytes (TLS SNI, HTTP Host), or {@code null}. */
    public String sniffedDomain() {
        return sniffedDomain;
    }

    /** The destination's domain, else the sniffed one, else {@code null}: the name rules and hash keys match on. */
    public String domain() {
        return destination.isDomain() ? destination.domain() : sniffedDomain;
    }

    /** Whether the connection came from an inbound (a user), as opposed to the application itself. */
    public boolean external() {
        return external;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Metadata[").append(network).append(' ');
        if (source != null) {
            out.append(
                            source.getAddress() == null
                                    ? source.getHostString()
                                    : source.getAddress().getHostAddress())
                    .append(':')
                    .append(source.getPort())
                    .append(" -> ");
        }
        out.append(destination);
        if (inboundTag != null) {
            out.append(", inbound=").append(inboundTag);
        }
        if (matchedRuleSet != null) {
            out.append(", ruleSet=").append(matchedRuleSet);
        }
        if (sniffedDomain != null) {
            out.append(", sniffed=").append(sniffedDomain);
        }
        return out.append(external ? ", external]" : ", internal]").toString();
    }

    /** Builds {@link Metadata}. */
    public static final class Builder {
        private Network network;
        private Destination destination;
        private InetSocketAddress source;
        private String inboundTag;
        private String matchedRuleSet;
        private String sniffedDomain;
        private boolean external;

        private Builder(Network network, Destination destination) {
            this.network = network;
            this.destination = destination;
        }

        public Builder network(Network network) {
            this.network = network;
            return this;
        }

        public Builder destination(Destination destination) {
            this.destination = destination;
            return this;
        }

        public Builder source(InetSocketAddress source) {
            this.source = source;
            return this;
        }

        public Builder inboundTag(String inboundTag) {
            this.inboundTag = inboundTag;
            return this;
        }

        public Builder matchedRuleSet(String matchedRuleSet) {
            this.matchedRuleSet = matchedRuleSet;
            return this;
        }

        public Builder sniffedDomain(String sniffedDomain) {
            this.sniffedDomain = sniffedDomain;
            return this;
        }

        public Builder external(boolean external) {
            this.external = external;
            return this;
        }

        public Metadata build() {
            return new Metadata(this);
        }
    }
}
