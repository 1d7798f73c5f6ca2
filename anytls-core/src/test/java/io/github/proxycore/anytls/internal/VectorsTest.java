package io.github.proxycore.anytls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.PaddingScheme;
import io.github.proxycore.anytls.internal.wire.ClientPadding;
import io.github.proxycore.anytls.internal.wire.Command;
import io.github.proxycore.anytls.internal.wire.Frames;
import io.github.proxycore.anytls.internal.wire.Settings;
import io.github.proxycore.anytls.internal.wire.UotAddress;
import io.github.proxycore.anytls.internal.wire.UotDecoder;
import io.github.proxycore.anytls.internal.wire.UotEncoder;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.SocksAddress;
import io.github.proxycore.outbound.UdpPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every hex vector of docs/protocol.md, produced by this codec. */
class VectorsTest {
    private static final String HASH_TEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static String hex(ByteBuf buf) {
        try {
            return ByteBufUtil.hexDump(buf);
        } finally {
            buf.release();
        }
    }

    private static ByteBuf buf() {
        return Unpooled.buffer();
    }

    @Test
    void passwordHashes() {
        assertThat(HexFormat.of().formatHex(Passwords.sha256("test"))).isEqualTo(HASH_TEST);
        assertThat(HexFormat.of().formatHex(Passwords.sha256("testpass")))
                .isEqualTo("13d249f2cb4127b40cfa757866850278793f814ded3c587fe5889e889a7a9f6c");
    }

    @Test
    void authPreambles() {
        EmbeddedChannel zero = sessionChannel(PaddingScheme.parse("stop=1\n0=0-0"));
        assertThat(hex(zero.readOutbound())).isEqualTo(HASH_TEST + "0000");
        zero.finishAndReleaseAll();
        EmbeddedChannel standard = sessionChannel(PaddingScheme.DEFAULT);
        assertThat(hex(standard.readOutbound())).isEqualTo(HASH_TEST + "001e" + "00".repeat(30));
        standard.finishAndReleaseAll();
    }

    private static EmbeddedChannel sessionChannel(PaddingScheme scheme) {
        return new EmbeddedChannel(new ClientSession(
                1,
                Passwords.sha256("test"),
                "x/1",
                new ClientPadding(scheme),
                new java.util.Random(1),
                SessionListener.NONE));
    }

