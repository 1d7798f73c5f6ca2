package io.github.proxycore.examples.cli;

import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ConfigProblem;
import io.github.proxycore.config.ProxyConfig;
import io.github.proxycore.outbound.inbound.Inbound;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/** The {@code proxycore} command line. */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String HELP = String.join(System.lineSeparator(),
            "Usage: java -jar proxycore.jar <command> [options]",
            "",
            "Commands:",
            "  run -c FILE       Start the inbounds of a configuration and proxy until stopped (Ctrl-C).",
            "  check -c FILE     Validate a configuration: print every problem with its JSON path, or \"ok\".",
            "  version           Print the version.",
            "  help [COMMAND]    Print this help.",
            "",
            "Options:",
            "  -c, --config FILE     The configuration, sing-box JSON (comments allowed). Required by run and check.",
            "  -D, --directory DIR   Resolve relative paths in the configuration (rule-set files) from DIR;",
            "                        by default, the configuration file's directory.",
            "  -h, --help            Print this help.",
            "",
            "Exit status: 0 on success, 1 if the configuration is invalid or the proxy cannot start,",
            "2 on a usage error.",
            "",
            "The configuration's \"log\" section sets the log level (trace, debug, info, warn, error);",
            "logs go to standard error unless log.output names a file.",
            "",
            "Example: java -jar examples/target/proxycore.jar run -c examples/configs/mixed-direct.json");

    private Main() {}

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
        switch (arguments.command) {
            case "help":
                out.println(HELP);
                return OK;
            case "version":
                out.println("proxycore " + version());
                return OK;
            case "check":
                return check(arguments, out, err);
            case "run":
                return run(arguments, err);
            default:
                throw new AssertionError(arguments.command);
        }
    }

    private static int check(Arguments arguments, PrintStream out, PrintStream err) {
        ProxyConfig config = load(arguments, err);
        if (config == null) {
            return FAILED;
        }
        out.println("ok: " + config.inbounds().size() + " inbound(s), " + config.outbounds().size() + " outbound(s), "
                + config.route().rules().size() + " route rule(s)");
        return OK;
    }

    private static int run(Arguments arguments, PrintStream err) {
        ProxyConfig config = load(arguments, err);
        if (config == null) {
            return FAILED;
        }
        Logging.configure(config.log());
        Engine engine;
        try {
            engine = Engine.builder(config).baseDirectory(arguments.directory()).start();
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
        if (engine.inbounds().isEmpty()) {
            log.warn("the configuration has no inbounds: nothing to serve");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping");
            engine.close();
            stopped.countDown();
        }, "proxycore-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }

    private static ProxyConfig load(Arguments arguments, PrintStream err) {
        try {
            return ConfigLoader.load(arguments.config);
        } catch (ConfigException e) {
            printProblems(arguments.config, e.problems(), err);
        } catch (UncheckedIOException e) {
            err.println("proxycore: " + e.getMessage());
        }
        return null;
    }

    private static void printProblems(Path file, List<ConfigProblem> problems, PrintStream err) {
        err.println("proxycore: " + file + " has " + problems.size() + (problems.size() == 1 ? " problem:" : " problems:"));
        for (ConfigProblem problem : problems) {
            err.println("  " + problem.path() + ": " + problem.message());
        }
    }

    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/proxycore-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Parsed command-line arguments. */
    static final class Arguments {
        String command;
        Path config;
        Path directory;

        static Arguments parse(String[] args) {
            Arguments a = new Arguments();
            List<String> positional = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "-h":
                    case "--help":
                        a.command = "help";
                        return a;
                    case "-c":
                    case "--config":
                        a.config = Path.of(value(args, ++i, arg));
                        break;
                    case "-D":
                    case "--directory":
                        a.directory = Path.of(value(args, ++i, arg));
                        break;
                    default:
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        positional.add(arg);
                }
            }
            if (positional.isEmpty()) {
                throw new IllegalArgumentException("no command given");
            }
            a.command = positional.get(0);
            if (!List.of("run", "check", "version", "help").contains(a.command)) {
                throw new IllegalArgumentException("unknown command " + a.command);
            }
            if (positional.size() > (a.command.equals("help") ? 2 : 1)) {
                throw new IllegalArgumentException("unexpected argument " + positional.get(positional.size() - 1));
            }
            if ((a.command.equals("run") || a.command.equals("check")) && a.config == null) {
                throw new IllegalArgumentException(a.command + " needs a configuration: -c FILE");
            }
            if (a.directory != null && !Files.isDirectory(a.directory)) {
                throw new IllegalArgumentException("not a directory: " + a.directory);
            }
            return a;
        }

        Path directory() {
            if (directory != null) {
                return directory;
            }
            Path parent = config.toAbsolutePath().getParent();
            return parent == null ? Path.of(".") : parent;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i].startsWith("-")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }
}
