package io.github.proxycore.outbound;

import io.github.proxycore.config.route.IpPrefix;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a connection goes: a domain name or an IP address, and a port. Immutable.
 *
 * <p>A host that is an IP literal always becomes an IP destination, without any DNS lookup; anything else is kept
 * as a domain and resolved by whichever outbound finally connects (so a proxy can resolve it remotely).
 * IPv4-mapped IPv6 addresses are unmapped, so {@code ::ffff:10.0.0.1} and {@code 10.0.0.1} are the same
 * destination.
 *
 * <pre>{@code
 * Destination web = Destination.of("example.com", 443);
 * Destination dns = Destination.of("8.8.8.8", 53);      // an IP destination
 * }</pre>
 */
public final class Destination {
    /** Longest domain the SOCKS5 address format can carry, in bytes. */
    public static final int MAX_DOMAIN_LENGTH = 255;

    private final String domain;
    private final InetAddress address;
    private final int port;

    private Destination(String domain, InetAddress address, int port) {
        this.domain = domain;
        this.address = address;
        this.port = port;
    }

    /**
     * A destination from a host (domain or IP literal, IPv6 with or without brackets) and a port.
     *
     * @throws IllegalArgumentException if the host is empty or too long, holds a control character (no name has
     *     one, and a CR or LF written into a log forges lines), or the port is out of range
     * @param host a domain name or an IP literal
     * @param port the port, 0 to 65535
     * @return the destination
     */
    public static Destination of(String host, int port) {
        Objects.requireNonNull(host, "host");
        checkPort(port);
        String literal = host.length() > 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']'
                ? host.substring(1, host.length() - 1)
                : host;
        byte[] ip = IpPrefix.parseAddress(literal);
        if (ip != null) {
            return new Destination(null, toAddress(ip), port);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (host.getBytes(StandardCharsets.UTF_8).length > MAX_DOMAIN_LENGTH) {
            throw new IllegalArgumentException("domain longer than " + MAX_DOMAIN_LENGTH + " bytes");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(String.format("control character 0x%02x in a domain", (int) c));
            }
        }
        return new Destination(host, null, port);
    }

    /**
     * An IP destination.
     *
     * @param address the address; an IPv4-mapped IPv6 address is unmapped
     * @param port the port, 0 to 65535
     * @return the destination
     */
    public static Destination of(InetAddress address, int port) {
        Objects.requireNonNull(address, "address");
        checkPort(port);
        return new Destination(null, unmap(address), port);
    }

    /**
     * A destination from a socket address: its IP if resolved, otherwise its host name.
     *
     * @param address the socket address
     * @return the destination
     */
    public static Destination of(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        return address.isUnresolved()
                ? of(address.getHostString(), address.getPort())
                : of(address.getAddress(), address.getPort());
    }

    private static void checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    static InetAddress toAddress(byte[] ip) {
        try {
            return unmap(InetAddress.getByAddress(ip));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad IP address length " + ip.length, e);
        }
    }

    private static InetAddress unmap(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return address;
    }

    /** {@return whether this destination is a domain name (not yet resolved)} */
    public boolean isDomain() {
        return domain != null;
    }

    /** {@return the domain, or {@code null} for an IP destination} */
    public String domain() {
        return domain;
    }

    /** {@return the IP address, or {@code null} for a domain destination} */
    public InetAddress address() {
        return address;
    }

    /** {@return whether this is an IPv4 destination} */
    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** {@return whether this is an IPv6 destination} */
    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** {@return the domain, or the IP address as text ({@code 10.0.0.1}, {@code ::1})} */
    public String host() {
        return domain != null ? domain : address.getHostAddress();
    }

    /** {@return the port} */
    public int port() {
        return port;
    }

    /**
     * The same host with another port.
     *
     * @param port the port, 0 to 65535
     * @return the new destination
     */
    public Destination withPort(int port) {
        checkPort(port);
        return new Destination(domain, address, port);
    }

    /** {@return a socket address for connecting: resolved for an IP destination, unresolved for a domain} */
    public InetSocketAddress toSocketAddress() {
        return domain != null ? InetSocketAddress.createUnresolved(domain, port) : new InetSocketAddress(address, port);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Destination that
                && port == that.port
                && Objects.equals(domain, that.domain)
                && Objects.equals(address, that.address);
    }

    @Override
    public int hashCode() {
        return Objects.hash(domain, address, port);
    }

    /** {@code example.com:443}, {@code 10.0.0.1:80} or {@code [::1]:443}. */
    @Override
    public String toString() {
        return (isIpv6() ? "[" + host() + "]" : host()) + ":" + port;
    }
}
