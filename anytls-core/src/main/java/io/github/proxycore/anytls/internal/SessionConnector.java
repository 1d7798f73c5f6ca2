package io.github.proxycore.anytls.internal;

import io.github.proxycore.anytls.internal.wire.ClientPadding;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.TcpDialer;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Opens new client sessions: TCP through the outbound's {@link TcpDialer}, TLS (one {@link ClientTls} per outbound,
 * so the provider's session cache resumes TLS sessions to the same server), then a {@link ClientSession}.
 */
public final class SessionConnector {
    /** Which step of opening a session failed; the outbound words its error by it. */
    public enum Stage {
        CONNECT,
        TLS
    }

    /** A failure of one {@link Stage}. */
    public static final class SessionFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Stage stage;

        SessionFailure(Stage stage, Throwable cause) {
            super(cause);
            this.stage = stage;
        }

        public Stage stage() {
            return stage;
        }
    }

    private final TcpDialer dialer;
    private final Destination server;
    private final ClientTls tls;
    private final String verifyHost;
    private final boolean sendSni;
    private final byte[] passwordHash;
    private final String clientName;
    private final ClientPadding padding;
    private final RandomGenerator random;
    private final ServerVersion serverVersion;
    private final long heartbeatNanos;
    private final long heartbeatTimeoutNanos;

    /**
     * @param verifyHost the name the certificate is checked against (and sent as SNI unless it is an IP literal or
     *     {@code sendSni} is false)
     * @param serverVersion what the outbound has learned of the server's version, shared by its sessions
     * @param heartbeatNanos the sessions' heartbeat interval, 0 for none
     * @param heartbeatTimeoutNanos how long the server has to answer a heartbeat
     */
    public SessionConnector(
            TcpDialer dialer,
            Destination server,
            ClientTls tls,
            String verifyHost,
            boolean sendSni,
            byte[] passwordHash,
            String clientName,
            ClientPadding padding,
            RandomGenerator random,
            ServerVersion serverVersion,
            long heartbeatNanos,
            long heartbeatTimeoutNanos) {
        this.dialer = dialer;
        this.server = server;
        this.tls = tls;
        this.verifyHost = verifyHost;
        this.sendSni = sendSni;
        this.passwordHash = passwordHash.clone();
        this.clientName = clientName;
        this.padding = padding;
        this.random = random;
        this.serverVersion = serverVersion;
        this.heartbeatNanos = heartbeatNanos;
        this.heartbeatTimeoutNanos = heartbeatTimeoutNanos;
    }

    public Destination server() {
        return server;
    }

    public ClientPadding padding() {
        return padding;
    }

    /** The outbound's TLS contexts. */
    public ClientTls tls() {
        return tls;
    }

    /** Opens a session numbered {@code seq}; fails with a {@link SessionFailure}. */
    public Future<ClientSession> connect(long seq, SessionListener listener) {
        Promise<ClientSession> promise = ImmediateEventExecutor.INSTANCE.newPromise();
        connect(seq, listener, promise, true);
        return promise;
    }

    private void connect(long seq, SessionListener listener, Promise<ClientSession> promise, boolean firstTry) {
        if (promise.isDone()) { // cancelled while the fallback was being built
            return;
        }
        Future<Channel> tcp = dialer.connect(server, Metadata.internal(Network.TCP, server));
        promise.addListener(f -> {
            if (f.isCancelled()) {
                tcp.cancel(false);
            }
        });
        tcp.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(new SessionFailure(Stage.CONNECT, f.cause()));
                return;
            }
            Channel channel = tcp.getNow();
            if (channel.eventLoop().inEventLoop()) { // the dialer completes on the channel's loop: no task needed
                startTls(channel, seq, listener, promise, firstTry);
            } else {
                channel.eventLoop().execute(() -> startTls(channel, seq, listener, promise, firstTry));
            }
        });
    }

    private void startTls(
            Channel channel, long seq, SessionListener listener, Promise<ClientSession> promise, boolean firstTry) {
        SslContext context = tls.context();
        SslHandler handler = context.newHandler(channel.alloc(), verifyHost, server.port());
        if (!sendSni) {
            SSLEngine engine = handler.engine();
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setServerNames(List.of());
            engine.setSSLParameters(parameters);
        }
        channel.pipeline().addLast("tls", handler);
        // the handshake future reports TLS failures; this keeps them from reaching the pipeline's tail as warnings
        channel.pipeline().addLast("tls-failure", new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        });
        handler.handshakeFuture().addListener(f -> {
            if (!f.isSuccess()) {
                channel.close();
                Throwable failure = f.cause();
                CompletableFuture<SslContext> fallback = firstTry ? tls.fallbackFor(failure, context, server) : null;
                if (fallback == null) {
                    promise.tryFailure(new SessionFailure(Stage.TLS, failure));
                } else { // once more, on a new connection, with the fallback
                    fallback.whenComplete((ok, error) -> {
                        if (error == null) {
                            connect(seq, listener, promise, false);
                        } else {
                            promise.tryFailure(new SessionFailure(Stage.TLS, failure));
                        }
                    });
                }
                return;
            }
            ClientSession session = new ClientSession(
                    seq,
                    passwordHash,
                    clientName,
                    padding,
                    random,
                    listener,
                    serverVersion,
                    heartbeatNanos,
                    heartbeatTimeoutNanos);
            channel.pipeline().remove("tls-failure");
            channel.pipeline().addLast("anytls", session);
            if (!session.isActive()) {
                promise.tryFailure(new SessionFailure(
                        Stage.CONNECT, new IOException("the server closed the session as it opened")));
            } else if (!promise.trySuccess(session)) {
                channel.close();
            }
        });
        channel.read();
    }
}
