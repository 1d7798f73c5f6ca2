package io.github.proxycore.mixed;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.SocksAddress;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * The header of a SOCKS5 UDP datagram (RFC 1928 §7): {@code RSV(2) FRAG(1)} and a SOCKS address, then the data.
 * Fragmented datagrams (FRAG ≠ 0) are not supported, as in most servers.
 */
final class Socks5UdpHeader {
    private Socks5UdpHeader() {}

    /**
     * Reads the header of {@code datagram}, leaving the reader index at the data; {@code null} if the datagram is
     * malformed or fragmented (it is then dropped).
     */
    static Destination read(ByteBuf datagram) {
        if (datagram.readableBytes() < 3 || datagram.getByte(datagram.readerIndex() + 2) != 0) {
            return null;
        }
        int start = datagram.readerIndex();
        datagram.skipBytes(3);
        try {
            Destination destination = SocksAddress.decode(datagram);
            if (destination == null) {
                datagram.readerIndex(start);
            }
            return destination;
        } catch (CorruptedFrameException e) {
            datagram.readerIndex(start);
            return null;
        }
    }

    /** Writes a header naming {@code sender}. */
    static void write(Destination sender, ByteBuf out) {
        out.writeShort(0).writeByte(0);
        SocksAddress.encode(sender, out);
    }

    static int length(Destination sender) {
        return 3 + SocksAddress.encodedLength(sender);
    }
}
