package io.github.proxycore.outbound.route;

import com.google.re2j.Pattern;
import io.github.proxycore.config.route.IpPrefix;
import io.github.proxycore.config.route.PortRange;
import io.github.proxycore.config.route.RuleConditions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@link RuleConditions} compiled for matching. sing-box semantics: the destination fields (domain, suffix,
 * keyword, regex, IP CIDR) form one group that matches if any of its items does; that group and every other set
 * field must match. Domain fields look at the destination's domain, or at the sniffed domain when the destination
 * is an IP. Immutable and thread-safe.
 */
final class Conditions {
    private final Set<Network> networks;
    private final Set<String> domains;
    private final Set<String> suffixRoots; // "example.com": the domain itself and its subdomains
    private final Set<String> subdomainSuffixes; // ".example.com", stored without the dot: subdomains only
    private final List<String> keywords;
    private final List<Pattern> regexes;
    private final IpSet ipCidrs;
    private final IpSet sourceIpCidrs;
    private final Set<Integer> ports;
    private final List<PortRange> portRanges;
    private final Set<Integer> sourcePorts;
    private final List<PortRange> sourcePortRanges;
    private final boolean hasDestinationGroup;

    Conditions(RuleConditions c) {
        networks = EnumSet.noneOf(Network.class);
        for (String n : c.network()) {
            networks.add(n.equals("udp") ? Network.UDP : Network.TCP);
        }
        domains = new HashSet<>();
        for (String d : c.domain()) {
            domains.add(normalize(d));
        }
        suffixRoots = new HashSet<>();
        subdomainSuffixes = new HashSet<>();
        for (String s : c.domainSuffix()) {
            String n = normalize(s);
            if (n.startsWith(".")) {
                subdomainSuffixes.add(n.substring(1));
            } else {
                suffixRoots.add(n);
            }
        }
        keywords = c.domainKeyword().stream().map(Conditions::normalize).toList();
        regexes = c.domainRegex().stream().map(Pattern::compile).toList();
        ipCidrs = IpSet.of(c.ipCidr().stream().map(IpPrefix::parse).toList());
        sourceIpCidrs = IpSet.of(c.sourceIpCidr().stream().map(IpPrefix::parse).toList());
        ports = new HashSet<>(c.port());
        portRanges = c.portRange().stream().map(PortRange::parse).toList();
        sourcePorts = new HashSet<>(c.sourcePort());
        sourcePortRanges = c.sourcePortRange().stream().map(PortRange::parse).toList();
        hasDestinationGroup = !domains.isEmpty()
                || !suffixRoots.isEmpty()
                || !subdomainSuffixes.isEmpty()
                || !keywords.isEmpty()
                || !regexes.isEmpty()
                || !ipCidrs.isEmpty();
    }

    private static String normalize(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    boolean matches(Metadata m) {
        if (!networks.isEmpty() && !networks.contains(m.network())) {
            return false;
        }
        if (hasDestinationGroup && !matchesDestination(m)) {
            return false;
        }
        Destination d = m.destination();
        if ((!ports.isEmpty() || !portRanges.isEmpty()) && !portMatches(d.port(), ports, portRanges)) {
            return false;
        }
        if (!sourceIpCidrs.isEmpty() && (m.source() == null || !inAny(m.source().getAddress(), sourceIpCidrs))) {
            return false;
        }
        if (!sourcePorts.isEmpty() || !sourcePortRanges.isEmpty()) {
            return m.source() != null && portMatches(m.source().getPort(), sourcePorts, sourcePortRanges);
        }
        return true;
    }

    private boolean matchesDestination(Metadata m) {
        Destination d = m.destination();
        String domain = m.domain();
        if (domain != null) {
            String n = normalize(domain);
            if (domains.contains(n) || matchesSuffix(n)) {
                return true;
            }
            for (String keyword : keywords) {
                if (n.contains(keyword)) {
                    return true;
                }
            }
            for (Pattern regex : regexes) {
                if (regex.matcher(n).find()) {
                    return true;
                }
            }
        }
        return !d.isDomain() && inAny(d.address(), ipCidrs);
    }

    /** One hash lookup per label: large suffix lists (geosite-style) cost no more than small ones. */
    private boolean matchesSuffix(String domain) {
        if (suffixRoots.contains(domain)) {
            return true;
        }
        for (int dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
            String parent = domain.substring(dot + 1);
            if (suffixRoots.contains(parent) || subdomainSuffixes.contains(parent)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inAny(InetAddress address, IpSet prefixes) {
        if (address == null || prefixes.isEmpty()) {
            return false; // most rules have no CIDRs: skip the unmapped copy of the address
        }
        return prefixes.contains(Destination.of(address, 0).address().getAddress()); // unmapped
    }

    private static boolean portMatches(int port, Set<Integer> ports, List<PortRange> ranges) {
        if (ports.contains(port)) {
            return true;
        }
        for (PortRange range : ranges) {
            if (range.contains(port)) {
                return true;
            }
        }
        return false;
    }
}
