package io.github.proxycore.anytls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.PaddingScheme;
import io.github.proxycore.anytls.internal.wire.ClientPadding;
import io.github.proxycore.anytls.internal.wire.Command;
import io.github.proxycore.anytls.internal.wire.FrameDecoder;
import io.github.proxycore.anytls.internal.wire.Frames;
import io.github.proxycore.outbound.ConnectionCutException;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DestinationException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client session's protocol logic, over an EmbeddedChannel standing in for the TLS channel. */
class ClientSessionTest {
    static final PaddingScheme DETERMINISTIC = PaddingScheme.parse("stop=3\n0=10-10\n1=200-200\n2=50-50,c,100-100");
    private static final Destination DEST = Destination.of("127.0.0.1", 80);

    private final ReadCounter reads = new ReadCounter();
    private SessionHarness harness;
    private EmbeddedChannel channel;
    private ClientSession session;
    private ClientPadding padding;
    private final List<ClientSession> returned = new ArrayList<>();

    private void start(PaddingScheme scheme) {
        padding = new ClientPadding(scheme);
        session = new ClientSession(1, Passwords.sha256("test"), "x/1", padding, new Random(7), new SessionListener() {
            @Override
            public void streamClosed(ClientSession s) {
                returned.add(s);
            }

            @Override
            public void sessionClosed(ClientSession s) {}
        });
        harness = new SessionHarness(session, reads);
        channel = harness.channel;
    }

    @AfterEach
    void tearDown() {
        if (harness != null) {
            harness.close();
        }
    }

    /** Each outbound message is what one flush handed to TLS; padded packets flush every record. */
    private List<Integer> recordSizes() {
        return harness.recordSizes();
    }

