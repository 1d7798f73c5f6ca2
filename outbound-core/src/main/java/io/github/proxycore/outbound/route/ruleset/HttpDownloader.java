package io.github.proxycore.outbound.route.ruleset;

import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.TcpDialer;
import io.github.proxycore.outbound.internal.HttpTarget;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Downloads a rule-set file with an HTTP/1.1 {@code GET} through an {@link Outbound} (so a set can be fetched
 * through a proxy, as sing-box's {@code download_detour} does), over TLS with the certificate and host name
 * verified for {@code https}. Redirects are followed a few times; the body is capped and the whole download is
 * timed out, so a slow or endless server costs bounded memory and time. Thread-safe.
 */
public final class HttpDownloader {
    /** The largest body accepted: well above geosite/geoip files (tens to hundreds of KiB). */
    public static final int MAX_BODY_BYTES = 32 << 20;

    private static final int MAX_REDIRECTS = 5;

    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private final SslContext ssl;

    /**
     * A downloader.
     *
     * @param timer schedules the timeout
     * @param timeout the most a download (all redirects included) may take
     * @param ssl the TLS client context for https URLs, or {@code null} for the JDK's trusted certificates
     */
    public HttpDownloader(ScheduledExecutorService timer, Duration timeout, SslContext ssl) {
        this.timer = Objects.requireNonNull(timer, "timer");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.ssl = ssl;
    }

    /**
     * Fetches {@code url} through {@code via}; fails with an {@link IOException} saying why.
     *
     * @param url an absolute {@code http://} or {@code https://} URL
     * @param via the outbound the connection goes through
     * @return the response body
     */
    public CompletableFuture<byte[]> download(String url, Outbound via) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        ScheduledFuture<?> deadline = timer.schedule(
                () -> result.completeExceptionally(
                        new IOException("timed out after " + timeout.toMillis() + " ms downloading " + url)),
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        result.whenComplete((bytes, error) -> deadline.cancel(false));
        fetch(url, via, 0, result);
        return result;
    }

    private void fetch(String url, Outbound via, int redirects, CompletableFuture<byte[]> result) {
        HttpTarget target;
        try {
            target = HttpTarget.parse(url);
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(new IOException(e.getMessage(), e));
            return;
        }
        Future<Channel> dial;
        try {
            dial = via.dial(target.destination(), Metadata.internal(Network.TCP, target.destination()));
        } catch (RuntimeException e) {
            result.completeExceptionally(new IOException("cannot dial " + target.destination() + ": " + e, e));
            return;
        }
        result.whenComplete((bytes, error) -> dial.cancel(false));
        dial.addListener(f -> {
            if (!dial.isSuccess()) {
                result.completeExceptionally(new IOException(
                        "cannot connect to " + target.destination() + ": " + TcpDialer.describe(dial.cause())));
                return;
            }
            Channel ch = dial.getNow();
            result.whenComplete((bytes, error) -> ch.close());
            ch.eventLoop().execute(() -> request(ch, target, via, redirects, result));
        });
    }

    private void request(Channel ch, HttpTarget target, Outbound via, int redirects, CompletableFuture<byte[]> result) {
        if (result.isDone()) {
            ch.close();
            return;
        }
        if (target.https()) {
            SslHandler tls = tlsContext()
                    .newHandler(ch.alloc(), target.host(), target.destination().port());
            SSLEngine engine = tls.engine();
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
            ch.pipeline().addLast(tls);
        }
        ch.pipeline()
                .addLast(
                        new HttpClientCodec(),
                        new HttpObjectAggregator(MAX_BODY_BYTES),
                        new Response(target, via, redirects, result));
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.GET, target.requestTarget(), Unpooled.EMPTY_BUFFER);
        request.headers()
                .set(HttpHeaderNames.HOST, target.hostHeader())
                .set(HttpHeaderNames.USER_AGENT, "proxycore")
                .set(HttpHeaderNames.ACCEPT, "*/*")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ch.writeAndFlush(request).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new IOException("cannot send the request: " + describe(f.cause())));
            }
        });
        ch.config().setAutoRead(true);
    }

    private SslContext tlsContext() {
        if (ssl != null) {
            return ssl;
        }
        try {
            return SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private final class Response extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final HttpTarget target;
        private final Outbound via;
        private final int redirects;
        private final CompletableFuture<byte[]> result;

        Response(HttpTarget target, Outbound via, int redirects, CompletableFuture<byte[]> result) {
            this.target = target;
            this.via = via;
            this.redirects = redirects;
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            int status = response.status().code();
            String location = response.headers().get(HttpHeaderNames.LOCATION);
            if (status >= 300 && status < 400 && location != null) {
                ctx.close();
                if (redirects >= MAX_REDIRECTS) {
                    result.completeExceptionally(new IOException("more than " + MAX_REDIRECTS + " redirects"));
                    return;
                }
                String next;
                try {
                    next = target.uri().resolve(location).toString();
                } catch (IllegalArgumentException e) {
                    result.completeExceptionally(new IOException("bad redirect location \"" + location + "\""));
                    return;
                }
                fetch(next, via, redirects + 1, result);
                return;
            }
            if (status != 200) {
                result.completeExceptionally(new IOException("HTTP " + response.status() + " from " + target.uri()));
            } else {
                result.complete(ByteBufUtil.getBytes(response.content()));
            }
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            String reason = c instanceof TooLongFrameException
                    ? "the body is larger than " + MAX_BODY_BYTES + " bytes"
                    : describe(c);
            result.completeExceptionally(new IOException(reason, c));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new IOException("the connection closed before the whole response"));
            ctx.fireChannelInactive();
        }
    }

    private static String describe(Throwable cause) {
        String reason = TcpDialer.describe(cause);
        return cause instanceof SSLException ? "TLS: " + reason : reason;
    }
}
