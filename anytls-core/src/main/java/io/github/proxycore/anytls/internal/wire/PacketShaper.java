package io.github.proxycore.anytls.internal.wire;

import io.github.proxycore.anytls.PaddingScheme;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/**
 * The packet-shaping algorithm of docs/protocol.md (padding): cuts one packet (the bytes of one write) into TLS records
 * of the sizes a padding scheme gives, padding the last with a Waste frame. Pure: it produces records, the caller
 * writes and flushes each as its own TLS record.
 */
public final class PacketShaper {
    private PacketShaper() {}

    /**
     * Shapes {@code payload} (consumed: released here) into records passed to {@code record}, each a new buffer
     * the consumer owns.
     *
     * @param sizes record sizes with {@link PaddingScheme#CHECK} for check marks
     */
    public static void shape(ByteBuf payload, int[] sizes, ByteBufAllocator alloc, Consumer<ByteBuf> record) {
        try {
            for (int size : sizes) {
                int remaining = payload.readableBytes();
                if (size == PaddingScheme.CHECK) {
                    if (remaining == 0) {
                        return; // `c` with nothing left ends the write: no more padding records
                    }
                    continue;
                }
                if (remaining > size) {
                    record.accept(copy(alloc, payload, size, 0));
                } else if (remaining > 0) {
                    int pad = size - remaining - Command.HEADER_LENGTH;
                    record.accept(copy(alloc, payload, remaining, Math.max(pad, 0)));
                } else {
                    // quirk kept for byte-exactness: the header is not subtracted here, so the record is size + 7
                    // sized by what is written: a scheme's size may be up to 2^31 - 1 (a server sends the scheme)
                    int padding = Math.min(size, Command.MAX_DATA);
                    ByteBuf waste = alloc.buffer(Command.HEADER_LENGTH + padding);
                    Frames.writeWaste(waste, padding);
                    record.accept(waste);
                }
            }
            if (payload.isReadable()) {
                record.accept(copy(alloc, payload, payload.readableBytes(), 0));
            }
        } finally {
            payload.release();
        }
    }

    private static ByteBuf copy(ByteBufAllocator alloc, ByteBuf payload, int length, int pad) {
        int waste = pad > 0 ? Command.HEADER_LENGTH + Math.min(pad, Command.MAX_DATA) : 0;
        ByteBuf out = alloc.buffer(length + waste);
        out.writeBytes(payload, length);
        if (pad > 0) {
            Frames.writeWaste(out, Math.min(pad, Command.MAX_DATA));
        }
        return out;
    }
}
