package io.github.proxycore.anytls.internal;

import io.github.proxycore.anytls.internal.wire.Command;
import io.github.proxycore.anytls.internal.wire.FrameDecoder;
import io.github.proxycore.anytls.internal.wire.Frames;
import io.github.proxycore.outbound.ConnectionCutException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the client and server sides of an AnyTLS session share: it sits last in the TLS channel's pipeline, decodes
 * frames, keeps the streams (child {@link StreamChannel}s), writes their data as PSH frames, and reads the TLS
 * socket only while no stream is congested (backpressure, since the protocol has none: docs/protocol.md). The
 * session switches the TLS channel's auto-read off while it must not read and on again after: on, the transport
 * reads a batch of buffers per wake-up (one read per request would leave a 16 KiB record to trickle in over many
 * turns of a busy loop), and off takes effect within the batch.
 *
 * <p>All methods run on the session's event loop.
 */
public abstract class AbstractSession extends ChannelDuplexHandler implements FrameDecoder.Listener {
    private static final Logger log = LoggerFactory.getLogger(AbstractSession.class);

    /**
     * Data per PSH frame: a frame and its header fill one full TLS record (16 KiB of plaintext), so that a receiver
     * whose TLS layer hands it one record at a time finds whole frames and slices them without copying. Any size up
     * to 65535 is valid on the wire.
     */
    static final int FRAME_DATA = 16384 - Command.HEADER_LENGTH;

    protected ChannelHandlerContext ctx;
    protected final IntObjectMap<StreamChannel> streams = new IntObjectHashMap<>();
    private final List<StreamChannel> readComplete = new ArrayList<>();
    /** Reused snapshot of the streams, so that notifying them allocates nothing and tolerates closes meanwhile. */
    private final List<StreamChannel> snapshot = new ArrayList<>();

    private ByteBuf cumulation;
    /** Whether PSH frames are built in direct memory: for OpenSSL's engine, and heap arrays for the JDK's. */
    private boolean directFrames;

    private int congestedStreams;
    /** Stream bytes received and not yet read by their streams' handlers, across all streams. */
    private long heldBytes;
    /** Set above {@link #memoryBudget()}, cleared at half of it: reading pauses in between (hysteresis). */
    private boolean overBudget;

    private long lastFrameNanos;
    private boolean heartbeatAnswered; // a response written in this read batch, not flushed yet
    private boolean closed;

    /** The TLS channel. */
    public Channel channel() {
        return ctx.channel();
    }

    /** Whether the session can still carry frames. */
    public boolean isActive() {
        return !closed && ctx != null && ctx.channel().isActive();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        lastFrameNanos = nanoTime();
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        directFrames = tls != null && tls.engine() instanceof ReferenceCountedOpenSslEngine;
        if (!ctx.channel().isActive()) {
            closed = true;
            return;
        }
        ctx.channel().closeFuture().addListener(f -> sessionClosed());
        started();
        updateReading();
    }

    /** Unread stream bytes this session may hold across its streams before it stops reading; unlimited here. */
    protected long memoryBudget() {
        return Long.MAX_VALUE;
    }

    /** When the last whole frame was decoded, or the session was {@linkplain #touch() touched}. */
    protected final long lastFrameNanos() {
        return lastFrameNanos;
    }

    /** Counts now as activity for {@link #lastFrameNanos()}. */
    protected final void touch() {
        lastFrameNanos = nanoTime();
    }

    /** Now, on the clock of the event loop whose timers this session schedules (its executor's ticker). */
    protected final long nanoTime() {
        return ctx.executor().ticker().nanoTime();
    }

    /** Whether part of a frame has been received and the rest has not. */
    protected final boolean midFrame() {
        return cumulation != null && cumulation.isReadable();
    }

    /** Unread stream bytes held now. */
    final long heldBytes() {
        return heldBytes;
    }

    /** A stream (or its first handler) now holds {@code delta} more (or fewer) unread bytes. */
    final void held(int delta) {
        heldBytes += delta;
        if (!overBudget && heldBytes > memoryBudget()) {
            overBudget = true;
            updateReading();
        } else if (overBudget && heldBytes <= memoryBudget() / 2) {
            overBudget = false;
            updateReading();
        }
    }

