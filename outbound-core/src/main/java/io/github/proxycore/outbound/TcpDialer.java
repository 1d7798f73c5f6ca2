package io.github.proxycore.outbound;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.outbound.internal.Futures;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Opens TCP connections the way sing-box's dial fields describe: bind addresses, connect timeout, keep-alive, the
 * domain strategy, and Happy Eyeballs (RFC 8305) between address families, or through a detour outbound.
 *
 * <p>Shared by every outbound that makes TCP connections (direct, and AnyTLS for its sessions). A dial made from an
 * event loop of the same group stays on that loop, so a relay between the two channels never crosses threads.
 */
public final class TcpDialer {
    private final Transport transport;
    private final HostResolver resolver;
    private final DialOptions options;
    private final Outbound detour;
    /** Every option of a connection but its event loop and local address, set up once. */
    private final Bootstrap template;

    private final InetSocketAddress inet4Local;
    private final InetSocketAddress inet6Local;

    /**
     * A dialer for {@code options}; usually made with {@link OutboundContext#dialer}, which finds the detour.
     *
     * @param transport the event loops and channel type
     * @param resolver resolves domain destinations
     * @param options the dial fields
     * @param defaultKeepAliveIdle the first keep-alive probe's delay when the options give none, or {@code null} to
     *     leave the system's default
     * @param detour the outbound to dial through instead of the network, or {@code null}
     */
    public TcpDialer(
            Transport transport,
            HostResolver resolver,
            DialOptions options,
            Duration defaultKeepAliveIdle,
            Outbound detour) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.options = Objects.requireNonNull(options, "options");
        this.detour = detour;
        this.template = template(transport, options, defaultKeepAliveIdle);
        this.inet4Local = local(options.inet4BindAddress());
        this.inet6Local = local(options.inet6BindAddress());
    }

    /** {@return the event loops this dialer connects on} */
    public Transport transport() {
        return transport;
    }

    /** {@return the outbound this dialer goes through instead of the network, or {@code null}} */
    public Outbound detour() {
        return detour;
    }

    /**
     * The local address to bind for talking to an address of the given family: the configured bind address, or
     * {@code null} for the system's choice.
     *
     * @param ipv6 whether the remote address is IPv6
     * @return the bind address, or {@code null}
     */
    public InetSocketAddress localAddress(boolean ipv6) {
        return ipv6 ? inet6Local : inet4Local;
    }

    /**
     * Connects to {@code destination}, resolving a domain first. The channel comes back active, with auto-read off
     * and an empty pipeline; the future fails with the underlying cause (see {@link #describe(Throwable)}).
     *
     * @param destination where to connect
     * @param metadata the connection's metadata, passed on to a detour
     * @return a future of the connected channel
     */
    public Future<Channel> connect(Destination destination, Metadata metadata) {
        if (detour != null) {
            return detour.dial(destination, metadata);
        }
        EventLoop loop = transport.currentOrNext();
        Promise<Channel> promise = loop.newPromise();
        if (!destination.isDomain()) {
            new Attempts(loop, List.of(destination.address()), destination.port(), promise).start();
            return promise;
        }
        resolver.resolve(destination.domain()).whenComplete((addresses, error) -> {
            try {
                loop.execute(() -> {
                    if (error != null) {
                        promise.tryFailure(Futures.unwrap(error));
                        return;
                    }
                    try {
                        List<InetAddress> ordered =
                                HostResolver.order(destination.domain(), addresses, options.domainStrategy());
                        new Attempts(loop, ordered, destination.port(), promise).start();
                    } catch (UnknownHostException e) {
                        promise.tryFailure(e);
                    }
                });
            } catch (RejectedExecutionException e) { // the event loops shut down while the name resolved
                promise.tryFailure(e);
            }
        });
        return promise;
    }

    private static Bootstrap template(Transport transport, DialOptions options, Duration defaultKeepAliveIdle) {
        Bootstrap b = new Bootstrap()
                .channel(transport.socketChannelClass())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_REUSEADDR, options.reuseAddr())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
                .option(ChannelOption.SO_KEEPALIVE, !options.disableTcpKeepAlive())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {}
                });
        Duration idle = options.tcpKeepAlive() != null ? options.tcpKeepAlive() : defaultKeepAliveIdle;
        if (!options.disableTcpKeepAlive() && idle != null) {
            transport.keepAliveOptions(idle, options.tcpKeepAliveInterval()).forEach(b::option);
        }
        return b;
    }

    private static InetSocketAddress local(String bindAddress) {
        return bindAddress == null
                ? null
                : new InetSocketAddress(Destination.of(bindAddress, 0).address(), 0);
    }

    private Bootstrap bootstrap(EventLoop loop, InetAddress remote) {
        Bootstrap b = template.clone(loop);
        InetSocketAddress local = localAddress(remote instanceof Inet6Address);
        return local == null ? b : b.localAddress(local);
    }

    /**
     * Happy Eyeballs over an ordered address list: the next attempt starts when the previous one fails, or after
     * {@code fallback_delay} if it has not finished; the first connection wins and the others are closed. All state
     * lives on one event loop.
     */
    private final class Attempts {
        private final EventLoop loop;
        private final List<InetAddress> addresses;
        private final int port;
        private final Promise<Channel> promise;
        private final List<ChannelFuture> pending = new ArrayList<>();
        private int next;
        private Throwable lastError;
        private ScheduledFuture<?> fallbackTimer;

        Attempts(EventLoop loop, List<InetAddress> addresses, int port, Promise<Channel> promise) {
            this.loop = loop;
            this.addresses = addresses;
            this.port = port;
            this.promise = promise;
            promise.addListener(f -> {
                if (f.isCancelled()) {
                    cancelAll(null);
                }
            });
        }

        void start() {
            startNext();
        }

        private void startNext() {
            if (promise.isDone()) {
                return;
            }
            InetAddress address = addresses.get(next++);
            ChannelFuture attempt = bootstrap(loop, address).connect(new InetSocketAddress(address, port));
            pending.add(attempt);
            attempt.addListener((ChannelFuture f) -> finished(f));
            if (next < addresses.size() && !options.fallbackDelay().isZero()) {
                cancelTimer();
                fallbackTimer =
                        loop.schedule(this::startNext, options.fallbackDelay().toNanos(), TimeUnit.NANOSECONDS);
            } else if (next < addresses.size()) {
                startNext();
            }
        }

        private void finished(ChannelFuture attempt) {
            pending.remove(attempt);
            if (attempt.isSuccess()) {
                if (promise.trySuccess(attempt.channel())) {
                    cancelAll(attempt);
                } else {
                    attempt.channel().close();
                }
                return;
            }
            lastError = attempt.cause();
            if (promise.isDone()) {
                return;
            }
            if (next < addresses.size()) {
                cancelTimer();
                startNext();
            } else if (pending.isEmpty()) {
                promise.tryFailure(lastError);
            }
        }

        private void cancelAll(ChannelFuture winner) {
            cancelTimer();
            for (ChannelFuture other : new ArrayList<>(pending)) {
                if (other != winner) {
                    other.cancel(false);
                    other.channel().close();
                }
            }
            pending.clear();
        }

        private void cancelTimer() {
            if (fallbackTimer != null) {
                fallbackTimer.cancel(false);
                fallbackTimer = null;
            }
        }
    }

    /**
     * A short, plain reason for a dial failure, for {@link DialException} messages: {@code Connection refused:
     * /127.0.0.1:1}, {@code connection timed out after 5000 ms: /10.0.0.1:443}, {@code cannot resolve
     * nowhere.invalid: Name or service not known}.
     *
     * @param cause a failure of {@link #connect}
     * @return the reason
     */
    public static String describe(Throwable cause) {
        Throwable c = Futures.unwrap(cause);
        String message = c.getMessage();
        if (c instanceof UnknownHostException) {
            return "cannot resolve " + message;
        }
        return message == null ? c.getClass().getSimpleName() : message;
    }
}
