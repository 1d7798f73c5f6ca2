package io.github.proxycore.anytls.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.proxycore.anytls.PaddingScheme;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The padding-scheme grammar and the packet-shaping algorithm of docs/protocol.md, with every worked example. */
class PaddingTest {
    private static final int C = PaddingScheme.CHECK;

    @Test
    void alternativeSchemeMd5() {
        PaddingScheme scheme = PaddingScheme.parse("stop=3\n0=900-1400\n1=900-1400\n2=900-1400");
        assertThat(scheme.md5()).isEqualTo("276925c451e8c13324f56e3846870cca");
        assertThat(scheme.stop()).isEqualTo(3);
    }

    @Test
    void invalidSchemesAreRejected() {
        assertThat(PaddingScheme.parse("0=30-30\n1=100-200".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(PaddingScheme.parse("".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(PaddingScheme.parse("stop=x\n0=1-1".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        // nothing is trimmed: CRLF text breaks stop
        assertThat(PaddingScheme.parse("stop=8\r\n0=30-30".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(PaddingScheme.parse("stop = 8".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThatThrownBy(() -> PaddingScheme.parse("no pairs at all")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidUpdateKeepsTheOldScheme() {
        ClientPadding padding = new ClientPadding(PaddingScheme.DEFAULT);
        assertThat(padding.update("stop=oops".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(padding.get()).isSameAs(PaddingScheme.DEFAULT);
        assertThat(padding.update("stop=2\n1=5-5".getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        assertThat(padding.get().stop()).isEqualTo(2);
    }

    @Test
    void itemsFollowTheReferenceGrammar() {
        PaddingScheme scheme = PaddingScheme.parse("stop=9\n1=10-10,c,30-20,x,0-5,-3-4,7,c,a-b,15-15\n01=1-1\n2=");
        assertThat(scheme.recordSizes(1, new Random(1))).hasSize(5);
        int[] sizes = scheme.recordSizes(1, new Random(1));
        assertThat(sizes[0]).isEqualTo(10);
        assertThat(sizes[1]).isEqualTo(C);
        assertThat(sizes[2]).isBetween(20, 29); // swapped bounds, upper bound exclusive
        assertThat(sizes[3]).isEqualTo(C);
        assertThat(sizes[4]).isEqualTo(15);
        assertThat(scheme.recordSizes(2, new Random(1))).isEmpty();
        assertThat(scheme.recordSizes(3, new Random(1))).isEmpty();
        // "01" is not the decimal text of packet 1... and packet 1 is already taken by "1"
        assertThat(PaddingScheme.parse("stop=2\n01=5-5").recordSizes(1, new Random(1)))
                .isEmpty();
    }

    @Test
    void upperBoundIsExclusive() {
        PaddingScheme scheme = PaddingScheme.parse("stop=2\n1=5-7");
        Random random = new Random(42);
        boolean sawFive = false;
        boolean sawSix = false;
        for (int i = 0; i < 2000; i++) {
            int size = scheme.recordSizes(1, random)[0];
            assertThat(size).isBetween(5, 6);
            sawFive |= size == 5;
            sawSix |= size == 6;
        }
        assertThat(sawFive && sawSix).isTrue();
    }

    @Test
    void preamblePaddingIsTheFirstSizeOfLineZero() {
        assertThat(PaddingScheme.DEFAULT.preamblePadding(new Random())).isEqualTo(30);
        assertThat(PaddingScheme.parse("stop=1").preamblePadding(new Random())).isZero();
        assertThat(PaddingScheme.parse("stop=1\n0=x").preamblePadding(new Random()))
                .isZero();
    }

    // ---- the worked examples of docs/protocol.md ----

    @Test
    void payloadSmallerThanSizeIsPaddedToIt() {
        assertThat(shape(30, 50)).containsExactly("30+waste13=50");
    }

    @Test
    void paddingOfTwoOrLessIsNotWritten() {
        assertThat(shape(45, 50)).containsExactly("45");
    }

    @Test
    void checkPassesWhenDataIsLeft() {
        assertThat(shape(127, 50, C, 100)).containsExactly("50", "77+waste16=100");
    }

    @Test
    void checkStopsWhenNothingIsLeft() {
        assertThat(shape(37, 50, C, 100)).containsExactly("37+waste6=50");
    }

    @Test
    void wasteOnlyRecordIsSizePlusSeven() {
        assertThat(shape(7, 9, 611)).containsExactly("7", "waste611=618");
    }

    @Test
    void cutThenPadded() {
        assertThat(shape(20, 9, 500)).containsExactly("9", "11+waste482=500");
    }

    @Test
    void leftoverAfterTheListIsOneMoreRecord() {
        assertThat(shape(100, 30)).containsExactly("30", "70");
        assertThat(shape(12)).containsExactly("12");
    }

    @Test
    void recordsCarryThePayloadInOrderAndZeroWaste() {
        ByteBuf payload = Unpooled.buffer();
        for (int i = 0; i < 60; i++) {
            payload.writeByte(i);
        }
        List<ByteBuf> records = new ArrayList<>();
        PacketShaper.shape(payload, new int[] {25, 50}, UnpooledByteBufAllocator.DEFAULT, records::add);
        assertThat(records).hasSize(2);
        ByteBuf first = records.get(0);
        assertThat(first.readableBytes()).isEqualTo(25);
        assertThat(first.getByte(24)).isEqualTo((byte) 24);
        ByteBuf second = records.get(1);
        assertThat(second.readableBytes()).isEqualTo(50);
        assertThat(second.getByte(0)).isEqualTo((byte) 25);
        assertThat(ByteBufUtil.hexDump(second, 35, 7)).isEqualTo("00000000000008");
        assertThat(ByteBufUtil.hexDump(second, 42, 8)).isEqualTo("0000000000000000");
        records.forEach(ByteBuf::release);
    }

    /** Shapes a payload of {@code length} bytes and describes each record. */
    private static List<String> shape(int length, int... sizes) {
        ByteBuf payload = Unpooled.buffer(length);
        payload.writeZero(length);
        for (int i = 0; i < length; i++) {
            payload.setByte(i, 0x55); // distinguishable from the zero padding
        }
        List<String> out = new ArrayList<>();
        PacketShaper.shape(payload, sizes, UnpooledByteBufAllocator.DEFAULT, record -> {
            out.add(describe(record));
            record.release();
        });
        assertThat(payload.refCnt()).isZero();
        return out;
    }

    private static String describe(ByteBuf record) {
        int data = 0;
        while (data < record.readableBytes() && record.getByte(data) == 0x55) {
            data++;
        }
        int rest = record.readableBytes() - data;
        if (rest == 0) {
            return String.valueOf(data);
        }
        int pad = record.getUnsignedShort(data + 5);
        assertThat(record.getByte(data)).isEqualTo((byte) Command.WASTE);
        assertThat(rest).isEqualTo(7 + pad);
        return (data == 0 ? "" : data + "+") + "waste" + pad + "=" + record.readableBytes();
    }
}