    /** Why the streams still open when the session closed were cut; handed to their handlers. */
    protected ConnectionCutException streamsCutCause() {
        return new ConnectionCutException("the AnyTLS session closed");
    }

    /** Called once the session is in the pipeline of an active channel. */
    protected abstract void started();

    /** Writes one packet (one or more whole frames); the session owns {@code packet} after the call. */
    protected abstract void writePacket(ByteBuf packet);

    /** A frame other than PSH, FIN and heartbeats; owns {@code data}. */
    protected abstract boolean onControlFrame(int command, int streamId, ByteBuf data);

    /** A stream of this session closed; {@code sentFin} says whether a FIN went out for it. */
    protected abstract void onStreamClosed(StreamChannel stream, boolean sentFin);

    /** The session closed (after all its streams did). */
    protected abstract void onSessionClosed();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (closed) {
            in.release();
            return;
        }
        cumulation =
                cumulation == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        try {
            FrameDecoder.decode(cumulation, this);
        } catch (RuntimeException e) {
            log.debug("{}: malformed frames, closing the session: {}", ctx.channel(), e.toString());
            close();
        }
        if (cumulation != null && !cumulation.isReadable()) {
            cumulation.release();
            cumulation = null;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (cumulation != null && cumulation.refCnt() == 1) {
            // only when no PSH slice of it is still queued in a stream: discarding moves the bytes under them
            cumulation.discardSomeReadBytes();
        }
        for (int i = 0; i < readComplete.size(); i++) {
            readComplete.get(i).batchComplete();
        }
        readComplete.clear();
        if (heartbeatAnswered) {
            // answers to heartbeats are flushed once per read batch; everything else flushes itself, and a flush
            // with nothing pending still costs SslHandler a promise and an empty wrap
            heartbeatAnswered = false;
            flush();
        }
    }

    @Override
    public final boolean onFrame(int command, int streamId, ByteBuf data) {
        lastFrameNanos = nanoTime();
        if (closed) {
            data.release();
            return false;
        }
        switch (command) {
            case Command.PSH: {
                StreamChannel stream = streams.get(streamId);
                if (stream == null || !data.isReadable()) {
                    data.release();
                } else {
                    onStreamData(stream);
                    stream.receive(data);
                }
                return !closed;
            }
            case Command.FIN: {
                StreamChannel stream = streams.get(streamId);
                if (stream != null) {
                    stream.finReceived();
                }
                return !closed;
            }
            case Command.HEART_REQUEST:
                writePacket(Frames.empty(ctx.alloc(), Command.HEART_RESPONSE, streamId));
                heartbeatAnswered = true;
                return true;
            case Command.HEART_RESPONSE:
                onHeartResponse(streamId);
                return true;
            case Command.WASTE:
                return true;
            default:
                return onControlFrame(command, streamId, data);
        }
    }

    /** Hook for the client: data for a stream is a reply from the server. */
    protected void onStreamData(StreamChannel stream) {}

    /** Hook for the client: the peer answered a heartbeat. */
    protected void onHeartResponse(int streamId) {}

    /** Whether reading the TLS socket is paused because a stream is congested (its peer's frames wait unread). */
    protected boolean readPaused() {
        return congestedStreams > 0 || overBudget;
    }

    /** A stream received data while reading: fire its channelReadComplete at the end of this batch. */
    void readCompletePending(StreamChannel stream) {
        readComplete.add(stream);
    }

    /** A stream's queue crossed a water mark. */
    void congestion(boolean congested) {
        congestedStreams += congested ? 1 : -1;
        updateReading();
    }

    private void updateReading() {
        ChannelConfig config = ctx.channel().config();
        boolean read = !closed && congestedStreams == 0 && !overBudget;
        if (config.isAutoRead() != read) {
            config.setAutoRead(read); // on again, it asks the transport for a read
        }
    }

    /** Opens a stream channel with id {@code id}, registered on this session's event loop. */
    protected StreamChannel newStream(int id) {
        StreamChannel stream = new StreamChannel(this, id);
        streams.put(id, stream);
        ctx.channel().eventLoop().register(stream);
        return stream;
    }

