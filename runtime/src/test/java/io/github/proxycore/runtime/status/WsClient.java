package io.github.proxycore.runtime.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.runtime.Engine;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.InetAddress;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A Netty WebSocket client that records the handshake's status and the text messages. */
final class WsClient extends SimpleChannelInboundHandler<Object> {
    final CompletableFuture<Integer> status = new CompletableFuture<>();
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final WebSocketClientHandshaker handshaker;
    Channel channel;

    private WsClient(WebSocketClientHandshaker handshaker) {
        this.handshaker = handshaker;
    }

    static WsClient open(Engine engine, int port, String pathAndQuery) throws Exception {
        WsClient client = new WsClient(WebSocketClientHandshakerFactory.newHandshaker(
                URI.create("ws://127.0.0.1:" + port + pathAndQuery),
                WebSocketVersion.V13,
                null,
                false,
                EmptyHttpHeaders.INSTANCE));
        client.channel = new Bootstrap()
                .group(engine.outbounds().transport().group())
                .channel(engine.outbounds().transport().socketChannelClass())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), client);
                    }
                })
                .connect(InetAddress.getLoopbackAddress(), port)
                .sync()
                .channel();
        return client;
    }

    String next() throws InterruptedException {
        String text = texts.poll(10, TimeUnit.SECONDS);
        assertThat(text).as("a message within 10 s").isNotNull();
        return text;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        handshaker.handshake(ctx.channel());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (!handshaker.isHandshakeComplete() && msg instanceof FullHttpResponse response) {
            if (response.status().code() == 101) {
                handshaker.finishHandshake(ctx.channel(), response);
            }
            status.complete(response.status().code());
        } else if (msg instanceof TextWebSocketFrame text) {
            texts.add(text.text());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        status.complete(-1);
    }
}
