package io.github.proxycore.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

/** Echoes every datagram back to its sender, on 127.0.0.1 and a free port. */
public final class UdpEchoServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;
    private final AtomicInteger packets = new AtomicInteger();

    private UdpEchoServer(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::run, "test-udp-echo");
        this.thread.setDaemon(true);
    }

    public static UdpEchoServer start() throws SocketException {
        UdpEchoServer server =
                new UdpEchoServer(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        server.thread.start();
        return server;
    }

    private void run() {
        byte[] buffer = new byte[65535];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                packets.incrementAndGet();
                socket.send(new DatagramPacket(
                        packet.getData(), packet.getOffset(), packet.getLength(), packet.getSocketAddress()));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** How many datagrams arrived so far. */
    public int packets() {
        return packets.get();
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
