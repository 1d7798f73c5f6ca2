package io.github.proxycore.outbound;

import io.github.proxycore.config.DomainStrategy;
import io.github.proxycore.outbound.internal.SystemHostResolver;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves host names without blocking the caller (event loops never wait for DNS).
 *
 * <pre>{@code
 * HostResolver resolver = HostResolver.system();
 * resolver.resolve("example.com").thenAccept(addresses -> ...);
 * }</pre>
 */
@FunctionalInterface
public interface HostResolver {

    /**
     * Resolves {@code host} to its addresses in the resolver's order. The future may complete on any thread and
     * fails with an {@link UnknownHostException} when there is no address.
     *
     * @param host a domain name
     * @return the addresses, never empty
     */
    CompletableFuture<List<InetAddress>> resolve(String host);

    /** {@return the JVM's resolver ({@link InetAddress#getAllByName}), run on a few daemon threads of its own} */
    static HostResolver system() {
        return SystemHostResolver.INSTANCE;
    }

    /**
     * A fixed table, e.g. for tests; names not in it fail.
     *
     * @param table addresses by host name; copied
     * @return the resolver
     */
    static HostResolver of(Map<String, List<InetAddress>> table) {
        Map<String, List<InetAddress>> copy = Map.copyOf(table);
        return host -> {
            List<InetAddress> addresses = copy.get(host);
            return addresses == null || addresses.isEmpty()
                    ? CompletableFuture.failedFuture(new UnknownHostException(host + ": not in the resolver's table"))
                    : CompletableFuture.completedFuture(addresses);
        };
    }

    /**
     * Orders (and filters) addresses by a dial's {@code domain_strategy}.
     *
     * @param host the name resolved, for the exception's message
     * @param addresses its addresses, in the resolver's order
     * @param strategy the strategy
     * @return the addresses to try, in order
     * @throws UnknownHostException if the strategy leaves no address
     */
    static List<InetAddress> order(String host, List<InetAddress> addresses, DomainStrategy strategy)
            throws UnknownHostException {
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        for (InetAddress address : addresses) {
            (address instanceof Inet6Address ? v6 : v4).add(address);
        }
        List<InetAddress> out = new ArrayList<>(addresses.size());
        switch (strategy) {
            case IPV4_ONLY:
                out.addAll(v4);
                break;
            case IPV6_ONLY:
                out.addAll(v6);
                break;
            case PREFER_IPV4:
                out.addAll(v4);
                out.addAll(v6);
                break;
            case PREFER_IPV6:
                out.addAll(v6);
                out.addAll(v4);
                break;
            default:
                out.addAll(addresses);
        }
        if (out.isEmpty()) {
            throw new UnknownHostException(host + ": no " + (strategy == DomainStrategy.IPV4_ONLY ? "IPv4" : "IPv6")
                    + " address (domain_strategy " + strategy.configName() + ")");
        }
        return out;
    }
}
