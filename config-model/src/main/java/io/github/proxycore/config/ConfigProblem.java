package io.github.proxycore.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration: where it is, as a JSON path ({@code $.outbounds[2].hash.virtual_nodes}),
 * and a plain reason ({@code must be at least 1, got 0}).
 *
 * @param path the JSON path of the offending value, {@code $} for the document itself
 * @param message what is wrong, written for the person editing the file
 */
public record ConfigProblem(String path, String message) {
    /**
     * Checks that neither component is {@code null}.
     *
     * @param path the JSON path of the offending value
     * @param message what is wrong
     * @throws NullPointerException if either is {@code null}
     */
    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