    /**
     * Writes PSH frames for {@code data} (owned by the session now), chunked at {@link #FRAME_DATA} bytes. Each
     * frame is copied into one buffer of the kind the TLS engine reads without further copies: the alternative,
     * header and data as separate buffers, has SslHandler copy them together anyway, and the slices, headers and
     * NIO views it takes cost some 450 B of garbage per frame (docs/benchmarks.md).
     */
    void writeStreamData(int streamId, ByteBuf data) {
        try {
            while (data.isReadable()) {
                int length = Math.min(data.readableBytes(), FRAME_DATA);
                int size = Command.HEADER_LENGTH + length;
                ByteBuf frame = directFrames
                        ? ctx.alloc().directBuffer(size)
                        : ctx.alloc().heapBuffer(size);
                Frames.writeHeader(frame, Command.PSH, streamId, length);
                copy(data, length, frame);
                writePacket(frame);
            }
        } finally {
            data.release();
        }
    }

    /** Moves {@code length} bytes from {@code from} to {@code to}, straight into its array when it has one. */
    private static void copy(ByteBuf from, int length, ByteBuf to) {
        if (!to.hasArray()) {
            to.writeBytes(from, length);
            return;
        }
        // ByteBuf-to-ByteBuf copies go through NIO views of both buffers, objects made for every frame
        from.getBytes(from.readerIndex(), to.array(), to.arrayOffset() + to.writerIndex(), length);
        from.skipBytes(length);
        to.writerIndex(to.writerIndex() + length);
    }

    /** Flushes what was written to the TLS channel. */
    public void flush() {
        if (ctx != null) {
            ctx.flush();
        }
    }

    /** A stream closed: FIN if asked and the session is alive, then forget it. */
    void streamClosed(StreamChannel stream, boolean sendFin) {
        if (streams.get(stream.streamId()) == stream) {
            streams.remove(stream.streamId());
        }
        boolean fin = sendFin && isActive();
        if (fin) {
            writePacket(Frames.empty(ctx.alloc(), Command.FIN, stream.streamId()));
            flush();
        }
        onStreamClosed(stream, fin);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        for (StreamChannel stream : streams.values()) {
            snapshot.add(stream);
        }
        try {
            for (int i = 0; i < snapshot.size(); i++) {
                snapshot.get(i).pipeline().fireChannelWritabilityChanged();
            }
        } finally {
            snapshot.clear();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sessionClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isOutOfMemory(cause)) {
            outOfMemory(cause);
        } else {
            log.debug("{}: session failed: {}", ctx.channel(), cause.toString());
            close();
        }
    }

    /**
     * An allocation for this session failed: close this session, whose buffers are the ones to free, and say so
     * loudly, since it means the limits leave too little memory.
     */
    void outOfMemory(Throwable cause) {
        log.warn(
                "{}: out of memory, closing this session ({} unread stream bytes held, {} streams): {}",
                ctx.channel(),
                heldBytes,
                streams.size(),
                cause.toString());
        close();
    }

    /** Whether {@code cause} or one of its causes is an {@link OutOfMemoryError} (direct memory included). */
    static boolean isOutOfMemory(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseCumulation();
    }

    /** Closes the TLS connection and with it every stream (without FINs). */
    public void close() {
        if (ctx != null) {
            ctx.close();
        }
        sessionClosed();
    }

    private void sessionClosed() {
        if (closed && streams.isEmpty() && cumulation == null) {
            return;
        }
        boolean first = !closed;
        closed = true;
        releaseCumulation();
        if (!streams.isEmpty()) {
            // the streams did not end, they were cut: their handlers hear it as an error, so that a relay resets its
            // client instead of ending it as if everything had arrived
            ConnectionCutException cause = streamsCutCause();
            for (StreamChannel stream : new ArrayList<>(streams.values())) {
                stream.closeWithoutFin(cause);
            }
        }
        streams.clear();
        if (first) {
            onSessionClosed();
        }
    }

    private void releaseCumulation() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }
}
