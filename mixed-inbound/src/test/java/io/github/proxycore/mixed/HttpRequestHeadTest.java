package io.github.proxycore.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpRequestHeadTest {

    private static HttpRequestHead parse(String text) throws Exception {
        ByteBuf in = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
        try {
            HttpRequestHead head = HttpRequestHead.parse(in);
            assertThat(in.readerIndex()).as("parsing consumes nothing").isZero();
            return head;
        } finally {
            in.release();
        }
    }

    @Test
    void parsesRequestLineAndHeadersInOrder() throws Exception {
        HttpRequestHead head =
                parse("GET http://a.example/x?y=1 HTTP/1.1\r\nHost: a.example\r\nX-Two:  2 \r\n\r\nbody");
        assertThat(head.method()).isEqualTo("GET");
        assertThat(head.target()).isEqualTo("http://a.example/x?y=1");
        assertThat(head.version()).isEqualTo("HTTP/1.1");
        assertThat(head.headers())
                .containsExactly(
                        new HttpRequestHead.Header("Host", "a.example"), new HttpRequestHead.Header("X-Two", "2"));
        assertThat(head.header("x-two")).isEqualTo("2");
        assertThat(head.length())
                .isEqualTo("GET http://a.example/x?y=1 HTTP/1.1\r\nHost: a.example\r\nX-Two:  2 \r\n\r\n".length());
    }

    @Test
    void bareLineFeedsAreAccepted() throws Exception {
        assertThat(parse("CONNECT a:443 HTTP/1.0\nHost: a\n\n").target()).isEqualTo("a:443");
    }

    @Test
    void aHeadArrivingAByteAtATimeIsFoundWhereverItsEndIsCut() throws Exception {
        for (String head : new String[] {"GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", "GET http://a/ HTTP/1.0\n\n"}) {
            ByteBuf in = Unpooled.buffer();
            try {
                int scanned = 0;
                HttpRequestHead parsed = null;
                for (int i = 0; i < head.length() && parsed == null; i++) {
                    in.writeByte(head.charAt(i));
                    parsed = HttpRequestHead.parse(in, scanned);
                    scanned = in.readableBytes();
                }
                assertThat(parsed).as(head).isNotNull();
                assertThat(parsed.length()).isEqualTo(head.length());
            } finally {
                in.release();
            }
        }
    }

    @Test
    void incompleteHeadsWait() throws Exception {
        assertThat(parse("GET http://a/ HTTP/1.1\r\nHost: a\r\n")).isNull();
        assertThat(parse("")).isNull();
    }

    @Test
    void aFirstByteThatCannotBeginAMethodIsRefusedWithoutWaitingForTheLine() {
        for (String start : new String[] {"\u0000", " ", "\r\n", "\u0016\u0003\u0001\u0002\u0000", "\u00ff"}) {
            assertThatThrownBy(() -> parse(start))
                    .as("%s", start.chars().boxed().toList())
                    .isInstanceOfSatisfying(
                            HttpRequestHead.BadRequest.class,
                            e -> assertThat(e.status).isEqualTo(400));
        }
    }

    @Test
    void malformedHeadsAreRejectedWithTheirStatus() {
        assertThatThrownBy(() -> parse("GET http://a/\r\n\r\n")).hasMessage("malformed request line");
        assertThatThrownBy(() -> parse("GET http://a/ HTTP/1.1\r\nNo colon\r\n\r\n"))
                .hasMessage("malformed header line");
        assertThatThrownBy(() -> parse("GET http://a/ HTTP/1.1\r\nA: b\r\n  folded\r\n\r\n"))
                .hasMessage("folded header lines are not allowed");
        assertThatThrownBy(() -> parse("GE(T http://a/ HTTP/1.1\r\n\r\n")).hasMessage("malformed request line");
        assertThatThrownBy(() -> parse("GET http://a/ HTTP/3\r\n\r\n"))
                .isInstanceOfSatisfying(
                        HttpRequestHead.BadRequest.class,
                        e -> assertThat(e.status).isEqualTo(505));
        assertThatThrownBy(() -> parse("GET http://a/ HTTP/1.1\r\nX: " + "a".repeat(HttpRequestHead.MAX_LENGTH)))
                .isInstanceOfSatisfying(
                        HttpRequestHead.BadRequest.class,
                        e -> assertThat(e.status).isEqualTo(431));
    }

    @Test
    void rewritesForTheOriginWithoutProxyOrHopByHopHeaders() throws Exception {
        HttpRequestHead head = parse(
                "GET http://a.example/x HTTP/1.1\r\nHost: a.example\r\nProxy-Connection: keep-alive\r\n"
                        + "Proxy-Authorization: Basic eDp5\r\nConnection: keep-alive\r\nKeep-Alive: 5\r\nAccept: */*\r\n\r\n");
        assertThat(new String(head.forOrigin("/x", "a.example"), StandardCharsets.ISO_8859_1))
                .isEqualTo("GET /x HTTP/1.1\r\nHost: a.example\r\nAccept: */*\r\nConnection: close\r\n\r\n");
        HttpRequestHead noHost = parse("GET http://b.example:8080/ HTTP/1.0\r\n\r\n");
        assertThat(new String(noHost.forOrigin("/", "b.example:8080"), StandardCharsets.ISO_8859_1))
                .isEqualTo("GET / HTTP/1.0\r\nHost: b.example:8080\r\nConnection: close\r\n\r\n");
        // the client's own Host never reaches the origin: the URI's does
        HttpRequestHead otherHost = parse("GET http://c.example/ HTTP/1.1\r\nX-A: 1\r\nHost: evil.example\r\n\r\n");
        assertThat(new String(otherHost.forOrigin("/", "c.example"), StandardCharsets.ISO_8859_1))
                .isEqualTo("GET / HTTP/1.1\r\nHost: c.example\r\nX-A: 1\r\nConnection: close\r\n\r\n");
    }

    @Test
    void invalidHeaderBytesAreRejected() {
        for (String bad : new String[] {"a\rb", "a\u0000b", "a\u0001", "\u007f"}) {
            assertThatThrownBy(() -> parse("GET http://a/ HTTP/1.1\r\nX-Bad: " + bad + "\r\n\r\n"))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            HttpRequestHead.BadRequest.class,
                            e -> assertThat(e.status).isEqualTo(400))
                    .hasMessage("invalid character in header value");
        }
        assertThatThrownBy(() -> parse("GET http://a/\u0000x HTTP/1.1\r\n\r\n")).hasMessage("malformed request line");
    }

    @Test
    void tabsAndObsTextAreValidInValues() throws Exception {
        assertThat(parse("GET http://a/ HTTP/1.1\r\nX: a\tb \u00e9\r\n\r\n").header("x"))
                .isEqualTo("a\tb \u00e9");
    }

    @Test
    void contentLengthWithTransferEncodingIsRefused() {
        assertThatThrownBy(() -> parse(
                        "POST http://a/ HTTP/1.1\r\nContent-Length: 5\r\n" + "Transfer-Encoding: chunked\r\n\r\n"))
                .isInstanceOfSatisfying(
                        HttpRequestHead.BadRequest.class,
                        e -> assertThat(e.status).isEqualTo(400))
                .hasMessage("Content-Length together with Transfer-Encoding");
        assertThatThrownBy(() -> parse("POST http://a/ HTTP/1.1\r\ncontent-length: 5\r\nContent-Length: 6\r\n\r\n"))
                .hasMessage("conflicting Content-Length headers");
    }

    @Test
    void headersNamedInConnectionAreNotForwarded() throws Exception {
        HttpRequestHead head = parse("POST http://a.example/ HTTP/1.1\r\nConnection: X-Secret, keep-alive\r\n"
                + "connection: upgrade ,Transfer-Encoding\r\nX-Secret: s\r\nUpgrade: h2c\r\nX-Keep: k\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        assertThat(new String(head.forOrigin("/", "a.example"), StandardCharsets.ISO_8859_1))
                .as("the body's framing is kept even when named")
                .isEqualTo("POST / HTTP/1.1\r\nHost: a.example\r\nX-Keep: k\r\nTransfer-Encoding: chunked\r\n"
                        + "Connection: close\r\n\r\n");
    }
}
