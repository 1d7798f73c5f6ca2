package io.github.proxycore.anytls.internal;

import io.github.proxycore.outbound.Destination;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;

/**
 * The address form of UDP-over-TCP v2 datagrams (§9): family {@code 0x00} IPv4, {@code 0x01} IPv6, {@code 0x02}
 * domain (length-prefixed), then a big-endian port. These are not the SOCKS codes.
 */
public final class UotAddress {
    static final int IPV4 = 0x00;
    static final int IPV6 = 0x01;
    static final int DOMAIN = 0x02;

    /** The magic stream destination that selects UDP-over-TCP v2. */
    public static final Destination MAGIC = Destination.of("sp.v2.udp-over-tcp.arpa", 0);

    private UotAddress() {}

    /** Whether a stream to {@code destination} is UDP-over-TCP (the reference matches any such domain). */
    public static boolean isUot(Destination destination) {
        return destination.isDomain() && destination.domain().contains("udp-over-tcp.arpa");
    }

    public static void encode(Destination destination, ByteBuf out) {
        if (destination.isDomain()) {
            byte[] domain = destination.domain().getBytes(StandardCharsets.UTF_8);
            out.writeByte(DOMAIN);
            out.writeByte(domain.length);
            out.writeBytes(domain);
        } else {
            out.writeByte(destination.isIpv4() ? IPV4 : IPV6);
            out.writeBytes(destination.address().getAddress());
        }
        out.writeShort(destination.port());
    }

    public static int encodedLength(Destination destination) {
        if (destination.isDomain()) {
            return 2 + destination.domain().getBytes(StandardCharsets.UTF_8).length + 2;
        }
        return 1 + (destination.isIpv4() ? 4 : 16) + 2;
    }

    /**
     * Reads an address, or returns {@code null} consuming nothing if it is not all there yet.
     *
     * @throws CorruptedFrameException on an unknown family
     */
    public static Destination decode(ByteBuf in) {
        if (!in.isReadable()) {
            return null;
        }
        int start = in.readerIndex();
        int family = in.getUnsignedByte(start);
        int length;
        switch (family) {
            case IPV4:
                length = 1 + 4 + 2;
                break;
            case IPV6:
                length = 1 + 16 + 2;
                break;
            case DOMAIN:
                if (in.readableBytes() < 2) {
                    return null;
                }
                length = 2 + in.getUnsignedByte(start + 1) + 2;
                break;
            default:
                throw new CorruptedFrameException("unknown UoT address family " + family);
        }
        if (in.readableBytes() < length) {
            return null;
        }
        Destination out;
        if (family == DOMAIN) {
            int n = in.getUnsignedByte(start + 1);
            out = Destination.of(in.toString(start + 2, n, StandardCharsets.UTF_8), in.getUnsignedShort(start + 2 + n));
        } else {
            byte[] ip = new byte[family == IPV4 ? 4 : 16];
            in.getBytes(start + 1, ip);
            try {
                out = Destination.of(java.net.InetAddress.getByAddress(ip), in.getUnsignedShort(start + 1 + ip.length));
            } catch (java.net.UnknownHostException e) {
                throw new CorruptedFrameException(e);
            }
        }
        in.skipBytes(length);
        return out;
    }
}
