package io.github.proxycore.config.internal;

import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigProblem;
import java.util.ArrayList;
import java.util.List;

/** Collects {@link ConfigProblem}s; shared by the JSON binder and the validator so that all are reported together. */
public final class Problems {
    private final List<ConfigProblem> list = new ArrayList<>();

    /** Adds a problem, unless one is already recorded for the same path (one reason per value is enough). */
    public void add(String path, String message) {
        for (ConfigProblem existing : list) {
            if (existing.path().equals(path)) {
                return;
            }
        }
        list.add(new ConfigProblem(path, message));
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public List<ConfigProblem> list() {
        return List.copyOf(list);
    }

    /** Throws a {@link ConfigException} naming {@code source} if anything was collected. */
    public void throwIfAny(String source) {
        if (!list.isEmpty()) {
            throw new ConfigException(source, list);
        }
    }

    /** The path of a field below {@code parent}. */
    public static String field(String parent, String name) {
        return parent + "." + name;
    }

    /** The path of an element of the array at {@code parent}. */
    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
