package io.github.proxycore.anytls;

import io.github.proxycore.anytls.internal.ClientPadding;
import io.github.proxycore.anytls.internal.ClientSession;
import io.github.proxycore.anytls.internal.Passwords;
import io.github.proxycore.anytls.internal.SessionConnector;
import io.github.proxycore.anytls.internal.SessionConnector.SessionFailure;
import io.github.proxycore.anytls.internal.SessionPool;
import io.github.proxycore.anytls.internal.TlsContexts;
import io.github.proxycore.anytls.internal.UotAddress;
import io.github.proxycore.anytls.internal.UotDecoder;
import io.github.proxycore.anytls.internal.UotEncoder;
import io.github.proxycore.config.outbound.AnyTlsOutboundOptions;
import io.github.proxycore.outbound.DialException;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.SocksAddress;
import io.github.proxycore.outbound.TcpDialer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code anytls} outbound: TCP streams and UDP (over UDP-over-TCP v2) through an AnyTLS server.
 *
 * <p>Sessions are reused as the reference clients do (§11): a session carries one stream at a time, a dial takes the
 * newest idle session or opens a new one, a session becomes idle again when its stream ends, and every
 * {@code idle_session_check_interval} sessions idle for {@code idle_session_timeout} are closed except the
 * {@code min_idle_session} newest. A dial completes once the server has confirmed the stream (SYNACK from a v2
 * server), so a failure names its cause: the server refusing the connection, a TLS or certificate problem, the
 * server closing the session (a wrong password), the server's own dial error ({@code remote: …}), or a timeout.
 *
 * <pre>{@code
 * AnyTlsOutbound proxy = AnyTlsOutbound.create(
 *         AnyTlsOutboundOptions.builder("proxy", "example.com", 443, "secret").build(), OutboundContext.of(transport));
 * proxy.dial(Destination.of("example.org", 80), metadata).addListener(...);
 * }</pre>
 */
public final class AnyTlsOutbound implements Outbound {
    private static final Logger log = LoggerFactory.getLogger(AnyTlsOutbound.class);
    /** What the client states in Settings' {@code client} key. */
    public static final String CLIENT_NAME = "proxycore/0.1.0";
    /** First keep-alive probe on session sockets unless the dial options say otherwise (SPEC §3). */
    public static final Duration DEFAULT_KEEP_ALIVE_IDLE = Duration.ofSeconds(15);

    private final String tag;
    private final SessionConnector connector;
    private final SessionPool pool;
    private final AtomicLong seq = new AtomicLong();
    private final ScheduledFuture<?> housekeeper;
    private volatile boolean closed;

    private AnyTlsOutbound(String tag, SessionConnector connector, SessionPool pool, ScheduledFuture<?> housekeeper) {
        this.tag = tag;
        this.connector = connector;
        this.pool = pool;
        this.housekeeper = housekeeper;
    }

    /**
     * Builds the outbound.
     *
     * @throws io.github.proxycore.config.ConfigException for a certificate that cannot be read or parsed, with paths
     *     relative to the outbound
     */
    public static AnyTlsOutbound create(AnyTlsOutboundOptions options, OutboundContext context) {
        return create(options, context, PaddingScheme.DEFAULT);
    }

