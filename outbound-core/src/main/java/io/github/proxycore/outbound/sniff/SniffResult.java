package io.github.proxycore.outbound.sniff;

import java.util.Objects;

/**
 * What a sniffer made of the first bytes of a connection: the name it found, that it needs more bytes, or that the
 * bytes are not its protocol (or carry no name).
 */
public final class SniffResult {
    private static final SniffResult NEED_MORE = new SniffResult(null, "", true);
    private static final SniffResult NONE = new SniffResult(null, "", false);

    private final String domain;
    private final String protocol;
    private final boolean needMore;

    private SniffResult(String domain, String protocol, boolean needMore) {
        this.domain = domain;
        this.protocol = protocol;
        this.needMore = needMore;
    }

    /**
     * A name was found.
     *
     * @param protocol the protocol it was found in: {@code tls}, {@code http} or {@code quic}
     * @param domain the name
     * @return the result
     */
    public static SniffResult found(String protocol, String domain) {
        return new SniffResult(Objects.requireNonNull(domain, "domain"), protocol, false);
    }

    /** {@return the result "need more": the bytes so far are a prefix of this protocol's message} */
    public static SniffResult needMore() {
        return NEED_MORE;
    }

    /** {@return the result "none": not this protocol, or no name in it} */
    public static SniffResult none() {
        return NONE;
    }

    /** {@return the name found, or {@code null}} */
    public String domain() {
        return domain;
    }

    /** {@return {@code tls}, {@code http} or {@code quic} when a name was found, else {@code ""}} */
    public String protocol() {
        return protocol;
    }

    /** {@return whether more bytes may still reveal a name} */
    public boolean needsMore() {
        return needMore;
    }

    @Override
    public String toString() {
        return needMore ? "need more" : domain == null ? "none" : protocol + " " + domain;
    }
}
