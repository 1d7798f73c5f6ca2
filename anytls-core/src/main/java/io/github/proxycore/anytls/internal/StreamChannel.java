package io.github.proxycore.anytls.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * One AnyTLS stream as a child {@link io.netty.channel.Channel} of its session's TLS channel, on the same event
 * loop (the model of Netty's HTTP/2 stream channels). It reads and writes {@link ByteBuf}s: writes become PSH frames
 * on the session, PSH frames from the peer are read here.
 *
 * <ul>
 *   <li><b>Reads</b> follow {@code autoRead} / {@link #read()}: data that arrives while the stream does not want
 *       to read is queued here, and once the queue passes {@link #HIGH_WATER} bytes the session stops reading the
 *       TLS socket until the stream has read it (the protocol has no per-stream flow control, see docs/protocol.md).
 *   <li><b>Writability</b> is the session's: a stream is writable while the TLS channel is.
 *   <li><b>Close</b> sends FIN unless the peer closed the stream first or the session is gone; there is no
 *       half-close. A FIN from the peer closes the stream once the data queued before it has been read.
 * </ul>
 */
public final class StreamChannel extends AbstractChannel {
    /** Queued bytes above which the session stops reading the TLS socket. */
    static final int HIGH_WATER = 256 * 1024;
    /** Queued bytes at or below which it reads again. */
    static final int LOW_WATER = 64 * 1024;

    private static final ChannelMetadata METADATA = new ChannelMetadata(false);

    private final AbstractSession session;
    private final int id;
    private final DefaultChannelConfig config;
    private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>();
    private int queuedBytes;
    private boolean congested;
    private boolean readPending;
    private boolean draining;
    private boolean readCompletePending;
    private boolean open = true;
    private boolean finReceived;
    private boolean finNotNeeded;

    StreamChannel(AbstractSession session, int id) {
        super(session.channel());
        this.session = session;
        this.id = id;
        this.config = new DefaultChannelConfig(this) {
            @Override
            protected void autoReadCleared() {
                clearReadPending();
            }
        };
        this.config.setAutoRead(false);
    }

    /** The stream id. */
    public int streamId() {
        return id;
    }

    /** The session carrying this stream. */
    public AbstractSession session() {
        return session;
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public boolean isWritable() {
        return open && super.isWritable() && parent().isWritable();
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new StreamUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop == parent().eventLoop();
    }

    @Override
    protected SocketAddress localAddress0() {
        return parent().localAddress();
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return parent().remoteAddress();
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a stream cannot be bound");
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doClose() {
        if (!open) {
            return;
        }
        open = false;
        releaseQueue();
        session.streamClosed(this, !finReceived && !finNotNeeded);
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        if (draining || inbound.isEmpty()) {
            if (inbound.isEmpty() && finReceived) {
                close();
            }
            return;
        }
        draining = true;
        try {
            ByteBuf next;
            while (open && (next = inbound.poll()) != null) {
                queued(-next.readableBytes());
                pipeline().fireChannelRead(next);
            }
        } finally {
            draining = false;
        }
        updateCongestion();
        if (!config.isAutoRead()) {
            readPending = false;
        }
        pipeline().fireChannelReadComplete();
        if (finReceived && inbound.isEmpty()) {
            close();
        }
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        // flushing the session can fire writability events whose handlers write and flush again while this flush
        // is still running (their flush is then a no-op): loop until nothing flushed is left
        while (!in.isEmpty()) {
            boolean wrote = false;
            for (; ; ) {
                Object msg = in.current();
                if (msg == null) {
                    break;
                }
                if (!(msg instanceof ByteBuf data)) {
                    in.remove(new UnsupportedOperationException(
                            "a stream writes ByteBufs, not " + msg.getClass().getName()));
                    continue;
                }
                if (!session.isActive()) {
                    in.remove(new ClosedChannelException());
                    continue;
                }
                if (data.isReadable()) {
                    session.writeStreamData(id, data.retain());
                    wrote = true;
                }
                in.remove();
            }
            if (wrote) {
                session.flush();
            }
        }
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            return msg;
        }
        throw new UnsupportedOperationException(
                "a stream writes ByteBufs, not " + msg.getClass().getName());
    }

    /**
     * Data from the peer; called on the event loop; takes ownership of {@code data}. It is delivered only while a
     * read request has reached {@link #doBeginRead}, never on the {@code autoRead} flag alone: that flag may have
     * been set from another thread whose handlers are not in the pipeline yet.
     */
    void receive(ByteBuf data) {
        if (!open || finReceived) {
            data.release();
            return;
        }
        if (inbound.isEmpty() && readPending && !draining) {
            pipeline().fireChannelRead(data);
            if (!readCompletePending) {
                readCompletePending = true;
                session.readCompletePending(this);
            }
            return;
        }
        data = compact(data);
        inbound.add(data);
        queued(data.readableBytes());
        updateCongestion();
    }

    /**
     * {@code data} itself, or, when it is a slice that keeps a buffer more than twice its size alive (a 1-byte frame
     * from a 16 KiB record), a copy of it: queued bytes are counted against the session's budget, and must be what
     * they hold in memory.
     */
    ByteBuf compact(ByteBuf data) {
        return compact(alloc(), data);
    }

    static ByteBuf compact(io.netty.buffer.ByteBufAllocator alloc, ByteBuf data) {
        ByteBuf root = data;
        while (root.unwrap() != null) {
            root = root.unwrap();
        }
        if (root == data || root.capacity() / 2 <= data.readableBytes()) {
            return data;
        }
        try {
            return alloc.heapBuffer(data.readableBytes()).writeBytes(data);
        } finally {
            data.release();
        }
    }

    private void queued(int delta) {
        queuedBytes += delta;
        session.held(delta);
    }

    /**
     * Puts {@code data} back at the head of the read queue, to be read again before anything that arrived later
     * (a handler that looked at the first bytes of a stream hands the rest to the handlers it installs).
     */
    public void unread(ByteBuf data) {
        if (!open) {
            data.release();
            return;
        }
        inbound.addFirst(data);
        queued(data.readableBytes());
        updateCongestion();
    }

    /** End of the session's read batch: fires channelReadComplete for what {@link #receive} delivered. */
    void batchComplete() {
        readCompletePending = false;
        if (!open) {
            return;
        }
        if (!config.isAutoRead()) {
            readPending = false;
        }
        pipeline().fireChannelReadComplete();
    }

    /** FIN from the peer: close (without FIN) once the queued data is read. */
    void finReceived() {
        finReceived = true;
        if (inbound.isEmpty()) {
            close();
        }
    }

    /**
     * The session is gone, or the stream ended in a way the peer already knows: close without FIN. A {@code cause}
     * is fired first to the handlers, if the stream has any (one still waiting for its SYNACK has none; its opener
     * hears of it through its promise).
     */
    void closeWithoutFin(Throwable cause) {
        finNotNeeded = true;
        if (cause != null && open && pipeline().first() != null) {
            pipeline().fireExceptionCaught(cause);
        }
        close();
    }

    /** Fails the stream with {@code cause} (e.g. a SYNACK error): fires it, then closes with FIN. */
    void fail(Throwable cause) {
        if (open) {
            pipeline().fireExceptionCaught(cause);
        }
        close();
    }

    /** autoRead was switched off: stop delivering at the end of this batch (as Netty's NIO channels do). */
    private void clearReadPending() {
        if (!isRegistered() || eventLoop().inEventLoop()) {
            readPending = false;
        } else {
            eventLoop().execute(() -> readPending = false);
        }
    }

    private void updateCongestion() {
        if (!congested && queuedBytes > HIGH_WATER) {
            congested = true;
            session.congestion(true);
        } else if (congested && queuedBytes <= LOW_WATER) {
            congested = false;
            session.congestion(false);
        }
    }

    private void releaseQueue() {
        ByteBuf next;
        while ((next = inbound.poll()) != null) {
            queued(-next.readableBytes());
            ReferenceCountUtil.release(next);
        }
        if (congested) {
            congested = false;
            session.congestion(false);
        }
    }

    @Override
    public String toString() {
        return "StreamChannel[" + id + " on " + parent() + "]";
    }

    private final class StreamUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a stream is connected when it is opened"));
        }
    }
}
