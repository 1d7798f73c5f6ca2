package io.github.proxycore.outbound.route.ruleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.proxycore.config.route.HeadlessRule;
import io.github.proxycore.config.route.RuleConditions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SrsDecoderTest {

    /** A version-3 file with every supported item kind, a logical rule and an inverted rule. */
    static byte[] everyItemV3() throws Exception {
        SrsWriter w = new SrsWriter().uvarint(3);
        w.u8(0)
                .strings(1, "tcp")
                .domains(List.of("exact.example", "ünïcode.example"), List.of("suffix.example", ".sub.example"))
                .strings(3, "keyword")
                .strings(4, "^re[0-9]+\\.example$")
                .ipRanges(5, "192.168.0.0", "192.168.255.255")
                .ipRanges(6, "10.0.0.0", "10.0.0.255", "10.0.1.0", "10.0.1.4", "2001:db8::", "2001:db8::ffff")
                .ports(7, 1234)
                .strings(8, "2000:3000")
                .ports(9, 80, 443)
                .strings(10, "8000:")
                .u8(0xff)
                .u8(0);
        w.u8(1).u8(1).uvarint(2); // logical or of two rules, inverted
        w.u8(0).strings(1, "udp").u8(0xff).u8(0);
        w.u8(0).ports(9, 53).u8(0xff).u8(1);
        w.u8(1);
        w.u8(0).strings(3, "only").u8(0xff).u8(1); // a plain inverted rule
        return SrsWriter.file(3, w.bytes());
    }

    @Test
    void versionThreeDecodesEveryItem() throws Exception {
        List<HeadlessRule> rules = SrsDecoder.decode(everyItemV3());
        assertThat(rules).hasSize(3);
        RuleConditions c = rules.get(0).conditions();
        assertThat(rules.get(0).invert()).isFalse();
        assertThat(c.network()).containsExactly("tcp");
        assertThat(c.domain()).containsExactlyInAnyOrder("exact.example", "ünïcode.example");
        assertThat(c.domainSuffix()).containsExactlyInAnyOrder("suffix.example", ".sub.example");
        assertThat(c.domainKeyword()).containsExactly("keyword");
        assertThat(c.domainRegex()).containsExactly("^re[0-9]+\\.example$");
        assertThat(c.sourceIpCidr()).containsExactly("192.168.0.0/16");
        assertThat(c.ipCidr()).containsExactly("10.0.0.0/24", "10.0.1.0/30", "10.0.1.4/32", "2001:db8:0:0:0:0:0:0/112");
        assertThat(c.sourcePort()).containsExactly(1234);
        assertThat(c.sourcePortRange()).containsExactly("2000:3000");
        assertThat(c.port()).containsExactly(80, 443);
        assertThat(c.portRange()).containsExactly("8000:");
        HeadlessRule logical = rules.get(1);
        assertThat(logical.mode()).isEqualTo(HeadlessRule.LogicalMode.OR);
        assertThat(logical.invert()).isTrue();
        assertThat(logical.rules()).hasSize(2);
        assertThat(logical.rules().get(1).invert()).isTrue();
        assertThat(logical.rules().get(1).conditions().port()).containsExactly(53);
        assertThat(rules.get(2).invert()).isTrue();
        assertThat(SrsDecoder.version(everyItemV3())).isEqualTo(3);
    }

    @Test
    void everyTruncationIsAClearErrorNeverAnotherException() throws Exception {
        byte[] file = everyItemV3();
        for (int length = 0; length < file.length; length++) {
            byte[] cut = Arrays.copyOf(file, length);
            assertThatThrownBy(() -> SrsDecoder.decode(cut))
                    .as("cut at %d", length)
                    .isInstanceOf(RuleSetFormatException.class)
                    .hasMessageMatching("(?s).*(truncated|zlib|header).*");
        }
        // a complete zlib stream over a truncated payload
        byte[] payload = new SrsWriter().uvarint(3).u8(0).strings(1, "tcp").bytes();
        for (int length = 0; length < payload.length; length++) {
            byte[] cut = SrsWriter.file(3, Arrays.copyOf(payload, length));
            assertThatThrownBy(() -> SrsDecoder.decode(cut)).isInstanceOf(RuleSetFormatException.class);
        }
    }

    @Test
    void wrongMagicAndVersionsAreNamed() throws Exception {
        byte[] file = everyItemV3();
        byte[] magic = file.clone();
        magic[0] = 'X';
        assertThatThrownBy(() -> SrsDecoder.decode(magic)).hasMessageContaining("does not start with \"SRS\"");
        byte[] json = "{\"version\": 2, \"rules\": []}".getBytes();
        assertThatThrownBy(() -> SrsDecoder.decode(json)).hasMessageContaining("does not start with \"SRS\"");
        for (int version : new int[] {0, 4, 255}) {
            byte[] v = file.clone();
            v[3] = (byte) version;
            assertThatThrownBy(() -> SrsDecoder.decode(v))
                    .isInstanceOf(RuleSetFormatException.class)
                    .hasMessageContaining("unsupported .srs version " + version);
        }
    }

    @Test
    void badZlibIsAClearError() throws Exception {
        byte[] file = everyItemV3();
        byte[] garbage = file.clone();
        for (int i = 4; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31);
        }
        assertThatThrownBy(() -> SrsDecoder.decode(garbage)).hasMessageContaining("zlib");
        byte[] checksum = file.clone();
        checksum[checksum.length - 1] ^= 1; // the Adler-32 trailer
        assertThatThrownBy(() -> SrsDecoder.decode(checksum)).hasMessageContaining("zlib");
        byte[] trailing = Arrays.copyOf(file, file.length + 3);
        assertThatThrownBy(() -> SrsDecoder.decode(trailing)).hasMessageContaining("after the compressed data");
    }

    @Test
    void lyingLengthsFailBeforeAllocating() {
        List<byte[]> liars = List.of(
                new SrsWriter().uvarint(Long.MAX_VALUE).bytes(), // rule count
                new SrsWriter().uvarint(1).u8(0).u8(1).uvarint(1L << 40).bytes(), // string count
                new SrsWriter()
                        .uvarint(1)
                        .u8(0)
                        .u8(1)
                        .uvarint(1)
                        .uvarint(1L << 31)
                        .bytes(), // string length
                new SrsWriter().uvarint(1).u8(0).u8(2).u8(0).uvarint(1L << 59).bytes(), // trie words
                new SrsWriter().uvarint(1).u8(0).u8(6).u8(1).u64(-1L).bytes(), // IP ranges
                new SrsWriter()
                        .uvarint(1)
                        .u8(0)
                        .u8(9)
                        .uvarint(Integer.MAX_VALUE)
                        .bytes(), // ports
                new SrsWriter().uvarint(1).u8(1).u8(0).uvarint(1L << 62).bytes(), // logical rules
                new SrsWriter()
                        .u8(0xff)
                        .u8(0xff)
                        .u8(0xff)
                        .u8(0xff)
                        .u8(0xff)
                        .u8(0xff)
                        .u8(0xff)
                        .u8(0xff)
                        .u8(0xff)
                        .u8(0x7f)
                        .bytes()); // varint overflow
        for (byte[] payload : liars) {
            byte[] file = SrsWriter.file(2, payload);
            RuleSetFormatException e =
                    catchThrowableOfType(RuleSetFormatException.class, () -> SrsDecoder.decode(file));
            assertThat(e).as(Arrays.toString(payload)).isNotNull();
            assertThat(e.getMessage()).containsAnyOf("bad length", "truncated", "overflows");
        }
    }

    @Test
    void aDecompressionBombIsCut() {
        byte[] zeros = new byte[SrsDecoder.MAX_INFLATED_BYTES + 1024];
        byte[] file = SrsWriter.file(1, zeros);
        assertThatThrownBy(() -> SrsDecoder.decode(file)).hasMessageContaining("inflates to more than");
    }

    @Test
    void deepNestingAndQuadraticTriesAreBounded() {
        SrsWriter deep = new SrsWriter().uvarint(1);
        for (int i = 0; i < 100; i++) {
            deep.u8(1).u8(0).uvarint(1);
        }
        assertThatThrownBy(() -> SrsDecoder.decode(SrsWriter.file(2, deep.bytes())))
                .hasMessageContaining("nested deeper than");
        // a chain of n nodes that are all leaves spells n names of up to n bytes: n²/2 bytes from n bytes of input
        int n = 20_000;
        List<String> chain = new java.util.ArrayList<>();
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < n; i++) {
            key.append('a');
            chain.add(key.toString());
        }
        byte[] payload = new SrsWriter()
                .uvarint(1)
                .u8(0)
                .succinctItem(chain)
                .u8(0xff)
                .u8(0)
                .bytes();
        assertThatThrownBy(() -> SrsDecoder.decode(SrsWriter.file(2, payload)))
                .hasMessageContaining("names add up to more than");
    }

    @Test
    void unsupportedItemsAndBadValuesAreClearErrors() throws Exception {
        byte[] process = SrsWriter.file(
                2,
                new SrsWriter()
                        .uvarint(1)
                        .u8(0)
                        .strings(11, "curl")
                        .u8(0xff)
                        .u8(0)
                        .bytes());
        assertThatThrownBy(() -> SrsDecoder.decode(process))
                .hasMessageContaining("rules[0]: rule item process_name (type 11) is not supported");
        byte[] network = SrsWriter.file(
                2,
                new SrsWriter()
                        .uvarint(1)
                        .u8(0)
                        .strings(1, "icmp")
                        .u8(0xff)
                        .u8(0)
                        .bytes());
        assertThatThrownBy(() -> SrsDecoder.decode(network)).hasMessageContaining("must be tcp or udp");
        byte[] unknown =
                SrsWriter.file(2, new SrsWriter().uvarint(1).u8(0).u8(99).bytes());
        assertThatThrownBy(() -> SrsDecoder.decode(unknown)).hasMessageContaining("unknown rule item type 99");
        byte[] inverted = SrsWriter.file(
                2,
                new SrsWriter().uvarint(1).u8(0).strings(3, "x").u8(0xff).u8(7).bytes());
        assertThatThrownBy(() -> SrsDecoder.decode(inverted)).hasMessageContaining("expected 0 or 1");
        byte[] mixed = SrsWriter.file(
                2,
                new SrsWriter()
                        .uvarint(1)
                        .u8(0)
                        .ipRanges(6, "10.0.0.1", "::1")
                        .u8(0xff)
                        .u8(0)
                        .bytes());
        assertThatThrownBy(() -> SrsDecoder.decode(mixed)).hasMessageContaining("mixes IPv4 and IPv6");
    }
}
