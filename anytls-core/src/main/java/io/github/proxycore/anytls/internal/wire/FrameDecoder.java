package io.github.proxycore.anytls.internal.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Splits a byte stream into AnyTLS frames (docs/protocol.md, frames) and hands each to a {@link Listener}, allocating
 * nothing but the retained slices of the data it passes on. Pure: it only reads the buffer it is given, so a session
 * feeds it its cumulation and tests feed it byte arrays.
 *
 * <p>Lenient as docs/protocol.md asks: the data of commands whose data is ignored (Waste, SYN, FIN, heartbeats, unknown
 * codes) is skipped by its length instead of being assumed empty.
 */
public final class FrameDecoder {

    /** Receives decoded frames. */
    public interface Listener {
        /**
         * One frame. For commands that {@linkplain Command#carriesData carry data} {@code data} is a retained slice
         * that the listener now owns and must release; otherwise it is an empty buffer.
         *
         * @return whether to go on decoding (false when the listener closed the session)
         */
        boolean onFrame(int command, int streamId, ByteBuf data);
    }

    private FrameDecoder() {}

    /**
     * Decodes every whole frame at the reader index of {@code in}, leaving a partial frame unread.
     *
     * @return whether decoding should go on when more bytes arrive (false if the listener said stop)
     */
    public static boolean decode(ByteBuf in, Listener listener) {
        while (in.readableBytes() >= Command.HEADER_LENGTH) {
            int start = in.readerIndex();
            int length = in.getUnsignedShort(start + 5);
            if (in.readableBytes() < Command.HEADER_LENGTH + length) {
                return true;
            }
            int command = in.getUnsignedByte(start);
            int streamId = in.getInt(start + 1);
            in.skipBytes(Command.HEADER_LENGTH);
            ByteBuf data;
            if (Command.carriesData(command) && length > 0) {
                data = in.readRetainedSlice(length);
            } else {
                in.skipBytes(length);
                data = Unpooled.EMPTY_BUFFER;
            }
            if (!listener.onFrame(command, streamId, data)) {
                return false;
            }
        }
        return true;
    }
}
