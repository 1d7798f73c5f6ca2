package io.github.proxycore.outbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The SOCKS5 address format of RFC 1928 §5, which AnyTLS and UDP-over-TCP also use for destinations:
 * {@code 01} + 4-byte IPv4, {@code 03} + length + domain, or {@code 04} + 16-byte IPv6, each followed by a
 * big-endian port. Protocols that lay addresses out the same way under other family codes pass their own
 * {@link Families}.
 *
 * <p>Pure functions over {@link ByteBuf}s; they neither retain nor release the buffers they are given.
 */
public final class SocksAddress {
    /** RFC 1928's address type of an IPv4 address. */
    public static final byte IPV4 = 0x01;
    /** RFC 1928's address type of a domain name. */
    public static final byte DOMAIN = 0x03;
    /** RFC 1928's address type of an IPv6 address. */
    public static final byte IPV6 = 0x04;

    /**
     * The family codes of an address format with this layout.
     *
     * @param name the format's name, for errors
     * @param ipv4 the code of an IPv4 address
     * @param domain the code of a domain name
     * @param ipv6 the code of an IPv6 address
     */
    public record Families(String name, byte ipv4, byte domain, byte ipv6) {
        /** RFC 1928's codes. */
        public static final Families SOCKS = new Families("SOCKS", IPV4, DOMAIN, IPV6);
    }

    private SocksAddress() {}

    /**
     * How many bytes {@link #encode} writes for {@code destination}.
     *
     * @param destination the destination
     * @return the encoded length, port included
     */
    public static int encodedLength(Destination destination) {
        if (destination.isDomain()) {
            return 1 + 1 + ByteBufUtil.utf8Bytes(destination.domain()) + 2;
        }
        return 1 + (destination.isIpv4() ? 4 : 16) + 2;
    }

    /**
     * Writes {@code destination} at the writer index of {@code out}.
     *
     * @param destination the destination
     * @param out the buffer to write to
     */
    public static void encode(Destination destination, ByteBuf out) {
        encode(destination, out, Families.SOCKS);
    }

    /**
     * Writes {@code destination} at the writer index of {@code out}, with {@code families}' codes.
     *
     * @param destination the destination
     * @param out the buffer to write to
     * @param families the family codes
     */
    public static void encode(Destination destination, ByteBuf out, Families families) {
        if (destination.isDomain()) {
            String domain = destination.domain();
            out.writeByte(families.domain());
            out.writeByte(ByteBufUtil.utf8Bytes(domain));
            ByteBufUtil.writeUtf8(out, domain);
        } else {
            out.writeByte(destination.isIpv4() ? families.ipv4() : families.ipv6());
            out.writeBytes(destination.address().getAddress());
        }
        out.writeShort(destination.port());
    }

    /**
     * Reads an address from the reader index of {@code in}. Returns {@code null}, consuming nothing, if the buffer
     * does not yet hold a whole address. A domain that is an IP literal is read as that IP.
     *
     * @throws CorruptedFrameException on an unknown address type, or a domain that is empty, not UTF-8 or holds a
     *     control character; nothing is consumed
     * @param in the buffer to read from
     * @return the destination, or {@code null} if the address is not complete yet
     */
    public static Destination decode(ByteBuf in) {
        return decode(in, Families.SOCKS);
    }

    /**
     * {@link #decode(ByteBuf)} with {@code families}' codes.
     *
     * @param in the buffer to read from
     * @param families the family codes
     * @return the destination, or {@code null} if the address is not complete yet
     * @throws CorruptedFrameException as {@link #decode(ByteBuf)}
     */
    public static Destination decode(ByteBuf in, Families families) {
        int start = in.readerIndex();
        if (!in.isReadable()) {
            return null;
        }
        byte type = in.getByte(start);
        int length;
        if (type == families.ipv4()) {
            length = 1 + 4 + 2;
        } else if (type == families.ipv6()) {
            length = 1 + 16 + 2;
        } else if (type == families.domain()) {
            if (in.readableBytes() < 2) {
                return null;
            }
            int domainLength = in.getUnsignedByte(start + 1);
            if (domainLength == 0) {
                throw new CorruptedFrameException("empty domain in " + families.name() + " address");
            }
            length = 2 + domainLength + 2;
        } else {
            throw new CorruptedFrameException(
                    String.format("unknown %s address type 0x%02x", families.name(), type & 0xff));
        }
        if (in.readableBytes() < length) {
            return null;
        }
        Destination destination;
        if (type == families.domain()) {
            int domainLength = in.getUnsignedByte(start + 1);
            String domain = strictUtf8(in, start + 2, domainLength, families);
            try {
                destination = Destination.of(domain, in.getUnsignedShort(start + 2 + domainLength));
            } catch (IllegalArgumentException e) {
                throw new CorruptedFrameException("domain in " + families.name() + " address: " + e.getMessage());
            }
        } else {
            byte[] ip = new byte[type == families.ipv4() ? 4 : 16];
            in.getBytes(start + 1, ip);
            destination = Destination.of(Destination.toAddress(ip), in.getUnsignedShort(start + 1 + ip.length));
        }
        in.skipBytes(length);
        return destination;
    }

    /**
     * The domain's bytes as text, refusing malformed UTF-8: replacement characters would change the bytes (and could
     * make the name longer than the format allows), so such a name could never be sent on as it came.
     */
    private static String strictUtf8(ByteBuf in, int index, int length, Families families) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in.nioBuffer(index, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CorruptedFrameException("domain in " + families.name() + " address is not valid UTF-8");
        }
    }
}
