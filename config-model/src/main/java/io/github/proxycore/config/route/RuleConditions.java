package io.github.proxycore.config.route;

import java.util.List;

/**
 * The match fields a route rule and a rule-set rule share. sing-box semantics: items of one field match if any
 * matches; the destination fields ({@code domain}, {@code domain_suffix}, {@code domain_keyword},
 * {@code domain_regex}, {@code ip_cidr}) form one group that matches if any of them does; the groups and the other
 * fields must all match.
 *
 * @param network {@code tcp} and/or {@code udp}
 * @param domain exact destination domains
 * @param domainSuffix domain suffixes ({@code example.com} matches itself and its subdomains; {@code .example.com}
 *     only subdomains)
 * @param domainKeyword substrings of the destination domain
 * @param domainRegex regular expressions in Go's syntax (RE2, as sing-box's), found in the destination domain
 * @param ipCidr destination IP prefixes ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single address)
 * @param sourceIpCidr source IP prefixes
 * @param port destination ports
 * @param portRange destination port ranges ({@code 1000:2000}, {@code :3000}, {@code 4000:})
 * @param sourcePort source ports
 * @param sourcePortRange source port ranges
 */
public record RuleConditions(
        List<String> network,
        List<String> domain,
        List<String> domainSuffix,
        List<String> domainKeyword,
        List<String> domainRegex,
        List<String> ipCidr,
        List<String> sourceIpCidr,
        List<Integer> port,
        List<String> portRange,
        List<Integer> sourcePort,
        List<String> sourcePortRange) {

    /** No field set (a logical rule's conditions). */
    public static final RuleConditions NONE = builder().build();

    /**
     * Copies the lists, reading {@code null} as empty.
     *
     * @param network {@code network}, or {@code null}
     * @param domain {@code domain}, or {@code null}
     * @param domainSuffix {@code domain_suffix}, or {@code null}
     * @param domainKeyword {@code domain_keyword}, or {@code null}
     * @param domainRegex {@code domain_regex}, or {@code null}
     * @param ipCidr {@code ip_cidr}, or {@code null}
     * @param sourceIpCidr {@code source_ip_cidr}, or {@code null}
     * @param port {@code port}, or {@code null}
     * @param portRange {@code port_range}, or {@code null}
     * @param sourcePort {@code source_port}, or {@code null}
     * @param sourcePortRange {@code source_port_range}, or {@code null}
     */
    public RuleConditions {
        network = copy(network);
        domain = copy(domain);
        domainSuffix = copy(domainSuffix);
        domainKeyword = copy(domainKeyword);
        domainRegex = copy(domainRegex);
        ipCidr = copy(ipCidr);
        sourceIpCidr = copy(sourceIpCidr);
        port = copy(port);
        portRange = copy(portRange);
        sourcePort = copy(sourcePort);
        sourcePortRange = copy(sourcePortRange);
    }

    /** {@return whether no field is set} */
    public boolean isEmpty() {
        return network.isEmpty()
                && domain.isEmpty()
                && domainSuffix.isEmpty()
                && domainKeyword.isEmpty()
                && domainRegex.isEmpty()
                && ipCidr.isEmpty()
                && sourceIpCidr.isEmpty()
                && port.isEmpty()
                && portRange.isEmpty()
                && sourcePort.isEmpty()
                && sourcePortRange.isEmpty();
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    /** {@return a builder with no field set} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link RuleConditions}; fields left unset match anything. */
    public static final class Builder {
        private List<String> network = List.of();
        private List<String> domain = List.of();
        private List<String> domainSuffix = List.of();
        private List<String> domainKeyword = List.of();
        private List<String> domainRegex = List.of();
        private List<String> ipCidr = List.of();
        private List<String> sourceIpCidr = List.of();
        private List<Integer> port = List.of();
        private List<String> portRange = List.of();
        private List<Integer> sourcePort = List.of();
        private List<String> sourcePortRange = List.of();

        private Builder() {}

        /**
         * Sets {@code network}: the networks; default empty (any).
         *
         * @param network {@code "tcp"} and/or {@code "udp"}
         * @return this builder
         */
        public Builder network(List<String> network) {
            this.network = network;
            return this;
        }

        /**
         * Sets {@code domain}: exact destination domains; default empty (any).
         *
         * @param domain the domains
         * @return this builder
         */
        public Builder domain(List<String> domain) {
            this.domain = domain;
            return this;
        }

        /**
         * Sets {@code domain_suffix}: domain suffixes ({@code example.com} matches itself and its subdomains, {@code
         * .example.com} only subdomains); default empty (any).
         *
         * @param domainSuffix the suffixes
         * @return this builder
         */
        public Builder domainSuffix(List<String> domainSuffix) {
            this.domainSuffix = domainSuffix;
            return this;
        }

        /**
         * Sets {@code domain_keyword}: substrings of the destination domain; default empty (any).
         *
         * @param domainKeyword the substrings
         * @return this builder
         */
        public Builder domainKeyword(List<String> domainKeyword) {
            this.domainKeyword = domainKeyword;
            return this;
        }

        /**
         * Sets {@code domain_regex}: regular expressions in Go's syntax (RE2, as sing-box's, matched in linear time)
         * found in the destination domain; default empty (any).
         *
         * @param domainRegex the expressions
         * @return this builder
         */
        public Builder domainRegex(List<String> domainRegex) {
            this.domainRegex = domainRegex;
            return this;
        }

        /**
         * Sets {@code ip_cidr}: destination IP prefixes; default empty (any).
         *
         * @param ipCidr prefixes or single addresses, e.g. {@code 10.0.0.0/8}
         * @return this builder
         */
        public Builder ipCidr(List<String> ipCidr) {
            this.ipCidr = ipCidr;
            return this;
        }

        /**
         * Sets {@code source_ip_cidr}: source IP prefixes; default empty (any).
         *
         * @param sourceIpCidr prefixes or single addresses
         * @return this builder
         */
        public Builder sourceIpCidr(List<String> sourceIpCidr) {
            this.sourceIpCidr = sourceIpCidr;
            return this;
        }

        /**
         * Sets {@code port}: destination ports; default empty (any).
         *
         * @param port the ports
         * @return this builder
         */
        public Builder port(List<Integer> port) {
            this.port = port;
            return this;
        }

        /**
         * Sets {@code port_range}: destination port ranges; default empty (any).
         *
         * @param portRange ranges such as {@code 1000:2000}, {@code :3000} or {@code 4000:}
         * @return this builder
         */
        public Builder portRange(List<String> portRange) {
            this.portRange = portRange;
            return this;
        }

        /**
         * Sets {@code source_port}: source ports; default empty (any).
         *
         * @param sourcePort the ports
         * @return this builder
         */
        public Builder sourcePort(List<Integer> sourcePort) {
            this.sourcePort = sourcePort;
            return this;
        }

        /**
         * Sets {@code source_port_range}: source port ranges; default empty (any).
         *
         * @param sourcePortRange ranges such as {@code 1000:2000}
         * @return this builder
         */
        public Builder sourcePortRange(List<String> sourcePortRange) {
            this.sourcePortRange = sourcePortRange;
            return this;
        }

        /** {@return the conditions; their values are checked when the configuration is validated} */
        public RuleConditions build() {
            return new RuleConditions(
                    network,
                    domain,
                    domainSuffix,
                    domainKeyword,
                    domainRegex,
                    ipCidr,
                    sourceIpCidr,
                    port,
                    portRange,
                    sourcePort,
                    sourcePortRange);
        }
    }
}