    /** Builds the outbound with an initial padding scheme other than the default (the server may replace it). */
    public static AnyTlsOutbound create(AnyTlsOutboundOptions options, OutboundContext context, PaddingScheme padding) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(context, "context");
        Destination server = Destination.of(options.server(), options.serverPort());
        String verifyHost = options.tls().serverName() != null && !options.tls().serverName().isEmpty()
                ? options.tls().serverName()
                : server.host();
        TcpDialer dialer = context.dialer(options.dial(), DEFAULT_KEEP_ALIVE_IDLE);
        Ticker ticker = context.ticker();
        SessionConnector connector = new SessionConnector(
                dialer,
                server,
                TlsContexts.client(options.tls()),
                verifyHost,
                !options.tls().disableSni(),
                Passwords.sha256(options.password()),
                CLIENT_NAME,
                new ClientPadding(padding),
                new SecureRandom(),
                ticker);
        SessionPool pool = new SessionPool(ticker::nanoTime, options.idleSessionTimeout().toNanos(),
                options.minIdleSession());
        long interval = options.idleSessionCheckInterval().toNanos();
        ScheduledFuture<?> housekeeper = interval <= 0 ? null : context.transport().group().next()
                .scheduleWithFixedDelay(() -> cleanup(pool, ticker), interval, interval, TimeUnit.NANOSECONDS);
        return new AnyTlsOutbound(options.tag(), connector, pool, housekeeper);
    }

    private static void cleanup(SessionPool pool, Ticker ticker) {
        List<ClientSession> expired = pool.expired(ticker.nanoTime());
        for (ClientSession session : expired) {
            log.debug("[IdleCleanup] closing {}", session);
            session.channel().eventLoop().execute(session::close);
        }
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
        Objects.requireNonNull(destination, "destination");
        Promise<Channel> result = ImmediateEventExecutor.INSTANCE.newPromise();
        if (closed) {
            result.setFailure(new DialException(tag, type(), destination, "the outbound is closed", null));
            return result;
        }
        open(destination, null, destination, result);
        return result;
    }

    /**
     * Opens a UDP association through a UDP-over-TCP v2 stream (not-connect mode: every datagram carries its
     * address). The request header travels with the first datagram.
     */
    @Override
    public Future<Channel> listenPacket(Destination destination, Metadata metadata) {
        Objects.requireNonNull(destination, "destination");
        Promise<Channel> result = ImmediateEventExecutor.INSTANCE.newPromise();
        Promise<Channel> stream = ImmediateEventExecutor.INSTANCE.newPromise();
        stream.addListener(f -> {
            if (!f.isSuccess()) {
                result.tryFailure(f.cause());
                return;
            }
            Channel channel = stream.getNow();
            channel.eventLoop().execute(() -> {
                channel.pipeline().addLast("uot-decoder", new UotDecoder(null));
                channel.pipeline().addLast("uot-encoder", new UotEncoder(false, null));
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
        // the request header goes out right after the stream's address: the server answers SYNACK only once it has
        // the request, and this dial waits for that SYNACK
        byte[] request = new byte[1 + SocksAddress.encodedLength(destination)];
        ByteBuf header = Unpooled.wrappedBuffer(request).clear();
        header.writeByte(0);
        SocksAddress.encode(destination, header);
        open(UotAddress.MAGIC, request, destination, stream);
        return result;
    }

    private void open(Destination target, byte[] initial, Destination reported, Promise<Channel> result) {
        ClientSession idle = pool.take();
        if (idle != null) {
            idle.channel().eventLoop().execute(() -> openOn(idle, target, initial, reported, result, true));
            return;
        }
        connector.connect(seq.incrementAndGet(), pool).addListener(f -> {
            if (!f.isSuccess()) {
                result.tryFailure(sessionFailure(reported, f.cause()));
                return;
            }
            ClientSession session = (ClientSession) f.getNow();
            pool.add(session);
            if (closed) {
                session.channel().eventLoop().execute(session::close);
                result.tryFailure(new DialException(tag, type(), reported, "the outbound is closed", null));
                return;
            }
            session.channel().eventLoop().execute(() -> openOn(session, target, initial, reported, result, false));
        });
    }

    private void openOn(ClientSession session, Destination target, byte[] initial, Destination reported,
            Promise<Channel> result, boolean reused) {
        if (reused && !session.isActive()) {
            open(target, initial, reported, result); // died while idle, before anything was sent on it: take another
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
                if (!result.trySuccess(channel)) {
                    channel.close();
                }
            } else if (!f.isCancelled()) {
                result.tryFailure(new DialException(tag, type(), reported,
                        "server " + connector.server() + ": " + f.cause().getMessage(), f.cause()));
            }
        });
        session.openStream(target, initial == null ? null : Unpooled.wrappedBuffer(initial), stream);
    }

    private DialException sessionFailure(Destination destination, Throwable cause) {
        String server = connector.server().toString();
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
     * The message of the TLS failure itself (the JDK puts the certificate problem there, e.g. "PKIX path building
     * failed"), skipping Netty's wrappers.
     */
    private static String describeTls(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof javax.net.ssl.SSLException && c.getMessage() != null) {
                return c.getMessage();
            }
        }
        return cause.getMessage() != null ? cause.getMessage()
                : cause instanceof SSLHandshakeException ? "handshake failed" : cause.getClass().getSimpleName();
    }

    /** How many sessions are open, idle or busy. */
    public int sessionCount() {
        return pool.size();
    }

    /** The sequence numbers of the idle sessions, newest first. */
    public List<Long> idleSessions() {
        return pool.idleSeqs();
    }

    /** The padding scheme new sessions use now (the server may have replaced the initial one). */
    public PaddingScheme paddingScheme() {
        return connector.padding().get();
    }

    /**
     * Closes the idle sessions and stops the housekeeper. Streams already dialled keep working; their sessions close
     * when they end.
     */
    @Override
    public void close() {
        closed = true;
        if (housekeeper != null) {
            housekeeper.cancel(false);
        }
        for (ClientSession session : pool.close()) {
            session.channel().eventLoop().execute(session::close);
        }
    }

    @Override
    public String toString() {
        return "AnyTlsOutbound[" + tag + " -> " + connector.server() + "]";
    }
}
