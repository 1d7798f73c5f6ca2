package io.github.proxycore.outbound;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A dialled channel as blocking streams, for hosts that do not use Netty. Backpressure is kept: the channel stops
 * reading while more than {@link #READ_BUFFER} bytes wait for {@link #input()}, and {@link #output()} blocks while the
 * channel is not writable. The streams must not be used from an event loop.
 *
 * <p>{@link #open} bounds the wait for the dial; {@link Timeouts} bound a read that gets no byte (a
 * {@link SocketTimeoutException}, as {@code Socket.setSoTimeout} gives, and the connection stays usable) and a write
 * that finds the channel unwritable.
 *
 * <pre>{@code
 * try (BlockingConnection c = BlockingConnection.open(outbound.dial(metadata), Duration.ofSeconds(10))) {
 *     c.output().write(request);
 *     c.input().transferTo(System.out);
 * }
 * }</pre>
 */
public final class BlockingConnection implements Closeable {
    /** Bytes read ahead of the reader before the channel stops reading. */
    public static final int READ_BUFFER = 256 * 1024;

    /**
     * How long a read waits for a byte and a write for the channel to take data; {@link Duration#ZERO} waits without
     * limit.
     *
     * @param read the read timeout; a read that gets no byte in time throws {@link SocketTimeoutException}
     * @param write the write timeout; a write that cannot hand its bytes over in time throws
     *     {@link SocketTimeoutException}
     */
    public record Timeouts(Duration read, Duration write) {
        /** No limits. */
        public static final Timeouts NONE = new Timeouts(Duration.ZERO, Duration.ZERO);

        /**
         * Checks the timeouts.
         *
         * @param read how long a read waits for a byte; zero for no limit
         * @param write how long a write waits for the channel to take data; zero for no limit
         * @throws NullPointerException if either is {@code null}
         * @throws IllegalArgumentException if either is negative
         */
        public Timeouts {
            Objects.requireNonNull(read, "read");
            Objects.requireNonNull(write, "write");
            if (read.isNegative() || write.isNegative()) {
                throw new IllegalArgumentException("read and write timeouts are zero (none) or positive");
            }
        }
    }

    private final Channel channel;
    private final long readTimeoutNanos; // 0: none
    private final long writeTimeoutNanos; // 0: none
    private final Object lock = new Object();
    private final ArrayDeque<ByteBuf> received = new ArrayDeque<>(); // guarded by lock
    private int buffered; // guarded by lock
    private boolean ended; // guarded by lock: no more bytes will come
    private Throwable failure; // guarded by lock
    private final InputStream input = new Input();
    private final OutputStream output = new Output();

    private BlockingConnection(Channel channel, Timeouts timeouts) {
        this.channel = channel;
        this.readTimeoutNanos = timeouts.read().toNanos();
        this.writeTimeoutNanos = timeouts.write().toNanos();
    }

    /**
     * Waits up to {@code timeout} for {@code dial} and wraps its channel; reads and writes wait without limit.
     *
     * @param dial a dial, e.g. {@link Outbound#dial(Destination)}
     * @param timeout how long to wait for it; on timeout or interruption the dial is cancelled
     * @return the connection
     * @throws IOException the dial's failure (a {@link DialException}), or a timeout
     */
    public static BlockingConnection open(Future<Channel> dial, Duration timeout) throws IOException {
        return open(dial, timeout, Timeouts.NONE);
    }

    /**
     * Waits up to {@code timeout} for {@code dial} and wraps its channel, reads and writes bounded by
     * {@code timeouts}.
     *
     * @param dial a dial, e.g. {@link Outbound#dial(Destination)}
     * @param timeout how long to wait for it; on timeout or interruption the dial is cancelled
     * @param timeouts the read and write timeouts
     * @return the connection
     * @throws IOException the dial's failure (a {@link DialException}), or a timeout
     */
    public static BlockingConnection open(Future<Channel> dial, Duration timeout, Timeouts timeouts)
            throws IOException {
        Objects.requireNonNull(dial, "dial");
        Objects.requireNonNull(timeouts, "timeouts");
        Channel channel;
        try {
            channel = dial.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(dial);
            throw new InterruptedIOException("interrupted while dialling");
        } catch (TimeoutException e) {
            abandon(dial);
            throw new IOException("dial did not complete within " + timeout);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        return wrap(channel, timeouts);
    }

    /** Cancels a dial nobody waits for any more, and closes its channel if it connected all the same. */
    private static void abandon(Future<Channel> dial) {
        dial.cancel(false);
        dial.addListener(f -> {
            if (f.isSuccess()) {
                ((Channel) f.getNow()).close();
            }
        });
    }

    /**
     * Wraps a channel returned by a dial (auto-read off, nothing read yet); reads and writes wait without limit.
     *
     * @param channel the dialled channel; the connection takes it over
     * @return the connection
     */
    public static BlockingConnection wrap(Channel channel) {
        return wrap(channel, Timeouts.NONE);
    }

    /**
     * Wraps a channel returned by a dial (auto-read off, nothing read yet), reads and writes bounded by timeouts.
     *
     * @param channel the dialled channel; the connection takes it over
     * @param timeouts the read and write timeouts
     * @return the connection
     */
    public static BlockingConnection wrap(Channel channel, Timeouts timeouts) {
        BlockingConnection connection = new BlockingConnection(channel, timeouts);
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        channel.pipeline().addLast(connection.new Receiver());
        channel.config().setAutoRead(true);
        return connection;
    }

    /** {@return a stream of the bytes the channel receives; closing it closes the connection} */
    public InputStream input() {
        return input;
    }

    /**
     * {@return a stream that writes to the channel, blocking while it is not writable; closing it closes the
     * connection}
     */
    public OutputStream output() {
        return output;
    }

    /** {@return the underlying channel} */
    public Channel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        synchronized (lock) {
            releaseAll();
            ended = true;
            lock.notifyAll();
        }
    }

    private void releaseAll() {
        while (!received.isEmpty()) {
            received.poll().release();
        }
        buffered = 0;
    }

    /** Runs on the event loop: queues what arrives, pausing the channel when the reader falls behind. */
    private final class Receiver extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf bytes)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            synchronized (lock) {
                if (ended) {
                    bytes.release();
                    return;
                }
                received.add(bytes);
                buffered += bytes.readableBytes();
                if (buffered > READ_BUFFER) {
                    ctx.channel().config().setAutoRead(false);
                }
                lock.notifyAll();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                end(null);
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end(null);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            synchronized (lock) {
                lock.notifyAll();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end(cause);
            ctx.close();
        }

        private void end(Throwable cause) {
            synchronized (lock) {
                if (failure == null) {
                    failure = cause;
                }
                ended = true;
                lock.notifyAll();
            }
        }
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            boolean resume;
            int n;
            synchronized (lock) {
                long deadline = System.nanoTime() + readTimeoutNanos;
                while (received.isEmpty() && !ended) {
                    if (!await(readTimeoutNanos, deadline)) {
                        throw new SocketTimeoutException("no data within "
                                + Duration.ofNanos(readTimeoutNanos).toMillis() + " ms");
                    }
                }
                if (received.isEmpty()) {
                    if (failure != null) {
                        throw new IOException("connection failed: " + failure.getMessage(), failure);
                    }
                    return -1;
                }
                ByteBuf head = received.peek();
                n = Math.min(len, head.readableBytes());
                head.readBytes(b, off, n);
                if (!head.isReadable()) {
                    received.poll().release();
                }
                resume = buffered > READ_BUFFER && buffered - n <= READ_BUFFER;
                buffered -= n;
            }
            if (resume) {
                channel.config().setAutoRead(true);
            }
            return n;
        }

        @Override
        public int available() {
            synchronized (lock) {
                return buffered;
            }
        }

        @Override
        public void close() {
            BlockingConnection.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (channel.eventLoop().inEventLoop()) {
                throw new IllegalStateException("blocking write on an event loop");
            }
            synchronized (lock) {
                long deadline = System.nanoTime() + writeTimeoutNanos;
                while (channel.isActive() && !channel.isWritable()) {
                    if (!await(writeTimeoutNanos, deadline)) {
                        throw new SocketTimeoutException("the connection took no data for "
                                + Duration.ofNanos(writeTimeoutNanos).toMillis() + " ms");
                    }
                }
            }
            if (!channel.isActive()) {
                throw new IOException("connection closed");
            }
            channel.writeAndFlush(Unpooled.copiedBuffer(b, off, len)).addListener(f -> {
                if (!f.isSuccess()) {
                    channel.close();
                }
            });
        }

        @Override
        public void close() {
            BlockingConnection.this.close();
        }
    }

    /** Waits on the lock once; false once {@code deadline} passed (a {@code limit} of 0 has none). */
    private boolean await(long limit, long deadline) throws InterruptedIOException {
        long left = limit == 0 ? TimeUnit.SECONDS.toNanos(1) : deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            // woken by events; at most a second, to re-check closed channels
            TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
    }
}
