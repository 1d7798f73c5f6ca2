package io.github.proxycore.outbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.Objects;

/**
 * One datagram on a UDP channel returned by {@link Outbound#listenPacket}: written, {@link #address()} is the
 * recipient; read, it is the sender. The packet owns its content: whoever consumes it releases it.
 */
public final class UdpPacket extends DefaultByteBufHolder {
    private final Destination address;

    /**
     * A packet.
     *
     * @param content the payload; the packet owns it
     * @param address the recipient of a written packet, the sender of a read one
     * @throws NullPointerException if {@code address} is {@code null}
     */
    public UdpPacket(ByteBuf content, Destination address) {
        super(content);
        this.address = Objects.requireNonNull(address, "address");
    }

    /** {@return the recipient of a written packet, the sender of a read one} */
    public Destination address() {
        return address;
    }

    @Override
    public UdpPacket replace(ByteBuf content) {
        return new UdpPacket(content, address);
    }

    @Override
    public UdpPacket retain() {
        super.retain();
        return this;
    }

    @Override
    public UdpPacket retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public UdpPacket touch() {
        super.touch();
        return this;
    }

    @Override
    public UdpPacket touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "UdpPacket[" + address + ", " + content().readableBytes() + " bytes]";
    }
}
