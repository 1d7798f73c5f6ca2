package io.github.proxycore.outbound.route.ruleset;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A test-only writer of the {@code .srs} layout, written from the format description, to build vectors the
 * published files do not have (version 3, logical rules, ports, every item kind) and malformed variants of them.
 */
final class SrsWriter {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    static byte[] file(int version, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'S', 'R', 'S', (byte) version});
        out.writeBytes(zlib(payload));
        return out.toByteArray();
    }

    static byte[] zlib(byte[] payload) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(compressed, new Deflater(9))) {
            z.write(payload);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return compressed.toByteArray();
    }

    byte[] bytes() {
        return body.toByteArray();
    }

    SrsWriter u8(int b) {
        body.write(b);
        return this;
    }

    SrsWriter uvarint(long v) {
        while ((v & ~0x7fL) != 0) {
            body.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        body.write((int) v);
        return this;
    }

    SrsWriter u64(long v) {
        for (int i = 7; i >= 0; i--) {
            body.write((int) (v >>> (i * 8)));
        }
        return this;
    }

    SrsWriter raw(byte[] bytes) {
        body.writeBytes(bytes);
        return this;
    }

    SrsWriter strings(int item, String... values) {
        u8(item).uvarint(values.length);
        for (String s : values) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            uvarint(b.length).raw(b);
        }
        return this;
    }

    SrsWriter ports(int item, int... ports) {
        u8(item).uvarint(ports.length);
        for (int p : ports) {
            u8(p >>> 8).u8(p & 0xff);
        }
        return this;
    }

    /** An IP set item of inclusive {from, to} address pairs. */
    SrsWriter ipRanges(int item, String... fromTo) throws Exception {
        u8(item).u8(1).u64(fromTo.length / 2);
        for (String a : fromTo) {
            byte[] address = InetAddress.getByName(a).getAddress();
            uvarint(address.length).raw(address);
        }
        return this;
    }

    /** The domain item: sing's succinct set over the keys a new-style matcher writes. */
    SrsWriter domains(List<String> exact, List<String> suffixes) {
        TreeSet<String> keys = new TreeSet<>();
        for (String s : suffixes) {
            keys.add(reverse(s.startsWith(".") ? "\r" + s : "\n" + s));
        }
        for (String d : exact) {
            keys.add(reverse(d));
        }
        return u8(2).succinct(new ArrayList<>(keys));
    }

    /** A domain item over raw keys (already reversed and marked). */
    SrsWriter succinctItem(List<String> sortedKeys) {
        return u8(2).succinct(sortedKeys);
    }

    /** Builds the breadth-first LOUDS trie of sorted keys (bytes), as sing stores it. */
    SrsWriter succinct(List<String> sortedKeys) {
        List<byte[]> keys = new ArrayList<>();
        for (String k : sortedKeys) {
            keys.add(k.getBytes(StandardCharsets.UTF_8));
        }
        List<int[]> queue = new ArrayList<>(); // {start, end, column}
        queue.add(new int[] {0, keys.size(), 0});
        List<Boolean> leaves = new ArrayList<>();
        List<Boolean> bitmap = new ArrayList<>();
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        for (int i = 0; i < queue.size(); i++) {
            int[] e = queue.get(i);
            int s = e[0];
            boolean leaf = s < e[1] && keys.get(s).length == e[2];
            leaves.add(leaf);
            if (leaf) {
                s++;
            }
            for (int j = s; j < e[1]; ) {
                int from = j;
                byte c = keys.get(from)[e[2]];
                while (j < e[1] && keys.get(j)[e[2]] == c) {
                    j++;
                }
                queue.add(new int[] {from, j, e[2] + 1});
                labels.write(c);
                bitmap.add(false);
            }
            bitmap.add(true);
        }
        u8(0);
        words(leaves, true);
        words(bitmap, false);
        byte[] l = labels.toByteArray();
        return uvarint(l.length).raw(l);
    }

    private void words(List<Boolean> bits, boolean trimTrailingZeroWords) {
        int last = bits.lastIndexOf(true);
        int count = trimTrailingZeroWords ? (last < 0 ? 0 : last / 64 + 1) : (bits.size() + 63) / 64;
        uvarint(count);
        for (int w = 0; w < count; w++) {
            long word = 0;
            for (int b = 0; b < 64; b++) {
                int i = w * 64 + b;
                if (i < bits.size() && bits.get(i)) {
                    word |= 1L << b;
                }
            }
            u64(word);
        }
    }

    static String reverse(String s) {
        return new StringBuilder(s).reverse().toString();
    }
}
