package io.github.proxycore.anytls.internal.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Passes TLS records to the SslHandler after it one at a time, so that the plaintext of each record arrives in its
 * own read. The server needs that until authentication: anytls-go authenticates from the first record alone
 * (docs/protocol.md, auth preamble), and a preamble split across records must be rejected even when both records arrive
 * together.
 */
public final class TlsRecordSplitter extends ByteToMessageDecoder {
    private static final int HEADER = 5;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= HEADER) {
            int length = HEADER + in.getUnsignedShort(in.readerIndex() + 3);
            if (in.readableBytes() < length) {
                return;
            }
            out.add(in.readRetainedSlice(length));
        }
    }
}
