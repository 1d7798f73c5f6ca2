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
 * @param domainRegex Java regular expressions matched against the destination domain
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

    public static final RuleConditions NONE = builder().build();

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

    /** Whether no field is set. */
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

        public Builder network(List<String> network) {
            this.network = network;
            return this;
        }

        public Builder domain(List<String> domain) {
            this.domain = domain;
            return this;
        }

        public Builder domainSuffix(List<String> domainSuffix) {
            this.domainSuffix = domainSuffix;
            return this;
        }

        public Builder domainKeyword(List<String> domainKeyword) {
            this.domainKeyword = domainKeyword;
            return this;
        }

        public Builder domainRegex(List<String> domainRegex) {
            this.domainRegex = domainRegex;
            return this;
        }

        public Builder ipCidr(List<String> ipCidr) {
            this.ipCidr = ipCidr;
            return this;
        }

        public Builder sourceIpCidr(List<String> sourceIpCidr) {
            this.sourceIpCidr = sourceIpCidr;
            return this;
        }

        public Builder port(List<Integer> port) {
            this.port = port;
            return this;
        }

        public Builder portRange(List<String> portRange) {
            this.portRange = portRange;
            return this;
        }

        public Builder sourcePort(List<Integer> sourcePort) {
            this.sourcePort = sourcePort;
            return this;
        }

        public Builder sourcePortRange(List<String> sourcePortRange) {
            this.sourcePortRange = sourcePortRange;
            return this;
        }

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
