package io.github.proxycore.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a server, that injects the faults of a network or of a server process:
 *
 * <ul>
 *   <li>{@link #kill()}: every connection is reset (RST both ways) and new ones are reset as soon as accepted, as
 *       when the server process dies; {@link #restart()} accepts again;
 *   <li>{@link #reset()}: every current connection is reset; new ones pass;
 *   <li>{@link #blackHole()}: bytes are swallowed both ways and nothing is closed, as when a route drops packets;
 *   <li>{@link #stall()}: nothing more is read either way (the kernel's buffers fill, the peers' writes stop), as
 *       when the server process is stopped with SIGSTOP;
 *   <li>{@link #halfOpen()}: each connection's client gets a FIN while what it sends is swallowed, as when the
 *       server's side closed and the rest of the connection is gone;
 *   <li>{@link #heal()}: bytes pass again, on new connections and on those still open.
 * </ul>
 *
 * Two threads per connection copy bytes; each test makes a handful of connections.
 */
final class FaultProxy implements AutoCloseable {
    private enum Mode {
        PASS,
        BLACK_HOLE,
        STALL
    }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Object lock = new Object();
    private volatile Mode mode = Mode.PASS;
    private volatile boolean refuse;

    FaultProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            if (refuse) {
                resetQuietly(client);
                continue;
            }
            Socket server = new Socket();
            try {
                server.connect(target, 5000);
            } catch (IOException e) {
                resetQuietly(client);
                continue;
            }
            Link link = new Link(client, server);
            links.add(link);
            link.start();
        }
    }

    void kill() {
        refuse = true;
        reset();
    }

    void restart() {
        refuse = false;
        heal();
    }

    void reset() {
        for (Link link : links) {
            link.reset();
        }
        links.clear();
    }

    void blackHole() {
        mode = Mode.BLACK_HOLE;
    }

    void stall() {
        mode = Mode.STALL;
    }

    void halfOpen() {
        for (Link link : links) {
            link.halfOpen();
        }
    }

    void heal() {
        synchronized (lock) {
            mode = Mode.PASS;
            lock.notifyAll();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        heal();
        reset();
    }

    private static void resetQuietly(Socket s) {
        try {
            s.setSoLinger(true, 0); // close sends RST
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private final class Link {
        final Socket client;
        final Socket server;
        volatile boolean halfOpen;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            pump(client, server, "up");
            pump(server, client, "down");
        }

        private void pump(Socket from, Socket to, String name) {
            Thread t = new Thread(
                    () -> {
                        byte[] buffer = new byte[16 * 1024];
                        try {
                            InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream();
                            for (int n; (n = in.read(buffer)) >= 0; ) {
                                awaitNotStalled();
                                if (mode == Mode.BLACK_HOLE || halfOpen) {
                                    continue;
                                }
                                out.write(buffer, 0, n);
                            }
                            if (!halfOpen) {
                                to.shutdownOutput(); // pass the FIN on
                            }
                        } catch (IOException | InterruptedException e) {
                            reset();
                        }
                    },
                    "fault-proxy-" + name);
            t.setDaemon(true);
            t.start();
        }

        private void awaitNotStalled() throws InterruptedException {
            synchronized (lock) {
                while (mode == Mode.STALL && !client.isClosed()) {
                    lock.wait(100);
                }
            }
        }

        void halfOpen() {
            halfOpen = true;
            try {
                client.shutdownOutput(); // the client reads end of stream; its bytes go nowhere
            } catch (IOException e) {
                reset();
            }
        }

        void reset() {
            resetQuietly(client);
            resetQuietly(server);
        }
    }
}
