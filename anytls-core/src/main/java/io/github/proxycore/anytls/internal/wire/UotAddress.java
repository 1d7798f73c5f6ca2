package io.github.proxycore.anytls.internal.wire;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.SocksAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * The address form of UDP-over-TCP v2 datagrams (docs/protocol.md, UDP over TCP): family {@code 0x00} IPv4,
 * {@code 0x01} IPv6, {@code 0x02} domain (length-prefixed), then a big-endian port. These are not the SOCKS codes.
 */
public final class UotAddress {
    private static final SocksAddress.Families FAMILIES =
            new SocksAddress.Families("UoT", (byte) 0x00, (byte) 0x02, (byte) 0x01);

    /** The magic stream destination that selects UDP-over-TCP v2. */
    public static final Destination MAGIC = Destination.of("sp.v2.udp-over-tcp.arpa", 0);

    private UotAddress() {}

    /** Whether a stream to {@code destination} is UDP-over-TCP (anytls-go matches any such domain). */
    public static boolean isUot(Destination destination) {
        return destination.isDomain() && destination.domain().contains("udp-over-tcp.arpa");
    }

    /** The request that opens a UoT v2 stream: {@code isConnect}, then the destination in SOCKS form. */
    public static byte[] request(boolean connect, Destination destination) {
        // an expandable buffer: writing a domain's UTF-8 first reserves 3 bytes a character, more than it writes
        ByteBuf out = Unpooled.buffer(1 + SocksAddress.encodedLength(destination));
        try {
            out.writeByte(connect ? 1 : 0);
            SocksAddress.encode(destination, out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    public static void encode(Destination destination, ByteBuf out) {
        SocksAddress.encode(destination, out, FAMILIES);
    }

    public static int encodedLength(Destination destination) {
        return SocksAddress.encodedLength(destination);
    }

    /**
     * Reads an address, or returns {@code null} consuming nothing if it is not all there yet.
     *
     * @throws CorruptedFrameException on an unknown family, or a domain that is empty or not UTF-8
     */
    public static Destination decode(ByteBuf in) {
        return SocksAddress.decode(in, FAMILIES);
    }
}
