package io.github.proxycore.mixed;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.socksx.v4.Socks4ServerDecoder;
import io.netty.handler.codec.socksx.v4.Socks4ServerEncoder;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import java.util.List;

/**
 * Tells the mixed inbound's protocols apart by the first byte, as sing-box does: 5 is SOCKS5, 4 is SOCKS4/4a,
 * anything else is taken for HTTP (and answered with 400 if it is not). Then it steps aside; the bytes it looked at
 * go to the protocol's decoder.
 */
final class ProtocolDetector extends ByteToMessageDecoder {
    private final MixedInbound inbound;

    ProtocolDetector(MixedInbound inbound) {
        this.inbound = inbound;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        ChannelPipeline p = ctx.pipeline();
        String name = ctx.name();
        switch (in.getByte(in.readerIndex())) {
            case 5:
                p.addAfter(name, "socks5-encoder", Socks5ServerEncoder.DEFAULT);
                p.addAfter("socks5-encoder", Socks5Handler.DECODER, new Socks5InitialRequestDecoder());
                p.addAfter(Socks5Handler.DECODER, "socks5", new Socks5Handler(inbound));
                break;
            case 4:
                p.addAfter(name, "socks4-encoder", Socks4ServerEncoder.INSTANCE);
                p.addAfter("socks4-encoder", "socks4-decoder", new Socks4ServerDecoder());
                p.addAfter("socks4-decoder", "socks4", new Socks4Handler(inbound));
                break;
            default:
                p.addAfter(name, "http", new HttpProxyHandler(inbound));
                break;
        }
        p.remove(this);
    }
}