    @Test
    void settingsHeaderForTheReferenceText() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("v", "2");
        settings.put("client", "anytls/0.0.13");
        settings.put("padding-md5", PaddingScheme.DEFAULT.md5());
        String text = Settings.format(settings);
        assertThat(text).hasSize(69);
        ByteBuf out = buf();
        Frames.writeText(out, Command.SETTINGS, 0, text);
        assertThat(hex(out.readSlice(7).retain())).isEqualTo("04000000000045");
        out.release();
    }

    @Test
    void streamFrames() {
        ByteBuf syn = buf();
        Frames.writeEmpty(syn, Command.SYN, 1);
        assertThat(hex(syn)).isEqualTo("01000000010000");
        ByteBuf fin = buf();
        Frames.writeEmpty(fin, Command.FIN, 1);
        assertThat(hex(fin)).isEqualTo("03000000010000");
        ByteBuf synAck = buf();
        Frames.writeEmpty(synAck, Command.SYNACK, 1);
        assertThat(hex(synAck)).isEqualTo("07000000010000");
        assertThat(hex(Frames.empty(Unpooled.buffer().alloc(), Command.HEART_REQUEST, 0)))
                .isEqualTo("08000000000000");
        assertThat(hex(Frames.empty(Unpooled.buffer().alloc(), Command.HEART_RESPONSE, 0)))
                .isEqualTo("09000000000000");
    }

    @Test
    void destinationPshFrames() {
        assertThat(psh(Destination.of("127.0.0.1", 80))).isEqualTo("02000000010007" + "017f0000010050");
        assertThat(psh(Destination.of("example.com", 80)))
                .isEqualTo("0200000001000f" + "030b6578616d706c652e636f6d0050");
        assertThat(psh(Destination.of("example.com", 443)))
                .isEqualTo("0200000001000f" + "030b6578616d706c652e636f6d01bb");
        assertThat(psh(Destination.of("::1", 443)))
                .isEqualTo("02000000010013" + "040000000000000000000000000000000101bb");
        assertThat(psh(UotAddress.MAGIC))
                .isEqualTo("0200000001001b" + "0317" + "73702e76322e7564702d6f7665722d7463702e61727061" + "0000");
    }

    private static String psh(Destination destination) {
        ByteBuf out = buf();
        Frames.writeHeader(out, Command.PSH, 1, SocksAddress.encodedLength(destination));
        SocksAddress.encode(destination, out);
        return hex(out);
    }

    @Test
    void textFrames() {
        String refused = "dial tcp 127.0.0.1:1: connect: connection refused";
        assertThat(refused.getBytes(StandardCharsets.UTF_8)).hasSize(49);
        assertThat(hex(Frames.text(Unpooled.buffer().alloc(), Command.SYNACK, 2, refused)))
                .isEqualTo("07000000020031" + HexFormat.of().formatHex(refused.getBytes(StandardCharsets.UTF_8)));
        assertThat(hex(Frames.text(Unpooled.buffer().alloc(), Command.SERVER_SETTINGS, 0, "v=2")))
                .isEqualTo("0a000000000003763d32");
        assertThat(hex(Frames.text(Unpooled.buffer().alloc(), Command.ALERT, 0, ServerSession.NO_SETTINGS)))
                .isEqualTo("05000000000020"
                        + HexFormat.of()
                                .formatHex("client did not send its settings".getBytes(StandardCharsets.UTF_8)));
        ByteBuf update = buf();
        Frames.writeFrame(update, Command.UPDATE_PADDING_SCHEME, 0, PaddingScheme.DEFAULT.raw());
        assertThat(hex(update)).isEqualTo("06000000000089" + HexFormat.of().formatHex(PaddingScheme.DEFAULT.raw()));
        ByteBuf waste = buf();
        Frames.writeWaste(waste, 71);
        assertThat(hex(waste)).isEqualTo("00000000000047" + "00".repeat(71));
    }

    @Test
    void defaultSchemeMd5() {
        assertThat(PaddingScheme.DEFAULT.raw()).hasSize(137);
        assertThat(PaddingScheme.DEFAULT.md5()).isEqualTo("75cff2ad89aadf5e257059ee571ebe11");
    }

    @Test
    void uotRequestAndDatagramNotConnect() {
        // what the client writes: request (not-connect, 0.0.0.0:0) + datagram to 127.0.0.1:19053
        byte[] request = UotAddress.request(false, Destination.of("0.0.0.0", 0));
        EmbeddedChannel channel = new EmbeddedChannel(new UotEncoder(false));
        channel.writeOutbound(new UdpPacket(
                Unpooled.copiedBuffer("ping-udp", StandardCharsets.US_ASCII), Destination.of("127.0.0.1", 19053)));
        assertThat(HexFormat.of().formatHex(request) + hex(channel.readOutbound()))
                .isEqualTo("00" + "0100000000" + "0000" + "00" + "7f000001" + "4a6d" + "0008" + "70696e672d756470");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void uotRequestConnectThenDatagram() {
        byte[] request = UotAddress.request(true, Destination.of("8.8.8.8", 53));
        EmbeddedChannel channel = new EmbeddedChannel(new UotEncoder(true));
        channel.writeOutbound(
                new UdpPacket(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII), Destination.of("8.8.8.8", 53)));
        assertThat(HexFormat.of().formatHex(request) + hex(channel.readOutbound()))
                .isEqualTo("01" + "0108080808" + "0035" + "0003" + "616263");
        channel.finishAndReleaseAll();
    }

    @Test
    void uotRequestToADomain() {
        // the request's buffer used to be exactly sized, and writing UTF-8 reserves 3 bytes a character: it threw
        assertThat(HexFormat.of().formatHex(UotAddress.request(false, Destination.of("example.com", 53))))
                .isEqualTo("00" + "03" + "0b" + "6578616d706c652e636f6d" + "0035");
    }

    @Test
    void uotDecoderReadsBothModes() {
        EmbeddedChannel notConnect = new EmbeddedChannel(new UotDecoder(null));
        byte[] bytes = HexFormat.of().parseHex("007f0000014a6d0008" + "70696e672d756470");
        notConnect.writeInbound(Unpooled.wrappedBuffer(bytes, 0, 5));
        Object none = notConnect.readInbound();
        assertThat(none).isNull();
        notConnect.writeInbound(Unpooled.wrappedBuffer(bytes, 5, bytes.length - 5));
        UdpPacket packet = notConnect.readInbound();
        assertThat(packet.address()).isEqualTo(Destination.of("127.0.0.1", 19053));
        assertThat(packet.content().toString(StandardCharsets.US_ASCII)).isEqualTo("ping-udp");
        packet.release();
        notConnect.finishAndReleaseAll();
        EmbeddedChannel connect = new EmbeddedChannel(new UotDecoder(Destination.of("8.8.8.8", 53)));
        connect.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex("0003616263")));
        UdpPacket fixed = connect.readInbound();
        assertThat(fixed.address()).isEqualTo(Destination.of("8.8.8.8", 53));
        assertThat(fixed.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        fixed.release();
        connect.finishAndReleaseAll();
    }
}
