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
     *
     * @param network the connection's network
     * @param destination where it goes
     * @return the metadata
     */
    public static Metadata internal(Network network, Destination destination) {
        return builder(network, destination).build();
    }

    /**
     * A builder; the connection is internal until {@link Builder#external(boolean)} says otherwise.
     *
     * @param network the connection's network
     * @param destination where it goes
     * @return the builder
     */
    public static Builder builder(Network network, Destination destination) {
        return new Builder(network, destination);
    }

    /**
     * Checks that this metadata describes a {@code network} connection to {@code destination}, as an outbound's
     * {@code dial(destination, metadata)} (TCP) or {@code listenPacket} (UDP) requires.
     *
     * @param network the connection's network
     * @param destination the connection's destination
     * @return this metadata
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

    /** {@return a builder holding this metadata, to make a changed copy} */
    public Builder toBuilder() {
        return new Builder(network, destination)
                .source(source)
                .inboundTag(inboundTag)
                .matchedRuleSet(matchedRuleSet)
                .sniffedDomain(sniffedDomain)
                .external(external);
    }

    /** {@return the connection's network: TCP, or UDP for a packet flow} */
    public Network network() {
        return network;
    }

    /** {@return the client's address, or {@code null} for internal connections} */
    public InetSocketAddress source() {
        return source;
    }

    /** {@return where the connection goes} */
    public Destination destination() {
        return destination;
    }

    /** {@return the tag of the inbound that accepted the connection, or {@code null}} */
    public String inboundTag() {
        return inboundTag;
    }

    /** {@return the tag of the rule set whose rule routed the connection, or {@code null}} */
    public String matchedRuleSet() {
        return matchedRuleSet;
    }

    /** {@return a domain learned by sniffing the first bytes (TLS SNI, HTTP Host), or {@code null}} */
    public String sniffedDomain() {
        return sniffedDomain;
    }

    /**
     * {@return the destination's domain, else the sniffed one, else {@code null}: the name rules and hash keys match
     * on}
     */
    public String domain() {
        return destination.isDomain() ? destination.domain() : sniffedDomain;
    }

    /** {@return whether the connection came from an inbound (a user), as opposed to the application itself} */
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

        /**
         * Sets the network.
         *
         * @param network TCP or UDP; required
         * @return this builder
         */
        public Builder network(Network network) {
            this.network = network;
            return this;
        }

        /**
         * Sets the destination.
         *
         * @param destination where the connection goes; required
         * @return this builder
         */
        public Builder destination(Destination destination) {
            this.destination = destination;
            return this;
        }

        /**
         * Sets the client's address.
         *
         * @param source the address, or {@code null} (the default) for none
         * @return this builder
         */
        public Builder source(InetSocketAddress source) {
            this.source = source;
            return this;
        }

        /**
         * Sets the tag of the inbound that accepted the connection.
         *
         * @param inboundTag the tag, or {@code null} (the default)
         * @return this builder
         */
        public Builder inboundTag(String inboundTag) {
            this.inboundTag = inboundTag;
            return this;
        }

        /**
         * Sets the tag of the rule set whose rule routed the connection.
         *
         * @param matchedRuleSet the tag, or {@code null} (the default)
         * @return this builder
         */
        public Builder matchedRuleSet(String matchedRuleSet) {
            this.matchedRuleSet = matchedRuleSet;
            return this;
        }

        /**
         * Sets the domain learned by sniffing.
         *
         * @param sniffedDomain the domain, or {@code null} (the default)
         * @return this builder
         */
        public Builder sniffedDomain(String sniffedDomain) {
            this.sniffedDomain = sniffedDomain;
            return this;
        }

        /**
         * Sets whether the connection came from an inbound; default {@code false} (internal).
         *
         * @param external {@code true} for a user's connection
         * @return this builder
         */
        public Builder external(boolean external) {
            this.external = external;
            return this;
        }

        /**
         * Builds the metadata.
         *
         * @return the metadata
         * @throws NullPointerException if the network or the destination is {@code null}
         */
        public Metadata build() {
            return new Metadata(this);
        }
    }
}
