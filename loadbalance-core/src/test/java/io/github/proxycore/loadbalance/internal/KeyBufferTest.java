package io.github.proxycore.loadbalance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyBufferTest {

    @Test
    void utf8MatchesTheJdkEncoderIncludingSurrogates() {
        Random random = new Random(1);
        KeyBuffer buffer = new KeyBuffer();
        char[] alphabet = {'a', 'Z', '-', 'é', 'ß', '中', '\ud83d', '\ude00', '\udc00', '\ud800', '\u07ff', '\u0800'};
        for (int round = 0; round < 5_000; round++) {
            char[] chars = new char[random.nextInt(40)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String s = new String(chars);
            buffer.reset();
            buffer.writeUtf8(s);
            assertThat(Arrays.copyOf(buffer.array(), buffer.length()))
                    .as(s)
                    .isEqualTo(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void lowercasesOnlyAsciiWhenAsked() {
        KeyBuffer buffer = new KeyBuffer();
        buffer.writeUtf8("API.Example.COM.Ä", 0, 16, true);
        assertThat(buffer.toString()).isEqualTo("api.example.com.");
    }

    @Test
    void decimals() {
        KeyBuffer buffer = new KeyBuffer();
        for (int v = 0; v <= 70_000; v++) {
            buffer.reset();
            buffer.writeDecimal(v);
            assertThat(buffer.toString()).isEqualTo(Integer.toString(v));
        }
        for (int power = 10; power > 0 && power < Integer.MAX_VALUE / 10; power *= 10) {
            for (int v : new int[] {power - 1, power, power + 1, power * 10 - 1}) {
                buffer.reset();
                buffer.writeDecimal(v);
                assertThat(buffer.toString()).isEqualTo(Integer.toString(v));
            }
        }
        buffer.reset();
        buffer.writeDecimal(Integer.MAX_VALUE);
        assertThat(buffer.toString()).isEqualTo(Integer.toString(Integer.MAX_VALUE));
    }

    @Test
    void addressesInTheirCanonicalTextForm() throws Exception {
        String[][] cases = {
            {"192.168.1.100", "192.168.1.100"},
            {"0.0.0.0", "0.0.0.0"},
            {"255.255.255.255", "255.255.255.255"},
            {"2001:db8::1", "2001:db8::1"},
            {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
            {"::1", "::1"},
            {"::", "::"},
            {"2001:db8::", "2001:db8::"},
            {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, // a single zero group is not shortened
            {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"}, // the longest run wins
            {"1:0:0:2:0:0:3:4", "1::2:0:0:3:4"}, // the first of equal runs wins
            {"fe80::abcd:ef01", "fe80::abcd:ef01"},
            {"::ffff:10.0.0.1", "10.0.0.1"}, // the JDK unmaps it, as Destination does
        };
        KeyBuffer buffer = new KeyBuffer();
        for (String[] c : cases) {
            buffer.reset();
            buffer.writeAddress(InetAddress.getByName(c[0]));
            assertThat(buffer.toString()).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void growsForLongKeys() {
        KeyBuffer buffer = new KeyBuffer();
        String long1 = "x".repeat(1000);
        buffer.writeUtf8(long1);
        buffer.writeByte('|');
        buffer.writeUtf8(long1);
        assertThat(buffer.length()).isEqualTo(2001);
        byte[] expected = (long1 + "|" + long1).getBytes(StandardCharsets.UTF_8);
        assertThat(buffer.hash()).isEqualTo(HashRing.XXH64.hashBytes(expected));
    }
}
