package io.github.proxycore.anytls.internal.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/** Writes AnyTLS frames (docs/protocol.md, frames). Pure functions over {@link ByteBuf}s. */
public final class Frames {
    private Frames() {}

    /** Writes a frame header at the writer index of {@code out}. */
    public static void writeHeader(ByteBuf out, int command, int streamId, int length) {
        if (length < 0 || length > Command.MAX_DATA) {
            throw new IllegalArgumentException("frame data length out of range: " + length);
        }
        out.writeByte(command);
        out.writeInt(streamId);
        out.writeShort(length);
    }

    /** Writes a frame without data (SYN, FIN, heartbeats, an empty SYNACK). */
    public static void writeEmpty(ByteBuf out, int command, int streamId) {
        writeHeader(out, command, streamId, 0);
    }

    /** Writes a frame whose data is {@code data}. */
    public static void writeFrame(ByteBuf out, int command, int streamId, byte[] data) {
        writeHeader(out, command, streamId, data.length);
        out.writeBytes(data);
    }

    /** Writes a frame whose data is the UTF-8 text {@code text}. */
    public static void writeText(ByteBuf out, int command, int streamId, String text) {
        writeFrame(out, command, streamId, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a Waste frame of {@code padding} zero bytes. */
    public static void writeWaste(ByteBuf out, int padding) {
        writeHeader(out, Command.WASTE, 0, padding);
        out.writeZero(padding);
    }

    /** A new buffer holding one frame without data. */
    public static ByteBuf empty(ByteBufAllocator alloc, int command, int streamId) {
        ByteBuf out = alloc.buffer(Command.HEADER_LENGTH);
        writeEmpty(out, command, streamId);
        return out;
    }

    /** A new buffer holding one frame with the UTF-8 text {@code text}. */
    public static ByteBuf text(ByteBufAllocator alloc, int command, int streamId, String text) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = alloc.buffer(Command.HEADER_LENGTH + data.length);
        writeFrame(out, command, streamId, data);
        return out;
    }
}
