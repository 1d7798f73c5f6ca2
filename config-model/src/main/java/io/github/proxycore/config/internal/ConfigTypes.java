package io.github.proxycore.config.internal;

import io.github.proxycore.config.spi.InboundType;
import io.github.proxycore.config.spi.OutboundType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * The outbound and inbound types the loader knows: every {@link OutboundType} and {@link InboundType} registered
 * with {@link ServiceLoader}, config-model's own (the built-in types) among them. Loaded once.
 */
public final class ConfigTypes {
    private final Map<String, OutboundType<?>> outbounds;
    private final Map<String, InboundType<?>> inbounds;

    private ConfigTypes(Map<String, OutboundType<?>> outbounds, Map<String, InboundType<?>> inbounds) {
        this.outbounds = Collections.unmodifiableMap(outbounds);
        this.inbounds = Collections.unmodifiableMap(inbounds);
    }

    private static final class Holder {
        static final ConfigTypes INSTANCE = load(ConfigTypes.class.getClassLoader());
    }

    /** The types registered on config-model's class path. */
    public static ConfigTypes get() {
        return Holder.INSTANCE;
    }

    static ConfigTypes load(ClassLoader loader) {
        Map<String, OutboundType<?>> outbounds = new LinkedHashMap<>();
        for (OutboundType<?> type : ServiceLoader.load(OutboundType.class, loader)) {
            register(outbounds, type.type(), type, "outbound");
        }
        Map<String, InboundType<?>> inbounds = new LinkedHashMap<>();
        for (InboundType<?> type : ServiceLoader.load(InboundType.class, loader)) {
            register(inbounds, type.type(), type, "inbound");
        }
        return new ConfigTypes(outbounds, inbounds);
    }

    private static <T> void register(Map<String, T> types, String name, T type, String kind) {
        if (name == null || name.isEmpty()) {
            throw new ServiceConfigurationError(type.getClass().getName() + " names no " + kind + " type");
        }
        T previous = types.putIfAbsent(name, type);
        if (previous != null && previous.getClass() != type.getClass()) {
            throw new ServiceConfigurationError(kind + " type \"" + name + "\" is registered twice, by "
                    + previous.getClass().getName() + " and " + type.getClass().getName());
        }
    }

    /** The binding of an outbound type, or {@code null} if none is registered. */
    public OutboundType<?> outbound(String type) {
        return outbounds.get(type);
    }

    /** The binding of an inbound type, or {@code null} if none is registered. */
    public InboundType<?> inbound(String type) {
        return inbounds.get(type);
    }

    /** The registered outbound type names, sorted (the class path's order is no order). */
    public Iterable<String> outboundNames() {
        return new TreeSet<>(outbounds.keySet());
    }

    /** The registered inbound type names, sorted. */
    public Iterable<String> inboundNames() {
        return new TreeSet<>(inbounds.keySet());
    }
}
