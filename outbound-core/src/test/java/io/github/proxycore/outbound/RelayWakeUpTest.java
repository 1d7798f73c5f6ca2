package io.github.proxycore.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * {@link Relay}'s backpressure when its two channels run on two event loops, played out on one thread: the reading
 * side sees its peer full and pauses, and the peer drains in between. A download through an AnyTLS stream (the
 * session's loop) to a client socket (the inbound's loop) stalled for good that way.
 */
class RelayWakeUpTest {
    @Test
    void aPeerThatDrainsBetweenTheCheckAndThePauseLeavesTheSourceReading() {
        EmbeddedChannel source = new EmbeddedChannel();
        RacingPeer peer = new RacingPeer();
        Relay.bind(source, peer);
        peer.drainsDuringNextCheck = true;

        source.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));

        assertThat(peer.isWritable()).isTrue();
        assertThat(source.config().isAutoRead())
                .as("the peer drained and said so before the pause: the source must read on")
                .isTrue();
        ByteBuf relayed = peer.readOutbound();
        assertThat(relayed.readableBytes()).isEqualTo(3);
        relayed.release();
        source.finishAndReleaseAll();
        peer.finishAndReleaseAll();
    }

    @Test
    void aFullPeerPausesTheSourceUntilItDrains() {
        EmbeddedChannel source = new EmbeddedChannel();
        RacingPeer peer = new RacingPeer();
        Relay.bind(source, peer);
        peer.full = true;

        source.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
        assertThat(source.config().isAutoRead()).isFalse();

        peer.full = false;
        peer.pipeline().fireChannelWritabilityChanged();
        assertThat(source.config().isAutoRead()).isTrue();
        source.finishAndReleaseAll();
        peer.finishAndReleaseAll();
    }

    /** A peer whose writability the test sets, and which can drain in the middle of a writability check. */
    private static final class RacingPeer extends EmbeddedChannel {
        boolean full;
        boolean drainsDuringNextCheck;

        @Override
        public boolean isWritable() {
            if (drainsDuringNextCheck) {
                drainsDuringNextCheck = false;
                // the caller reads "full"; meanwhile, as on the peer's own event loop, it drains and announces it
                full = false;
                pipeline().fireChannelWritabilityChanged();
                return false;
            }
            return !full && super.isWritable();
        }
    }
}
