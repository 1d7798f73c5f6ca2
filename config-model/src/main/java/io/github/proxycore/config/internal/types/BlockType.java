package io.github.proxycore.config.internal.types;

import io.github.proxycore.config.outbound.BlockOutboundOptions;
import io.github.proxycore.config.spi.ConfigObject;
import io.github.proxycore.config.spi.OutboundType;

/** The {@code block} outbound's JSON: a tag and nothing else. */
public final class BlockType implements OutboundType<BlockOutboundOptions> {
    @Override
    public String type() {
        return BlockOutboundOptions.TYPE;
    }

    @Override
    public Class<BlockOutboundOptions> optionsClass() {
        return BlockOutboundOptions.class;
    }

    @Override
    public BlockOutboundOptions bind(String tag, ConfigObject json) {
        return new BlockOutboundOptions(tag);
    }
}
