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

    private final Channel channel;
    private final Object lock = new Object();
    private final ArrayDeque<ByteBuf> received = new ArrayDeque<>(); // guarded by lock
    private int buffered; // guarded by lock
    private boolean ended; // guarded by lock: no more bytes will come
    private Throwable failure; // guarded by lock
    private final InputStream input = new Input();
    private final OutputStream output = new Output();

    private BlockingConnection(Channel channel) {
        this.channel = channel;
    }

    /**
     * Waits for {@code dial} and wraps its channel.
     *
     * @throws IOException the dial's failure (a {@link DialException}), or a timeout
     */
    public static BlockingConnection open(Future<Channel> dial, Duration timeout) throws IOException {
        Objects.requireNonNull(dial, "dial");
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
        return wrap(channel);
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

    /** Wraps a channel returned by a dial (auto-read off, nothing read yet). */
    public static BlockingConnection wrap(Channel channel) {
        BlockingConnection connection = new BlockingConnection(channel);
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        channel.pipeline().addLast(connection.new Receiver());
        channel.config().setAutoRead(true);
        return connection;
    }

    public InputStream input() {
        return input;
    }

    public OutputStream output() {
        return output;
    }

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
                while (received.isEmpty() && !ended) {
                    await();
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
                while (channel.isActive() && !channel.isWritable()) {
                    await();
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

    private void await() throws InterruptedIOException {
        try {
            lock.wait(1000); // woken by events; the timeout only re-checks closed channels
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
    }
}
