package io.github.proxycore.mixed;

import io.github.proxycore.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Raw-socket proxy clients for tests: every byte they send is spelled out, so each protocol is checked exactly. */
final class ProxyClients {
    private ProxyClients() {}

    static Socket connect(InetSocketAddress proxy) throws IOException {
        Socket socket = new Socket();
        socket.connect(proxy, 5000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** SOCKS5 greeting offering no authentication; returns the method the server chose. */
    static int socks5Greeting(Socket s, int... methods) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(5);
        out.write(methods.length);
        for (int m : methods) {
            out.write(m);
        }
        out.flush();
        byte[] reply = readN(s, 2);
        return reply[1] & 0xff;
    }

    /** RFC 1929 username/password; returns the status (0 = success). */
    static int socks5Login(Socket s, String user, String password) throws IOException {
        byte[] u = user.getBytes(StandardCharsets.UTF_8);
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(1);
        out.write(u.length);
        out.write(u);
        out.write(p.length);
        out.write(p);
        out.flush();
        return readN(s, 2)[1] & 0xff;
    }

    /** A SOCKS5 request for {@code command} (1 CONNECT, 2 BIND, 3 UDP ASSOCIATE) to a host (domain or IP). */
    static byte[] socks5Request(int command, String host, int port) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(5);
        b.write(command);
        b.write(0);
        writeAddress(b, host, port);
        return b.toByteArray();
    }

    static void writeAddress(ByteArrayOutputStream b, String host, int port) {
        byte[] ip = io.github.proxycore.config.route.IpPrefix.parseAddress(host);
        if (ip == null) {
            byte[] name = host.getBytes(StandardCharsets.US_ASCII);
            b.write(3);
            b.write(name.length);
            b.writeBytes(name);
        } else {
            b.write(ip.length == 4 ? 1 : 4);
            b.writeBytes(ip);
        }
        b.write(port >> 8);
        b.write(port);
    }

    /** Reads a SOCKS5 reply; returns {status, bound port}. */
    static int[] socks5Reply(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        int version = in.readUnsignedByte();
        if (version != 5) {
            throw new IOException("not a SOCKS5 reply: " + version);
        }
        int status = in.readUnsignedByte();
        in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int length = type == 1 ? 4 : type == 4 ? 16 : in.readUnsignedByte();
        in.readNBytes(length);
        int port = in.readUnsignedShort();
        return new int[] {status, port};
    }

    /** Greeting + CONNECT; returns the reply status. */
    static int socks5Connect(Socket s, String host, int port) throws IOException {
        if (socks5Greeting(s, 0) != 0) {
            throw new IOException("no-auth refused");
        }
        s.getOutputStream().write(socks5Request(1, host, port));
        return socks5Reply(s)[0];
    }

    /** A SOCKS4 (IP) or SOCKS4a (domain) CONNECT; returns the reply code (0x5a granted). */
    static int socks4Connect(Socket s, int command, String host, int port) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(4);
        b.write(command);
        b.write(port >> 8);
        b.write(port);
        byte[] ip = io.github.proxycore.config.route.IpPrefix.parseAddress(host);
        b.writeBytes(ip != null ? ip : new byte[] {0, 0, 0, 1});
        b.writeBytes("user".getBytes(StandardCharsets.US_ASCII));
        b.write(0);
        if (ip == null) {
            b.writeBytes(host.getBytes(StandardCharsets.US_ASCII));
            b.write(0);
        }
        s.getOutputStream().write(b.toByteArray());
        byte[] reply = readN(s, 8);
        return reply[1] & 0xff;
    }

    /** Sends {@code CONNECT host:port} and reads the proxy's response head. */
    static Response httpConnect(Socket s, String authority, String extraHeaders) throws IOException {
        s.getOutputStream()
                .write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n" + extraHeaders + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        return readHead(s.getInputStream());
    }

    /** Sends an origin-form GET through an open tunnel. */
    static void get(Socket s, String path) throws IOException {
        s.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
    }

    /** A response: status, headers (lowercase names) and, once read, the body's length and SHA-256. */
    record Response(int status, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    static Response readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : c == '\r' ? 1 : 0;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        return new Response(status, headers);
    }

    /** Reads a body of Content-Length bytes (or to EOF) and returns its text. */
    static String body(InputStream in, Response response) throws IOException {
        String length = response.header("Content-Length");
        byte[] body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Reads {@code length} body bytes and checks them against {@link TestData} stream 0; returns the SHA-256. */
    static String bodyDigest(InputStream in, long length) throws IOException {
        MessageDigest digest = TestData.sha256();
        byte[] buffer = new byte[64 * 1024];
        long remaining = length;
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new IOException("body ended " + remaining + " bytes early");
            }
            digest.update(buffer, 0, n);
            remaining -= n;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static byte[] readN(Socket s, int n) throws IOException {
        byte[] bytes = s.getInputStream().readNBytes(n);
        if (bytes.length != n) {
            throw new IOException("closed after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }

    static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }
}
