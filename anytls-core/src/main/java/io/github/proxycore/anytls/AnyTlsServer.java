package io.github.proxycore.anytls;

import io.github.proxycore.anytls.internal.AuthHandler;
import io.github.proxycore.anytls.internal.Passwords;
import io.github.proxycore.anytls.internal.ServerConfig;
import io.github.proxycore.anytls.internal.TlsContexts;
import io.github.proxycore.anytls.internal.wire.TlsRecordSplitter;
import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.ListenOptions;
import io.github.proxycore.config.inbound.AnyTlsInboundOptions;
import io.github.proxycore.outbound.ConnectionRouter;
import io.github.proxycore.outbound.DirectOutbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.outbound.inbound.Inbound;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An embeddable AnyTLS server (docs/anytls.md; wire format in docs/protocol.md): authenticates users by password from
 * the first TLS record, pushes its padding scheme, and for every stream dials the destination through a
 * {@link ConnectionRouter} (by default straight out), answers SYNACK, and relays. UDP-over-TCP v2 streams become UDP
 * associations.
 *
 * <pre>{@code
 * SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
 * AnyTlsServer server = AnyTlsServer.builder()
 *         .user("alice", "secret")
 *         .certificate(cert)
 *         .bind(new InetSocketAddress("127.0.0.1", 0));
 * int port = server.localAddress().getPort();
 * ...
 * server.close();
 * }</pre>
 *
 * <p>A connection that fails authentication is closed, or handed to the {@linkplain Builder#fallback fallback}
 * handler with the bytes of its first record replayed. A malformed frame closes only its session.
 */
public final class AnyTlsServer implements Inbound {
    private final String tag;
    private final Channel listener;
    private final ChannelGroup connections;
    private final Transport ownedTransport;
    private final AutoCloseable ownedRouter;

    private AnyTlsServer(
            String tag,
            Channel listener,
            ChannelGroup connections,
            Transport ownedTransport,
            AutoCloseable ownedRouter) {
        this.tag = tag;
        this.listener = listener;
        this.connections = connections;
        this.ownedTransport = ownedTransport;
        this.ownedRouter = ownedRouter;
    }

    /** {@return a builder with no user and no certificate yet; tag {@code anytls-in}, the default padding scheme} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder preset from {@code anytls} inbound options (users, padding scheme, TLS, tag).
     *
     * @param options the inbound's options; the certificate and key files are read here
     * @return the builder
     * @throws io.github.proxycore.config.ConfigException if the padding scheme does not parse or the certificate or key
     *     cannot be read
     */
    public static Builder builder(AnyTlsInboundOptions options) {
        Builder b = new Builder()
                .tag(options.tag())
                .sslContext(TlsContexts.server(options.tls()))
                .maxStreamsPerSession(options.maxStreamsPerSession())
                .streamAddressTimeout(options.streamAddressTimeout())
                .streamDialTimeout(options.streamDialTimeout())
                .sessionMemoryBudget(options.sessionMemoryBudget())
                .sessionIdleTimeout(options.sessionIdleTimeout());
        ListenOptions listen = options.listen();
        b.tcpKeepAlive(listen.disableTcpKeepAlive() ? null : listen.tcpKeepAlive(), listen.tcpKeepAliveInterval());
        for (var user : options.users()) {
            b.user(user.name() == null ? "" : user.name(), user.password());
        }
        if (!options.paddingScheme().isEmpty()) {
            try {
                b.paddingScheme(PaddingScheme.parseLines(options.paddingScheme()));
            } catch (IllegalArgumentException e) {
                throw new io.github.proxycore.config.ConfigException(
                        null,
                        List.of(new io.github.proxycore.config.ConfigProblem("$.padding_scheme", e.getMessage())));
            }
        }
        return b;
    }

    @Override
    public String tag() {
        return tag;
    }

    @Override
    public String type() {
        return AnyTlsInboundOptions.TYPE;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Stops listening and closes every connection it accepted. */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly();
        if (ownedRouter != null) {
            try {
                ownedRouter.close();
            } catch (Exception e) {
                // nothing else to release
            }
        }
        if (ownedTransport != null) {
            ownedTransport.close();
        }
    }

    @Override
    public String toString() {
        return "AnyTlsServer[" + tag + " on " + listener.localAddress() + "]";
    }

    private static final Duration DEFAULT_KEEP_ALIVE_INTERVAL = Duration.ofSeconds(75);

    /** Builds and starts an {@link AnyTlsServer}. */
    public static final class Builder {
        private final List<Map.Entry<String, String>> users = new java.util.ArrayList<>();
        private String tag = "anytls-in";
        private PaddingScheme paddingScheme = PaddingScheme.DEFAULT;
        private SslContext sslContext;
        private ConnectionRouter router;
        private Supplier<ChannelHandler> fallback;
        private Transport transport;
        private Duration authTimeout = Duration.ofSeconds(30);
        private int maxStreams = AnyTlsInboundOptions.DEFAULT_MAX_STREAMS_PER_SESSION;
        private Duration streamAddressTimeout = AnyTlsInboundOptions.DEFAULT_STREAM_ADDRESS_TIMEOUT;
        private Duration streamDialTimeout = AnyTlsInboundOptions.DEFAULT_STREAM_DIAL_TIMEOUT;
        private int sessionMemoryBudget = AnyTlsInboundOptions.DEFAULT_SESSION_MEMORY_BUDGET;
        private Duration sessionIdleTimeout = AnyTlsInboundOptions.DEFAULT_SESSION_IDLE_TIMEOUT;
        private Duration keepAliveIdle = ListenOptions.DEFAULT_TCP_KEEP_ALIVE;
        private Duration keepAliveInterval = DEFAULT_KEEP_ALIVE_INTERVAL;

        private Builder() {}

        /**
         * Sets the tag, which route rules match with {@code inbound}; default {@code anytls-in}.
         *
         * @param tag the tag
         * @return this builder
         */
        public Builder tag(String tag) {
            this.tag = Objects.requireNonNull(tag, "tag");
            return this;
        }

        /**
         * Adds a user; several users may share a name but each password maps to one user.
         *
         * @param name the user's name, for logs
         * @param password the password; never logged
         * @return this builder
         */
        public Builder user(String name, String password) {
            Objects.requireNonNull(password, "password");
            users.add(Map.entry(Objects.requireNonNull(name, "name"), password));
            return this;
        }

        /**
         * Sets the scheme pushed to clients whose {@code padding-md5} differs; keep line 0 ≤ 1152 for Go clients.
         *
         * @param scheme the scheme; default {@link PaddingScheme#DEFAULT}
         * @return this builder
         */
        public Builder paddingScheme(PaddingScheme scheme) {
            this.paddingScheme = Objects.requireNonNull(scheme, "scheme");
            return this;
        }

        /**
         * Sets the server TLS context (certificate, key, protocols); this or {@link #certificate} is required.
         *
         * @param context a server {@link SslContext}
         * @return this builder
         */
        public Builder sslContext(SslContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Serves TLS with {@code certificate} (e.g. a generated self-signed one).
         *
         * @param certificate the certificate and its key
         * @return this builder
         */
        public Builder certificate(SelfSignedCertificate certificate) {
            return sslContext(TlsContexts.server(
                    List.of(certificate.certificate()), certificate.privateKey(), List.of(), null, null, List.of()));
        }

        /**
         * Sets where streams are dialled; by default a direct outbound with default dial options.
         *
         * @param router the router streams are dialled through
         * @return this builder
         */
        public Builder router(ConnectionRouter router) {
            this.router = Objects.requireNonNull(router, "router");
            return this;
        }

        /**
         * Makes the handler a connection that fails authentication is given to (one per connection): it is added
         * after the TLS handler, auto-read is turned on, and the plaintext of the first record is replayed to it.
         * Without a fallback such connections are closed.
         *
         * @param fallback makes one handler per connection, or {@code null} (the default) to close them
         * @return this builder
         */
        public Builder fallback(Supplier<ChannelHandler> fallback) {
            this.fallback = fallback;
            return this;
        }

        /**
         * Sets the event loops; by default a lease on the shared ones, released on close.
         *
         * @param transport the event loops; the server does not close them
         * @return this builder
         */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Sets how long a connection may take to complete TLS and send its first record (default 30 s).
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder authTimeout(Duration timeout) {
            this.authTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets how many open streams one session may hold (default 1,024); a SYN over it is refused and the session
         * lives.
         *
         * @param max the limit, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code max} is below 1
         */
        public Builder maxStreamsPerSession(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxStreamsPerSession must be at least 1, got " + max);
            }
            this.maxStreams = max;
            return this;
        }

        /**
         * Sets how long a new stream may take to send its destination address (default 10 s); then it is closed.
         *
         * @param timeout the timeout, positive
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder streamAddressTimeout(Duration timeout) {
            this.streamAddressTimeout = positive(timeout, "streamAddressTimeout");
            return this;
        }

        /**
         * Sets how long dialling a stream's destination may take (default 15 s); then the stream fails.
         *
         * @param timeout the timeout, positive
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder streamDialTimeout(Duration timeout) {
            this.streamDialTimeout = positive(timeout, "streamDialTimeout");
            return this;
        }

        /**
         * Bytes of received stream data one session may hold unread across all its streams (default 4 MiB, at least
         * 64 KiB); over it the server stops reading that session's socket until its streams catch up.
         *
         * @param bytes the budget in bytes
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is below 65536
         */
        public Builder sessionMemoryBudget(int bytes) {
            if (bytes < 65536) {
                throw new IllegalArgumentException("sessionMemoryBudget must be at least 65536, got " + bytes);
            }
            this.sessionMemoryBudget = bytes;
            return this;
        }

        /**
         * How long a session with no open stream, or with a frame begun but not finished, may go without completing
         * a frame (default 5 min); then it is closed.
         *
         * @param timeout the timeout, positive
         * @return this builder
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder sessionIdleTimeout(Duration timeout) {
            this.sessionIdleTimeout = positive(timeout, "sessionIdleTimeout");
            return this;
        }

        /**
         * TCP keep-alive on accepted connections: the idle time before the first probe and the time between probes
         * ({@code null} for 75 s); {@code idle} {@code null} turns keep-alive off. Default on, 5 min and 75 s.
         *
         * @param idle the idle time before the first probe, or {@code null} to turn keep-alive off
         * @param interval the time between probes, or {@code null} for 75 s
         * @return this builder
         */
        public Builder tcpKeepAlive(Duration idle, Duration interval) {
            this.keepAliveIdle = idle;
            this.keepAliveInterval = interval == null ? DEFAULT_KEEP_ALIVE_INTERVAL : interval;
            return this;
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be greater than 0, got " + value);
            }
            return value;
        }

        /**
         * Binds and starts serving; blocks for the bind, so never call it on an event loop.
         *
         * @param address the local address; port 0 picks a free port
         * @return the running server
         * @throws IllegalStateException if no user or no certificate was given
         */
        public AnyTlsServer bind(InetSocketAddress address) {
            if (users.isEmpty()) {
                throw new IllegalStateException("an AnyTLS server needs at least one user");
            }
            if (sslContext == null) {
                throw new IllegalStateException("an AnyTLS server needs a certificate (sslContext or certificate)");
            }
            Transport t = transport != null ? transport : Transport.shared();
            Transport owned = transport != null ? null : t;
            AutoCloseable ownedRouter = null;
            ConnectionRouter r = router;
            if (r == null) {
                DirectOutbound direct = DirectOutbound.create("direct", DialOptions.DEFAULT, OutboundContext.of(t));
                r = ConnectionRouter.to(direct);
                ownedRouter = direct;
            }
            ServerConfig config = new ServerConfig(
                    new Passwords(users),
                    paddingScheme,
                    r,
                    fallback,
                    tag,
                    authTimeout,
                    maxStreams,
                    streamAddressTimeout,
                    streamDialTimeout,
                    sessionMemoryBudget,
                    sessionIdleTimeout);
            SslContext ssl = sslContext;
            ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
            try {
                ServerBootstrap bootstrap = new ServerBootstrap()
                        .group(t.group())
                        .channel(t.serverSocketChannelClass())
                        .option(ChannelOption.SO_REUSEADDR, true) // as Go's listeners: restarts never wait
                        .childOption(ChannelOption.AUTO_READ, false)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        // vanished clients with open streams are found by the kernel, not kept forever
                        .childOption(ChannelOption.SO_KEEPALIVE, keepAliveIdle != null)
                        .childHandler(new ChannelInitializer<>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                connections.add(ch);
                                ch.pipeline().addLast("tls-records", new TlsRecordSplitter());
                                ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                                ch.pipeline().addLast("anytls-auth", new AuthHandler(config));
                            }
                        });
                if (keepAliveIdle != null) {
                    t.keepAliveOptions(keepAliveIdle, keepAliveInterval).forEach(bootstrap::childOption);
                }
                Channel listener = bootstrap.bind(address).syncUninterruptibly().channel();
                return new AnyTlsServer(tag, listener, connections, owned, ownedRouter);
            } catch (RuntimeException e) {
                if (owned != null) {
                    owned.close();
                }
                throw e;
            }
        }
    }
}
