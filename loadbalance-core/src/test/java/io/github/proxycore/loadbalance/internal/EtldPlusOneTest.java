package io.github.proxycore.loadbalance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtldPlusOneTest {

    /** The eTLD+1 rules of docs/loadbalance.md, case by case. */
    @Test
    void seedTable() {
        assertThat(EtldPlusOne.compute("www.example.com")).isEqualTo("example.com");
        assertThat(EtldPlusOne.compute("api.v2.example.com")).isEqualTo("example.com");
        assertThat(EtldPlusOne.compute("example.co.uk")).isEqualTo("example.co.uk");
        assertThat(EtldPlusOne.compute("www.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(EtldPlusOne.compute("example.com:443")).isEqualTo("example.com");
        assertThat(EtldPlusOne.compute("EXAMPLE.COM")).isEqualTo("example.com");
        assertThat(EtldPlusOne.compute("192.168.1.1")).isNull();
        assertThat(EtldPlusOne.compute("2001:db8::1")).isNull();
    }

    /** matched_ruleset_or_etld (docs/loadbalance.md), the eTLD+1 side. */
    @Test
    void seedKeyExamples() {
        assertThat(EtldPlusOne.compute("cdn.example.com")).isEqualTo("example.com");
        assertThat(EtldPlusOne.compute("a.b.example.com")).isEqualTo("example.com");
        assertThat(EtldPlusOne.compute("cdn1.example.com")).isEqualTo("example.com");
        assertThat(EtldPlusOne.compute("cdn2.example.com")).isEqualTo("example.com");
        assertThat(EtldPlusOne.compute("api.other.com")).isEqualTo("other.com");
        assertThat(EtldPlusOne.compute("api.netflix.com")).isEqualTo("netflix.com");
        assertThat(EtldPlusOne.compute("8.8.8.8")).isNull();
    }

    @Test
    void normalisationAndFallbacks() {
        assertThat(EtldPlusOne.compute("www.Example.COM.")).isEqualTo("example.com");
        assertThat(EtldPlusOne.compute("www.example.com.:8443")).isEqualTo("example.com");
        assertThat(EtldPlusOne.compute("[2001:db8::1]:443")).isNull();
        assertThat(EtldPlusOne.compute("[::1]")).isNull();
        assertThat(EtldPlusOne.compute("10.0.0.1:53")).isNull();
        assertThat(EtldPlusOne.compute("www.example.com.au")).isEqualTo("example.com.au");
        assertThat(EtldPlusOne.compute("a.b.gov.uk")).isEqualTo("b.gov.uk");
        // the private part of the list counts too, as in Go's publicsuffix
        assertThat(EtldPlusOne.compute("foo.github.io")).isEqualTo("foo.github.io");
        // nothing the list covers: the normalised name itself
        assertThat(EtldPlusOne.compute("LOCALHOST")).isEqualTo("localhost");
        assertThat(EtldPlusOne.compute("host.internal-tld-xyz")).isEqualTo("host.internal-tld-xyz");
        assertThat(EtldPlusOne.compute("co.uk")).isEqualTo("co.uk");
        assertThat(EtldPlusOne.compute("_dmarc..example.com")).isEqualTo("_dmarc..example.com");
        assertThat(EtldPlusOne.compute("")).isNull();
        assertThat(EtldPlusOne.compute(".")).isNull();
    }

    @Test
    void cacheHitsReturnTheStoredBytesAndCollisionsStayCorrect() {
        EtldPlusOne cache = new EtldPlusOne(4);
        byte[] first = cache.lookupUtf8("www.example.co.uk");
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("example.co.uk");
        assertThat(cache.lookupUtf8("www.example.co.uk")).isSameAs(first);
        // far more names than slots: every answer is still right
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 50; i++) {
                byte[] value = cache.lookupUtf8("host" + i + ".site" + i + ".com");
                assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("site" + i + ".com");
            }
        }
        assertThat(cache.lookupUtf8("192.168.1.1")).isNull();
        assertThat(cache.lookupUtf8("192.168.1.1")).isNull();

        // a set holds four names: four names that share it all stay cached
        EtldPlusOne small = new EtldPlusOne(4);
        List<byte[]> stored = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            stored.add(small.lookupUtf8("www.name" + i + ".org"));
        }
        for (int i = 0; i < 4; i++) {
            assertThat(small.lookupUtf8("www.name" + i + ".org")).isSameAs(stored.get(i));
        }
    }
}