    private List<String> frames() {
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            all.writeBytes((ByteBuf) o);
            ReferenceCountUtil.release(o);
        }
        List<String> out = new ArrayList<>();
        FrameDecoder.decode(all, (command, id, data) -> {
            out.add(Command.name(command) + " " + id + (data.isReadable() ? " " + data.readableBytes() : ""));
            data.release();
            return true;
        });
        all.release();
        return out;
    }

    private void inbound(int command, int id, String text) {
        harness.inbound(command, id, text);
    }

    private Promise<Channel> open(Destination destination) {
        return harness.open(destination);
    }

    @Test
    void deterministicExampleRecordSizes() {
        start(DETERMINISTIC);
        assertThat(recordSizes()).containsExactly(44);
        Promise<Channel> promise = open(DEST);
        assertThat(recordSizes()).containsExactly(200); // Settings 66 + SYN 7 + PSH 14 + Waste(106)
        inbound(Command.SERVER_SETTINGS, 0, "v=2");
        inbound(Command.SYNACK, 1, "");
        assertThat(promise.isSuccess()).isTrue();
        Channel stream = promise.getNow();
        stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[30]));
        channel.runPendingTasks();
        assertThat(recordSizes()).containsExactly(50); // PSH 37 + Waste(6), then `c` stops
        stream.close();
        channel.runPendingTasks();
        assertThat(recordSizes()).containsExactly(7); // packet 3 >= stop: unpadded FIN
        assertThat(returned).containsExactly(session);
    }

    @Test
    void settingsAreHeldBackAndSentWithTheFirstSyn() {
        start(PaddingScheme.parse("stop=0"));
        recordSizes();
        open(DEST);
        assertThat(frames()).containsExactly("Settings 0 59", "SYN 1", "PSH 1 7");
        open(Destination.of("example.com", 443));
        assertThat(frames()).containsExactly("SYN 2", "PSH 2 15");
    }

    @Test
    void updatedSchemeAppliesToTheLiveSessionAndLaterOnes() {
        start(PaddingScheme.DEFAULT);
        recordSizes();
        Promise<Channel> promise = open(DEST);
        recordSizes();
        ByteBuf update = Unpooled.buffer();
        Frames.writeFrame(update, Command.UPDATE_PADDING_SCHEME, 0, "stop=3\n2=20-20".getBytes(StandardCharsets.UTF_8));
        channel.writeInbound(update);
        inbound(Command.SERVER_SETTINGS, 0, "v=2");
        inbound(Command.SYNACK, 1, "");
        promise.getNow().writeAndFlush(Unpooled.wrappedBuffer(new byte[30]));
        channel.runPendingTasks();
        assertThat(recordSizes()).containsExactly(20, 17); // packet 2 cut by the new line 2
        promise.getNow().close();
        channel.runPendingTasks();
        assertThat(recordSizes()).containsExactly(7); // packet 3: the new stop=3 ends padding
        assertThat(padding.get().text()).isEqualTo("stop=3\n2=20-20");
        assertThat(session.peerVersion()).isEqualTo(2);
    }

    @Test
    void synAckErrorFailsTheStreamWithRemoteTextAndSendsFin() {
        start(PaddingScheme.parse("stop=0"));
        recordSizes();
        Promise<Channel> promise = open(DEST);
        frames();
        inbound(Command.SERVER_SETTINGS, 0, "v=2");
        inbound(Command.SYNACK, 1, "dial tcp 127.0.0.1:1: connect: connection refused");
        channel.runPendingTasks();
        assertThat(promise.cause())
                .isInstanceOf(DestinationException.class)
                .hasMessage("remote: dial tcp 127.0.0.1:1: connect: connection refused");
        assertThat(frames()).containsExactly("FIN 1");
        assertThat(session.isActive()).isTrue();
        assertThat(returned).containsExactly(session);
    }

    @Test
    void aSynAckErrorCannotForgeLogLines() {
        start(PaddingScheme.parse("stop=0"));
        Promise<Channel> promise = open(DEST);
        inbound(Command.SERVER_SETTINGS, 0, "v=2");
        inbound(Command.SYNACK, 1, "refused\r\n12:00:00 [INFO] forged");
        channel.runPendingTasks();
        assertThat(promise.cause()).hasMessage("remote: refused\\x0d\\x0a12:00:00 [INFO] forged");
    }

    @Test
    void finFromTheServerClosesTheStreamWithoutEcho() {
        start(PaddingScheme.parse("stop=0"));
        recordSizes();
        Promise<Channel> promise = open(DEST);
        inbound(Command.SERVER_SETTINGS, 0, "v=2");
        inbound(Command.SYNACK, 1, "");
        frames();
        Channel stream = promise.getNow();
        inbound(Command.FIN, 1, "");
        inbound(Command.FIN, 99, ""); // unknown id: ignored
        inbound(Command.SYNACK, 99, "");
        channel.runPendingTasks();
        assertThat(stream.isOpen()).isFalse();
        assertThat(frames()).isEmpty();
        assertThat(session.isActive()).isTrue();
    }

    @Test
    void streamsCutByTheSessionClosingHearAnErrorAndAFinIsAnEnd() {
        start(PaddingScheme.parse("stop=0"));
        Promise<Channel> ended = open(DEST);
        Promise<Channel> cut = open(DEST);
        inbound(Command.SERVER_SETTINGS, 0, "v=2");
        inbound(Command.SYNACK, 1, "");
        inbound(Command.SYNACK, 2, "");
        List<Throwable> heardByEnded = new ArrayList<>();
        List<Throwable> heardByCut = new ArrayList<>();
        ended.getNow().pipeline().addLast(errors(heardByEnded));
        cut.getNow().pipeline().addLast(errors(heardByCut));
        Promise<Channel> waiting = open(DEST); // no SYNACK yet: it has no handlers, its promise hears of it

        inbound(Command.FIN, 1, "");
        channel.runPendingTasks();
        assertThat(ended.getNow().isOpen()).isFalse();
        channel.close();
        channel.runPendingTasks();

        assertThat(heardByEnded).as("a stream the server ended").isEmpty();
        assertThat(heardByCut)
                .as("a stream whose session closed under it")
                .singleElement()
                .satisfies(e -> assertThat(e)
                        .isInstanceOf(ConnectionCutException.class)
                        .hasMessageContaining("the session closed"));
        assertThat(cut.getNow().isOpen()).isFalse();
        assertThat(waiting.cause()).isNotNull();
    }

    private static ChannelInboundHandlerAdapter errors(List<Throwable> heard) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                heard.add(cause);
            }
        };
    }

    @Test
    void dataQueuedBeforeFinIsReadFirst() {
        start(PaddingScheme.parse("stop=0"));
        recordSizes();
        Promise<Channel> promise = open(DEST);
        inbound(Command.SERVER_SETTINGS, 0, "v=2");
        inbound(Command.SYNACK, 1, "");
        Channel stream = promise.getNow();
        List<String> read = new ArrayList<>();
        stream.pipeline().addLast(reader(read, msg -> msg.toString(StandardCharsets.US_ASCII)));
        inbound(Command.PSH, 1, "hello");
        inbound(Command.FIN, 1, "");
        assertThat(stream.isOpen()).isTrue();
        stream.read();
        channel.runPendingTasks();
        assertThat(read).containsExactly("hello");
        assertThat(stream.isOpen()).isFalse();
    }

    @Test
    void alertClosesTheSessionButAnEmptyOneIsIgnored() {
        start(PaddingScheme.parse("stop=0"));
        Promise<Channel> promise = open(DEST);
        inbound(Command.ALERT, 0, "");
        assertThat(channel.isOpen()).isTrue();
        inbound(Command.ALERT, 0, "client did not send its settings");
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(promise.cause()).hasMessageContaining("server alert: client did not send its settings");
    }

    @Test
    void heartbeatIsAnsweredWithTheSameId() {
        start(PaddingScheme.parse("stop=0"));
        recordSizes();
        inbound(Command.HEART_REQUEST, 7, "");
        inbound(Command.HEART_REQUEST, 0, "");
        assertThat(frames()).containsExactly("HeartResponse 7", "HeartResponse 0");
    }

    @Test
    void watchdogClosesAReusedSessionWithoutSynAck() {
        start(PaddingScheme.parse("stop=0"));
        Promise<Channel> first = open(DEST);
        inbound(Command.SERVER_SETTINGS, 0, "v=2");
        channel.advanceTimeBy(5, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(first.isDone()).isFalse(); // the first stream is exempt from the 3 s watchdog
        inbound(Command.SYNACK, 1, "");
        first.getNow().close();
        Promise<Channel> second = open(DEST);
        channel.advanceTimeBy(2900, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(second.cause()).hasMessageContaining("no SYNACK within 3000 ms");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void v1ServerIsAssumedAfterTheGraceAndNeverWaitedForAgain() {
        start(PaddingScheme.parse("stop=0"));
        Promise<Channel> first = open(DEST);
        channel.advanceTimeBy(ClientSession.V1_GRACE_MILLIS - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(first.isDone()).isFalse();
        channel.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(first.isSuccess()).isTrue();
        first.getNow().close();
        Promise<Channel> second = open(DEST);
        assertThat(second.isSuccess()).isTrue();
        assertThat(session.peerVersion()).isZero();
    }

    @Test
    void aSynAckBeforeServerSettingsEndsTheV1GraceOfEveryPendingStream() {
        // a SYNACK says v2 as well as ServerSettings does: the other stream waits for its own SYNACK, not 1 s
        start(PaddingScheme.parse("stop=0"));
        Promise<Channel> first = open(DEST);
        Promise<Channel> second = open(DEST);
        inbound(Command.SYNACK, 1, "");
        assertThat(first.isSuccess()).isTrue();
        channel.advanceTimeBy(ClientSession.V1_GRACE_MILLIS + 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(second.isDone()).isFalse();
        assertThat(channel.isOpen()).isTrue();
        inbound(Command.SYNACK, 2, "");
        assertThat(second.isSuccess()).isTrue();
        first.getNow().close();
        second.getNow().close();
    }

    @Test
    void closedWithoutAnswerReadsAsAuthFailure() {
        start(PaddingScheme.parse("stop=0"));
        Promise<Channel> promise = open(DEST);
        channel.close();
        assertThat(promise.cause()).hasMessageContaining("without answering (wrong password?)");
    }

    @Test
    void largeWritesAreChunkedIntoFramesThatFillATlsRecord() {
        start(PaddingScheme.parse("stop=0"));
        Promise<Channel> promise = open(DEST);
        inbound(Command.SERVER_SETTINGS, 0, "v=2");
        inbound(Command.SYNACK, 1, "");
        frames();
        promise.getNow().writeAndFlush(Unpooled.wrappedBuffer(new byte[140_000]));
        channel.runPendingTasks();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 140_000 / AbstractSession.FRAME_DATA; i++) {
            expected.add("PSH 1 " + AbstractSession.FRAME_DATA);
        }
        expected.add("PSH 1 " + 140_000 % AbstractSession.FRAME_DATA);
        assertThat(AbstractSession.FRAME_DATA + Command.HEADER_LENGTH).isEqualTo(16384);
        assertThat(frames()).containsExactlyElementsOf(expected);
    }

    @Test
    void slowStreamReaderStopsReadingTheSocketUntilItCatchesUp() {
        start(PaddingScheme.parse("stop=0"));
        Promise<Channel> promise = open(DEST);
        inbound(Command.SERVER_SETTINGS, 0, "v=2");
        inbound(Command.SYNACK, 1, "");
        Channel stream = promise.getNow();
        List<Integer> read = new ArrayList<>();
        stream.pipeline().addLast(reader(read, ByteBuf::readableBytes));
        int readsBefore = reads.count;
        for (int i = 0; i < 5; i++) {
            inbound(Command.PSH, 1, "x".repeat(60_000));
        }
        assertThat(reads.count).as("reads continue below the high water mark").isEqualTo(readsBefore + 4);
        int afterPause = reads.count; // the fifth frame took the queue to 300 000 bytes > 256 KiB
        inbound(Command.PSH, 1, "x".repeat(60_000));
        inbound(Command.PSH, 1, "x".repeat(60_000));
        assertThat(reads.count).as("no read while congested").isEqualTo(afterPause + 0);
        assertThat(read).isEmpty();
        stream.read();
        assertThat(read).hasSize(7);
        assertThat(reads.count).as("reading resumes once drained").isGreaterThan(afterPause);
    }

    @Test
    void dataWaitsForTheReadRequestNotJustTheAutoReadFlag() {
        // found by stress: autoRead switched on from another thread is seen here before the handlers added with it,
        // and data delivered on the flag alone passed them by and was dropped at the tail
        start(PaddingScheme.parse("stop=0"));
        Promise<Channel> promise = open(DEST);
        inbound(Command.SERVER_SETTINGS, 0, "v=2");
        inbound(Command.SYNACK, 1, "");
        Channel stream = promise.getNow();
        List<String> read = new ArrayList<>();
        HeldRead held = new HeldRead();
        stream.pipeline().addLast(held, reader(read, msg -> msg.toString(StandardCharsets.US_ASCII)));
        stream.config().setAutoRead(true); // the read request is still on its way (held)
        inbound(Command.PSH, 1, "early");
        assertThat(read).isEmpty();
        held.release();
        assertThat(read).containsExactly("early");
        inbound(Command.PSH, 1, "flowing");
        assertThat(read).containsExactly("early", "flowing");
        stream.config().setAutoRead(false);
        inbound(Command.PSH, 1, "held back");
        assertThat(read).as("autoRead off stops delivery").containsExactly("early", "flowing");
        stream.read();
        held.release();
        assertThat(read).containsExactly("early", "flowing", "held back");
    }

    /** Adds what {@code view} makes of each buffer read to {@code read}, and releases the buffer. */
    private static <T> ChannelInboundHandlerAdapter reader(List<T> read, Function<ByteBuf, T> view) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                read.add(view.apply((ByteBuf) msg));
                ReferenceCountUtil.release(msg);
            }
        };
    }

    /** Holds the stream's read requests until released, as a request still queued for the event loop would be. */
    static final class HeldRead extends ChannelOutboundHandlerAdapter {
        private ChannelHandlerContext ctx;

        @Override
        public void read(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void release() {
            ctx.read();
        }
    }

    /** Counts the session's read requests on the TLS channel. */
    static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
            ctx.read();
        }
    }
}
