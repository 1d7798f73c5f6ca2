package io.github.proxycore.anytls.internal;

import io.github.proxycore.anytls.PaddingScheme;
import io.github.proxycore.anytls.SessionCloseReason;
import io.github.proxycore.anytls.internal.pool.PooledSession;
import io.github.proxycore.anytls.internal.wire.ClientPadding;
import io.github.proxycore.anytls.internal.wire.Command;
import io.github.proxycore.anytls.internal.wire.Frames;
import io.github.proxycore.anytls.internal.wire.PacketShaper;
import io.github.proxycore.anytls.internal.wire.Settings;
import io.github.proxycore.outbound.ConnectionCutException;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DestinationException;
import io.github.proxycore.outbound.PeerText;
import io.github.proxycore.outbound.SocksAddress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of an AnyTLS session (auth preamble to padding in docs/protocol.md), installed after the TLS
 * handshake.
 *
 * <ul>
 *   <li>Writes the auth preamble as the first TLS record, alone.
 *   <li>Holds Settings back and sends it with the first SYN and address, as one packet.
 *   <li>Shapes the packets below the scheme's {@code stop} (each record flushed on its own), reading the client's
 *       scheme on every write so that an UpdatePaddingScheme applies to this session at once.
 *   <li>Confirms a stream when the server does: by SYNACK from a v2 server (error text fails it with
 *       {@code remote: …}); for the first stream of a new session, whose server version is not known yet, by the
 *       first sign of a v1 server or after {@link #V1_GRACE_MILLIS}. A stream on a reused session of a v2 server
 *       without SYNACK after 3 s closes the whole session (anytls-go's stuck-tunnel watchdog). A stream on
 *       a session taken from the idle set is watched so even when it is the session's first (docs/anytls.md), and fails
 *       with {@link StaleSessionException} if the session dies before the server replied to it.
 *   <li>Remembers a v1 server in the outbound's {@link ServerVersion}, so later sessions do not wait the grace again.
 *   <li>Runs a {@link Heartbeat} once the server has announced v2. Heartbeats bypass the padding: they take no
 *       packet number of the scheme, so the packets the scheme shapes stay the ones the user's data travels in
 *       (an earlier pool implementation counted them, see docs/anytls.md), and each is exactly one 7-byte frame.
 * </ul>
 */
public final class ClientSession extends AbstractSession implements PooledSession {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    /** anytls-go's SYNACK watchdog for streams on reused sessions of v2 servers. */
    public static final long SYNACK_WATCHDOG_MILLIS = 3000;
    /** How long the first stream waits for the server's reply to Settings before assuming a v1 server. */
    public static final long V1_GRACE_MILLIS = 1000;
    /** How long the first stream of a v2 server may wait for its SYNACK (the server's own dial takes ≤ 5 s). */
    public static final long FIRST_SYNACK_TIMEOUT_MILLIS = 10_000;

    private final long seq;
    private final byte[] passwordHash;
    private final String clientName;
    private final ClientPadding padding;
    private final RandomGenerator random;
    private final SessionListener listener;
    private final ServerVersion serverVersion;
    private final long heartbeatNanos;
    private final long heartbeatTimeoutNanos;
    private final IntObjectMap<PendingOpen> pending = new IntObjectHashMap<>();

    private volatile int peerVersion;
    private volatile SessionCloseReason closeKind;
    private Heartbeat heartbeat;
    private long reads;
    private volatile boolean v1Assumed;
    private int nextStreamId = 1;
    private boolean settingsPending = true;
    private boolean paddingActive = true;
    private long packetCounter;
    private boolean serverAnswered;
    private String closeReason;

    public ClientSession(
            long seq,
            byte[] passwordHash,
            String clientName,
            ClientPadding padding,
            RandomGenerator random,
            SessionListener listener) {
        this(seq, passwordHash, clientName, padding, random, listener, new ServerVersion(), 0, 0);
    }

    /**
     * @param serverVersion what the outbound knows of the server's version, shared by its sessions
     * @param heartbeatNanos heartbeat interval, 0 for none
     * @param heartbeatTimeoutNanos how long the server has to answer a heartbeat
     */
    public ClientSession(
            long seq,
            byte[] passwordHash,
            String clientName,
            ClientPadding padding,
            RandomGenerator random,
            SessionListener listener,
            ServerVersion serverVersion,
            long heartbeatNanos,
            long heartbeatTimeoutNanos) {
        this.seq = seq;
        this.passwordHash = passwordHash.clone();
        this.clientName = clientName;
        this.padding = padding;
        this.random = random;
        this.listener = listener;
        this.serverVersion = serverVersion;
        this.heartbeatNanos = heartbeatNanos;
        this.heartbeatTimeoutNanos = heartbeatTimeoutNanos;
        this.v1Assumed = serverVersion.isV1();
    }

    /** Creation order within the client, from 1: the pool picks the highest idle one. */
    @Override
    public long seq() {
        return seq;
    }

    @Override
    public boolean inCallersLoop() {
        ChannelHandlerContext c = ctx;
        return c != null && c.executor().inEventLoop();
    }

    /** Why the session closed (or will close): as the pool or the session itself decided, else {@code remote}. */
    public SessionCloseReason closeReason() {
        SessionCloseReason kind = closeKind;
        return kind == null ? SessionCloseReason.REMOTE : kind;
    }

    @Override
    public void retire(SessionCloseReason reason) {
        if (closeKind == null) {
            closeKind = reason;
        }
        if (ctx == null) {
            return;
        }
        if (ctx.executor().inEventLoop()) {
            close();
        } else {
            ctx.executor().execute(this::close);
        }
    }

    /** A close not decided by the pool or the peer is a local failure (watchdog, malformed frames, I/O errors). */
    @Override
    public void close() {
        if (closeKind == null) {
            closeKind = SessionCloseReason.ERROR;
        }
        super.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // the end of every read of the socket, also of one that brought only part of a TLS record (which reaches
        // channelRead once the record is whole, possibly many reads later): bytes arriving are the sign of life
        // the heartbeat looks for
        reads++;
        super.channelReadComplete(ctx);
    }

    /** How many reads of the socket have completed; event loop only. */
    long reads() {
        return reads;
    }

    /** The version the server stated in ServerSettings, 0 until then (v1 behaviour). */
    public int peerVersion() {
        return peerVersion;
    }

    @Override
    protected void started() {
        int pad = Math.min(padding.get().preamblePadding(random), 16384 - 34);
        ByteBuf preamble = ctx.alloc().buffer(34 + pad);
        preamble.writeBytes(passwordHash);
        preamble.writeShort(pad);
        preamble.writeZero(pad);
        // its own write and flush: the server authenticates from the first TLS record alone (docs/protocol.md)
        ctx.writeAndFlush(preamble, ctx.voidPromise());
    }

    /**
     * Opens a stream to {@code destination}; {@code promise} completes with the stream channel (auto-read off) once
     * the server confirms it. Must run on the session's event loop.
     */
    public void openStream(Destination destination, Promise<Channel> promise) {
        openStream(destination, null, promise);
    }

    /**
     * Opens a stream and writes {@code initial} (owned by the session; may be {@code null}) right after its address,
     * before the server confirms it: for headers the server needs before it can answer (UDP-over-TCP's request).
     */
    public void openStream(Destination destination, ByteBuf initial, Promise<Channel> promise) {
        openStream(destination, initial, promise, false);
    }

    /**
     * Opens a stream; {@code fromIdle} says the session was taken from the idle set (reused or pre-warmed), so the
     * stream is watched for a dead session even when it is the session's first, and such a failure is reported as a
     * {@link StaleSessionException}.
     */
    public void openStream(Destination destination, ByteBuf initial, Promise<Channel> promise, boolean fromIdle) {
        // off the loop, the SYNACK could be handled between the flush below and the stream's registration as pending
        assert ctx.executor().inEventLoop() : "openStream off the session's event loop";
        if (!isActive()) {
            if (initial != null) {
                initial.release();
            }
            promise.tryFailure(closedCause());
            return;
        }
        int id = nextStreamId++;
        StreamChannel stream = newStream(id);
        ByteBuf packet = ctx.alloc().buffer();
        if (settingsPending) {
            writeSettings(packet);
        }
        Frames.writeEmpty(packet, Command.SYN, id);
        Frames.writeHeader(packet, Command.PSH, id, SocksAddress.encodedLength(destination));
        SocksAddress.encode(destination, packet);
        writePacket(packet);
        if (initial != null) {
            writeStreamData(id, initial);
        }
        flush();
        if (!isActive() || !stream.isOpen()) {
            // the write found the connection dead (a reset) and closed the session on the spot
            promise.tryFailure(openFailure(fromIdle, closedCause()));
            return;
        }
        promise.addListener(f -> {
            if (f.isCancelled()) {
                stream.close();
            }
        });
        if (peerVersion >= 2) {
            boolean watchdog = id >= 2 || fromIdle;
            long timeout = watchdog ? SYNACK_WATCHDOG_MILLIS : FIRST_SYNACK_TIMEOUT_MILLIS;
            pending.put(id, new PendingOpen(stream, promise, schedule(id, timeout, watchdog), watchdog, fromIdle));
        } else if (v1Assumed) {
            confirm(stream, promise);
        } else {
            pending.put(id, new PendingOpen(stream, promise, schedule(id, V1_GRACE_MILLIS, false), false, fromIdle));
        }
    }

    /** Sends the held-back Settings now (for a session that should be complete before its first stream). */
    public void sendSettingsNow() {
        if (settingsPending && isActive()) {
            ByteBuf packet = ctx.alloc().buffer();
            writeSettings(packet);
            writePacket(packet);
            flush();
        }
    }

    /**
     * Sends a HeartRequest with stream id 0 as a frame of its own, outside the padding: it takes no packet number of
     * the scheme (docs/anytls.md, heartbeat). The future completes once it is written to the socket.
     */
    public ChannelFuture sendHeartbeat() {
        if (!isActive()) {
            return ctx.newFailedFuture(closedCause());
        }
        return ctx.writeAndFlush(Frames.empty(ctx.alloc(), Command.HEART_REQUEST, 0));
    }

    private void writeSettings(ByteBuf packet) {
        settingsPending = false;
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(Settings.VERSION, "2");
        settings.put(Settings.CLIENT, clientName);
        settings.put(Settings.PADDING_MD5, padding.get().md5());
        byte[] text = Settings.format(settings).getBytes(StandardCharsets.UTF_8);
        Frames.writeFrame(packet, Command.SETTINGS, 0, text);
    }

    private ScheduledFuture<?> schedule(int id, long millis, boolean watchdog) {
        return ctx.executor().schedule(() -> timerFired(id, watchdog), millis, TimeUnit.MILLISECONDS);
    }

    private void timerFired(int id, boolean watchdog) {
        PendingOpen open = pending.get(id);
        if (open == null) {
            return;
        }
        if (peerVersion < 2 && !watchdog) {
            // no ServerSettings in time: a v1 server, which never sends SYNACK
            v1Assumed = true;
            serverVersion.sawV1();
            for (PendingOpen p : new ArrayList<>(pending.values())) {
                pending.remove(p.stream.streamId());
                confirm(p.stream, p.promise);
            }
            return;
        }
        pending.remove(id);
        closeReason = watchdog
                ? "no SYNACK within " + SYNACK_WATCHDOG_MILLIS + " ms on a reused session; session closed"
                : "no SYNACK within " + FIRST_SYNACK_TIMEOUT_MILLIS + " ms; session closed";
        open.promise.tryFailure(openFailure(open.fromIdle, new IOException("timeout: " + closeReason)));
        close();
    }

    private void confirm(StreamChannel stream, Promise<Channel> promise) {
        if (!stream.isOpen()) {
            promise.tryFailure(closedCause());
        } else if (!promise.trySuccess(stream)) {
            stream.close();
        }
    }

    @Override
    protected void writePacket(ByteBuf packet) {
        if (paddingActive) {
            long number = ++packetCounter;
            PaddingScheme scheme = padding.get();
            if (number < scheme.stop()) {
                int[] sizes = scheme.recordSizes((int) number, random);
                PacketShaper.shape(packet, sizes, ctx.alloc(), record -> {
                    ctx.write(record, ctx.voidPromise());
                    ctx.flush(); // each padded record its own TLS record
                });
                return;
            }
            paddingActive = false;
        }
        ctx.write(packet, ctx.voidPromise());
    }

    @Override
    protected void onStreamData(StreamChannel stream) {
        serverAnswered = true;
        PendingOpen open = pending.get(stream.streamId());
        if (open != null && peerVersion < 2) {
            // data before any ServerSettings: the server is v1, streams are confirmed by being answered
            pending.remove(stream.streamId());
            open.timer.cancel(false);
            v1Assumed = true;
            serverVersion.sawV1();
            confirm(stream, open.promise);
        }
    }

    @Override
    protected boolean onControlFrame(int command, int streamId, ByteBuf data) {
        serverAnswered = true;
        try {
            switch (command) {
                case Command.SYNACK:
                    onSynAck(streamId, data);
                    return isActive();
                case Command.SERVER_SETTINGS:
                    int version = Settings.version(Settings.parse(data.toString(StandardCharsets.UTF_8)));
                    peerVersion = version;
                    if (version >= 2) {
                        peerIsV2();
                    }
                    return true;
                case Command.UPDATE_PADDING_SCHEME:
                    byte[] raw = new byte[data.readableBytes()];
                    data.readBytes(raw);
                    if (padding.update(raw)) {
                        log.debug(
                                "{}: the server's padding scheme is in use (md5 {})",
                                channel(),
                                padding.get().md5());
                    } else {
                        log.warn("{}: the server sent an invalid padding scheme; keeping the current one", channel());
                    }
                    return true;
                case Command.ALERT:
                    if (!data.isReadable()) {
                        return true; // an empty Alert is ignored, as anytls-go does
                    }
                    closeReason = "server alert: " + PeerText.printable(data.toString(StandardCharsets.UTF_8));
                    log.warn("{}: {}", channel(), closeReason);
                    retire(SessionCloseReason.REMOTE);
                    return false;
                case Command.FIN:
                default:
                    return true; // SYN, Settings and unknown commands mean nothing to a client
            }
        } finally {
            data.release();
        }
    }

    private void onSynAck(int streamId, ByteBuf data) {
        if (peerVersion < 2) {
            peerVersion = 2;
            peerIsV2();
        }
        PendingOpen open = pending.remove(streamId);
        // the server's own words: escaped and cut, since they end up in logs and in the caller's exception
        String error =
                data.isReadable() ? "remote: " + PeerText.printable(data.toString(StandardCharsets.UTF_8)) : null;
        if (open != null) {
            open.timer.cancel(false);
            if (error == null) {
                confirm(open.stream, open.promise);
            } else {
                open.promise.tryFailure(new DestinationException(error));
                open.stream.close();
            }
            return;
        }
        StreamChannel stream = streams.get(streamId);
        if (stream != null && error != null) {
            stream.fail(new DestinationException(error));
        }
    }

    /**
     * The server speaks v2 (its ServerSettings or a SYNACK said so): streams waiting out the v1 grace now wait for
     * their SYNACK; remember it for the outbound; start the heartbeat if one is configured.
     */
    private void peerIsV2() {
        for (PendingOpen p : pending.values()) {
            if (!p.watchdog) {
                p.timer.cancel(false);
                p.timer = schedule(p.stream.streamId(), FIRST_SYNACK_TIMEOUT_MILLIS, false);
            }
        }
        serverVersion.sawV2();
        v1Assumed = false;
        if (heartbeatNanos > 0 && heartbeat == null && isActive()) {
            heartbeat = new Heartbeat(this, heartbeatNanos, heartbeatTimeoutNanos, random);
            heartbeat.start();
        }
    }

    @Override
    protected void onHeartResponse(int streamId) {
        Heartbeat.responseReceived();
    }

    @Override
    protected void onStreamClosed(StreamChannel stream, boolean sentFin) {
        PendingOpen open = pending.remove(stream.streamId());
        if (open != null) {
            open.timer.cancel(false);
            open.promise.tryFailure(
                    isActive()
                            ? new IOException("the server closed the stream without confirming it")
                            : openFailure(open.fromIdle, closedCause()));
        }
        listener.streamClosed(this);
    }

    @Override
    protected void onSessionClosed() {
        if (heartbeat != null) {
            heartbeat.stop();
        }
        IOException cause = closedCause();
        for (PendingOpen p : new ArrayList<>(pending.values())) {
            p.timer.cancel(false);
            p.promise.tryFailure(openFailure(p.fromIdle, cause));
        }
        pending.clear();
        listener.sessionClosed(this);
    }

    /**
     * Why a stream could not be opened: on a session from the idle set that died before the server replied,
     * nothing reached the destination, so the failure is a {@link StaleSessionException} (the outbound retries once).
     */
    private static IOException openFailure(boolean fromIdle, IOException cause) {
        return fromIdle ? new StaleSessionException(cause.getMessage()) : cause;
    }

    @Override
    protected ConnectionCutException streamsCutCause() {
        SessionCloseReason kind = closeKind;
        String cause = closedCause().getMessage();
        return new ConnectionCutException(
                kind == null || kind == SessionCloseReason.REMOTE ? cause : cause + " (" + kind.label() + ")");
    }

    private IOException closedCause() {
        if (closeReason != null) {
            return new IOException(closeReason);
        }
        if (!serverAnswered) {
            return new IOException("the server closed the session without answering (wrong password?)");
        }
        return new IOException("the session closed");
    }

    @Override
    public String toString() {
        return "ClientSession[seq=" + seq + ", " + (ctx == null ? "new" : ctx.channel()) + "]";
    }

    private static final class PendingOpen {
        final StreamChannel stream;
        final Promise<Channel> promise;
        final boolean watchdog;
        final boolean fromIdle;
        ScheduledFuture<?> timer;

        PendingOpen(
                StreamChannel stream,
                Promise<Channel> promise,
                ScheduledFuture<?> timer,
                boolean watchdog,
                boolean fromIdle) {
            this.stream = stream;
            this.promise = promise;
            this.timer = timer;
            this.watchdog = watchdog;
            this.fromIdle = fromIdle;
        }
    }
}
