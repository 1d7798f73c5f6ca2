package io.github.proxycore.outbound.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.route.HeadlessRule;
import io.github.proxycore.config.route.IpPrefix;
import io.github.proxycore.config.route.RuleSetFormat;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.route.ruleset.RuleSetReader;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real published rule sets (../shared/rulesets beside the repository, not copied in): each binary v2 file and its
 * JSON source twin must match the same probes, and the v1 files must match their obvious members.
 */
class RuleSetTwinTest {
    static Path shared() {
        // tests run in the module directory; the repository root is its parent, ../shared sits beside that
        Path dir = Path.of("")
                .toAbsolutePath()
                .getParent()
                .resolveSibling("shared")
                .resolve("rulesets");
        assertThat(dir).as("the shared rule sets beside the repository").isDirectory();
        return dir;
    }

    static Stream<String> twins() throws Exception {
        try (Stream<Path> files = Files.list(shared().resolve("v2"))) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".srs"))
                    .map(n -> n.substring(0, n.length() - 4))
                    .sorted()
                    .toList();
            assertThat(names).hasSizeGreaterThanOrEqualTo(8);
            return names.stream();
        }
    }

    static List<HeadlessRule> read(Path file) throws Exception {
        RuleSetFormat format = file.toString().endsWith(".srs") ? RuleSetFormat.BINARY : RuleSetFormat.SOURCE;
        return RuleSetReader.read(Files.readAllBytes(file), format, file.toString());
    }

    @ParameterizedTest
    @MethodSource("twins")
    void binaryAndSourceTwinsMatchTheSameProbes(String name) throws Exception {
        Path v2 = shared().resolve("v2");
        List<HeadlessRule> source = read(v2.resolve(name + ".json"));
        RuleSetMatcher fromSource = RuleSetMatcher.compile(source);
        RuleSetMatcher fromBinary = RuleSetMatcher.compile(read(v2.resolve(name + ".srs")));
        Set<Metadata> probes = probes(source);
        int matched = 0;
        for (Metadata probe : probes) {
            boolean expected = fromSource.matches(probe);
            assertThat(fromBinary.matches(probe))
                    .as("%s: %s", name, probe.destination())
                    .isEqualTo(expected);
            matched += expected ? 1 : 0;
        }
        // the probes exercise both outcomes, so the comparison can fail
        assertThat(matched).as("probes that match").isPositive();
        assertThat(probes.size() - matched).as("probes that miss").isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"geosite-google", "geosite-netflix", "geosite-openai", "geoip-cn"})
    void versionOneFilesMatchTheirObviousMembers(String name) throws Exception {
        Path file = shared().resolve("v1").resolve(name + ".srs");
        assertThat(io.github.proxycore.outbound.route.ruleset.SrsDecoder.version(Files.readAllBytes(file)))
                .isEqualTo(1);
        RuleSetMatcher set = RuleSetMatcher.compile(read(file));
        List<String> members;
        List<String> strangers = List.of("example.com", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111");
        switch (name) {
            case "geosite-google" -> members = List.of("google.com", "www.google.com", "mail.google.com");
            case "geosite-netflix" -> members = List.of("netflix.com", "www.netflix.com", "nflxvideo.net");
            case "geosite-openai" -> members = List.of("openai.com", "api.openai.com", "chatgpt.com");
            default -> members = List.of("114.114.114.114", "223.5.5.5", "202.96.128.86");
        }
        for (String member : members) {
            assertThat(set.matches(probe(member))).as("%s has %s", name, member).isTrue();
        }
        for (String stranger : strangers) {
            assertThat(set.matches(probe(stranger)))
                    .as("%s lacks %s", name, stranger)
                    .isFalse();
        }
    }

    private static Metadata probe(String host) {
        return Metadata.builder(Network.TCP, Destination.of(host, 443)).build();
    }

    /** Names from the lists, sub-domains and near misses; IPs at, inside and just outside each prefix's edges. */
    static Set<Metadata> probes(List<HeadlessRule> rules) throws Exception {
        Set<String> hosts = new LinkedHashSet<>();
        List<HeadlessRule> all = new ArrayList<>();
        flatten(rules, all);
        for (HeadlessRule rule : all) {
            for (String d : rule.conditions().domain()) {
                names(d, hosts);
            }
            for (String s : rule.conditions().domainSuffix()) {
                names(s.startsWith(".") ? s.substring(1) : s, hosts);
            }
            for (String k : rule.conditions().domainKeyword()) {
                hosts.add("pre" + k + "post.example");
                hosts.add(k.substring(0, k.length() - 1) + ".example");
            }
            for (String cidr : rule.conditions().ipCidr()) {
                addresses(IpPrefix.parse(cidr), hosts);
            }
        }
        hosts.add("example.com");
        Set<Metadata> probes = new LinkedHashSet<>();
        for (String host : hosts) {
            probes.add(probe(host));
        }
        return probes;
    }

    private static void flatten(List<HeadlessRule> rules, List<HeadlessRule> out) {
        for (HeadlessRule rule : rules) {
            out.add(rule);
            flatten(rule.rules(), out);
        }
    }

    private static void names(String name, Set<String> out) {
        out.add(name);
        out.add("www." + name);
        out.add("x" + name); // no dot: not a subdomain
        out.add(name + "x"); // another top-level label
        int dot = name.indexOf('.');
        if (dot > 0) {
            out.add(name.substring(dot + 1)); // the parent
        }
    }

    private static void addresses(IpPrefix prefix, Set<String> out) throws Exception {
        int width = prefix.addressLength() * 8;
        BigInteger first = new BigInteger(1, prefix.networkAddress());
        BigInteger last =
                first.add(BigInteger.ONE.shiftLeft(width - prefix.bits())).subtract(BigInteger.ONE);
        BigInteger max = BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE);
        for (BigInteger a : List.of(
                first,
                last,
                first.subtract(BigInteger.ONE),
                last.add(BigInteger.ONE),
                first.add(last).shiftRight(1))) {
            if (a.signum() >= 0 && a.compareTo(max) <= 0) {
                out.add(text(a, width / 8));
            }
        }
    }

    private static String text(BigInteger value, int length) throws Exception {
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, bytes, length - copy, copy);
        return InetAddress.getByAddress(bytes).getHostAddress();
    }
}
