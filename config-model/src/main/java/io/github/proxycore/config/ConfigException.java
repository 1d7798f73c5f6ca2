package io.github.proxycore.config;

import java.util.List;
import java.util.Objects;

/**
 * A configuration that cannot be used. It carries every problem found, not only the first, so that one
 * round of editing can fix them all.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    /**
     * An exception whose message lists every problem, one per line.
     *
     * @param source what was read (a file name), named in the message; {@code null} for "configuration"
     * @param problems the problems found, in document order; copied
     * @throws IllegalArgumentException if {@code problems} is empty
     */
    public ConfigException(String source, List<ConfigProblem> problems) {
        super(describe(source, problems));
        this.problems = List.copyOf(problems);
        if (this.problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
    }

    /** {@return every problem found, in document order; never empty} */
    public List<ConfigProblem> problems() {
        return problems;
    }

    /**
     * The same problems located under {@code base}: for an exception about one element whose paths start at its
     * root ({@code $.tls.certificate_path}), the paths in the whole document ({@code $.outbounds[2].tls...}).
     *
     * @param base the JSON path of the element, e.g. {@code $.outbounds[2]}
     * @return a new exception with the rebased problems and no source name
     */
    public ConfigException under(String base) {
        List<ConfigProblem> rebased = new java.util.ArrayList<>(problems.size());
        for (ConfigProblem p : problems) {
            rebased.add(new ConfigProblem(base + p.path().substring(1), p.message()));
        }
        return new ConfigException(null, rebased);
    }

    private static String describe(String source, List<ConfigProblem> problems) {
        Objects.requireNonNull(problems, "problems");
        StringBuilder out = new StringBuilder();
        out.append(source == null ? "configuration" : source)
                .append(" has ")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem:" : " problems:");
        for (ConfigProblem problem : problems) {
            out.append(System.lineSeparator()).append("  ").append(problem);
        }
        return out.toString();
    }
}
