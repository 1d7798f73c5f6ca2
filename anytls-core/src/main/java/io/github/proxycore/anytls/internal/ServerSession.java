package io.github.proxycore.anytls.internal;

import io.github.proxycore.anytls.internal.wire.Command;
import io.github.proxycore.anytls.internal.wire.Frames;
import io.github.proxycore.anytls.internal.wire.Settings;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of an authenticated AnyTLS session (docs/protocol.md): requires Settings before any SYN (else
 * Alert and close), answers Settings with UpdatePaddingScheme when the client's {@code padding-md5} differs and with
 * ServerSettings {@code v=2} when the client is v2, opens a stream channel per SYN with a
 * {@link ServerStreamHandler} in it, and never pads.
 *
 * <p>Bounded for hostile clients (docs/anytls.md): at most {@link ServerConfig#maxStreams()} streams (a SYN over it
 * gets a refusal for that stream only), at most {@link ServerConfig#sessionMemoryBudget()} unread stream bytes
 * before the socket is no longer read, and closed after {@link ServerConfig#sessionIdleTimeout()} without a whole
 * frame while it has no stream or is stuck in the middle of a frame.
 */
public final class ServerSession extends AbstractSession {
    private static final Logger log = LoggerFactory.getLogger(ServerSession.class);
    static final String NO_SETTINGS = "client did not send its settings";
    static final String TOO_MANY_STREAMS = "too many streams";

    private final ServerConfig config;
    private boolean settingsReceived;
    private int peerVersion; // as the client stated it in Settings, 0 until then
    private ScheduledFuture<?> idleCheck;

    public ServerSession(ServerConfig config) {
        this.config = config;
    }

    ServerConfig config() {
        return config;
    }

    @Override
    protected void started() {
        scheduleIdleCheck(config.sessionIdleTimeout().toNanos());
    }

    @Override
    protected long memoryBudget() {
        return config.sessionMemoryBudget();
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleCheck = ctx.executor().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Closes a session that went a whole idle timeout without a frame while it had no stream or a frame half
     * received; a session whose streams are merely quiet (an idle SSH login) is left to TCP keep-alive.
     */
    private void checkIdle() {
        if (!isActive()) {
            return;
        }
        long limit = config.sessionIdleTimeout().toNanos();
        long idle = nanoTime() - lastFrameNanos();
        if (idle >= limit && (streams.isEmpty() || midFrame())) {
            log.debug(
                    "{}: idle for {} ms {}, closing",
                    channel(),
                    TimeUnit.NANOSECONDS.toMillis(idle),
                    midFrame() ? "in the middle of a frame" : "without streams");
            close();
            return;
        }
        scheduleIdleCheck(idle >= limit ? limit : limit - idle);
    }

    @Override
    protected void writePacket(ByteBuf packet) {
        ctx.write(packet, ctx.voidPromise());
    }

    @Override
    protected boolean onControlFrame(int command, int streamId, ByteBuf data) {
        try {
            switch (command) {
                case Command.SETTINGS:
                    onSettings(data);
                    return true;
                case Command.SYN:
                    return onSyn(streamId);
                case Command.ALERT:
                    if (data.isReadable()) {
                        log.debug("{}: client alert: {}", channel(), data.toString(StandardCharsets.UTF_8));
                        close();
                        return false;
                    }
                    return true;
                default:
                    return true; // SYNACK, ServerSettings, UpdatePaddingScheme and unknown commands: ignored
            }
        } finally {
            data.release();
        }
    }

    private void onSettings(ByteBuf data) {
        if (!data.isReadable()) {
            return; // quirk: an empty Settings counts as none
        }
        settingsReceived = true;
        Map<String, String> settings = Settings.parse(data.toString(StandardCharsets.UTF_8));
        if (!config.padding().md5().equals(settings.get(Settings.PADDING_MD5))) {
            byte[] raw = config.padding().raw();
            ByteBuf frame = ctx.alloc().buffer(Command.HEADER_LENGTH + raw.length);
            Frames.writeFrame(frame, Command.UPDATE_PADDING_SCHEME, 0, raw);
            writePacket(frame);
        }
        int version = Settings.version(settings);
        if (version >= 2) {
            peerVersion = version;
            writePacket(Frames.text(ctx.alloc(), Command.SERVER_SETTINGS, 0, "v=2"));
        }
        flush();
    }

    private boolean onSyn(int streamId) {
        if (!settingsReceived) {
            ctx.writeAndFlush(Frames.text(ctx.alloc(), Command.ALERT, 0, NO_SETTINGS));
            log.debug("{}: SYN before Settings, closing", channel());
            close();
            return false;
        }
        if (streams.containsKey(streamId)) {
            return true;
        }
        if (streams.size() >= config.maxStreams()) {
            // refuse this stream only: the client may be a busy honest one, and the session's other streams live
            log.debug("{}: stream {} over the limit of {} streams, refused", channel(), streamId, config.maxStreams());
            synAck(streamId, TOO_MANY_STREAMS);
            writePacket(Frames.empty(ctx.alloc(), Command.FIN, streamId));
            flush();
            return true;
        }
        StreamChannel stream = newStream(streamId);
        stream.pipeline().addLast("anytls-stream", new ServerStreamHandler(this));
        stream.config().setAutoRead(true);
        return true;
    }

    /** Sends SYNACK for {@code streamId}: empty on success, with {@code error} otherwise. v1 clients get nothing. */
    void synAck(int streamId, String error) {
        if (peerVersion < 2 || !isActive()) {
            return;
        }
        writePacket(
                error == null
                        ? Frames.empty(ctx.alloc(), Command.SYNACK, streamId)
                        : Frames.text(ctx.alloc(), Command.SYNACK, streamId, error));
        flush();
    }

    @Override
    protected void onStreamClosed(StreamChannel stream, boolean sentFin) {
        touch(); // the idle timeout of a session left without streams starts now
    }

    @Override
    protected void onSessionClosed() {
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
    }
}
