package io.github.proxycore.examples.api;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.Outbounds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Using proxycore from Java: build an outbound from its JSON (or from the option records' builders), dial, and talk
 * over the returned Netty channel. Fetches an {@code http://} URL with a plain HTTP/1.0 request and prints the
 * response.
 *
 * <pre>
 * java -cp examples/target/proxycore.jar io.github.proxycore.examples.api.FetchThroughOutbound http://example.com/ \
 *     '{"type": "direct", "tag": "out"}'
 * </pre>
 */
public final class FetchThroughOutbound {
    private FetchThroughOutbound() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: FetchThroughOutbound URL [OUTBOUND-JSON]");
            System.exit(2);
        }
        String json = args.length > 1 ? args[1] : "{\"type\": \"direct\", \"tag\": \"out\"}";
        OutboundOptions options = ConfigLoader.parseOutbound(json);
        try (Outbounds outbounds = Outbounds.builder(List.of(options)).build()) {
            System.out.print(fetch(URI.create(args[0]), outbounds.get(options.tag())));
        }
    }

    /** Sends {@code GET} for {@code url} through {@code outbound} and returns the whole response as text. */
    public static String fetch(URI url, Outbound outbound) throws Exception {
        Destination destination = Destination.of(url.getHost(), url.getPort() < 0 ? 80 : url.getPort());
        Channel channel = outbound.dial(destination).get(10, TimeUnit.SECONDS);

        CompletableFuture<String> response = new CompletableFuture<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf bytes = (ByteBuf) msg;
                try {
                    bytes.readBytes(received, bytes.readableBytes());
                } catch (java.io.IOException impossible) {
                    throw new AssertionError(impossible);
                } finally {
                    bytes.release();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                response.complete(received.toString(StandardCharsets.UTF_8));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                response.completeExceptionally(cause);
                ctx.close();
            }
        });
        channel.config().setAutoRead(true); // handlers are in place: start reading
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        String host = url.getRawAuthority().substring(url.getRawAuthority().lastIndexOf('@') + 1);
        try {
            channel.writeAndFlush(Unpooled.copiedBuffer(
                    "GET " + target + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n", StandardCharsets.US_ASCII));
            return response.get(30, TimeUnit.SECONDS);
        } finally {
            channel.close(); // already closed by the server unless this gave up waiting
        }
    }
}
