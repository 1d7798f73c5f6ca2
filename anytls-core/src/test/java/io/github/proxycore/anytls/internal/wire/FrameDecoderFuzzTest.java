package io.github.proxycore.anytls.internal.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Whatever a peer sends, the frame decoder hands out whole frames only, each data slice exactly as long as its header
 * says, consumes exactly those frames and leaves a partial one unread; bytes arriving in two pieces decode to the same
 * frames as in one. To fuzz: {@code JAZZER_FUZZ=1 mvn -pl anytls-core test -Dtest=FrameDecoderFuzzTest}.
 */
class FrameDecoderFuzzTest {

    private record Frame(int command, int streamId, int length, int firstByte) {}

    private static List<Frame> decodeAll(ByteBuf in) {
        List<Frame> frames = new ArrayList<>();
        FrameDecoder.decode(in, (command, streamId, data) -> {
            try {
                frames.add(
                        new Frame(command, streamId, data.readableBytes(), data.isReadable() ? data.getByte(0) : -1));
            } finally {
                data.release();
            }
            return true;
        });
        return frames;
    }

    @FuzzTest(maxDuration = "60s")
    void decodesWholeFramesOnly(byte @NotNull [] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        List<Frame> frames;
        try {
            frames = decodeAll(in);
            // walk the headers independently: the decoder must stop exactly after the last whole frame
            int at = 0;
            int whole = 0;
            while (bytes.length - at >= Command.HEADER_LENGTH) {
                int length = ((bytes[at + 5] & 0xff) << 8) | (bytes[at + 6] & 0xff);
                if (bytes.length - at < Command.HEADER_LENGTH + length) {
                    break;
                }
                Frame frame = frames.get(whole);
                int command = bytes[at] & 0xff;
                int expected = Command.carriesData(command) ? length : 0;
                check(frame.command() == command, "command of frame " + whole);
                check(frame.length() == expected, "data length of frame " + whole);
                at += Command.HEADER_LENGTH + length;
                whole++;
            }
            check(frames.size() == whole, "decoded " + frames.size() + " frames, " + whole + " are whole");
            check(in.readerIndex() == at, "consumed " + in.readerIndex() + " bytes, whole frames take " + at);
        } finally {
            in.release();
        }

        // the same bytes in two pieces, as a session cumulates them
        // where the bytes are cut comes from the input too, so the fuzzer explores it
        int cut = bytes.length == 0 ? 0 : (bytes[0] & 0xff) % (bytes.length + 1);
        ByteBuf cumulation = Unpooled.buffer(bytes.length);
        try {
            cumulation.writeBytes(bytes, 0, cut);
            List<Frame> pieces = new ArrayList<>(decodeAll(cumulation));
            cumulation.writeBytes(bytes, cut, bytes.length - cut);
            pieces.addAll(decodeAll(cumulation));
            check(pieces.equals(frames), "two pieces decode differently from one");
        } finally {
            cumulation.release();
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
