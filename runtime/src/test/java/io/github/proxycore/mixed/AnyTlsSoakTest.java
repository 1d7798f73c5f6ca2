package io.github.proxycore.mixed;

import static io.github.proxycore.mixed.ProxyClients.connect;
import static io.github.proxycore.mixed.ProxyClients.socks5Connect;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.anytls.AnyTlsOutbound;
import io.github.proxycore.anytls.SelfSignedCertificate;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.testing.TestData;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk transfers both ways through the whole path a user runs: a SOCKS5 client → {@code mixed} inbound →
 * {@code anytls} outbound → {@code anytls} inbound → {@code direct} → a TCP target that sends or takes N bytes as fast
 * as it can. Every byte is checked and none may stall: a transfer that makes no progress for {@link #STALL_MS} fails
 * with where it stopped and the pool's state. Downloads lost their tail this way when the relay between the stream
 * (the session's event loop) and the client socket (the inbound's) missed a wake-up.
 */
class AnyTlsSoakTest {
    private static final int TRANSFERS = 48;
    private static final int CONCURRENT = 4;
    private static final int SIZE = 16 << 20;
    private static final int STALL_MS = 15_000;

    @Test
    void bulkTransfersBothWaysArriveWholeAndNoneStalls(@TempDir Path dir) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
        List<Path> files = cert.writeTo(dir, "server");
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT + 1);
        try (Target target = new Target(pool);
                Engine server = Engine.builder(ConfigLoader.parse("{"
                                + "\"inbounds\": [{\"type\": \"anytls\", \"tag\": \"in\", \"listen\": \"127.0.0.1\","
                                + "  \"listen_port\": 0, \"users\": [{\"name\": \"alice\", \"password\": \"s3cret\"}],"
                                + "  \"tls\": {\"certificate_path\": \"" + files.get(0) + "\", \"key_path\": \""
                                + files.get(1) + "\"}}],"
                                + "\"outbounds\": [{\"type\": \"direct\", \"tag\": \"direct\"}]}"))
                        .start();
                Engine client = Engine.builder(ConfigLoader.parse("{"
                                + "\"inbounds\": [{\"type\": \"mixed\", \"tag\": \"in\", \"listen\": \"127.0.0.1\", \"listen_port\": 0}],"
                                + "\"outbounds\": [{\"type\": \"anytls\", \"tag\": \"proxy\", \"server\": \"127.0.0.1\","
                                + "  \"server_port\": "
                                + server.inbound("in").localAddress().getPort() + ","
                                + "  \"password\": \"s3cret\", \"tls\": {\"certificate_path\": \"" + files.get(0)
                                + "\"}}]}"))
                        .start()) {
            InetSocketAddress proxy = client.inbound("in").localAddress();
            AnyTlsOutbound outbound = (AnyTlsOutbound) client.outbounds().get("proxy");
            List<Future<String>> results = new ArrayList<>();
            ExecutorService clients = Executors.newFixedThreadPool(CONCURRENT);
            try {
                for (int i = 0; i < TRANSFERS; i++) {
                    int n = i;
                    results.add(clients.submit(() -> transfer(proxy, target.port(), n, outbound)));
                }
                List<String> failures = new ArrayList<>();
                for (Future<String> result : results) {
                    String failure = result.get(5, TimeUnit.MINUTES);
                    if (failure != null) {
                        failures.add(failure);
                    }
                }
                assertThat(failures).as("stalled or corrupted transfers").isEmpty();
            } finally {
                clients.shutdownNow();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Transfer {@code n}: downloads when even, uploads when odd; null when every byte arrived, else what happened. */
    private static String transfer(InetSocketAddress proxy, int targetPort, int n, AnyTlsOutbound outbound)
            throws Exception {
        boolean download = n % 2 == 0;
        String name = "transfer " + n + " (" + (download ? "download" : "upload") + " of " + SIZE + " bytes)";
        long moved = 0;
        try (Socket s = connect(proxy)) {
            s.setSoTimeout(STALL_MS);
            if (socks5Connect(s, "127.0.0.1", targetPort) != 0) {
                return name + ": the proxy refused the connection";
            }
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeByte(download ? 'D' : 'U');
            out.writeLong(n);
            out.writeInt(SIZE);
            out.flush();
            byte[] buffer = new byte[64 * 1024];
            if (download) {
                MessageDigest digest = TestData.sha256();
                InputStream in = s.getInputStream();
                for (int r; moved < SIZE && (r = in.read(buffer)) > 0; moved += r) {
                    digest.update(buffer, 0, r);
                }
                if (moved != SIZE || in.read() != -1) {
                    return name + ": the stream ended after " + moved + " bytes";
                }
                String got = HexFormat.of().formatHex(digest.digest());
                return got.equals(TestData.sha256(n, SIZE)) ? null : name + ": the bytes differ";
            }
            for (; moved < SIZE; moved += buffer.length) {
                TestData.fill(n, moved, buffer, buffer.length);
                out.write(buffer, 0, (int) Math.min(buffer.length, SIZE - moved));
            }
            out.flush();
            String answer =
                    new String(new DataInputStream(s.getInputStream()).readNBytes(64), StandardCharsets.US_ASCII);
            return answer.equals(TestData.sha256(n, SIZE)) ? null : name + ": the target got other bytes: " + answer;
        } catch (SocketTimeoutException e) {
            return name + ": stalled for " + STALL_MS + " ms after " + moved + " bytes; " + outbound.poolStats();
        }
    }

    /**
     * A TCP target on 127.0.0.1: 'D' + seed + length sends that many bytes of the seed's test stream and closes;
     * 'U' + seed + length reads them and answers their SHA-256 in hex.
     */
    private static final class Target implements AutoCloseable {
        private final ServerSocket socket;

        Target(ExecutorService pool) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            pool.submit(() -> {
                while (!socket.isClosed()) {
                    Socket accepted;
                    try {
                        accepted = socket.accept();
                    } catch (IOException e) {
                        return; // closed
                    }
                    Thread thread = new Thread(() -> serve(accepted), "soak-target");
                    thread.setDaemon(true);
                    thread.start();
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        private static void serve(Socket s) {
            try (s) {
                s.setSoTimeout(STALL_MS);
                DataInputStream in = new DataInputStream(s.getInputStream());
                int command = in.readUnsignedByte();
                long seed = in.readLong();
                int length = in.readInt();
                byte[] buffer = new byte[64 * 1024];
                OutputStream out = s.getOutputStream();
                if (command == 'D') {
                    for (long offset = 0; offset < length; offset += buffer.length) {
                        int chunk = (int) Math.min(buffer.length, length - offset);
                        TestData.fill(seed, offset, buffer, chunk);
                        out.write(buffer, 0, chunk);
                    }
                } else {
                    MessageDigest digest = TestData.sha256();
                    for (long got = 0; got < length; ) {
                        int r = in.read(buffer, 0, (int) Math.min(buffer.length, length - got));
                        if (r < 0) {
                            return;
                        }
                        digest.update(buffer, 0, r);
                        got += r;
                    }
                    out.write(HexFormat.of().formatHex(digest.digest()).getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException e) {
                // the client went away: its side reports it
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
