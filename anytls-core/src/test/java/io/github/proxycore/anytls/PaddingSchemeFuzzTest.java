package io.github.proxycore.anytls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.github.proxycore.anytls.internal.wire.ClientPadding;
import io.github.proxycore.anytls.internal.wire.Command;
import io.github.proxycore.anytls.internal.wire.PacketShaper;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Whatever scheme a server pushes (UpdatePaddingScheme carries it as untrusted bytes), parsing returns a scheme or
 * nothing and never throws; a parsed scheme keeps its bytes and their MD5, agrees with the text form, gives record
 * sizes that are check marks or positive ints; and a client that shapes its writes with it never allocates more
 * than one record can hold (a size of 2^31 - 1 must not become a 2 GiB buffer), loses no byte of a write, and
 * releases what it was given.
 *
 * <p>To fuzz: {@code JAZZER_FUZZ=1 mvn -pl anytls-core test -Dtest=PaddingSchemeFuzzTest}.
 */
class PaddingSchemeFuzzTest {
    /** Packets shaped per input: the default scheme's lines go up to 7. */
    private static final int PACKETS = 10;

    @FuzzTest(maxDuration = "60s")
    void parsesAndShapesWithinBounds(byte @NotNull [] raw) throws Exception {
        Optional<PaddingScheme> parsed = PaddingScheme.parse(raw);
        ClientPadding padding = new ClientPadding(PaddingScheme.DEFAULT);
        check(padding.update(raw) == parsed.isPresent(), "ClientPadding disagrees with parse");
        if (parsed.isEmpty()) {
            check(padding.get() == PaddingScheme.DEFAULT, "an invalid scheme replaced the old one");
            return;
        }
        PaddingScheme scheme = parsed.get();
        check(Arrays.equals(scheme.raw(), raw), "raw bytes changed");
        check(
                scheme.md5()
                        .equals(HexFormat.of()
                                .formatHex(MessageDigest.getInstance("MD5").digest(raw))),
                "md5 of the raw bytes");
        check(scheme.equals(PaddingScheme.parse(raw).orElseThrow()), "parsing is not deterministic");
        if (isUtf8(raw)) {
            check(PaddingScheme.parse(scheme.text()).equals(scheme), "the text form parses differently");
        }

        SplittableRandom random = new SplittableRandom(Arrays.hashCode(raw));
        int preamble = scheme.preamblePadding(random);
        check(preamble >= 0, "negative preamble padding");

        long packets = Math.min(scheme.stop(), PACKETS);
        for (int packet = 0; packet < packets; packet++) {
            int[] sizes = scheme.recordSizes(packet, random);
            for (int size : sizes) {
                check(size == PaddingScheme.CHECK || size > 0, "record size " + size);
            }
            shape(packet, sizes, random.nextInt(2048));
        }
    }

    /** Shapes a write of {@code length} bytes as a client session does, and checks the records. */
    private static void shape(int packet, int[] sizes, int length) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i * 31 + packet);
        }
        // one record holds at most the whole write, or a part of it, plus one Waste frame
        BoundedAllocator alloc = new BoundedAllocator(length + Command.HEADER_LENGTH + Command.MAX_DATA);
        ByteBuf in = Unpooled.buffer(length).writeBytes(payload); // never Unpooled.EMPTY_BUFFER, whose count stays 1
        List<ByteBuf> records = new ArrayList<>();
        try {
            PacketShaper.shape(in, sizes, alloc, records::add);
            check(in.refCnt() == 0, "the write was not released");
            // the records are the write's bytes in order, each chunk possibly followed by one Waste frame
            int at = 0;
            ByteBuf expected = Unpooled.wrappedBuffer(payload);
            for (ByteBuf record : records) {
                check(record.readableBytes() <= alloc.limit, "record of " + record.readableBytes() + " bytes");
                int chunk = payloadChunk(record, length - at);
                check(
                        ByteBufUtil.equals(record, record.readerIndex(), expected, at, chunk),
                        "bytes " + at + ".." + (at + chunk) + " of the write changed");
                at += chunk;
            }
            check(at == length, "the records carry " + at + " of " + length + " bytes");
        } finally {
            records.forEach(ByteBuf::release);
        }
    }

    /**
     * How many bytes at the start of {@code record} are the write's: all of it, or all but a Waste frame (header
     * {@code WASTE, 0, n} then {@code n} zeros) at its end.
     */
    private static int payloadChunk(ByteBuf record, int remaining) {
        int length = record.readableBytes();
        for (int chunk = Math.min(length, remaining); chunk >= 0; chunk--) {
            int waste = length - chunk;
            if (waste == 0) {
                return chunk;
            }
            if (waste >= Command.HEADER_LENGTH
                    && record.getUnsignedByte(chunk) == Command.WASTE
                    && record.getInt(chunk + 1) == 0
                    && record.getUnsignedShort(chunk + 5) == waste - Command.HEADER_LENGTH
                    && zeros(record, chunk + Command.HEADER_LENGTH, waste - Command.HEADER_LENGTH)) {
                return chunk;
            }
        }
        throw new AssertionError("a record that is neither the write's bytes nor ends in a Waste frame");
    }

    private static boolean zeros(ByteBuf buf, int from, int n) {
        return n == 0 || buf.forEachByte(from, n, ByteProcessor.FIND_NON_NUL) == -1;
    }

    private static boolean isUtf8(byte[] raw) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Heap buffers only, and none asked for larger than {@link #limit}: fails before allocating it. */
    private static final class BoundedAllocator extends AbstractByteBufAllocator {
        final int limit;

        BoundedAllocator(int limit) {
            super(false);
            this.limit = limit;
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            check(initialCapacity <= limit, "asked for a buffer of " + initialCapacity + " bytes");
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
