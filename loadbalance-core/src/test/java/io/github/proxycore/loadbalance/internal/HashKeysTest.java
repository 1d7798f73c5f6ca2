package io.github.proxycore.loadbalance.internal;

import static io.github.proxycore.config.outbound.HashKeyPart.DOMAIN;
import static io.github.proxycore.config.outbound.HashKeyPart.DST_IP;
import static io.github.proxycore.config.outbound.HashKeyPart.DST_PORT;
import static io.github.proxycore.config.outbound.HashKeyPart.ETLD_PLUS_ONE;
import static io.github.proxycore.config.outbound.HashKeyPart.INBOUND_TAG;
import static io.github.proxycore.config.outbound.HashKeyPart.MATCHED_RULESET;
import static io.github.proxycore.config.outbound.HashKeyPart.MATCHED_RULESET_OR_ETLD;
import static io.github.proxycore.config.outbound.HashKeyPart.NETWORK;
import static io.github.proxycore.config.outbound.HashKeyPart.SRC_IP;
import static io.github.proxycore.config.outbound.HashKeyPart.SRC_PORT;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.outbound.HashKeyPart;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashKeysTest {

    private static String key(String salt, List<HashKeyPart> parts, Metadata m) {
        return new HashKeys(parts, salt, new EtldPlusOne()).keyString(m);
    }

    private static String key(List<HashKeyPart> parts, Metadata m) {
        return key("", parts, m);
    }

    private static Metadata.Builder from(String srcIp, int srcPort, String host, int port) throws Exception {
        return Metadata.builder(Network.TCP, Destination.of(host, port))
                .source(new InetSocketAddress(InetAddress.getByName(srcIp), srcPort));
    }

    /** The hash-key construction of docs/loadbalance.md (Hash keys), with every example. */
    @Test
    void seedKeyTable() throws Exception {
        assertThat(key(
                        List.of(SRC_IP, DST_PORT),
                        from("192.168.1.100", 50000, "example.com", 443).build()))
                .isEqualTo("192.168.1.100|443");
        Metadata google = from("10.0.0.1", 50000, "www.google.com", 443)
                .matchedRuleSet("geosite-google")
                .build();
        assertThat(key(List.of(SRC_IP, MATCHED_RULESET), google)).isEqualTo("10.0.0.1|geosite-google");
        Metadata api = from("10.0.0.1", 50000, "api.example.com", 443).build();
        assertThat(key(List.of(SRC_IP, ETLD_PLUS_ONE), api)).isEqualTo("10.0.0.1|example.com");
        assertThat(key("prod-", List.of(SRC_IP, ETLD_PLUS_ONE), api)).isEqualTo("prod-10.0.0.1|example.com");
    }

    /** The key-part table of docs/loadbalance.md: each part's example value. */
    @Test
    void everyKeyPart() throws Exception {
        Metadata m = Metadata.builder(Network.UDP, Destination.of("8.8.8.8", 443))
                .source(new InetSocketAddress(InetAddress.getByName("192.168.1.100"), 12345))
                .inboundTag("mixed-in")
                .matchedRuleSet("geosite-netflix")
                .sniffedDomain("api.example.com")
                .build();
        assertThat(key(List.of(SRC_IP), m)).isEqualTo("192.168.1.100");
        assertThat(key(List.of(DST_IP), m)).isEqualTo("8.8.8.8");
        assertThat(key(List.of(SRC_PORT), m)).isEqualTo("12345");
        assertThat(key(List.of(DST_PORT), m)).isEqualTo("443");
        assertThat(key(List.of(NETWORK), m)).isEqualTo("udp");
        assertThat(key(List.of(NETWORK), m.toBuilder().network(Network.TCP).build()))
                .isEqualTo("tcp");
        assertThat(key(List.of(DOMAIN), m)).isEqualTo("api.example.com");
        assertThat(key(List.of(INBOUND_TAG), m)).isEqualTo("mixed-in");
        assertThat(key(List.of(MATCHED_RULESET), m)).isEqualTo("geosite-netflix");
        assertThat(key(List.of(ETLD_PLUS_ONE), m)).isEqualTo("example.com");
        assertThat(key(List.of(MATCHED_RULESET_OR_ETLD), m)).isEqualTo("geosite-netflix");
        assertThat(key(List.of(HashKeyPart.values()), m))
                .isEqualTo("192.168.1.100|8.8.8.8|12345|443|udp"
                        + "|api.example.com|mixed-in|geosite-netflix|example.com|geosite-netflix");
    }

    /** matched_ruleset_or_etld as docs/loadbalance.md describes it, with complete examples. */
    @Test
    void matchedRulesetOrEtldTables() throws Exception {
        List<HashKeyPart> part = List.of(MATCHED_RULESET_OR_ETLD);
        assertThat(key(
                        part,
                        from("192.168.1.100", 1, "api.netflix.com", 443)
                                .matchedRuleSet("geosite-netflix")
                                .build()))
                .isEqualTo("geosite-netflix");
        assertThat(key(part, from("192.168.1.100", 1, "cdn.example.com", 443).build()))
                .isEqualTo("example.com");
        assertThat(key(part, from("192.168.1.100", 1, "a.b.example.com", 443).build()))
                .isEqualTo("example.com");
        assertThat(key(part, from("192.168.1.100", 1, "www.example.co.uk", 443).build()))
                .isEqualTo("example.co.uk");
        assertThat(key(part, from("192.168.1.100", 1, "8.8.8.8", 443).build())).isEqualTo("-");

        List<HashKeyPart> smart = List.of(SRC_IP, MATCHED_RULESET_OR_ETLD);
        assertThat(key(
                        smart,
                        from("192.168.1.100", 1, "api.netflix.com", 443)
                                .matchedRuleSet("geosite-netflix")
                                .build()))
                .isEqualTo("192.168.1.100|geosite-netflix");
        assertThat(key(
                        smart,
                        from("192.168.1.100", 1, "www.google.com", 443)
                                .matchedRuleSet("geosite-google")
                                .build()))
                .isEqualTo("192.168.1.100|geosite-google");
        assertThat(key(smart, from("192.168.1.100", 1, "cdn1.example.com", 443).build()))
                .isEqualTo("192.168.1.100|example.com");
        assertThat(key(smart, from("192.168.1.100", 1, "cdn2.example.com", 443).build()))
                .isEqualTo("192.168.1.100|example.com");
        assertThat(key(smart, from("192.168.1.100", 1, "api.other.com", 443).build()))
                .isEqualTo("192.168.1.100|other.com");
    }

    /** Subdomains share a member; example.com and example.co.uk are different sites (eTLD+1, docs/loadbalance.md). */
    @Test
    void etldExampleOnTheRing() throws Exception {
        HashKeys keys = new HashKeys(List.of(SRC_IP, ETLD_PLUS_ONE), "", new EtldPlusOne());
        HashRing ring = HashRing.build(List.of("proxy-1", "proxy-2", "proxy-3", "proxy-4"), 100);
        int api = ring.lookup(
                hash(keys, from("192.168.1.100", 1, "api.example.com", 443).build()));
        int cdn = ring.lookup(
                hash(keys, from("192.168.1.100", 2, "cdn.example.com", 443).build()));
        int com = ring.lookup(
                hash(keys, from("192.168.1.100", 3, "example.com", 443).build()));
        int couk = ring.lookup(
                hash(keys, from("192.168.1.100", 4, "example.co.uk", 443).build()));
        assertThat(cdn).isEqualTo(api).isEqualTo(com);
        assertThat(couk).isNotEqualTo(com);
    }

    private static long hash(HashKeys keys, Metadata m) {
        KeyBuffer buffer = HashKeys.buffer();
        keys.write(m, buffer);
        return buffer.hash();
    }

    @Test
    void missingPartsAreDashesAndReportedWhenAllAreMissing() throws Exception {
        HashKeys keys = new HashKeys(List.of(SRC_IP, MATCHED_RULESET, INBOUND_TAG), "", new EtldPlusOne());
        KeyBuffer buffer = new KeyBuffer();
        Metadata some = from("10.0.0.1", 1, "example.com", 80).build();
        assertThat(keys.write(some, buffer)).isTrue();
        assertThat(buffer.toString()).isEqualTo("10.0.0.1|-|-");

        Metadata none = Metadata.internal(Network.TCP, Destination.of("example.com", 80));
        assertThat(keys.write(none, buffer)).isFalse();
        assertThat(buffer.toString()).isEqualTo("-|-|-");
        // empty strings count as missing
        assertThat(keys.write(none.toBuilder().inboundTag("").matchedRuleSet("").build(), buffer))
                .isFalse();

        // an IP destination has no eTLD+1: with nothing else, the key is empty
        HashKeys etld = new HashKeys(List.of(ETLD_PLUS_ONE, DOMAIN, DST_IP), "salt:", new EtldPlusOne());
        Metadata ip = Metadata.internal(Network.TCP, Destination.of("8.8.8.8", 53));
        assertThat(etld.write(ip, buffer)).isTrue();
        assertThat(buffer.toString()).isEqualTo("salt:-|-|8.8.8.8");
        HashKeys etldOnly = new HashKeys(List.of(ETLD_PLUS_ONE, DOMAIN), "salt:", new EtldPlusOne());
        assertThat(etldOnly.write(ip, buffer)).isFalse();
        assertThat(buffer.toString()).isEqualTo("salt:-|-");
        etldOnly.writeEmpty(buffer);
        assertThat(buffer.toString()).isEqualTo("salt:");
    }

    @Test
    void domainPartsUseTheSniffedDomainForIpDestinationsAndNormalise() throws Exception {
        List<HashKeyPart> parts = List.of(DOMAIN, ETLD_PLUS_ONE, DST_IP);
        Metadata sniffed = from("10.0.0.1", 1, "93.184.216.34", 443)
                .sniffedDomain("WWW.Example.com.")
                .build();
        assertThat(key(parts, sniffed)).isEqualTo("www.example.com|example.com|93.184.216.34");
        Metadata named = from("10.0.0.1", 1, "Cdn.Example.CO.UK.", 443)
                .sniffedDomain("ignored.org")
                .build();
        assertThat(key(parts, named)).isEqualTo("cdn.example.co.uk|example.co.uk|-");
        Metadata v6 = Metadata.builder(Network.TCP, Destination.of("2001:db8::1", 443))
                .source(new InetSocketAddress(InetAddress.getByName("2001:db8:0:0:0:0:0:2"), 5))
                .build();
        assertThat(key(List.of(SRC_IP, DST_IP), v6)).isEqualTo("2001:db8::2|2001:db8::1");
        Metadata unresolved = Metadata.builder(Network.TCP, Destination.of("example.com", 443))
                .source(InetSocketAddress.createUnresolved("client.lan", 7))
                .build();
        assertThat(key(List.of(SRC_IP, SRC_PORT), unresolved)).isEqualTo("client.lan|7");
    }

    @Test
    void theKeyHashIsXxh64OfTheUtf8Text() throws Exception {
        HashKeys keys = new HashKeys(List.of(SRC_IP, INBOUND_TAG), "ñ-", new EtldPlusOne());
        Metadata m = from("10.1.2.3", 1, "example.com", 80).inboundTag("入口").build();
        KeyBuffer buffer = HashKeys.buffer();
        keys.write(m, buffer);
        byte[] expected = "ñ-10.1.2.3|入口".getBytes(StandardCharsets.UTF_8);
        assertThat(buffer.hash()).isEqualTo(HashRing.XXH64.hashBytes(expected));
    }
}
