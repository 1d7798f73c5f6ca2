package io.github.proxycore.outbound.sniff;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.BitSet;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Finds the server name in the TLS ClientHello a QUIC client sends in its Initial packets (RFC 9000, RFC 9001; QUIC
 * versions 1 and 2, RFC 9369). Initial packets are protected only with keys anyone can derive from the packet's
 * Destination Connection ID, so the sniffer removes header protection, decrypts the payload, gathers the CRYPTO
 * frames from offset 0 and parses the ClientHello as {@link TlsClientHelloSniffer} does.
 *
 * <p>One instance follows one flow: a ClientHello split over several Initial packets (coalesced in one datagram or
 * sent in successive ones, CRYPTO frames in any order) is joined, up to {@link #MAX_CRYPTO_BYTES} of handshake data
 * and {@link #MAX_DATAGRAMS} datagrams. Anything else (a short header, another version, a packet that fails
 * authentication, truncated or oversized fields) finds no name; no input throws. Datagrams are read, never consumed
 * or released. Not thread-safe.
 */
public final class QuicInitialSniffer {
    /** A ClientHello longer than this is given up on: real ones (post-quantum key shares included) stay near 2 KiB. */
    public static final int MAX_CRYPTO_BYTES = 8 * 1024;

    /** How many datagrams a flow may take to complete its ClientHello. */
    public static final int MAX_DATAGRAMS = 8;

    static final int VERSION_1 = 0x00000001;
    static final int VERSION_2 = 0x6b3343cf;

    private static final byte[] SALT_V1 = hex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
    private static final byte[] SALT_V2 = hex("0dede3def700a6db819381be6e269dcbf9bd2ed9");
    private static final int MAX_CONNECTION_ID = 20;
    private static final int FRAME_PADDING = 0x00;
    private static final int FRAME_PING = 0x01;
    private static final int FRAME_ACK = 0x02;
    private static final int FRAME_ACK_ECN = 0x03;
    private static final int FRAME_CRYPTO = 0x06;

    /** The client's Initial packet protection keys (RFC 9001 section 5.2). */
    record Keys(byte[] key, byte[] iv, byte[] hp) {}

    private byte[] crypto; // the CRYPTO stream from offset 0, allocated once an Initial decrypts
    private final BitSet received = new BitSet();
    private int datagrams;
    private SniffResult outcome; // once decided, every later datagram gets the same answer
    private int keysVersion;
    private byte[] keysDcid;
    private Keys keys;
    private int at; // parse cursor

    /**
     * Sniffs one datagram on its own, as the first of a flow.
     *
     * @param datagram the datagram's payload (left untouched)
     * @return the name, "need more", or "none"
     */
    public static SniffResult sniff(ByteBuf datagram) {
        return new QuicInitialSniffer().offer(datagram);
    }

    /**
     * Takes the flow's next datagram (its readable bytes, left untouched): a name once the ClientHello is complete,
     * "need more" while it may still complete, and "none" for good once the flow is not QUIC or a limit is reached.
     *
     * @param datagram the datagram's payload
     * @return the name, "need more", or "none"
     */
    public SniffResult offer(ByteBuf datagram) {
        if (outcome != null) {
            return outcome;
        }
        boolean initial;
        try {
            initial = readDatagram(ByteBufUtil.getBytes(datagram));
        } catch (GeneralSecurityException e) {
            // the JDK lacks AES-GCM or HmacSHA256: no name can be found this way
            return decide(SniffResult.none());
        }
        if (!initial && crypto == null) {
            return decide(SniffResult.none()); // the flow does not start with a QUIC Initial
        }
        SniffResult hello = clientHello();
        if (hello != null) {
            return decide(hello);
        }
        return ++datagrams >= MAX_DATAGRAMS ? decide(SniffResult.none()) : SniffResult.needMore();
    }

    private SniffResult decide(SniffResult result) {
        outcome = result;
        crypto = null;
        return result;
    }

    /** The result once the gathered bytes decide it, or {@code null} while the ClientHello is incomplete. */
    private SniffResult clientHello() {
        int have = received.nextClearBit(0);
        if (have < 4) {
            return null;
        }
        if (crypto[0] != 1) {
            return SniffResult.none(); // the client's first handshake message is always a ClientHello
        }
        int need = 4 + (((crypto[1] & 0xff) << 16) | ((crypto[2] & 0xff) << 8) | (crypto[3] & 0xff));
        if (need > MAX_CRYPTO_BYTES) {
            return SniffResult.none();
        }
        if (have < need) {
            return null;
        }
        String name = TlsClientHelloSniffer.serverName(Arrays.copyOf(crypto, need));
        return name == null ? SniffResult.none() : SniffResult.found("quic", name);
    }

    /** Reads the datagram's coalesced packets; whether any was a client Initial that decrypted. */
    private boolean readDatagram(byte[] d) throws GeneralSecurityException {
        boolean initial = false;
        int p = 0;
        while (p + 7 <= d.length) {
            int first = d[p] & 0xff;
            if ((first & 0x80) == 0) {
                break; // a short header packet fills the rest of the datagram and is not an Initial
            }
            int version = u32(d, p + 1);
            if (version != VERSION_1 && version != VERSION_2) {
                break;
            }
            // packet types moved in v2 (RFC 9369 section 3.2)
            int type = (first >> 4) & 3;
            boolean isInitial = type == (version == VERSION_1 ? 0 : 1);
            boolean isRetry = type == (version == VERSION_1 ? 3 : 0);
            at = p + 5;
            int dcidLength = d[at++] & 0xff;
            if (dcidLength > MAX_CONNECTION_ID || at + dcidLength >= d.length) {
                break;
            }
            byte[] dcid = Arrays.copyOfRange(d, at, at + dcidLength);
            at += dcidLength;
            int scidLength = d[at++] & 0xff;
            if (scidLength > MAX_CONNECTION_ID || at + scidLength > d.length || isRetry) {
                break; // a Retry has no length to skip it by, and only servers send one
            }
            at += scidLength;
            if (isInitial) {
                long tokenLength = varint(d, d.length);
                if (tokenLength < 0 || tokenLength > d.length - at) {
                    break;
                }
                at += (int) tokenLength;
            }
            long length = varint(d, d.length);
            if (length < 0 || length > d.length - at) {
                break;
            }
            int end = at + (int) length;
            if (isInitial && decrypt(d, p, dcid, version, at, end)) {
                initial = true;
            }
            p = end;
        }
        return initial;
    }

    /**
     * Removes header protection from the packet at {@code start} (payload from {@code pnOffset} to {@code end}),
     * decrypts it and takes its frames; {@code false} if it does not authenticate.
     */
    private boolean decrypt(byte[] d, int start, byte[] dcid, int version, int pnOffset, int end)
            throws GeneralSecurityException {
        if (end - pnOffset < 4 + 16) {
            return false; // too short for the header protection sample (RFC 9001 section 5.4.2)
        }
        Keys k = keys(version, dcid);
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k.hp(), "AES"));
        byte[] mask = ecb.doFinal(d, pnOffset + 4, 16);
        int first = (d[start] ^ mask[0]) & 0x0f | (d[start] & 0xf0); // long header: the low 4 bits are masked
        int pnLength = (first & 3) + 1;
        byte[] header = Arrays.copyOfRange(d, start, pnOffset + pnLength);
        header[0] = (byte) first;
        long pn = 0;
        for (int i = 0; i < pnLength; i++) {
            int b = header[pnOffset - start + i] ^ mask[1 + i];
            header[pnOffset - start + i] = (byte) b;
            pn = (pn << 8) | (b & 0xff);
        }
        // a client's first packets have small numbers, so the truncated number is the full one
        byte[] nonce = k.iv().clone();
        for (int i = 0; i < 8; i++) {
            nonce[nonce.length - 1 - i] ^= (byte) (pn >>> (8 * i));
        }
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k.key(), "AES"), new GCMParameterSpec(128, nonce));
        gcm.updateAAD(header);
        byte[] plain;
        try {
            plain = gcm.doFinal(d, pnOffset + pnLength, end - pnOffset - pnLength);
        } catch (javax.crypto.AEADBadTagException e) {
            return false;
        }
        readFrames(plain);
        return true;
    }

    /** Takes the CRYPTO frames of a decrypted Initial payload, passing over PADDING, PING and ACK. */
    private void readFrames(byte[] f) {
        at = 0;
        while (at < f.length) {
            int type = f[at++] & 0xff;
            if (type == FRAME_PADDING || type == FRAME_PING) {
                continue;
            }
            if (type == FRAME_ACK || type == FRAME_ACK_ECN) {
                if (!skipAck(f, type == FRAME_ACK_ECN)) {
                    return;
                }
            } else if (type == FRAME_CRYPTO) {
                long offset = varint(f, f.length);
                long length = varint(f, f.length);
                if (offset < 0 || length < 0 || length > f.length - at) {
                    return;
                }
                take(offset, f, at, (int) length);
                at += (int) length;
            } else {
                return; // CONNECTION_CLOSE, or a frame an Initial may not carry: nothing more to learn
            }
        }
    }

    /** Skips an ACK frame's fields; {@code false} if it is truncated. Each range takes bytes, so this is bounded. */
    private boolean skipAck(byte[] f, boolean ecn) {
        long largest = varint(f, f.length);
        long delay = varint(f, f.length);
        long ranges = varint(f, f.length);
        long firstRange = varint(f, f.length);
        if (largest < 0 || delay < 0 || ranges < 0 || firstRange < 0) {
            return false;
        }
        for (long i = 0; i < ranges; i++) {
            if (varint(f, f.length) < 0 || varint(f, f.length) < 0) {
                return false;
            }
        }
        for (int i = 0; ecn && i < 3; i++) {
            if (varint(f, f.length) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Stores CRYPTO data at {@code offset}; what lies beyond {@link #MAX_CRYPTO_BYTES} is dropped. */
    private void take(long offset, byte[] src, int from, int length) {
        if (crypto == null) {
            crypto = new byte[MAX_CRYPTO_BYTES];
        }
        if (offset >= MAX_CRYPTO_BYTES || length == 0) {
            return;
        }
        int n = (int) Math.min(length, MAX_CRYPTO_BYTES - offset);
        System.arraycopy(src, from, crypto, (int) offset, n);
        received.set((int) offset, (int) offset + n);
    }

    /** A variable-length integer (RFC 9000 section 16) at the cursor, or -1 if it runs past {@code end}. */
    private long varint(byte[] b, int end) {
        if (at >= end) {
            return -1;
        }
        int length = 1 << ((b[at] & 0xff) >> 6);
        if (at + length > end) {
            return -1;
        }
        long v = b[at] & 0x3f;
        for (int i = 1; i < length; i++) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        at += length;
        return v;
    }

    private Keys keys(int version, byte[] dcid) throws GeneralSecurityException {
        if (keys == null || version != keysVersion || !Arrays.equals(dcid, keysDcid)) {
            keys = clientKeys(version, dcid);
            keysVersion = version;
            keysDcid = dcid;
        }
        return keys;
    }

    /** The client's Initial keys for a connection whose client chose {@code dcid} (RFC 9001 section 5.2). */
    static Keys clientKeys(int version, byte[] dcid) throws GeneralSecurityException {
        boolean v2 = version == VERSION_2;
        byte[] initialSecret = hmac(v2 ? SALT_V2 : SALT_V1, dcid); // HKDF-Extract
        byte[] client = expandLabel(initialSecret, "client in", 32);
        String prefix = v2 ? "quicv2 " : "quic ";
        return new Keys(
                expandLabel(client, prefix + "key", 16),
                expandLabel(client, prefix + "iv", 12),
                expandLabel(client, prefix + "hp", 16));
    }

    /** TLS 1.3's HKDF-Expand-Label with an empty context, for outputs of one SHA-256 block at most. */
    static byte[] expandLabel(byte[] secret, String label, int length) throws GeneralSecurityException {
        byte[] full = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + full.length + 1 + 1];
        info[0] = (byte) (length >> 8);
        info[1] = (byte) length;
        info[2] = (byte) full.length;
        System.arraycopy(full, 0, info, 3, full.length);
        info[3 + full.length] = 0; // context length
        info[4 + full.length] = 1; // HKDF-Expand's block counter
        return Arrays.copyOf(hmac(secret, info), length);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static int u32(byte[] d, int p) {
        return ((d[p] & 0xff) << 24) | ((d[p + 1] & 0xff) << 16) | ((d[p + 2] & 0xff) << 8) | (d[p + 3] & 0xff);
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
