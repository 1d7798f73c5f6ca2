package io.github.proxycore.benchmarks.path;

import io.github.proxycore.anytls.SelfSignedCertificate;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The whole path a user measures (issue 15): a SOCKS5 client → proxycore's {@code mixed} inbound → {@code anytls}
 * outbound → proxycore's {@code anytls} inbound → {@code direct} → a TCP target, with the client and the server as
 * two JVMs started from the CLI jar, side by side with the same path through an anytls-go client and server (when
 * their binaries are given) and with the client straight to the target.
 *
 * <p>The SOCKS5 client and the target run in this JVM on blocking sockets with {@code TCP_NODELAY} (as Go's do), and
 * speak the protocol of {@code ../shared/tools/bench}: {@code 'D'}+u64 N (the target sends N bytes), {@code 'U'}+u64
 * N (the target reads N bytes and answers 8), {@code 'E'} (echo). Every figure is taken for every pair in turn within
 * one round, so the machine's load falls on all of them alike; medians and ranges over the rounds are printed, with
 * the CPU time each proxy process spent per GiB moved and the load average at each round.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.proxycore.benchmarks.path.WholePathBenchmark \
 *     --proxycore cli/target/proxycore.jar [--anytls-go /path/to/dir] [--rounds 5] [--mib 512] \
 *     [--warmup 3000] [--lat 300] [--paused 50] [--first 5] [--pairs direct,mixed-direct,proxycore,anytls-go]
 * </pre>
 *
 * <ul>
 *   <li><b>download / upload</b>: one stream of {@code --mib} MiB, MiB/s from the SOCKS connect to the last byte (to
 *       the target's count, for uploads);
 *   <li><b>warm latency</b>: SOCKS5 greeting and CONNECT (pipelined) + the proxy's open and dial + a 1-byte echo, on a
 *       new client connection each time, after {@code --warmup} iterations; {@code --lat} iterations back to back, and
 *       {@code --paused} with 20 ms between them (idle event loops, as a browser's connections arrive);
 *   <li><b>first connection</b>: a new client process (proxycore: a new JVM, its pool empty) against the warm server,
 *       the time of its first such iteration once its port accepts; {@code --first} times per pair.
 * </ul>
 *
 * <p>{@code --client-jvm} / {@code --server-jvm} pass options to the proxycore JVMs (e.g. a JFR recording);
 * {@code --ensure N} sets the client outbound's {@code ensure_idle_session}; {@code --proxycore-b JAR} adds the pairs
 * {@code proxycore-b} and {@code mixed-direct-b} of a second build, for before / after comparisons in one run. The anytls-go pair is started as
 * {@code anytls-server -l 127.0.0.1:P -p PASSWORD} and {@code anytls-client -l 127.0.0.1:Q -s 127.0.0.1:P -p
 * PASSWORD}.
 */
public final class WholePathBenchmark {
    private static final String PASSWORD = "whole-path-benchmark";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private WholePathBenchmark() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Target target = Target.start();
        Path work = Files.createTempDirectory("whole-path");
        List<Pair> pairs = new ArrayList<>();
        try {
            for (String name : o.pairs) {
                Pair pair = switch (name) {
                    case "direct" -> new DirectPair();
                    case "mixed-direct" -> new MixedDirectPair("mixed-direct", o.proxycore, o, work.resolve("a"));
                    case "mixed-direct-b" -> new MixedDirectPair("mixed-direct-b", o.proxycoreB, o, work.resolve("b"));
                    case "proxycore" -> new ProxycorePair("proxycore", o.proxycore, o, work.resolve("a"));
                    case "proxycore-b" -> new ProxycorePair("proxycore-b", o.proxycoreB, o, work.resolve("b"));
                    case "anytls-go" -> o.anytlsGo == null ? null : new GoPair(o, work);
                    default -> throw new IllegalArgumentException("unknown pair " + name);
                };
                if (pair != null) {
                    pair.start();
                    pairs.add(pair);
                }
            }
            System.out.printf(Locale.ROOT, "pairs: %s; load average %s%n", names(pairs), loadAverage());
            run(o, target, pairs);
        } finally {
            Collections.reverse(pairs);
            for (Pair pair : pairs) {
                pair.stop();
            }
            target.close();
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String names(List<Pair> pairs) {
        return String.join(", ", pairs.stream().map(Pair::name).toList());
    }

    private static void run(Options o, Target target, List<Pair> pairs) throws Exception {
        long bytes = o.mib * 1048576L;
        Map<String, Results> results = new LinkedHashMap<>();
        pairs.forEach(p -> results.put(p.name(), new Results()));
        // warm every pair: one transfer each way, then the latency warm-up, all before the first measured round
        for (Pair pair : pairs) {
            if (o.mib > 0) {
                Client.download(pair.socks(), target.port(), Math.min(bytes, 64L << 20));
                Client.upload(pair.socks(), target.port(), Math.min(bytes, 64L << 20));
            }
            for (int i = 0; i < o.warmup; i++) {
                Client.echo(pair.socks(), target.port());
            }
        }
        for (int round = 1; round <= o.rounds; round++) {
            String load = loadAverage();
            for (Pair pair : pairs) {
                Results r = results.get(pair.name());
                r.loads.add(load);
                if (o.mib > 0) {
                    long[] cpu0 = pair.cpuNanos();
                    double dl = Client.download(pair.socks(), target.port(), bytes);
                    long[] cpu1 = pair.cpuNanos();
                    double ul = Client.upload(pair.socks(), target.port(), bytes);
                    long[] cpu2 = pair.cpuNanos();
                    r.download.add(dl);
                    r.upload.add(ul);
                    double gib = bytes / (double) (1L << 30);
                    if (cpu0[0] >= 0) {
                        r.cpuDownload.add(
                                new double[] {(cpu1[0] - cpu0[0]) / 1e9 / gib, (cpu1[1] - cpu0[1]) / 1e9 / gib});
                        r.cpuUpload.add(
                                new double[] {(cpu2[0] - cpu1[0]) / 1e9 / gib, (cpu2[1] - cpu1[1]) / 1e9 / gib});
                    }
                }
                if (o.lat > 0) {
                    r.latency.add(median(latencies(pair, target, o.lat, 0)));
                }
                if (o.paused > 0) {
                    r.paused.add(median(latencies(pair, target, o.paused, 20)));
                }
            }
            System.out.printf(Locale.ROOT, "round %d done (load average at its start %s)%n", round, load);
        }
        for (int i = 0; i < o.first; i++) {
            for (Pair pair : pairs) {
                double ms = pair.firstConnection(target.port());
                if (ms >= 0) {
                    results.get(pair.name()).first.add(ms);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nload average at the end: %s%n", loadAverage());
        System.out.printf(
                Locale.ROOT,
                "%-13s %-26s %-26s %-22s %-22s %-22s %-25s %-25s%n",
                "pair",
                "download MiB/s",
                "upload MiB/s",
                "warm ms (no pause)",
                "warm ms (20 ms pause)",
                "first connection ms",
                "CPU s/GiB dl (cli+srv)",
                "CPU s/GiB ul (cli+srv)");
        for (Map.Entry<String, Results> e : results.entrySet()) {
            Results r = e.getValue();
            System.out.printf(
                    Locale.ROOT,
                    "%-13s %-26s %-26s %-22s %-22s %-22s %-25s %-25s%n",
                    e.getKey(),
                    summary(r.download, "%.0f"),
                    summary(r.upload, "%.0f"),
                    summary(r.latency, "%.3f"),
                    summary(r.paused, "%.3f"),
                    summary(r.first, "%.1f"),
                    cpu(r.cpuDownload),
                    cpu(r.cpuUpload));
        }
    }

    private static List<Double> latencies(Pair pair, Target target, int n, long pauseMillis) throws Exception {
        List<Double> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Client.echo(pair.socks(), target.port()));
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis);
            }
        }
        return out;
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String summary(List<Double> values, String format) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, format, median(sorted)) + " ("
                + String.format(Locale.ROOT, format, sorted.get(0)) + "–"
                + String.format(Locale.ROOT, format, sorted.get(sorted.size() - 1)) + ")";
    }

    private static String cpu(List<double[]> values) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Double> client = values.stream().map(v -> v[0]).toList();
        List<Double> server = values.stream().map(v -> v[1]).toList();
        return String.format(Locale.ROOT, "%.2f + %.2f", median(client), median(server));
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static final class Results {
        final List<Double> download = new ArrayList<>();
        final List<Double> upload = new ArrayList<>();
        final List<Double> latency = new ArrayList<>();
        final List<Double> paused = new ArrayList<>();
        final List<Double> first = new ArrayList<>();
        final List<double[]> cpuDownload = new ArrayList<>();
        final List<double[]> cpuUpload = new ArrayList<>();
        final List<String> loads = new ArrayList<>();
    }

    // ------------------------------------------------------------------------------------------------- options

    private static final class Options {
        String proxycore = "cli/target/proxycore.jar";
        String proxycoreB;
        String anytlsGo;
        int rounds = 5;
        int mib = 512;
        int warmup = 3000;
        int lat = 300;
        int paused = 50;
        int first = 5;
        int ensure;
        List<String> pairs = List.of("direct", "proxycore", "anytls-go");
        List<String> clientJvm = List.of();
        List<String> serverJvm = List.of();

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i += 2) {
                String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--proxycore" -> o.proxycore = value;
                    case "--proxycore-b" -> o.proxycoreB = value;
                    case "--anytls-go" -> o.anytlsGo = value;
                    case "--rounds" -> o.rounds = Integer.parseInt(value);
                    case "--mib" -> o.mib = Integer.parseInt(value);
                    case "--warmup" -> o.warmup = Integer.parseInt(value);
                    case "--lat" -> o.lat = Integer.parseInt(value);
                    case "--paused" -> o.paused = Integer.parseInt(value);
                    case "--first" -> o.first = Integer.parseInt(value);
                    case "--ensure" -> o.ensure = Integer.parseInt(value);
                    case "--pairs" -> o.pairs = Arrays.asList(value.split(","));
                    case "--client-jvm" -> o.clientJvm = value.isBlank() ? List.of() : Arrays.asList(value.split(" "));
                    case "--server-jvm" -> o.serverJvm = value.isBlank() ? List.of() : Arrays.asList(value.split(" "));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return o;
        }
    }

    // -------------------------------------------------------------------------------------------------- target

    /** The TCP target of {@code bench serve}: 'D' sends, 'U' receives and counts, 'E' echoes. */
    private static final class Target implements AutoCloseable {
        private final ServerSocket server;
        private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "target");
            t.setDaemon(true);
            return t;
        });

        private Target(ServerSocket server) {
            this.server = server;
        }

        static Target start() throws IOException {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress("127.0.0.1", 0), 512);
            Target target = new Target(server);
            target.threads.execute(target::accept);
            return target;
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    threads.execute(() -> serve(s));
                } catch (IOException e) {
                    // closed, or one accept failed
                }
            }
        }

        private static void serve(Socket s) {
            try (s) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                int op = in.read();
                if (op == 'D' || op == 'U') {
                    long n = in.readLong();
                    byte[] buf = new byte[256 * 1024];
                    if (op == 'D') {
                        while (n > 0) {
                            int k = (int) Math.min(buf.length, n);
                            out.write(buf, 0, k);
                            n -= k;
                        }
                    } else {
                        long got = 0;
                        while (got < n) {
                            int r = in.read(buf, 0, (int) Math.min(buf.length, n - got));
                            if (r < 0) {
                                break;
                            }
                            got += r;
                        }
                        out.write(ByteBuffer.allocate(8).putLong(got).array());
                    }
                    in.transferTo(OutputStream.nullOutputStream()); // until the client closes
                } else if (op == 'E') {
                    byte[] buf = new byte[16 * 1024];
                    for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                        out.write(buf, 0, r);
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }

    // -------------------------------------------------------------------------------------------------- client

    /** The client of {@code bench dl|ul|lat}: SOCKS5 greeting and CONNECT in one write, then the operation. */
    static final class Client {
        private Client() {}

        /** A connected stream to the target, through {@code socks} (0: straight to the target). */
        static Socket connect(int socks, int target) throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", socks == 0 ? target : socks), 10_000);
            s.setSoTimeout(60_000);
            if (socks == 0) {
                return s;
            }
            byte[] request = {5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, (byte) (target >> 8), (byte) target};
            s.getOutputStream().write(request);
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] reply = new byte[2 + 4];
            in.readFully(reply);
            if (reply[1] != 0 || reply[3] != 0) {
                s.close();
                throw new IOException("SOCKS5 refused: " + Arrays.toString(reply));
            }
            int skip = switch (reply[5]) {
                case 1 -> 4 + 2;
                case 4 -> 16 + 2;
                default -> in.readUnsignedByte() + 2;
            };
            in.readFully(new byte[skip]);
            return s;
        }

        /** Milliseconds for connect + SOCKS + the 1-byte echo. */
        static double echo(int socks, int target) throws IOException {
            long t0 = System.nanoTime();
            try (Socket s = connect(socks, target)) {
                s.getOutputStream().write(new byte[] {'E', 'x'});
                if (s.getInputStream().read() != 'x') {
                    throw new IOException("no echo");
                }
                return (System.nanoTime() - t0) / 1e6;
            }
        }

        /** MiB/s for a download of {@code n} bytes. */
        static double download(int socks, int target, long n) throws IOException {
            long t0 = System.nanoTime();
            try (Socket s = connect(socks, target)) {
                s.getOutputStream()
                        .write(ByteBuffer.allocate(9).put((byte) 'D').putLong(n).array());
                InputStream in = s.getInputStream();
                byte[] buf = new byte[64 * 1024];
                long done = 0;
                while (done < n) {
                    int r = in.read(buf);
                    if (r < 0) {
                        throw new IOException("download ended after " + done + " of " + n + " bytes");
                    }
                    done += r;
                }
                return n / 1048576.0 / ((System.nanoTime() - t0) / 1e9);
            }
        }

        /** MiB/s for an upload of {@code n} bytes, until the target has counted them. */
        static double upload(int socks, int target, long n) throws IOException {
            long t0 = System.nanoTime();
            try (Socket s = connect(socks, target)) {
                OutputStream out = s.getOutputStream();
                out.write(ByteBuffer.allocate(9).put((byte) 'U').putLong(n).array());
                byte[] buf = new byte[64 * 1024];
                for (long done = 0; done < n; ) {
                    int k = (int) Math.min(buf.length, n - done);
                    out.write(buf, 0, k);
                    done += k;
                }
                long got = new DataInputStream(s.getInputStream()).readLong();
                if (got != n) {
                    throw new IOException("the target counted " + got + " of " + n + " bytes");
                }
                return n / 1048576.0 / ((System.nanoTime() - t0) / 1e9);
            }
        }
    }

    // --------------------------------------------------------------------------------------------------- pairs

    /** What stands between the client and the target. */
    private abstract static class Pair {
        abstract String name();

        void start() throws Exception {}

        /** The SOCKS5 port, 0 for none. */
        abstract int socks();

        /** CPU nanoseconds of the client-side and server-side process so far, -1 where there is none. */
        long[] cpuNanos() {
            return new long[] {-1, -1};
        }

        /** Milliseconds to the first echo through a new client process, -1 if not applicable. */
        double firstConnection(int target) throws Exception {
            return -1;
        }

        void stop() {}
    }

    private static final class DirectPair extends Pair {
        @Override
        String name() {
            return "direct";
        }

        @Override
        int socks() {
            return 0;
        }
    }

    /** A process of the pair, with its port and a log file. */
    private record Proc(Process process, int port) {
        long cpu() {
            return process.toHandle()
                    .info()
                    .totalCpuDuration()
                    .map(Duration::toNanos)
                    .orElse(-1L);
        }

        void stop() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code command} and waits until its port accepts connections. */
    static Proc launch(List<String> command, int port, Path log) throws Exception {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("exited: " + String.join(" ", command) + "\n" + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return new Proc(p, port);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("no port " + port + " from " + String.join(" ", command));
                }
                Thread.sleep(5);
            }
        }
    }

    private static List<String> java(List<String> jvmArgs, String jar, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar);
        command.addAll(List.of(args));
        return command;
    }

    /** Two processes: a client with a SOCKS5 port and a server. */
    private abstract static class TwoProcessPair extends Pair {
        Proc server;
        Proc client;

        @Override
        int socks() {
            return client.port();
        }

        @Override
        long[] cpuNanos() {
            return new long[] {client.cpu(), server.cpu()};
        }

        abstract Proc startClient() throws Exception;

        @Override
        double firstConnection(int target) throws Exception {
            client.stop();
            client = startClient();
            return Client.echo(client.port(), target);
        }

        @Override
        void stop() {
            if (client != null) {
                client.stop();
            }
            if (server != null) {
                server.stop();
            }
        }
    }

    private static final class ProxycorePair extends TwoProcessPair {
        private final String name;
        private final String jar;
        private final Options o;
        private final Path work;
        private Path clientConfig;

        ProxycorePair(String name, String jar, Options o, Path work) {
            this.name = name;
            this.jar = jar;
            this.o = o;
            this.work = work;
        }

        @Override
        String name() {
            return name;
        }

        @Override
        void start() throws Exception {
            Files.createDirectories(work);
            SelfSignedCertificate cert = SelfSignedCertificate.forLoopback();
            Path crt = work.resolve("server.crt");
            Path key = work.resolve("server.key");
            Files.writeString(crt, cert.certificatePem());
            Files.writeString(key, cert.privateKeyPem());
            int serverPort = freePort();
            Path serverConfig = work.resolve("server.json");
            Files.writeString(serverConfig, """
                    {"log": {"level": "warn"},
                     "inbounds": [{"type": "anytls", "tag": "anytls-in", "listen": "127.0.0.1", "listen_port": %d,
                                   "users": [{"name": "bench", "password": "%s"}],
                                   "tls": {"certificate_path": "%s", "key_path": "%s"}}],
                     "outbounds": [{"type": "direct", "tag": "direct"}]}
                    """.formatted(serverPort, PASSWORD, crt, key));
            server = launch(
                    java(o.serverJvm, jar, "server", "-c", serverConfig.toString()),
                    serverPort,
                    work.resolve("server.log"));
            clientConfig = work.resolve("client.json");
            int clientPort = freePort();
            Files.writeString(clientConfig, """
                    {"log": {"level": "warn"},
                     "inbounds": [{"type": "mixed", "tag": "mixed-in", "listen": "127.0.0.1", "listen_port": %d}],
                     "outbounds": [{"type": "anytls", "tag": "proxy", "server": "127.0.0.1", "server_port": %d,
                                    "password": "%s", "ensure_idle_session": %d,
                                    "tls": {"server_name": "localhost", "certificate_path": "%s"}}],
                     "route": {"final": "proxy"}}
                    """.formatted(clientPort, serverPort, PASSWORD, o.ensure, crt));
            client = startClient();
        }

        @Override
        Proc startClient() throws Exception {
            String json = Files.readString(clientConfig);
            int port = freePort();
            json = json.replaceFirst("\"listen_port\": \\d+", "\"listen_port\": " + port);
            Files.writeString(clientConfig, json);
            return launch(
                    java(o.clientJvm, jar, "run", "-c", clientConfig.toString()), port, work.resolve("client.log"));
        }
    }

    /** One proxycore JVM: mixed → direct, what the inbound side costs alone. */
    private static final class MixedDirectPair extends Pair {
        private final String name;
        private final String jar;
        private final Options o;
        private final Path work;
        private Proc proxy;

        MixedDirectPair(String name, String jar, Options o, Path work) {
            this.name = name;
            this.jar = jar;
            this.o = o;
            this.work = work;
        }

        @Override
        String name() {
            return name;
        }

        @Override
        void start() throws Exception {
            Files.createDirectories(work);
            int port = freePort();
            Path config = work.resolve("mixed-direct.json");
            Files.writeString(config, """
                    {"log": {"level": "warn"},
                     "inbounds": [{"type": "mixed", "tag": "mixed-in", "listen": "127.0.0.1", "listen_port": %d}],
                     "outbounds": [{"type": "direct", "tag": "direct"}]}
                    """.formatted(port));
            proxy = launch(
                    java(o.clientJvm, jar, "run", "-c", config.toString()), port, work.resolve("mixed-direct.log"));
        }

        @Override
        int socks() {
            return proxy.port();
        }

        @Override
        long[] cpuNanos() {
            return new long[] {proxy.cpu(), 0};
        }

        @Override
        void stop() {
            if (proxy != null) {
                proxy.stop();
            }
        }
    }

    private static final class GoPair extends TwoProcessPair {
        private final Options o;
        private final Path work;
        private int serverPort;

        GoPair(Options o, Path work) {
            this.o = o;
            this.work = work;
        }

        @Override
        String name() {
            return "anytls-go";
        }

        @Override
        void start() throws Exception {
            serverPort = freePort();
            server = launch(
                    List.of(
                            Path.of(o.anytlsGo, "anytls-server").toString(),
                            "-l",
                            "127.0.0.1:" + serverPort,
                            "-p",
                            PASSWORD),
                    serverPort,
                    work.resolve("anytls-go-server.log"));
            client = startClient();
        }

        @Override
        Proc startClient() throws Exception {
            int port = freePort();
            return launch(
                    List.of(
                            Path.of(o.anytlsGo, "anytls-client").toString(),
                            "-l",
                            "127.0.0.1:" + port,
                            "-s",
                            "127.0.0.1:" + serverPort,
                            "-p",
                            PASSWORD),
                    port,
                    work.resolve("anytls-go-client.log"));
        }
    }
}
