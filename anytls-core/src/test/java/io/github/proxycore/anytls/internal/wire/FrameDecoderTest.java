package io.github.proxycore.anytls.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Frame decoding, including the leniency docs/protocol.md asks for and frames split anywhere. */
class FrameDecoderTest {

    private record Frame(int command, int streamId, String data) {}

    private static List<Frame> decodeAll(String hex, int chunk) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        List<Frame> frames = new ArrayList<>();
        ByteBuf cumulation = Unpooled.buffer();
        for (int i = 0; i < bytes.length; i += chunk) {
            cumulation.writeBytes(bytes, i, Math.min(chunk, bytes.length - i));
            FrameDecoder.decode(cumulation, (command, id, data) -> {
                frames.add(new Frame(command, id, data.toString(StandardCharsets.ISO_8859_1)));
                data.release();
                return true;
            });
            cumulation.discardReadBytes();
        }
        assertThat(cumulation.readableBytes()).isZero();
        cumulation.release();
        return frames;
    }

    @Test
    void decodesFramesSplitAtEveryByte() {
        String hex = "04000000000003763d32" + "01000000010000" + "02000000010002" + "6869" + "03000000010000";
        for (int chunk = 1; chunk <= 8; chunk++) {
            assertThat(decodeAll(hex, chunk))
                    .containsExactly(
                            new Frame(Command.SETTINGS, 0, "v=2"),
                            new Frame(Command.SYN, 1, ""),
                            new Frame(Command.PSH, 1, "hi"),
                            new Frame(Command.FIN, 1, ""));
        }
    }

    @Test
    void skipsTheLengthOfCommandsWhoseDataIsIgnored() {
        // SYN with 2 junk bytes, Waste of 3, unknown code 42 with 1 byte, heartbeat with 1: all skipped by length
        String hex = "010000000100026162" + "00000000000003000000" + "2a0000000000017a" + "080000000700017a"
                + "02000000010001" + "41";
        assertThat(decodeAll(hex, 64))
                .containsExactly(
                        new Frame(Command.SYN, 1, ""),
                        new Frame(Command.WASTE, 0, ""),
                        new Frame(42, 0, ""),
                        new Frame(Command.HEART_REQUEST, 7, ""),
                        new Frame(Command.PSH, 1, "A"));
    }

    @Test
    void stopsWhenTheListenerSaysSo() {
        ByteBuf in = Unpooled.wrappedBuffer(HexFormat.of().parseHex("0100000001000001000000020000"));
        List<Integer> ids = new ArrayList<>();
        boolean more = FrameDecoder.decode(in, (command, id, data) -> {
            ids.add(id);
            return false;
        });
        assertThat(more).isFalse();
        assertThat(ids).containsExactly(1);
        assertThat(in.readableBytes()).isEqualTo(7);
        in.release();
    }
}
