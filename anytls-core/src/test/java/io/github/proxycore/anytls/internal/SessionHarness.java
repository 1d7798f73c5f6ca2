package io.github.proxycore.anytls.internal;

import io.github.proxycore.anytls.internal.wire.Frames;
import io.github.proxycore.outbound.Destination;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ClientSession} over an {@link EmbeddedChannel} standing in for its TLS channel, with the helpers the
 * session's tests share. The channel's clock is frozen: only {@link #advance} moves it, so the timers under test never
 * race real time; auto-read is off, as on TLS channels, so only the session asks for reads.
 */
final class SessionHarness implements AutoCloseable {
    final ClientSession session;
    final EmbeddedChannel channel;

    /** Installs {@code session} behind {@code before} (handlers that watch what reaches it). */
    SessionHarness(ClientSession session, ChannelHandler... before) {
        this.session = session;
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(before);
        channel.pipeline().addLast(session);
    }

    /** The size of each write flushed since the last call (one per record handed to TLS). */
    List<Integer> recordSizes() {
        List<Integer> sizes = new ArrayList<>();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            sizes.add(((ByteBuf) o).readableBytes());
            ReferenceCountUtil.release(o);
        }
        return sizes;
    }

    /** The plaintext of each write flushed since the last call, as hex. */
    List<String> records() {
        List<String> out = new ArrayList<>();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            out.add(ByteBufUtil.hexDump((ByteBuf) o));
            ReferenceCountUtil.release(o);
        }
        return out;
    }

    /** A frame from the server. */
    void inbound(int command, int id, String text) {
        ByteBuf frame = Unpooled.buffer();
        Frames.writeText(frame, command, id, text);
        channel.writeInbound(frame);
    }

    /** Opens a stream to {@code destination}; the promise completes when the server answers. */
    Promise<Channel> open(Destination destination) {
        Promise<Channel> promise = channel.eventLoop().newPromise();
        session.openStream(destination, promise);
        channel.runPendingTasks();
        return promise;
    }

    /** Opens a stream as the pool does, {@code fromIdle} when the session was taken from the idle set. */
    Promise<Channel> open(Destination destination, boolean fromIdle) {
        Promise<Channel> promise = channel.eventLoop().newPromise();
        session.openStream(destination, null, promise, fromIdle);
        channel.runPendingTasks();
        return promise;
    }

    /** Moves the clock in 100 ms steps, running what falls due at each (timers scheduled meanwhile included). */
    void advance(long nanos) {
        long step = TimeUnit.MILLISECONDS.toNanos(100);
        for (long done = 0; done < nanos; done += step) {
            channel.advanceTimeBy(Math.min(step, nanos - done), TimeUnit.NANOSECONDS);
            channel.runScheduledPendingTasks();
            channel.runPendingTasks();
        }
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
