package io.github.proxycore.benchmarks.anytls;

import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;

/**
 * A destination inside the AnyTLS server's process, with no second network hop: the router hands each stream a
 * channel on the stream's own event loop that discards what it is sent (port {@link #SINK}, answering one byte once
 * {@code expectedUpload} bytes arrived) or sends {@code total} bytes once it gets a byte (port {@link #SOURCE}). This
 * is what the plain TLS server's Sink and Source handlers do, so AnyTLS "server-terminated" and plain TLS differ by
 * the protocol alone.
 */
final class InProcessDestination implements ConnectionRouter {
    static final int SINK = 1;
    static final int SOURCE = 2;

    private final Transport transport;
    private final ByteBuf payload;
    private final long total;
    private final java.util.function.LongSupplier expectedUpload;

    InProcessDestination(
            Transport transport, ByteBuf payload, long total, java.util.function.LongSupplier expectedUpload) {
        this.transport = transport;
        this.payload = payload;
        this.total = total;
        this.expectedUpload = expectedUpload;
    }

    @Override
    public Future<Channel> dial(Metadata metadata) {
        EventLoop loop = transport.currentOrNext();
        MemoryChannel channel = new MemoryChannel(metadata.destination().port() == SOURCE);
        Promise<Channel> promise = loop.newPromise();
        loop.register(channel).addListener(f -> {
            if (f.isSuccess()) {
                promise.setSuccess(channel);
            } else {
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    @Override
    public Future<Channel> listenPacket(Metadata metadata) {
        throw new UnsupportedOperationException("TCP only");
    }

    private final class MemoryChannel extends AbstractChannel {
        private final boolean source;
        private final DefaultChannelConfig config = new DefaultChannelConfig(this);
        private boolean open = true;
        private long received;
        private long sent;
        private boolean started;
        private boolean producing;

        MemoryChannel(boolean source) {
            super(null);
            this.source = source;
            config.setAutoRead(false);
        }

        @Override
        protected AbstractUnsafe newUnsafe() {
            return new AbstractUnsafe() {
                @Override
                public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
                    promise.setFailure(new UnsupportedOperationException());
                }
            };
        }

        @Override
        protected boolean isCompatible(EventLoop loop) {
            return true;
        }

        @Override
        protected SocketAddress localAddress0() {
            return null;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return null;
        }

        @Override
        protected void doBind(SocketAddress localAddress) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void doDisconnect() {
            doClose();
        }

        @Override
        protected void doClose() {
            open = false;
        }

        @Override
        protected void doBeginRead() {
            if (source && started && !producing && sent < total) {
                producing = true;
                eventLoop().execute(this::produce); // not inline: a read complete would ask for the next read at once
            }
        }

        /** One read's worth, like a socket read loop: up to 16 chunks, then read complete. */
        private void produce() {
            producing = false;
            if (!open) {
                return;
            }
            for (int i = 0; i < 16 && sent < total; i++) {
                int n = (int) Math.min(payload.readableBytes(), total - sent);
                sent += n;
                pipeline().fireChannelRead(payload.retainedSlice(0, n));
            }
            pipeline().fireChannelReadComplete();
        }

        @Override
        protected void doWrite(ChannelOutboundBuffer in) {
            for (Object msg; (msg = in.current()) != null; ) {
                received += ((ByteBuf) msg).readableBytes();
                in.remove();
            }
            if (source) {
                if (!started && received > 0) {
                    started = true;
                    if (config.isAutoRead()) {
                        read();
                    }
                }
            } else if (received >= expectedUpload.getAsLong()) {
                received = 0;
                eventLoop().execute(() -> {
                    pipeline().fireChannelRead(Unpooled.wrappedBuffer(new byte[] {1}));
                    pipeline().fireChannelReadComplete();
                });
            }
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
            return new ChannelMetadata(false);
        }
    }
}
