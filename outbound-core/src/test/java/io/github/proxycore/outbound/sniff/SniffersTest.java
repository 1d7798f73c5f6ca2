package io.github.proxycore.outbound.sniff;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.testing.ClientHellos;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SniffersTest {

    /** The same handshake message re-framed into records of at most {@code size} bytes. */
    static byte[] splitIntoRecords(byte[] record, int size) {
        byte[] message = Arrays.copyOfRange(record, 5, record.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int p = 0; p < message.length; p += size) {
            int n = Math.min(size, message.length - p);
            out.write(22);
            out.write(3);
            out.write(1);
            out.write(n >> 8);
            out.write(n);
            out.write(message, p, n);
        }
        return out.toByteArray();
    }

    private static SniffResult sniff(byte[] bytes, Function<ByteBuf, SniffResult> sniffer) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            SniffResult result = sniffer.apply(in);
            assertThat(in.readerIndex()).as("sniffing consumes nothing").isZero();
            return result;
        } finally {
            in.release();
        }
    }

    /** Every proper prefix needs more (a ClientHello arriving segment by segment); the whole names the host. */
    private static void assertPrefixesNeedMore(byte[] bytes, Function<ByteBuf, SniffResult> sniffer, String host) {
        for (int n = 0; n < bytes.length; n++) {
            assertThat(sniff(Arrays.copyOf(bytes, n), sniffer).needsMore())
                    .as("prefix %d", n)
                    .isTrue();
        }
        assertThat(sniff(bytes, sniffer).domain()).isEqualTo(host);
    }

    @Test
    void tlsClientHelloNamesItsServer() throws Exception {
        byte[] hello = ClientHellos.record("sniffed.example");
        assertThat(sniff(hello, TlsClientHelloSniffer::sniff).protocol()).isEqualTo("tls");
        assertPrefixesNeedMore(hello, TlsClientHelloSniffer::sniff, "sniffed.example");
    }

    @Test
    void aClientHelloSplitOverRecordsAndSegments() throws Exception {
        byte[] hello = ClientHellos.record("split.sniffed.example");
        for (int size : new int[] {1, 7, 100, 255}) {
            assertPrefixesNeedMore(
                    splitIntoRecords(hello, size), TlsClientHelloSniffer::sniff, "split.sniffed.example");
        }
    }

    @Test
    void tlsWithoutServerNameOrNotTlsIsNone() throws Exception {
        byte[] hello = ClientHellos.record("x.example");
        byte[] alert = hello.clone();
        alert[0] = 21;
        assertThat(sniff(alert, TlsClientHelloSniffer::sniff).needsMore()).isFalse();
        assertThat(sniff(alert, TlsClientHelloSniffer::sniff).domain()).isNull();
        byte[] http = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(sniff(http, TlsClientHelloSniffer::sniff).toString()).isEqualTo("none");
        assertThat(TlsClientHelloSniffer.serverName(new byte[40])).isNull();
    }

    @Test
    void httpHostHeader() {
        byte[] request = "GET /index.html HTTP/1.1\r\nUser-Agent: t\r\nhOsT: Www.Sniffed.Example:8080\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(sniff(request, HttpHostSniffer::sniff).protocol()).isEqualTo("http");
        int hostEnd = new String(request, StandardCharsets.US_ASCII).indexOf("8080\r\n") + 6;
        assertPrefixesNeedMore(Arrays.copyOf(request, hostEnd), HttpHostSniffer::sniff, "www.sniffed.example");
        assertThat(sniff("GET / HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n".getBytes(), HttpHostSniffer::sniff)
                        .domain())
                .isNull();
        assertThat(sniff("GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n".getBytes(), HttpHostSniffer::sniff)
                        .domain())
                .isNull();
        assertThat(sniff("GET / HTTP/1.1\r\n\r\n".getBytes(), HttpHostSniffer::sniff)
                        .needsMore())
                .isFalse();
        assertThat(sniff("SSH-2.0-OpenSSH\r\n".getBytes(), HttpHostSniffer::sniff)
                        .needsMore())
                .isFalse();
        assertThat(sniff(new byte[] {22, 3, 1}, HttpHostSniffer::sniff).needsMore())
                .isFalse();
    }

    @Test
    void sniffersTogetherHonourTheList() throws Exception {
        byte[] hello = ClientHellos.record("both.example");
        assertThat(sniff(hello, in -> Sniffers.sniffStream(in, List.of())).domain())
                .isEqualTo("both.example");
        assertThat(sniff(hello, in -> Sniffers.sniffStream(in, List.of("http"))).domain())
                .isNull();
        byte[] get = "GET / HTTP/1.1\r\nHost: h.example\r\n\r\n".getBytes();
        assertThat(sniff(get, in -> Sniffers.sniffStream(in, List.of("tls", "http")))
                        .domain())
                .isEqualTo("h.example");
        assertThat(sniff(new byte[] {'G'}, in -> Sniffers.sniffStream(in, List.of()))
                        .needsMore())
                .isTrue();
    }
}
