package io.github.proxycore.anytls.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of an authenticated AnyTLS session (PROTOCOL.md §10): requires Settings before any SYN (else
 * Alert and close), answers Settings with UpdatePaddingScheme when the client's {@code padding-md5} differs and with
 * ServerSettings {@code v=2} when the client is v2, opens a stream channel per SYN with a
 * {@link ServerStreamHandler} in it, and never pads.
 */
public final class ServerSession extends AbstractSession {
    private static final Logger log = LoggerFactory.getLogger(ServerSession.class);
    static final String NO_SETTINGS = "client did not send its settings";

    private final ServerConfig config;
    private boolean settingsReceived;
    private int peerVersion; // as the client stated it in Settings, 0 until then

    public ServerSession(ServerConfig config) {
        this.config = config;
    }

    ServerConfig config() {
        return config;
    }

    @Override
    protected void started() {}

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
    protected void onStreamClosed(StreamChannel stream, boolean sentFin) {}

    @Override
    protected void onSessionClosed() {}
}
