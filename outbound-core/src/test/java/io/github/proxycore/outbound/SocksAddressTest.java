package io.github.proxycore.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SOCKS5 address vectors of docs/protocol.md (the address part of its PSH frame vectors). */
class SocksAddressTest {

    @ParameterizedTest(name = "{0}:{1}")
    @CsvSource({
        "127.0.0.1, 80, 017f0000010050",
        "example.com, 80, 030b6578616d706c652e636f6d0050",
        "example.com, 443, 030b6578616d706c652e636f6d01bb",
        "::1, 443, 040000000000000000000000000000000101bb",
        "sp.v2.udp-over-tcp.arpa, 0, 031773702e76322e7564702d6f7665722d7463702e617270610000",
        "8.8.8.8, 53, 01080808080035",
        "0.0.0.0, 0, 01000000000000",
    })
    void encodesAndDecodesTheVectors(String host, int port, String hex) {
        Destination destination = Destination.of(host, port);
        ByteBuf out = Unpooled.buffer();
        try {
            SocksAddress.encode(destination, out);
            assertThat(ByteBufUtil.hexDump(out)).isEqualTo(hex);
            assertThat(SocksAddress.encodedLength(destination)).isEqualTo(hex.length() / 2);
            assertThat(SocksAddress.decode(out)).isEqualTo(destination);
            assertThat(out.isReadable()).isFalse();
        } finally {
            out.release();
        }
    }

    @Test
    void incompleteInputConsumesNothing() {
        byte[] whole = HexFormat.of().parseHex("030b6578616d706c652e636f6d0050");
        for (int length = 0; length < whole.length; length++) {
            ByteBuf in = Unpooled.wrappedBuffer(whole, 0, length);
            try {
                assertThat(SocksAddress.decode(in))
                        .as("prefix of %d bytes", length)
                        .isNull();
                assertThat(in.readerIndex()).isZero();
            } finally {
                in.release();
            }
        }
    }

    @ParameterizedTest(name = "{0}:{1}")
    @CsvSource({
        "127.0.0.1, 53, 007f0000010035",
        "example.com, 53, 020b6578616d706c652e636f6d0035",
        "::1, 53, 0100000000000000000000000000000001" + "0035",
    })
    void otherFamilyCodesKeepTheLayout(String host, int port, String hex) {
        // UDP-over-TCP v2 (docs/protocol.md, UDP over TCP) numbers the families 00 IPv4, 01 IPv6, 02 domain
        SocksAddress.Families uot = new SocksAddress.Families("UoT", (byte) 0, (byte) 2, (byte) 1);
        Destination destination = Destination.of(host, port);
        ByteBuf out = Unpooled.buffer();
        try {
            SocksAddress.encode(destination, out, uot);
            assertThat(ByteBufUtil.hexDump(out)).isEqualTo(hex);
            assertThat(SocksAddress.decode(out, uot)).isEqualTo(destination);
            assertThat(out.isReadable()).isFalse();
        } finally {
            out.release();
        }
        ByteBuf socksDomainCode = Unpooled.wrappedBuffer(HexFormat.of().parseHex("037f0000010035"));
        try {
            assertThatThrownBy(() -> SocksAddress.decode(socksDomainCode, uot))
                    .isInstanceOf(CorruptedFrameException.class)
                    .hasMessage("unknown UoT address type 0x03");
        } finally {
            socksDomainCode.release();
        }
    }

    @Test
    void decodingStopsAtTheEndOfTheAddress() {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex("017f0000010050" + "474554"));
        try {
            assertThat(SocksAddress.decode(in)).isEqualTo(Destination.of("127.0.0.1", 80));
            assertThat(in.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GET");
        } finally {
            in.release();
        }
    }

    @Test
    void unknownAddressTypeIsCorruptAndConsumesNothing() {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex("057f0000010050"));
        try {
            assertThatThrownBy(() -> SocksAddress.decode(in))
                    .isInstanceOf(CorruptedFrameException.class)
                    .hasMessage("unknown SOCKS address type 0x05");
            assertThat(in.readerIndex()).isZero();
        } finally {
            in.release();
        }
    }

    @Test
    void emptyDomainIsCorrupt() {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex("03000050"));
        try {
            assertThatThrownBy(() -> SocksAddress.decode(in)).isInstanceOf(CorruptedFrameException.class);
        } finally {
            in.release();
        }
    }

    @Test
    void aDomainThatIsNotUtf8IsCorruptAndConsumesNothing() {
        // found by SocksAddressFuzzTest: 0xff bytes used to decode to U+FFFD, too long to send on
        ByteBuf in = Unpooled.buffer();
        try {
            in.writeByte(3).writeByte(200);
            for (int i = 0; i < 200; i++) {
                in.writeByte(0xff);
            }
            in.writeShort(80);
            assertThatThrownBy(() -> SocksAddress.decode(in))
                    .isInstanceOf(CorruptedFrameException.class)
                    .hasMessage("domain in SOCKS address is not valid UTF-8");
            assertThat(in.readerIndex()).isZero();
        } finally {
            in.release();
        }
    }

    @Test
    void aDomainThatIsAnIpLiteralIsReadAsTheIp() throws Exception {
        // as anytls-go does (docs/protocol.md, streams): a domain that parses as an IP literal is that IP
        ByteBuf in = Unpooled.buffer();
        try {
            in.writeByte(3)
                    .writeByte(9)
                    .writeBytes("127.0.0.1".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .writeShort(80);
            Destination d = SocksAddress.decode(in);
            assertThat(d.isDomain()).isFalse();
            assertThat(d.address()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        } finally {
            in.release();
        }
    }
}
