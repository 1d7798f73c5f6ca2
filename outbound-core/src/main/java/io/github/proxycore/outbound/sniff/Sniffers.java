package io.github.proxycore.outbound.sniff;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs the stream sniffers a rule asks for ({@code tls}, {@code http}; every one when the list is empty) over the
 * first bytes of a connection: the first name found wins; while any sniffer still needs more bytes, so does the
 * whole.
 */
public final class Sniffers {
    /** The stream sniffers proxycore has; sing-box's others (bittorrent, ssh, rdp, …) find no name. */
    public static final Set<String> STREAM = Set.of("tls", "http");

    /** The packet sniffers proxycore has ({@link QuicInitialSniffer}). */
    public static final Set<String> PACKET = Set.of("quic");

    /** Every sniffer name sing-box accepts in {@code sniffer}. */
    public static final Set<String> KNOWN =
            Set.of("http", "tls", "quic", "stun", "dns", "bittorrent", "dtls", "ssh", "rdp", "ntp");

    private Sniffers() {}

    /**
     * A sniffer for a new UDP flow's datagrams when {@code names} (empty: every sniffer) asks for {@code quic}, else
     * {@code null}.
     *
     * @param names the sniffers a rule asks for
     * @return a new sniffer, or {@code null}
     */
    public static QuicInitialSniffer packetSniffer(List<String> names) {
        return names.isEmpty() || names.stream().anyMatch(n -> n.equalsIgnoreCase("quic"))
                ? new QuicInitialSniffer()
                : null;
    }

    /**
     * Sniffs {@code in} (left untouched) with the named stream sniffers.
     *
     * @param in the connection's first bytes
     * @param names the sniffers to run (empty: every stream sniffer)
     * @return the first name found, else "need more" if a sniffer needs more, else "none"
     */
    public static SniffResult sniffStream(ByteBuf in, List<String> names) {
        boolean needMore = false;
        for (String name : STREAM) {
            if (!names.isEmpty() && !names.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            SniffResult r = name.equals("tls") ? TlsClientHelloSniffer.sniff(in) : HttpHostSniffer.sniff(in);
            if (r.domain() != null) {
                return r;
            }
            needMore |= r.needsMore();
        }
        return needMore ? SniffResult.needMore() : SniffResult.none();
    }
}
