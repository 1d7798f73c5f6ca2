package io.github.proxycore.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.outbound.Destination;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Socks5UdpHeaderTest {

    @Test
    void readsTheHeaderAndLeavesTheData() {
        ByteBuf datagram = Unpooled.wrappedBuffer(HexFormat.of().parseHex("000000" + "017f0000010035" + "abcd"));
        try {
            assertThat(Socks5UdpHeader.read(datagram)).isEqualTo(Destination.of("127.0.0.1", 53));
            assertThat(ByteBufUtil.hexDump(datagram)).isEqualTo("abcd");
        } finally {
            datagram.release();
        }
    }

    @Test
    void fragmentedTruncatedAndUnknownDatagramsAreDropped() {
        for (String hex : new String[] {"000001017f0000010035ab", "0000", "000000017f00", "000000097f0000010035"}) {
            ByteBuf datagram = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
            try {
                assertThat(Socks5UdpHeader.read(datagram)).as(hex).isNull();
                assertThat(datagram.readerIndex()).isZero();
            } finally {
                datagram.release();
            }
        }
    }

    @Test
    void writesAHeaderNamingTheSender() {
        ByteBuf out = Unpooled.buffer();
        try {
            Socks5UdpHeader.write(Destination.of("example.com", 443), out);
            assertThat(ByteBufUtil.hexDump(out)).isEqualTo("000000030b6578616d706c652e636f6d01bb");
            assertThat(out.readableBytes()).isEqualTo(Socks5UdpHeader.length(Destination.of("example.com", 443)));
        } finally {
            out.release();
        }
    }
}
