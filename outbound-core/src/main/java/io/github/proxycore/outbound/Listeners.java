package io.github.proxycore.outbound;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** The listener factories a host attached, by listener type; immutable, each {@link #with} a new instance. */
final class Listeners {
    static final Listeners NONE = new Listeners(Map.of());

    private final Map<Class<?>, Function<String, ?>> factories;

    private Listeners(Map<Class<?>, Function<String, ?>> factories) {
        this.factories = factories;
    }

    <L> Listeners with(Class<L> type, Function<String, ? extends L> factory) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
        Map<Class<?>, Function<String, ?>> copy = new HashMap<>(factories);
        copy.put(type, factory);
        return new Listeners(Map.copyOf(copy));
    }

    <L> Optional<L> forOutbound(Class<L> type, String tag) {
        Function<String, ?> factory = factories.get(type);
        return factory == null ? Optional.empty() : Optional.ofNullable(type.cast(factory.apply(tag)));
    }
}
