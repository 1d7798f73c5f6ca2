package io.github.proxycore.loadbalance.group;

import io.github.proxycore.config.outbound.SelectorOutboundOptions;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code selector} outbound: every connection goes to the member selected now. The selection starts at
 * {@code default} (or the first member) and changes with {@link #select(String)}, which the Clash API's
 * {@code PUT /proxies/{tag}} calls. A change closes the application's own connections through the other members,
 * and the inbound ones too with {@code interrupt_exist_connections}.
 *
 * <pre>{@code
 * SelectorOutbound proxy = outbounds.get("proxy", SelectorOutbound.class);
 * proxy.select("lb"); // the next connection goes through lb
 * }</pre>
 */
public final class SelectorOutbound implements OutboundGroup {
    private static final Logger log = LoggerFactory.getLogger(SelectorOutbound.class);

    private final SelectorOutboundOptions options;
    private final Map<String, Outbound> members;
    private final Set<Network> networks;
    private final GroupConnections connections;
    private volatile Outbound selected;

    SelectorOutbound(SelectorOutboundOptions options, List<Outbound> members) {
        this.options = Objects.requireNonNull(options, "options");
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a selector needs at least one member");
        }
        Map<String, Outbound> byTag = new LinkedHashMap<>();
        EnumSet<Network> union = EnumSet.noneOf(Network.class);
        for (Outbound member : members) {
            byTag.put(member.tag(), member);
            union.addAll(member.networks());
        }
        this.members = Collections.unmodifiableMap(byTag);
        this.networks = Collections.unmodifiableSet(union);
        this.connections = new GroupConnections(options.tag(), List.copyOf(byTag.keySet()));
        String initial = options.initialOutbound();
        this.selected = byTag.getOrDefault(initial, members.get(0));
    }

    /**
     * Builds the selector from validated options; its members must already be built in {@code context}.
     *
     * @param options the validated options
     * @param context where the members are found
     * @return the selector, its default member selected
     */
    public static SelectorOutbound create(SelectorOutboundOptions options, OutboundContext context) {
        Objects.requireNonNull(context, "context");
        return new SelectorOutbound(
                options, options.outbounds().stream().map(context::outbound).toList());
    }

    @Override
    public String tag() {
        return options.tag();
    }

    @Override
    public String type() {
        return SelectorOutboundOptions.TYPE;
    }

    /** The networks at least one member carries. */
    @Override
    public Set<Network> networks() {
        return networks;
    }

    /** {@return the options this selector was built from} */
    public SelectorOutboundOptions options() {
        return options;
    }

    @Override
    public List<String> all() {
        return List.copyOf(members.keySet());
    }

    @Override
    public String now() {
        return selected.tag();
    }

    /**
     * Selects the member new connections go to. When that changes the selection, connections through the other
     * members are closed: the application's own always, inbound ones with {@code interrupt_exist_connections}.
     *
     * @param tag the member's tag
     * @return whether the selection changed
     * @throws IllegalArgumentException if {@code tag} is not a member
     */
    public boolean select(String tag) {
        Outbound next = members.get(tag);
        if (next == null) {
            throw new IllegalArgumentException("\"" + tag + "\" is not a member of selector \"" + tag() + "\"");
        }
        Outbound previous;
        synchronized (this) {
            previous = selected;
            selected = next;
        }
        if (previous == next) {
            return false;
        }
        int closed = connections.interruptAllBut(List.of(tag), options.interruptExistConnections());
        log.info("[{}] selected {} (was {}); {} connection(s) closed", tag(), tag, previous.tag(), closed);
        return true;
    }

    /**
     * Open connections this selector handed out through a member.
     *
     * @param member the member's tag
     * @return how many are open
     */
    public int openConnections(String member) {
        return connections.count(member);
    }

    @Override
    public Future<Channel> dial(Destination destination, Metadata metadata) {
        metadata.requireFor(Network.TCP, destination);
        Outbound member = selected;
        return connections.track(member, member.dial(destination, metadata), metadata);
    }

    @Override
    public Future<Channel> listenPacket(Destination destination, Metadata metadata) {
        metadata.requireFor(Network.UDP, destination);
        Outbound member = selected;
        return connections.track(member, member.listenPacket(destination, metadata), metadata);
    }

    @Override
    public String toString() {
        return "SelectorOutbound[" + tag() + " -> " + now() + "]";
    }
}
