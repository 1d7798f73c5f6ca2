package io.github.proxycore.cli;

import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ConfigProblem;
import io.github.proxycore.config.LogLevel;
import io.github.proxycore.config.LogOptions;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.config.inbound.AnyTlsInboundOptions;
import io.github.proxycore.outbound.inbound.Inbound;
import io.github.proxycore.runtime.Engine;
import io.github.proxycore.runtime.status.LogFeed;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The {@code proxycore} command line. */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String HELP = String.join(
            System.lineSeparator(),
            "Usage: java -jar proxycore.jar <command> [options]",
            "",
            "Commands:",
            "  demo [--once] [--port N]",
            "                    The whole path on this machine, no configuration: AnyTLS servers on 127.0.0.1",
            "                    with a certificate generated now, a load balancer over AnyTLS outbounds to them,",
            "                    and a SOCKS/HTTP proxy on 127.0.0.1:N (default 1080). Fetches a page through it,",
            "                    prints the pools and the balancer, and serves until stopped (--once: then exits).",
            "  run -c FILE       Start the inbounds of a configuration and proxy until stopped (Ctrl-C).",
            "  server -c FILE    Like run, for an AnyTLS server: the configuration must have an anytls inbound.",
            "  check -c FILE     Validate a configuration: print every problem with its JSON path, or \"ok\".",
            "  version           Print the version (also --version, -v).",
            "  help [COMMAND]    Print this help, or a command's (also COMMAND --help).",
            "",
            "Options:",
            "  -c, --config FILE     The configuration, sing-box JSON (comments allowed). Required by run, server",
            "                        and check. Every option also takes the form --option=VALUE.",
            "  -D, --directory DIR   The working directory, as sing-box's -D: a relative -c FILE and every",
            "                        relative path in the configuration (certificate and key files, rule-set",
            "                        files, log.output, the rule-set cache) are taken from DIR. Without -D,",
            "                        paths in the configuration are taken from the configuration file's",
            "                        directory, whatever the current directory is.",
            "  --port N              demo: the proxy's port on 127.0.0.1 (0 for any free port).",
            "  --once                demo: exit after proving the path instead of serving.",
            "  -h, --help            Print this help.",
            "",
            "Exit status: 0 on success, 1 if the configuration is invalid or the proxy cannot start,",
            "2 on a usage error.",
            "",
            "The configuration's \"log\" section sets the log level (trace, debug, info, warn, error);",
            "logs go to standard error unless log.output names a file.",
            "",
            "Examples: java -jar cli/target/proxycore.jar demo",
            "          java -jar cli/target/proxycore.jar run -c cli/configs/mixed-direct.json");

    /** Each command's own help: what {@code help COMMAND} and {@code COMMAND --help} print. */
    static final java.util.Map<String, String> COMMAND_HELP = java.util.Map.of(
            "demo",
            String.join(
                    System.lineSeparator(),
                    "Usage: java -jar proxycore.jar demo [--once] [--port N]",
                    "",
                    "The whole path on this machine, no configuration: three AnyTLS servers on 127.0.0.1 with a",
                    "certificate generated now, a load balancer over AnyTLS outbounds to them, and a SOCKS/HTTP proxy",
                    "on 127.0.0.1:N (default 1080, 0 for any free port). Fetches a page through it, prints the pools",
                    "and the balancer, and serves until stopped; --once exits after the fetch."),
            "run",
            String.join(
                    System.lineSeparator(),
                    "Usage: java -jar proxycore.jar run -c FILE [-D DIR]",
                    "",
                    "Starts the inbounds, outbounds, routing and status API of a sing-box configuration and proxies",
                    "until stopped (Ctrl-C). Relative paths in it are resolved from DIR, by default the file's",
                    "directory. Runs every check of the check command first. Exits 1 if the configuration is",
                    "invalid, cannot start, or has no inbounds."),
            "server",
            String.join(
                    System.lineSeparator(),
                    "Usage: java -jar proxycore.jar server -c FILE [-D DIR]",
                    "",
                    "Like run, for an AnyTLS server: the configuration must have an anytls inbound."),
            "check",
            String.join(
                    System.lineSeparator(),
                    "Usage: java -jar proxycore.jar check -c FILE [-D DIR]",
                    "",
                    "Validates a configuration as run does, short of opening sockets: the JSON, certificate and",
                    "key files (read, parsed, matching), local rule-set files (read and decoded), remote rule-set",
                    "URLs and detours (not downloaded), and that log.output can be appended to. Prints every",
                    "problem with its JSON path, or \"ok\". Exits 1 on a problem."),
            "version",
            "Usage: java -jar proxycore.jar version\n\nPrints the version.".replace("\n", System.lineSeparator()),
            "help",
            "Usage: java -jar proxycore.jar help [COMMAND]\n\nPrints the help, or a command's."
                    .replace("\n", System.lineSeparator()));

    private Main() {}

    /**
     * Runs the command line and exits with its status when it is not 0.
     *
     * @param args the command and its options, as the usage text describes them
     */
    public static void main(String[] args) {
        int status = execute(args, System.out, System.err);
        if (status != OK) {
            System.exit(status);
        }
    }

    /** Runs a command; returns the exit status. {@code run} returns only when the proxy stops. */
    static int execute(String[] args, PrintStream out, PrintStream err) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("proxycore: " + e.getMessage());
            err.println("Run with --help for usage.");
            return USAGE;
        }
        if (arguments.help) {
            out.println(COMMAND_HELP.get(arguments.command));
            return OK;
        }
        switch (arguments.command) {
            case "help":
                out.println(arguments.topic == null ? HELP : COMMAND_HELP.get(arguments.topic));
                return OK;
            case "version":
                out.println("proxycore " + Engine.version());
                return OK;
            case "check":
                return check(arguments, out, err);
            case "run":
                return run(arguments, err, false);
            case "server":
                return run(arguments, err, true);
            case "demo":
                return demo(arguments, out, err);
            default:
                throw new AssertionError(arguments.command);
        }
    }

    private static int check(Arguments arguments, PrintStream out, PrintStream err) {
        ProxyConfig config = load(arguments, err);
        if (config == null || !checkAll(config, arguments, err)) {
            return FAILED;
        }
        out.println("ok: " + config.inbounds().size() + " inbound(s), "
                + config.outbounds().size() + " outbound(s), "
                + config.route().rules().size() + " route rule(s)");
        return OK;
    }

    /**
     * Everything {@code run} checks before it opens a socket, with the same messages: the log file, then what
     * {@link Engine.Builder#check()} checks. Prints the problems and returns false if there are any.
     */
    private static boolean checkAll(ProxyConfig config, Arguments arguments, PrintStream err) {
        List<ConfigProblem> problems = new ArrayList<>();
        String logProblem = config.log().output() == null
                ? null
                : Logging.outputProblem(Path.of(config.log().output()));
        if (logProblem != null) {
            problems.add(new ConfigProblem("$.log.output", logProblem));
        }
        try {
            Engine.builder(config).baseDirectory(arguments.directory()).check();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            printProblems(arguments.config, problems, err);
            return false;
        }
        return true;
    }

    private static int run(Arguments arguments, PrintStream err, boolean server) {
        ProxyConfig config = load(arguments, err);
        if (config == null) {
            return FAILED;
        }
        if (server && config.inbounds().stream().noneMatch(i -> i.type().equals(AnyTlsInboundOptions.TYPE))) {
            err.println("proxycore: " + arguments.config + " has no anytls inbound; server runs an AnyTLS server"
                    + " (use run for other configurations)");
            return FAILED;
        }
        // logging is configured before anything creates a logger (the checks load classes that do); a log file that
        // cannot be appended to is one of the problems checkAll reports, so until then the log goes to stderr
        LogOptions logging = config.log();
        boolean logFileUsable = logging.output() == null || Logging.outputProblem(Path.of(logging.output())) == null;
        try {
            Logging.configure(
                    logFileUsable
                            ? logging
                            : new LogOptions(logging.disabled(), logging.level(), null, logging.timestamp()));
        } catch (UncheckedIOException e) {
            err.println("proxycore: " + e.getMessage());
            return FAILED;
        }
        if (!checkAll(config, arguments, err)) {
            return FAILED;
        }
        Engine.Builder builder = Engine.builder(config).baseDirectory(arguments.directory());
        if (config.experimental().clashApi() != null) {
            // the Clash API's /logs: slf4j-simple writes every line to System.err, looked up at each line
            LogFeed logs = new LogFeed();
            System.setErr(logs.tee(System.err));
            builder.logs(logs);
        }
        Engine engine;
        try {
            engine = builder.start();
        } catch (ConfigException e) {
            printProblems(arguments.config, e.problems(), err);
            return FAILED;
        } catch (Exception e) {
            err.println("proxycore: cannot start: " + e.getMessage());
            return FAILED;
        }
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
        for (Inbound inbound : engine.inbounds()) {
            log.info("{} inbound \"{}\" listening on {}", inbound.type(), inbound.tag(), inbound.localAddress());
        }
        engine.status()
                .ifPresent(status -> log.info(
                        "status endpoint (Clash API) on http://{}:{}/",
                        status.localAddress().getAddress().getHostAddress(),
                        status.localAddress().getPort()));
        if (engine.inbounds().isEmpty()) {
            engine.close();
            err.println("proxycore: " + arguments.config + " has no inbounds: nothing to serve");
            return FAILED;
        }
        serveUntilStopped(engine::close);
        return OK;
    }

    private static int demo(Arguments arguments, PrintStream out, PrintStream err) {
        Logging.configure(new LogOptions(false, LogLevel.WARN, null, true));
        Demo demo;
        try {
            demo = Demo.start(arguments.port, out);
        } catch (java.net.BindException e) {
            err.println("proxycore: the demo cannot listen on 127.0.0.1:" + arguments.port + " (" + e.getMessage()
                    + "); choose another port with --port N");
            return FAILED;
        } catch (Exception e) {
            err.println("proxycore: the demo cannot start: " + e);
            return FAILED;
        }
        try {
            demo.prove(out);
        } catch (Exception e) {
            err.println("proxycore: the demo could not fetch its page: " + e);
            demo.close();
            return FAILED;
        }
        if (arguments.once) {
            demo.close();
            return OK;
        }
        InetSocketAddress proxy = demo.proxyAddress();
        out.println();
        out.println("serving; try from another terminal:");
        out.println(
                "  curl -x socks5h://127.0.0.1:" + proxy.getPort() + " http://127.0.0.1:" + demo.originPort() + "/");
        out.println("  curl -x http://127.0.0.1:" + proxy.getPort() + " http://127.0.0.1:" + demo.originPort() + "/");
        out.println("stop with Ctrl-C");
        serveUntilStopped(demo::close);
        return OK;
    }

    /** Blocks until the JVM is asked to stop, then runs {@code stop}. */
    private static void serveUntilStopped(Runnable stop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stop.run();
                            stopped.countDown();
                        },
                        "proxycore-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ProxyConfig load(Arguments arguments, PrintStream err) {
        if (!Files.exists(arguments.config)) {
            err.println("proxycore: cannot read configuration " + arguments.config + ": no such file");
            return null;
        }
        if (!Files.isReadable(arguments.config) || Files.isDirectory(arguments.config)) {
            err.println("proxycore: cannot read configuration " + arguments.config + ": "
                    + (Files.isDirectory(arguments.config) ? "it is a directory" : "permission denied"));
            return null;
        }
        try {
            // every relative path in it from one directory: the file's, or -D (never the JVM's working directory)
            return ConfigLoader.load(arguments.config).resolvePaths(arguments.directory());
        } catch (ConfigException e) {
            printProblems(arguments.config, e.problems(), err);
        } catch (UncheckedIOException e) {
            err.println("proxycore: " + e.getMessage());
        }
        return null;
    }

    private static void printProblems(Path file, List<ConfigProblem> problems, PrintStream err) {
        err.println(
                "proxycore: " + file + " has " + problems.size() + (problems.size() == 1 ? " problem:" : " problems:"));
        for (ConfigProblem problem : problems) {
            err.println("  " + problem.path() + ": " + problem.message());
        }
    }

    /** Parsed command-line arguments. */
    static final class Arguments {
        String command;
        /** {@code help COMMAND}: the command whose help to print. */
        String topic;
        /** {@code COMMAND --help}. */
        boolean help;

        Path config;
        Path directory;
        int port = 1080;
        boolean once;

        static Arguments parse(String[] args) {
            Arguments a = new Arguments();
            List<String> positional = new ArrayList<>();
            List<String> expanded = new ArrayList<>();
            for (String arg : args) {
                int equals = arg.indexOf('=');
                if (arg.startsWith("--") && equals > 2) { // --option=VALUE
                    expanded.add(arg.substring(0, equals));
                    expanded.add(arg.substring(equals + 1));
                } else {
                    expanded.add(arg);
                }
            }
            args = expanded.toArray(new String[0]);
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "-h":
                    case "--help":
                        a.help = true;
                        break;
                    case "-v":
                    case "--version":
                        positional.add(0, "version");
                        break;
                    case "-c":
                    case "--config":
                        a.config = Path.of(value(args, ++i, arg));
                        break;
                    case "-D":
                    case "--directory":
                        a.directory = Path.of(value(args, ++i, arg));
                        break;
                    case "--port":
                        try {
                            a.port = Integer.parseInt(value(args, ++i, arg));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--port needs a number");
                        }
                        if (a.port < 0 || a.port > 65535) {
                            throw new IllegalArgumentException("--port must be between 0 and 65535");
                        }
                        break;
                    case "--once":
                        a.once = true;
                        break;
                    default:
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        positional.add(arg);
                }
            }
            if (positional.isEmpty()) {
                if (a.help) {
                    a.command = "help";
                    a.help = false;
                    return a;
                }
                throw new IllegalArgumentException("no command given");
            }
            a.command = positional.get(0);
            if (!COMMAND_HELP.containsKey(a.command)) {
                throw new IllegalArgumentException("unknown command " + a.command);
            }
            if (a.command.equals("help") && positional.size() == 2) {
                a.topic = positional.get(1);
                if (!COMMAND_HELP.containsKey(a.topic)) {
                    throw new IllegalArgumentException("no help for unknown command " + a.topic);
                }
            }
            if (positional.size() > (a.command.equals("help") ? 2 : 1)) {
                throw new IllegalArgumentException("unexpected argument " + positional.get(positional.size() - 1));
            }
            if (a.help) {
                return a; // the command's help needs none of its arguments
            }
            if (List.of("run", "server", "check").contains(a.command) && a.config == null) {
                throw new IllegalArgumentException(a.command + " needs a configuration: -c FILE");
            }
            if (a.directory != null) {
                if (!Files.isDirectory(a.directory)) {
                    throw new IllegalArgumentException("not a directory: " + a.directory);
                }
                a.directory = a.directory.toAbsolutePath().normalize();
                if (a.config != null) {
                    a.config = a.directory.resolve(a.config); // as sing-box: -D is the working directory
                }
            }
            return a;
        }

        /** Where relative paths in the configuration are taken from: {@code -D}, else the file's directory. */
        Path directory() {
            if (directory != null) {
                return directory;
            }
            Path parent = config.toAbsolutePath().normalize().getParent();
            return parent == null ? Path.of("").toAbsolutePath() : parent;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i].startsWith("-")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }
}
