package io.github.proxycore.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class DatagramsTest {
    @Test
    void aSmallDatagramIsCopiedOutOfItsLargeReceiveBuffer() {
        ByteBuf received = PooledByteBufAllocator.DEFAULT.buffer(65_536, 65_536);
        received.writeZero(10).writeBytes(new byte[] {1, 2, 3}).skipBytes(10); // a 10-byte header already read
        ByteBuf compact = Datagrams.retainedCompact(received);
        assertThat(compact.capacity()).isLessThan(1024);
        assertThat(compact.unwrap()).isNotSameAs(received);
        assertThat(received.refCnt()).isEqualTo(1);
        received.release();
        assertThat(compact.readableBytes()).isEqualTo(3);
        assertThat(compact.getByte(2)).isEqualTo((byte) 3);
        compact.release();
    }

    @Test
    void aLargeDatagramIsSharedNotCopied() {
        ByteBuf received = PooledByteBufAllocator.DEFAULT.buffer(65_536, 65_536);
        received.writeZero(40_000);
        ByteBuf compact = Datagrams.retainedCompact(received);
        assertThat(received.refCnt()).isEqualTo(2);
        assertThat(compact.readableBytes()).isEqualTo(40_000);
        received.release();
        compact.release();
        assertThat(received.refCnt()).isZero();
    }
}
