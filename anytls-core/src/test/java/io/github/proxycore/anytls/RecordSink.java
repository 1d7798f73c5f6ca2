package io.github.proxycore.anytls;

import io.github.proxycore.anytls.internal.wire.Command;
import io.github.proxycore.anytls.internal.wire.Frames;
import io.github.proxycore.testing.Conditions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The tests' one TLS record sink (behind {@link Loopback#recordSink}): it records the plaintext of each TLS record a
 * client writes, and plays just enough of a server for a dial to complete: it answers each SYN with a SYNACK and each
 * heartbeat with its response.
 *
 * <p>Its answers follow the AnyTLS byte stream (preamble, then frames), never the record count: a read boundary that
 * moves (a record's plaintext in two reads, or two records in one, as an SSL engine may deliver them) changes what
 * {@link #records} shows, never whether the client gets its SYNACK. An earlier sink answered "on the second record",
 * and a dial then waited for an answer that never came whenever the boundaries moved.
 */
final class RecordSink extends ChannelInboundHandlerAdapter {
    private static final int PREAMBLE_HEADER = 32 + 2; // password hash, padding length

    final List<byte[]> records = new CopyOnWriteArrayList<>();
    private final boolean announceWithFirstSynAck;
    private volatile ChannelHandlerContext ctx;
    private ByteBuf stream; // plaintext not parsed yet
    private boolean preambleDone;
    private boolean announced;

    private RecordSink(boolean announceWithFirstSynAck) {
        this.announceWithFirstSynAck = announceWithFirstSynAck;
    }

    /** A sink that tells the client it is a v2 server together with its first SYNACK. */
    static RecordSink announcingV2() {
        return new RecordSink(true);
    }

    /** A sink that stays a v1 server until {@link #announceV2()}. */
    static RecordSink quiet() {
        return new RecordSink(false);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        stream = ctx.alloc().buffer();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stream.release();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf record = (ByteBuf) msg;
        try {
            records.add(ByteBufUtil.getBytes(record));
            stream.writeBytes(record);
        } finally {
            record.release();
        }
        answer(ctx);
    }

    private void answer(ChannelHandlerContext ctx) {
        if (!preambleDone) {
            if (stream.readableBytes() < PREAMBLE_HEADER) {
                return;
            }
            int padding = stream.getUnsignedShort(stream.readerIndex() + 32);
            if (stream.readableBytes() < PREAMBLE_HEADER + padding) {
                return;
            }
            stream.skipBytes(PREAMBLE_HEADER + padding);
            preambleDone = true;
        }
        ByteBuf reply = ctx.alloc().buffer();
        while (stream.readableBytes() >= Command.HEADER_LENGTH) {
            int start = stream.readerIndex();
            int length = stream.getUnsignedShort(start + 5);
            if (stream.readableBytes() < Command.HEADER_LENGTH + length) {
                break;
            }
            int command = stream.getUnsignedByte(start);
            int streamId = stream.getInt(start + 1);
            stream.skipBytes(Command.HEADER_LENGTH + length);
            if (command == Command.SYN) {
                if (announceWithFirstSynAck && !announced) {
                    announced = true;
                    Frames.writeText(reply, Command.SERVER_SETTINGS, 0, "v=2");
                }
                Frames.writeEmpty(reply, Command.SYNACK, streamId);
            } else if (command == Command.HEART_REQUEST) {
                Frames.writeEmpty(reply, Command.HEART_RESPONSE, streamId);
            }
        }
        stream.discardReadBytes();
        if (reply.isReadable()) {
            ctx.writeAndFlush(reply);
        } else {
            reply.release();
        }
    }

    /** Tells the client now that this is a v2 server. */
    void announceV2() {
        ChannelHandlerContext c = Conditions.awaitValue("a client connected to the sink", () -> ctx);
        ByteBuf frame = Unpooled.buffer();
        Frames.writeText(frame, Command.SERVER_SETTINGS, 0, "v=2");
        c.writeAndFlush(frame);
    }

    /** Each record's plaintext size, in order. */
    List<Integer> sizes() {
        return records.stream().map(r -> r.length).toList();
    }

    /** Each record's plaintext, as hex. */
    List<String> hex() {
        return records.stream().map(ByteBufUtil::hexDump).toList();
    }

    /** Waits until at least {@code count} records arrived; returns all their sizes. */
    List<Integer> awaitSizes(int count) {
        return Conditions.await(count + " TLS records", this::sizes, sizes -> sizes.size() >= count);
    }

    /** Waits until at least {@code count} records arrived; returns them all as hex. */
    List<String> awaitHex(int count) {
        return Conditions.await(count + " TLS records", this::hex, hex -> hex.size() >= count);
    }
}
