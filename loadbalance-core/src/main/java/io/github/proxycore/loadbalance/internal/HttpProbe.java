package io.github.proxycore.loadbalance.internal;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.TcpDialer;
import io.github.proxycore.outbound.internal.HttpTarget;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The real health check: an HTTP/1.1 {@code GET} of the check URL through the member's own {@link Outbound#dial}
 * (so it tests the whole path the member's connections take), over TLS for {@code https} URLs with the
 * certificate and host name verified. The latency runs from the start of the dial to the response headers; any
 * response counts as an answer (as sing-box's URL test does), and the connection is closed as soon as the headers
 * arrive.
 */
public final class HttpProbe implements Prober {
    private static final String USER_AGENT = "proxycore";

    private final Destination target;
    /** The host for SNI and certificate verification: the URL's host without IPv6 brackets. */
    private final String tlsHost;

    private final String hostHeader;
    private final String requestTarget;
    private final SslContext ssl;
    private final Scheduler clock;

    private HttpProbe(
            Destination target,
            String tlsHost,
            String hostHeader,
            String requestTarget,
            SslContext ssl,
            Scheduler clock) {
        this.target = target;
        this.tlsHost = tlsHost;
        this.hostHeader = hostHeader;
        this.requestTarget = requestTarget;
        this.ssl = ssl;
        this.clock = clock;
    }

    /**
     * A probe of {@code url} (http or https).
     *
     * @param ssl the TLS client context for https URLs, or {@code null} for the JDK's trusted certificates
     * @param clock the time latencies are measured with
     * @throws IllegalArgumentException if the URL is not an absolute http(s) URL
     */
    public static HttpProbe create(String url, SslContext ssl, Scheduler clock) {
        Objects.requireNonNull(clock, "clock");
        HttpTarget target;
        try {
            target = HttpTarget.parse(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("health-check URL: " + e.getMessage(), e);
        }
        SslContext context = null;
        if (target.https()) {
            context = ssl != null ? ssl : DEFAULT_TLS.get();
        }
        return new HttpProbe(
                target.destination(), target.host(), target.hostHeader(), target.requestTarget(), context, clock);
    }

    /** Certificate checks with the JDK's trust store; built once, when the first https URL needs it. */
    private static final Supplier<SslContext> DEFAULT_TLS = Suppliers.memoize(HttpProbe::defaultClientContext);

    private static SslContext defaultClientContext() {
        try {
            return SslContextBuilder.forClient()
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for health checks: " + e.getMessage(), e);
        }
    }

    @Override
    public Scheduler.Cancellable probe(Outbound member, Callback callback) {
        Attempt attempt = new Attempt(callback);
        attempt.start(member);
        return attempt::cancel;
    }

    /** One check: dial, optional TLS, request, wait for the response headers. Thread-safe; finishes once. */
    private final class Attempt extends ChannelInboundHandlerAdapter {
        private final Callback callback;
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile Future<Channel> dial;
        private volatile Channel channel;
        private long startNanos;

        Attempt(Callback callback) {
            this.callback = callback;
        }

        void start(Outbound member) {
            startNanos = clock.nanoTime();
            Future<Channel> future;
            try {
                future = member.dial(target);
            } catch (RuntimeException e) {
                fail(describe(e));
                return;
            }
            dial = future;
            future.addListener(f -> connected(future));
        }

        private void connected(Future<Channel> future) {
            if (!future.isSuccess()) {
                fail(future.isCancelled() ? "the dial was cancelled" : describe(future.cause()));
                return;
            }
            Channel ch = future.getNow();
            channel = ch;
            if (done.get()) { // cancelled (timed out) while connecting: cancel() may have missed the channel
                ch.close();
                return;
            }
            try {
                ch.eventLoop().execute(() -> setUp(ch));
            } catch (RejectedExecutionException e) {
                ch.close();
                fail("the member's event loop is shut down");
            }
        }

        private void setUp(Channel ch) {
            if (done.get()) {
                ch.close();
                return;
            }
            if (ssl != null) {
                SslHandler tls = ssl.newHandler(ch.alloc(), tlsHost, target.port());
                SSLEngine engine = tls.engine();
                SSLParameters parameters = engine.getSSLParameters();
                // Verify that the certificate names the URL's host, not only that it chains to a trusted root.
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(parameters);
                ch.pipeline().addLast(tls);
            }
            ch.pipeline().addLast(new HttpClientCodec(), this);
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(
                    HttpVersion.HTTP_1_1, HttpMethod.GET, requestTarget, Unpooled.EMPTY_BUFFER);
            request.headers()
                    .set(HttpHeaderNames.HOST, hostHeader)
                    .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                    .set(HttpHeaderNames.ACCEPT, "*/*")
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ch.writeAndFlush(request).addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    fail(describe(f.cause()));
                }
            });
            ch.config().setAutoRead(true);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse) {
                    succeed(clock.nanoTime() - startNanos);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
            if (done.get()) {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(describe(cause));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail("the connection closed before the response headers");
            ctx.fireChannelInactive();
        }

        private void succeed(long latencyNanos) {
            if (done.compareAndSet(false, true)) {
                callback.succeeded(Math.max(0, latencyNanos));
            }
        }

        private void fail(String reason) {
            if (done.compareAndSet(false, true)) {
                closeChannel();
                callback.failed(reason);
            }
        }

        void cancel() {
            done.set(true);
            Future<Channel> d = dial;
            if (d != null) {
                d.cancel(false);
            }
            closeChannel();
        }

        private void closeChannel() {
            Channel ch = channel;
            if (ch != null) {
                ch.close();
            }
        }
    }

    /** A short reason: the TLS or I/O problem itself rather than the decoder exception wrapping it. */
    static String describe(Throwable cause) {
        Throwable c = cause;
        while (c instanceof DecoderException && c.getCause() != null) {
            c = c.getCause();
        }
        String reason = TcpDialer.describe(c);
        return c instanceof SSLException ? "TLS: " + reason : reason;
    }
}
