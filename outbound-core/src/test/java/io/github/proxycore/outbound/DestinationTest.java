package io.github.proxycore.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class DestinationTest {

    @Test
    void ipLiteralsBecomeIpDestinationsWithoutDns() throws Exception {
        Destination v4 = Destination.of("10.0.0.1", 80);
        assertThat(v4.isDomain()).isFalse();
        assertThat(v4.isIpv4()).isTrue();
        assertThat(v4.toString()).isEqualTo("10.0.0.1:80");

        Destination v6 = Destination.of("[2001:db8::1]", 443);
        assertThat(v6.isIpv6()).isTrue();
        assertThat(v6.host()).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(v6.toString()).isEqualTo("[2001:db8:0:0:0:0:0:1]:443");
        assertThat(Destination.of("2001:db8::1", 443)).isEqualTo(v6);

        assertThat(Destination.of("::ffff:10.0.0.1", 80)).isEqualTo(v4);
        assertThat(Destination.of(InetAddress.getByName("::ffff:10.0.0.1"), 80)).isEqualTo(v4);
    }

    @Test
    void namesStayNames() {
        Destination d = Destination.of("Example.com", 443);
        assertThat(d.isDomain()).isTrue();
        assertThat(d.domain()).isEqualTo("Example.com");
        assertThat(d.address()).isNull();
        assertThat(d.toSocketAddress().isUnresolved()).isTrue();
        // "1.2.3" is not an IPv4 literal (no legacy short forms), so it is a name
        assertThat(Destination.of("1.2.3", 1).isDomain()).isTrue();
    }

    @Test
    void socketAddressesConvert() {
        assertThat(Destination.of(InetSocketAddress.createUnresolved("a.example", 5)))
                .isEqualTo(Destination.of("a.example", 5));
        assertThat(Destination.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 5)))
                .isEqualTo(Destination.of("127.0.0.1", 5));
    }

    @Test
    void rejectsWhatCannotBeSent() {
        assertThatThrownBy(() -> Destination.of("", 1)).hasMessage("empty host");
        assertThatThrownBy(() -> Destination.of("a.example", 65536)).hasMessage("port out of range: 65536");
        assertThatThrownBy(() -> Destination.of("a".repeat(256), 1)).hasMessage("domain longer than 255 bytes");
        assertThat(Destination.of("a".repeat(255), 1).domain()).hasSize(255);
        // a CR or LF in a name would be written raw into logs and forge lines
        assertThatThrownBy(() -> Destination.of("evil.example\r\n12:00:00 INFO forged", 80))
                .hasMessage("control character 0x0d in a domain");
        assertThatThrownBy(() -> Destination.of("a\u0000b", 80)).hasMessage("control character 0x00 in a domain");
        assertThatThrownBy(() -> Destination.of("a\u007fb", 80)).hasMessage("control character 0x7f in a domain");
        assertThat(Destination.of("bücher.example", 80).domain()).isEqualTo("bücher.example");
    }
}
