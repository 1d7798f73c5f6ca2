package io.github.proxycore.loadbalance.internal;

import io.github.proxycore.config.outbound.HashKeyPart;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Builds consistent-hash keys from connection metadata (docs/loadbalance.md): {@code key_salt} followed by the
 * configured parts joined with {@code |}, a missing or empty part written {@code -}. Writing into a per-thread
 * {@link KeyBuffer} allocates nothing (eTLD+1 results come from a cache).
 *
 * <p>Parts: {@code src_ip}, {@code src_port} (from the source address); {@code dst_ip} (an IP destination only);
 * {@code dst_port}; {@code network} ({@code tcp}/{@code udp}); {@code domain} (the destination domain, else the
 * sniffed domain; ASCII-lowercased, trailing dot stripped); {@code inbound_tag}; {@code matched_ruleset};
 * {@code etld_plus_one} (of that domain; {@code -} for IPs); {@code matched_ruleset_or_etld} (the rule set if one
 * matched, else the eTLD+1).
 */
public final class HashKeys {
    private static final byte SEPARATOR = '|';
    private static final byte MISSING = '-';
    private static final byte[] TCP = Network.TCP.configName().getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UDP = Network.UDP.configName().getBytes(StandardCharsets.US_ASCII);
    private static final FastThreadLocal<KeyBuffer> BUFFERS = new FastThreadLocal<>() {
        @Override
        protected KeyBuffer initialValue() {
            return new KeyBuffer();
        }
    };

    private final HashKeyPart[] parts;
    private final byte[] salt;
    private final EtldPlusOne etld;

    public HashKeys(List<HashKeyPart> parts, String salt, EtldPlusOne etld) {
        this.parts = parts.toArray(new HashKeyPart[0]);
        this.salt = Objects.requireNonNull(salt, "salt").getBytes(StandardCharsets.UTF_8);
        this.etld = Objects.requireNonNull(etld, "etld");
    }

    /** The calling thread's buffer. Callers reset it by writing a new key; never keep it past the current call. */
    public static KeyBuffer buffer() {
        return BUFFERS.get();
    }

    /**
     * Writes the key for {@code metadata} into {@code out} (replacing its content).
     *
     * @return whether at least one part was present; when none was, {@code out} holds {@code salt-|-|...}
     */
    public boolean write(Metadata metadata, KeyBuffer out) {
        out.reset();
        out.write(salt);
        boolean any = false;
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.writeByte(SEPARATOR);
            }
            if (writePart(parts[i], metadata, out)) {
                any = true;
            } else {
                out.writeByte(MISSING);
            }
        }
        return any;
    }

    /** Writes only the salt: the key {@code on_empty_key: hash_empty} hashes. */
    public void writeEmpty(KeyBuffer out) {
        out.reset();
        out.write(salt);
    }

    /** The key as text (allocates; for logs and tests). */
    public String keyString(Metadata metadata) {
        KeyBuffer buffer = new KeyBuffer();
        write(metadata, buffer);
        return buffer.toString();
    }

    /** Writes one part; returns false (having written nothing) when it is missing or empty. */
    private boolean writePart(HashKeyPart part, Metadata m, KeyBuffer out) {
        switch (part) {
            case SRC_IP:
                return writeSourceIp(m.source(), out);
            case DST_IP: {
                Destination d = m.destination();
                if (d.isDomain()) {
                    return false;
                }
                out.writeAddress(d.address());
                return true;
            }
            case SRC_PORT: {
                InetSocketAddress source = m.source();
                if (source == null) {
                    return false;
                }
                out.writeDecimal(source.getPort());
                return true;
            }
            case DST_PORT:
                out.writeDecimal(m.destination().port());
                return true;
            case NETWORK:
                out.write(m.network() == Network.UDP ? UDP : TCP);
                return true;
            case DOMAIN:
                return writeDomain(m.domain(), out);
            case INBOUND_TAG:
                return writeText(m.inboundTag(), out);
            case MATCHED_RULESET:
                return writeText(m.matchedRuleSet(), out);
            case ETLD_PLUS_ONE:
                return writeEtld(m, out);
            case MATCHED_RULESET_OR_ETLD:
                return writeText(m.matchedRuleSet(), out) || writeEtld(m, out);
            default:
                throw new AssertionError(part);
        }
    }

    private static boolean writeSourceIp(InetSocketAddress source, KeyBuffer out) {
        if (source == null) {
            return false;
        }
        InetAddress address = source.getAddress();
        if (address != null) {
            out.writeAddress(address);
            return true;
        }
        return writeText(source.getHostString(), out);
    }

    private static boolean writeDomain(String domain, KeyBuffer out) {
        if (domain == null) {
            return false;
        }
        int end = domain.length();
        if (end > 0 && domain.charAt(end - 1) == '.') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        out.writeUtf8(domain, 0, end, true);
        return true;
    }

    private boolean writeEtld(Metadata m, KeyBuffer out) {
        String domain = m.domain();
        if (domain == null || domain.isEmpty()) {
            return false;
        }
        byte[] value = etld.lookupUtf8(domain);
        if (value == null) {
            return false;
        }
        out.write(value);
        return true;
    }

    private static boolean writeText(String text, KeyBuffer out) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        out.writeUtf8(text);
        return true;
    }
}
