package io.github.proxycore.anytls;

import io.github.proxycore.anytls.internal.BouncyCastle;
import io.github.proxycore.anytls.internal.ClientSession;
import io.github.proxycore.anytls.internal.ClientTls;
import io.github.proxycore.anytls.internal.Passwords;
import io.github.proxycore.anytls.internal.ServerVersion;
import io.github.proxycore.anytls.internal.SessionConnector;
import io.github.proxycore.anytls.internal.SessionConnector.SessionFailure;
import io.github.proxycore.anytls.internal.SessionManager;
import io.github.proxycore.anytls.internal.StaleSessionException;
import io.github.proxycore.anytls.internal.TlsContexts;
import io.github.proxycore.anytls.internal.pool.PoolConfig;
import io.github.proxycore.anytls.internal.pool.PoolMetrics;
import io.github.proxycore.anytls.internal.pool.SessionPool;
import io.github.proxycore.anytls.internal.wire.ClientPadding;
import io.github.proxycore.anytls.internal.wire.UotAddress;
import io.github.proxycore.anytls.internal.wire.UotDecoder;
import io.github.proxycore.anytls.internal.wire.UotEncoder;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.outbound.ConnectionListener;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DialException;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.TcpDialer;
import io.github.proxycore.outbound.internal.PendingDials;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code anytls} outbound: TCP streams and UDP (over UDP-over-TCP v2) through an AnyTLS server.
 *
 * <p>Streams run in pooled sessions (the seven pool fields, docs/anytls.md): a session carries one stream at a time;
 * a dial takes the newest usable idle session or opens a new one; a housekeeper closes sessions idle too long or past
 * their lifetime, keeps {@code ensure_idle_session} sessions pre-warmed, and heartbeats detect dead sessions. A stream
 * on a session from the idle set whose session turns out dead before the server replied is retried once on a fresh
 * session, so callers never see a stale-session failure. {@link #poolStats()} and a {@link PoolListener} expose what
 * the pool does.
 *
 * <p>A dial completes once the server has confirmed the stream (SYNACK from a v2 server), so a failure names its
 * cause: the server refusing the connection, a TLS or certificate problem, the server closing the session (a wrong
 * password), the server's own dial error ({@code remote: …}), or a timeout.
 *
 * <pre>{@code
 * AnyTlsOutbound proxy = AnyTlsOutbound.create(
 *         AnyTlsOutboundOptions.builder("proxy", "example.com", 443, "secret").build(), OutboundContext.of(transport));
 * proxy.dial(Destination.of("example.org", 80)).addListener(...);
 * }</pre>
 */
public final class AnyTlsOutbound implements Outbound {
    private static final Logger log = LoggerFactory.getLogger(AnyTlsOutbound.class);
    /** What the client states in Settings' {@code client} key. */
    public static final String CLIENT_NAME = "proxycore/0.1.0";
    /** First keep-alive probe on session sockets unless the dial options say otherwise (docs/configuration.md). */
    public static final Duration DEFAULT_KEEP_ALIVE_IDLE = Duration.ofSeconds(15);

    private final String tag;
    private final SessionManager sessions;
    private final PendingDials pending;

    private AnyTlsOutbound(String tag, SessionManager sessions) {
        this.tag = tag;
        this.sessions = sessions;
        this.pending = new PendingDials(tag, AnyTlsOutboundOptions.TYPE);
    }

    /**
     * Builds the outbound and starts its pool's housekeeper (which pre-warms {@code ensure_idle_session} sessions).
     *
     * @throws io.github.proxycore.config.ConfigException for a certificate that cannot be read or parsed, with paths
     *     relative to the outbound
     * @throws IllegalArgumentException for pool fields out of range (negative counts or durations, a check interval
     *     of 0)
     * @param options the outbound's options
     * @param context the transport, resolver and clock, and the detour if the options name one
     * @return the outbound
     */
    public static AnyTlsOutbound create(AnyTlsOutboundOptions options, OutboundContext context) {
        return builder(options, context).build();
    }

    /**
     * A builder for an outbound with more than its options: an initial padding scheme, a pool listener. The
     * listener defaults to the one the host attached to the context for {@link PoolListener} (see
     * {@link OutboundContext#listener}), else none.
     *
     * @param options the outbound's options
     * @param context the transport, resolver and clock, and the detour if the options name one
     * @return the builder
     */
    public static Builder builder(AnyTlsOutboundOptions options, OutboundContext context) {
        return new Builder(options, context);
    }

    /** Builds an {@link AnyTlsOutbound}. */
    public static final class Builder {
        private final AnyTlsOutboundOptions options;
        private final OutboundContext context;
        private PaddingScheme padding = PaddingScheme.DEFAULT;
        private PoolListener listener;
        private SslContext sslContext;

        private Builder(AnyTlsOutboundOptions options, OutboundContext context) {
            this.options = Objects.requireNonNull(options, "options");
            this.context = Objects.requireNonNull(context, "context");
            this.listener = context.listener(PoolListener.class, options.tag()).orElse(PoolListener.NONE);
        }

        /**
         * Sets the padding scheme new sessions start with (the server may replace it); by default the protocol's.
         *
         * @param padding the scheme
         * @return this builder
         */
        public Builder padding(PaddingScheme padding) {
            this.padding = Objects.requireNonNull(padding, "padding");
            return this;
        }

        /**
         * Receives the pool's events (e.g. a Micrometer binder); called from event-loop threads, outside any lock,
         * so it must not block.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(PoolListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The host's own client TLS context, used for every session instead of one built from the options'
         * {@code tls}: its trust, versions, ciphers and ALPN are the host's. The options still choose the server name
         * sent and verified ({@code tls.server_name}, else the server address) and whether it is sent
         * ({@code tls.disable_sni}). With a context of its own an outbound needs no BouncyCastle; it also has no
         * lenient fallback for servers whose certificate the JDK cannot parse.
         *
         * @param sslContext a client context ({@code SslContextBuilder.forClient()})
         * @return this builder
         * @throws IllegalArgumentException for a server's context
         */
        public Builder sslContext(SslContext sslContext) {
            if (!Objects.requireNonNull(sslContext, "sslContext").isClient()) {
                throw new IllegalArgumentException("a client SslContext is needed, not a server's");
            }
            this.sslContext = sslContext;
            return this;
        }

        /**
         * Builds the outbound and starts its pool's housekeeper.
         *
         * @return the outbound
         * @throws io.github.proxycore.config.ConfigException for a certificate that cannot be read or parsed
         * @throws IllegalArgumentException for pool fields out of range
         */
        public AnyTlsOutbound build() {
            return AnyTlsOutbound.build(options, context, padding, listener, sslContext);
        }
    }

    private static AnyTlsOutbound build(
            AnyTlsOutboundOptions options,
            OutboundContext context,
            PaddingScheme padding,
            PoolListener listener,
            SslContext sslContext) {
        PoolConfig config = PoolConfig.from(options);
        Destination server = Destination.of(options.server(), options.serverPort());
        String verifyHost = options.tls().serverName() != null
                        && !options.tls().serverName().isEmpty()
                ? options.tls().serverName()
                : server.host();
        TcpDialer dialer = context.dialer(options.dial(), DEFAULT_KEEP_ALIVE_IDLE);
        SecureRandom random = new SecureRandom();
        SessionConnector connector = new SessionConnector(
                dialer,
                server,
                sslContext != null ? ClientTls.of(sslContext) : TlsContexts.client(options.tls()),
                verifyHost,
                !options.tls().disableSni(),
                Passwords.sha256(options.password()),
                CLIENT_NAME,
                new ClientPadding(padding),
                random,
                new ServerVersion(),
                config.heartbeat(),
                config.heartbeatTimeout());
        PoolMetrics metrics = new PoolMetrics(listener);
        SessionPool<ClientSession> pool =
                new SessionPool<>(config, random, metrics, System::currentTimeMillis, ZoneId.systemDefault());
        SessionManager sessions =
                new SessionManager(connector, pool, metrics, context.transport().group());
        sessions.start();
        AnyTlsOutbound outbound = new AnyTlsOutbound(options.tag(), sessions);
        outbound.pending.listener(
                context.listener(ConnectionListener.class, options.tag()).orElse(ConnectionListener.NONE));
        return outbound;
    }

    @Override
    public String tag() {
        return tag;
    }

    @Override
    public String type() {
        return AnyTlsOutboundOptions.TYPE;
    }

    @Override
    public Set<Network> networks() {
        return EnumSet.of(Network.TCP, Network.UDP);
    }

    @Override
    public Future<Channel> dial(Destination destination, Metadata metadata) {
        metadata.requireFor(Network.TCP, destination);
        Promise<Channel> result = pending.newDial(destination);
        if (!result.isDone()) {
            open(destination, null, destination, result, false);
        }
        return result;
    }

    /**
     * Opens a UDP association through a UDP-over-TCP v2 stream (not-connect mode: every datagram carries its
     * address). The request travels with the stream's address, before any datagram.
     */
    @Override
    public Future<Channel> listenPacket(Destination destination, Metadata metadata) {
        metadata.requireFor(Network.UDP, destination);
        Promise<Channel> result = pending.newDial(destination);
        if (result.isDone()) {
            return result;
        }
        Promise<Channel> stream = ImmediateEventExecutor.INSTANCE.newPromise();
        stream.addListener(f -> {
            if (!f.isSuccess()) {
                result.tryFailure(f.cause());
                return;
            }
            Channel channel = stream.getNow();
            channel.eventLoop().execute(() -> {
                channel.pipeline().addLast("uot-decoder", new UotDecoder(null));
                channel.pipeline().addLast("uot-encoder", new UotEncoder(false));
                if (!result.trySuccess(channel)) {
                    channel.close();
                }
            });
        });
        result.addListener(f -> {
            if (f.isCancelled()) {
                stream.cancel(false);
            }
        });
        // the request goes out right after the stream's address: the server answers SYNACK only once it has the
        // request, and this dial waits for that SYNACK
        open(UotAddress.MAGIC, UotAddress.request(false, destination), destination, stream, false);
        return result;
    }

    /**
     * Opens a stream: on the newest usable idle session, else on a new one. {@code retried}: this is the one retry
     * after a stale idle session, which always uses a fresh session.
     */
    private void open(
            Destination target, byte[] initial, Destination reported, Promise<Channel> result, boolean retried) {
        ClientSession idle = retried ? null : sessions.checkout(); // one on the caller's loop if there is one
        if (idle != null) {
            onLoopOf(idle, () -> openOn(idle, target, initial, reported, result, true));
            return;
        }
        Future<ClientSession> dial = sessions.dialForDemand(); // null once the pool is closed
        if (dial == null) {
            fail(result, new DialException(tag, type(), reported, "the outbound is closed", null));
            return;
        }
        dial.addListener(f -> {
            if (!f.isSuccess()) {
                // no new session: a session the age floor kept past its lifetime serves rather than nothing
                ClientSession kept = retried ? null : sessions.checkoutKept(f.cause());
                if (kept != null) {
                    onLoopOf(kept, () -> openOn(kept, target, initial, reported, result, true));
                } else {
                    fail(result, sessionFailure(reported, f.cause()));
                }
                return;
            }
            ClientSession session = (ClientSession) f.getNow();
            // usually on the session's loop already (the connector completes there), but not when the session was
            // ready before this listener was added: the listener then runs on the caller's thread, and a SYN sent
            // from there could see its SYNACK handled before the stream waits for it
            onLoopOf(session, () -> openOn(session, target, initial, reported, result, false));
        });
    }

    /**
     * Runs {@code task} on {@code session}'s event loop: at once when the caller is on it (no queued task, and the
     * stream's SYN goes out before the caller's loop turns), else as a task there.
     */
    private static void onLoopOf(ClientSession session, Runnable task) {
        if (session.inCallersLoop()) {
            task.run();
        } else {
            session.channel().eventLoop().execute(task);
        }
    }

    private void openOn(
            ClientSession session,
            Destination target,
            byte[] initial,
            Destination reported,
            Promise<Channel> result,
            boolean fromIdle) {
        if (fromIdle && !session.isActive()) {
            // died between checkout and now, before anything was sent on it: take another; it reports its own close
            open(target, initial, reported, result, false);
            return;
        }
        Promise<Channel> stream = session.channel().eventLoop().newPromise();
        result.addListener(f -> {
            if (f.isCancelled()) {
                stream.cancel(false);
            }
        });
        stream.addListener(f -> {
            if (f.isSuccess()) {
                Channel channel = stream.getNow();
                if (result.trySuccess(channel)) {
                    sessions.metrics().streamOpened();
                } else {
                    channel.close();
                }
            } else if (f.isCancelled()) {
                return;
            } else if (f.cause() instanceof StaleSessionException && fromIdle) { // a retry never uses an idle one
                // the idle session was dead and nothing reached the destination: once more, on a fresh session
                log.debug(
                        "{}: {} on an idle session ({}); retrying on a fresh session",
                        this,
                        f.cause().getMessage(),
                        session);
                sessions.metrics().streamRetried();
                open(target, initial, reported, result, true);
            } else {
                fail(
                        result,
                        new DialException(
                                tag,
                                type(),
                                reported,
                                "server " + sessions.connector().server() + ": "
                                        + f.cause().getMessage(),
                                f.cause()));
            }
        });
        session.openStream(target, initial == null ? null : Unpooled.wrappedBuffer(initial), stream, fromIdle);
    }

    private void fail(Promise<Channel> result, DialException failure) {
        if (result.tryFailure(failure)) {
            sessions.metrics().streamFailed(failure);
        }
    }

    private DialException sessionFailure(Destination destination, Throwable cause) {
        String server = sessions.connector().server().toString();
        String reason;
        Throwable root = cause instanceof SessionFailure failure ? failure.getCause() : cause;
        if (cause instanceof SessionFailure failure && failure.stage() == SessionConnector.Stage.TLS) {
            reason = "TLS handshake with server " + server + " failed: " + describeTls(root);
        } else {
            reason = "cannot connect to server " + server + ": " + TcpDialer.describe(root);
        }
        return new DialException(tag, type(), destination, reason, root);
    }

    /**
     * The certificate problem when there is one (the JDK's "PKIX path building failed", a name mismatch; OpenSSL
     * wraps them in "General OpenSslEngine problem"), else the TLS failure itself, skipping Netty's wrappers; for a
     * certificate the JDK cannot parse, what it refused and what to do.
     */
    private static String describeTls(Throwable cause) {
        CertificateParsingException unparsable = ClientTls.unparsableCertificate(cause);
        if (unparsable != null && !BouncyCastle.available()) {
            return "the server's certificate cannot be parsed by the JDK (" + unparsable.getMessage()
                    + "); servers like anytls-go generate such certificates, and "
                    + BouncyCastle.needed("the lenient TLS engine for them");
        }
        if (unparsable != null) {
            return "the server's certificate cannot be parsed by the JDK (" + unparsable.getMessage()
                    + "); servers like anytls-go generate such certificates: set tls.insecure, or pin that"
                    + " certificate with tls.certificate";
        }
        String tls = null;
        for (Throwable c = cause; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CertificateException && c.getMessage() != null) {
                return c.getMessage();
            }
            if (tls == null && c instanceof SSLException && c.getMessage() != null) {
                tls = c.getMessage();
            }
        }
        if (tls != null) {
            return tls;
        }
        return cause.getMessage() != null
                ? cause.getMessage()
                : cause instanceof SSLHandshakeException
                        ? "handshake failed"
                        : cause.getClass().getSimpleName();
    }

    /**
     * {@return a snapshot of the session pool: idle, busy and dialling sessions, and what was created and closed why}
     */
    public PoolStats poolStats() {
        return sessions.stats();
    }

    /** How many sessions are open, idle or busy (for tests; {@link #poolStats()} is the public view). */
    int sessionCount() {
        return sessions.pool().size();
    }

    /** The sequence numbers of the idle sessions, newest first (for tests). */
    List<Long> idleSessions() {
        return sessions.pool().idleSeqs();
    }

    /** {@return the padding scheme new sessions use now (the server may have replaced the initial one)} */
    public PaddingScheme paddingScheme() {
        return sessions.connector().padding().get();
    }

    /**
     * Closes the idle sessions and stops the housekeeper; dials still in flight fail with "the outbound is closed".
     * Streams already dialled keep working; their sessions close when they end.
     */
    @Override
    public void close() {
        pending.close();
        sessions.close();
    }

    @Override
    public String toString() {
        return "AnyTlsOutbound[" + tag + " -> " + sessions.connector().server() + "]";
    }
}
