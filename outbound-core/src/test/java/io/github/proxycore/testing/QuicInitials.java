package io.github.proxycore.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds protected QUIC client Initial packets (RFC 9001 section 5) the way a client would, for tests of the QUIC
 * sniffer. Its key schedule is written here on its own, so that a mistake in the sniffer's is not shared.
 */
public final class QuicInitials {
    public static final int V1 = 0x00000001;
    public static final int V2 = 0x6b3343cf;

    private QuicInitials() {}

    /** A CRYPTO frame carrying {@code data[from, to)} at its offset in the stream, {@code from}. */
    public static byte[] cryptoFrame(byte[] data, int from, int to) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x06);
        writeVarint(f, from);
        writeVarint(f, to - from);
        f.write(data, from, to - from);
        return f.toByteArray();
    }

    /**
     * {@code hello} in {@code packets} Initial packets of roughly equal parts, packet numbers 0, 1, …, each padded
     * to 1200 bytes as a client pads the datagrams that carry Initials.
     */
    public static List<byte[]> split(int version, byte[] dcid, byte[] hello, int packets) throws Exception {
        List<byte[]> out = new ArrayList<>();
        int step = (hello.length + packets - 1) / packets;
        for (int i = 0; i < packets; i++) {
            int from = Math.min(hello.length, i * step);
            int to = Math.min(hello.length, from + step);
            out.add(initial(version, dcid, i, cryptoFrame(hello, from, to), 1200));
        }
        return out;
    }

    /** A protected client Initial carrying {@code frames}, padded with PADDING frames to {@code size} bytes. */
    public static byte[] initial(int version, byte[] dcid, long packetNumber, byte[] frames, int size)
            throws Exception {
        int pnLength = 2;
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        int type = version == V2 ? 1 : 0;
        h.write(0xc0 | (type << 4) | (pnLength - 1));
        h.write(version >>> 24);
        h.write(version >>> 16);
        h.write(version >>> 8);
        h.write(version);
        h.write(dcid.length);
        h.write(dcid, 0, dcid.length);
        h.write(0); // no source connection id
        h.write(0); // no token
        int fixed = h.size() + 2 + pnLength + 16; // two-byte Length field, packet number, AEAD tag
        int plainLength = Math.max(frames.length, Math.max(4, size - fixed));
        h.write(0x40 | ((pnLength + plainLength + 16) >> 8));
        h.write(pnLength + plainLength + 16);
        int pnOffset = h.size();
        h.write((int) (packetNumber >> 8));
        h.write((int) packetNumber);
        byte[] header = h.toByteArray();
        byte[] plain = Arrays.copyOf(frames, plainLength); // zeros are PADDING frames

        byte[][] keys = keys(version, dcid);
        byte[] nonce = keys[1].clone();
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] ^= (byte) (packetNumber >>> (8 * i));
        }
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys[0], "AES"), new GCMParameterSpec(128, nonce));
        gcm.updateAAD(header);
        byte[] sealed = gcm.doFinal(plain);

        byte[] packet = new byte[header.length + sealed.length];
        System.arraycopy(header, 0, packet, 0, header.length);
        System.arraycopy(sealed, 0, packet, header.length, sealed.length);
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys[2], "AES"));
        byte[] mask = ecb.doFinal(packet, pnOffset + 4, 16);
        packet[0] ^= (byte) (mask[0] & 0x0f);
        for (int i = 0; i < pnLength; i++) {
            packet[pnOffset + i] ^= mask[1 + i];
        }
        return packet;
    }

    /** Concatenates packets, as a client coalesces them into one datagram. */
    public static byte[] coalesce(byte[]... packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : packets) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    /** key, iv, hp of the client's Initial secret. */
    private static byte[][] keys(int version, byte[] dcid) throws Exception {
        HexFormat hex = HexFormat.of();
        byte[] salt = hex.parseHex(
                version == V2
                        ? "0dede3def700a6db819381be6e269dcbf9bd2ed9"
                        : "38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
        String v = version == V2 ? "quicv2 " : "quic ";
        byte[] client = label(hmac(salt, dcid), "client in", 32);
        return new byte[][] {label(client, v + "key", 16), label(client, v + "iv", 12), label(client, v + "hp", 16)};
    }

    private static byte[] label(byte[] secret, String label, int length) throws Exception {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        byte[] l = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        info.write(length >> 8);
        info.write(length);
        info.write(l.length);
        info.write(l, 0, l.length);
        info.write(0);
        info.write(1);
        return Arrays.copyOf(hmac(secret, info.toByteArray()), length);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        if (v < 64) {
            out.write((int) v);
        } else if (v < 16384) {
            out.write(0x40 | (int) (v >> 8));
            out.write((int) v);
        } else {
            out.write(0x80 | (int) (v >> 24));
            out.write((int) (v >> 16));
            out.write((int) (v >> 8));
            out.write((int) v);
        }
    }
}
