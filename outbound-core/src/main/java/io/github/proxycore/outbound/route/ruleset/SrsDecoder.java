package io.github.proxycore.outbound.route.ruleset;

import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.route.HeadlessRule;
import io.github.proxycore.config.route.RuleConditions;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes sing-box's binary rule-set format ({@code .srs}, versions 1 to 3) into the same {@link HeadlessRule}s a
 * source (JSON) rule set binds to, so both forms are compiled and matched by one engine.
 *
 * <p>The file is {@code "SRS"}, a version byte, then a zlib stream holding a uvarint rule count and the rules. A
 * default rule is a list of typed items ended by {@code 0xFF} and an invert flag; a logical rule holds a mode and
 * nested rules. Domains and domain suffixes are one succinct (LOUDS) trie of reversed names, read here back into
 * name lists; IP CIDRs are sorted address ranges, read back into prefixes.
 *
 * <p>Every length is checked against the bytes that remain before anything is allocated, the inflated size and
 * the total length of the names are capped, and nesting is bounded, so a truncated, corrupt or hostile file is
 * rejected with a {@link RuleSetFormatException} quickly and in bounded memory. Pure and thread-safe.
 */
public final class SrsDecoder {
    /** The largest inflated payload accepted; geosite-cn, the largest common set, inflates to about 2 MiB. */
    public static final int MAX_INFLATED_BYTES = 64 << 20;

    /** Cap on the summed length of all names in one domain trie: a trie of n nodes can spell O(n²) bytes. */
    static final long MAX_DOMAIN_BYTES = 32L << 20;

    private static final int MAX_DEPTH = 32;
    private static final byte[] MAGIC = {'S', 'R', 'S'};
    private static final int MAX_VERSION = 3;

    // rule item types, numbered as sing-box's common/srs numbers them
    private static final int ITEM_QUERY_TYPE = 0;
    private static final int ITEM_NETWORK = 1;
    private static final int ITEM_DOMAIN = 2;
    private static final int ITEM_DOMAIN_KEYWORD = 3;
    private static final int ITEM_DOMAIN_REGEX = 4;
    private static final int ITEM_SOURCE_IP_CIDR = 5;
    private static final int ITEM_IP_CIDR = 6;
    private static final int ITEM_SOURCE_PORT = 7;
    private static final int ITEM_SOURCE_PORT_RANGE = 8;
    private static final int ITEM_PORT = 9;
    private static final int ITEM_PORT_RANGE = 10;
    private static final int ITEM_FINAL = 0xFF;
    private static final String[] UNSUPPORTED_ITEMS = {
        "query_type",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        "process_name",
        "process_path",
        "package_name",
        "wifi_ssid",
        "wifi_bssid",
        "adguard_domain",
        "process_path_regex",
        "network_type",
        "network_is_expensive",
        "network_is_constrained",
        "network_interface_address",
        "default_interface_address"
    };

    private static final char PREFIX_LABEL = '\r';
    private static final char ROOT_LABEL = '\n';

    private SrsDecoder() {}

    /**
     * The format version of an {@code .srs} file's header, without decoding the rest.
     *
     * @param file the file's content
     * @return the version byte
     * @throws RuleSetFormatException if the file does not start with the {@code .srs} magic and a version
     */
    public static int version(byte[] file) throws RuleSetFormatException {
        checkHeader(file);
        return file[3] & 0xff;
    }

    /**
     * Decodes a whole {@code .srs} file.
     *
     * @param file the file's content
     * @return the rules
     * @throws RuleSetFormatException saying what is wrong: bad magic, an unsupported version, corrupt zlib data,
     *     a truncated or inconsistent structure, or a rule item proxycore does not support
     */
    public static List<HeadlessRule> decode(byte[] file) throws RuleSetFormatException {
        checkHeader(file);
        int version = file[3] & 0xff;
        if (version < 1 || version > MAX_VERSION) {
            throw new RuleSetFormatException(
                    "unsupported .srs version " + version + " (proxycore reads versions 1 to " + MAX_VERSION + ")");
        }
        Reader in = new Reader(inflate(file));
        long count = in.uvarint("rule count");
        in.checkCount(count, 2, "rules");
        List<HeadlessRule> rules = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            rules.add(readRule(in, 0, "rules[" + i + "]"));
        }
        if (in.remaining() != 0) {
            throw new RuleSetFormatException(in.remaining() + " unexpected bytes after the last rule");
        }
        try {
            ConfigLoader.validateRuleSet(rules, ".srs");
        } catch (ConfigException e) {
            throw new RuleSetFormatException(e.getMessage(), e);
        }
        return rules;
    }

    private static void checkHeader(byte[] file) throws RuleSetFormatException {
        if (file.length < 4) {
            throw new RuleSetFormatException("truncated: " + file.length + " bytes is shorter than the header");
        }
        if (file[0] != MAGIC[0] || file[1] != MAGIC[1] || file[2] != MAGIC[2]) {
            throw new RuleSetFormatException("not a sing-box binary rule set: the file does not start with \"SRS\"");
        }
    }

    private static byte[] inflate(byte[] file) throws RuleSetFormatException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(file, 4, file.length - 4);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(MAX_INFLATED_BYTES, file.length * 4));
            byte[] chunk = new byte[16 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0) {
                    if (inflater.needsDictionary()) {
                        throw new RuleSetFormatException("corrupt zlib data: a preset dictionary is required");
                    }
                    if (inflater.needsInput()) {
                        throw new RuleSetFormatException("truncated: the zlib stream ends early");
                    }
                }
                if (out.size() + n > MAX_INFLATED_BYTES) {
                    throw new RuleSetFormatException("inflates to more than " + MAX_INFLATED_BYTES + " bytes");
                }
                out.write(chunk, 0, n);
            }
            if (inflater.getRemaining() != 0) {
                throw new RuleSetFormatException(
                        inflater.getRemaining() + " unexpected bytes after the compressed data");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new RuleSetFormatException("corrupt zlib data: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static HeadlessRule readRule(Reader in, int depth, String at) throws RuleSetFormatException {
        if (depth >= MAX_DEPTH) {
            throw new RuleSetFormatException(at + ": logical rules nested deeper than " + MAX_DEPTH);
        }
        int type = in.u8(at + " type");
        switch (type) {
            case 0:
                return readDefaultRule(in, at);
            case 1:
                return readLogicalRule(in, depth, at);
            default:
                throw new RuleSetFormatException(at + ": unknown rule type " + type);
        }
    }

    private static HeadlessRule readLogicalRule(Reader in, int depth, String at) throws RuleSetFormatException {
        int modeByte = in.u8(at + " mode");
        HeadlessRule.LogicalMode mode;
        if (modeByte == 0) {
            mode = HeadlessRule.LogicalMode.AND;
        } else if (modeByte == 1) {
            mode = HeadlessRule.LogicalMode.OR;
        } else {
            throw new RuleSetFormatException(at + ": unknown logical mode " + modeByte);
        }
        long count = in.uvarint(at + " rule count");
        in.checkCount(count, 2, at + " rules");
        List<HeadlessRule> rules = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            rules.add(readRule(in, depth + 1, at + ".rules[" + i + "]"));
        }
        return HeadlessRule.logical(mode, rules, in.bool(at + " invert"));
    }

    private static HeadlessRule readDefaultRule(Reader in, String at) throws RuleSetFormatException {
        RuleConditions.Builder b = RuleConditions.builder();
        boolean[] seen = new boolean[256];
        while (true) {
            int item = in.u8(at + " item type");
            if (item == ITEM_FINAL) {
                return new HeadlessRule(b.build(), in.bool(at + " invert"));
            }
            if (item < UNSUPPORTED_ITEMS.length && UNSUPPORTED_ITEMS[item] != null) {
                throw new RuleSetFormatException(at + ": rule item " + UNSUPPORTED_ITEMS[item] + " (type " + item
                        + ") is not supported by proxycore");
            }
            if (seen[item]) {
                throw new RuleSetFormatException(at + ": rule item type " + item + " appears twice");
            }
            seen[item] = true;
            switch (item) {
                case ITEM_NETWORK -> b.network(in.strings(at + ".network"));
                case ITEM_DOMAIN -> readDomains(in, b, at + ".domain");
                case ITEM_DOMAIN_KEYWORD -> b.domainKeyword(in.strings(at + ".domain_keyword"));
                case ITEM_DOMAIN_REGEX -> b.domainRegex(in.strings(at + ".domain_regex"));
                case ITEM_SOURCE_IP_CIDR -> b.sourceIpCidr(readIpSet(in, at + ".source_ip_cidr"));
                case ITEM_IP_CIDR -> b.ipCidr(readIpSet(in, at + ".ip_cidr"));
                case ITEM_SOURCE_PORT -> b.sourcePort(in.ports(at + ".source_port"));
                case ITEM_SOURCE_PORT_RANGE -> b.sourcePortRange(in.strings(at + ".source_port_range"));
                case ITEM_PORT -> b.port(in.ports(at + ".port"));
                case ITEM_PORT_RANGE -> b.portRange(in.strings(at + ".port_range"));
                default -> throw new RuleSetFormatException(at + ": unknown rule item type " + item);
            }
        }
    }

    /**
     * Reads sing's succinct domain set and splits its keys back into domains and suffixes. Keys are reversed
     * names; a key beginning (once reversed back) with {@code '\n'} is a suffix that matches the name itself and
     * its subdomains, one beginning with {@code '\r'} matches names that end with the rest (always a
     * {@code ".name"} in files sing-box writes: subdomains only), any other key is an exact name.
     */
    private static void readDomains(Reader in, RuleConditions.Builder b, String at) throws RuleSetFormatException {
        in.u8(at + " set version"); // sing writes 0 and ignores it when reading
        long[] leaves = in.words(at + " leaves");
        long[] bitmap = in.words(at + " label bitmap");
        byte[] labels = in.bytes(at + " labels");
        int nodes = labels.length + 1;
        // LOUDS in breadth-first order: the k-th 0 bit is the label of node k+1, whose parent is the node whose
        // run of 0s (ended by a 1) contains it
        int[] parent = new int[nodes];
        int node = 0;
        int zeros = 0;
        long totalBits = (long) bitmap.length * 64;
        for (long bit = 0; bit < totalBits && node < nodes; bit++) {
            boolean one = (bitmap[(int) (bit >>> 6)] & (1L << (bit & 63))) != 0;
            if (node > zeros) {
                // every node but the root is created by an earlier label; this one never was
                throw new RuleSetFormatException(at + ": the label bitmap describes a node that has no label");
            }
            if (one) {
                node++;
            } else {
                if (zeros >= labels.length) {
                    throw new RuleSetFormatException(at + ": the label bitmap has more labels than the label table");
                }
                parent[++zeros] = node;
            }
        }
        if (node != nodes || zeros != labels.length) {
            throw new RuleSetFormatException(at + ": the label bitmap does not match the " + labels.length + " labels");
        }
        int[] depth = new int[nodes];
        long total = 0;
        for (int n = 1; n < nodes; n++) {
            depth[n] = depth[parent[n]] + 1;
        }
        for (int n = 0; n < nodes; n++) {
            if (isLeaf(leaves, n)) {
                total += depth[n];
            }
        }
        if (total > MAX_DOMAIN_BYTES) {
            throw new RuleSetFormatException(at + ": the names add up to more than " + MAX_DOMAIN_BYTES + " bytes");
        }
        List<String> domains = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        for (int n = 1; n < nodes; n++) {
            if (!isLeaf(leaves, n)) {
                continue;
            }
            String key = name(labels, parent, depth[n], n, at);
            char first = key.charAt(0);
            if (first == PREFIX_LABEL) {
                String rest = key.substring(1);
                if (!rest.startsWith(".") || rest.length() < 2) {
                    throw new RuleSetFormatException(at + ": unsupported bare suffix entry \"" + rest + "\"");
                }
                suffixes.add(checkName(rest, at));
            } else if (first == ROOT_LABEL) {
                suffixes.add(checkName(key.substring(1), at));
            } else {
                domains.add(checkName(key, at));
            }
        }
        b.domain(domains).domainSuffix(suffixes);
    }

    private static boolean isLeaf(long[] leaves, int node) {
        int word = node >>> 6;
        // sing only stores leaf words up to the last set bit
        return word < leaves.length && (leaves[word] & (1L << (node & 63))) != 0;
    }

    /** The name spelt from the root to {@code node}, un-reversed. */
    private static String name(byte[] labels, int[] parent, int length, int node, String at)
            throws RuleSetFormatException {
        // walking up from the node yields the reversed key backwards: the name in order, byte by byte
        byte[] bytes = new byte[length];
        boolean ascii = true;
        int i = 0;
        for (int n = node; n != 0; n = parent[n]) {
            byte label = labels[n - 1];
            ascii &= label >= 0;
            bytes[i++] = label;
        }
        if (ascii) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        // keys reverse whole UTF-8 characters, not bytes: decode the key in trie order, then reverse its characters
        byte[] key = new byte[length];
        for (int j = 0; j < length; j++) {
            key[j] = bytes[length - 1 - j];
        }
        return new StringBuilder(utf8(key, at)).reverse().toString();
    }

    private static String checkName(String name, String at) throws RuleSetFormatException {
        if (name.isEmpty() || name.indexOf(PREFIX_LABEL) >= 0 || name.indexOf(ROOT_LABEL) >= 0) {
            throw new RuleSetFormatException(at + ": malformed domain set entry \"" + name.strip() + "\"");
        }
        return name;
    }

    /** Reads netipx's IP set as sing-box stores it (inclusive ranges) and covers each range with prefixes. */
    private static List<String> readIpSet(Reader in, String at) throws RuleSetFormatException {
        int version = in.u8(at + " version");
        if (version != 1) {
            throw new RuleSetFormatException(at + ": unknown IP set version " + version);
        }
        long count = in.u64(at + " range count");
        in.checkCount(count, 10, at + " ranges");
        List<String> prefixes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] from = in.address(at);
            byte[] to = in.address(at);
            if (from.length != to.length) {
                throw new RuleSetFormatException(at + ": range " + i + " mixes IPv4 and IPv6");
            }
            BigInteger start = new BigInteger(1, from);
            BigInteger end = new BigInteger(1, to);
            if (start.compareTo(end) > 0) {
                throw new RuleSetFormatException(at + ": range " + i + " ends before it starts");
            }
            addPrefixes(start, end, from.length * 8, prefixes);
        }
        return prefixes;
    }

    /** Appends the fewest prefixes that exactly cover {@code [start, end]}. */
    private static void addPrefixes(BigInteger start, BigInteger end, int width, List<String> out) {
        BigInteger next = start;
        while (next.compareTo(end) <= 0) {
            // the largest aligned block at next that stays inside the range
            int size = next.signum() == 0 ? width : Math.min(width, next.getLowestSetBit());
            while (size > 0
                    && next.add(BigInteger.ONE.shiftLeft(size))
                                    .subtract(BigInteger.ONE)
                                    .compareTo(end)
                            > 0) {
                size--;
            }
            out.add(format(next, width) + "/" + (width - size));
            next = next.add(BigInteger.ONE.shiftLeft(size));
        }
    }

    private static String format(BigInteger value, int width) {
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[width / 8];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        if (width == 128 && isIpv4Mapped(bytes)) {
            // Java would print an IPv4-mapped address as plain IPv4, which a /128 does not fit
            return "::ffff:" + (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "."
                    + (bytes[15] & 0xff);
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    /** {@code bytes} as UTF-8 text, refusing malformed input instead of replacing it. */
    static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    private static String utf8(byte[] bytes, String at) throws RuleSetFormatException {
        try {
            return strictUtf8(bytes);
        } catch (CharacterCodingException e) {
            throw new RuleSetFormatException(at + ": a string is not valid UTF-8");
        }
    }

    /** A cursor over the inflated payload; every read is checked against what remains. */
    private static final class Reader {
        private final byte[] data;
        private int pos;

        Reader(byte[] data) {
            this.data = data;
        }

        int remaining() {
            return data.length - pos;
        }

        private void need(long n, String what) throws RuleSetFormatException {
            if (n > remaining()) {
                throw new RuleSetFormatException(
                        "truncated: " + what + " needs " + n + " bytes, " + remaining() + " remain");
            }
        }

        /** Rejects a count whose elements, at {@code minBytes} each, cannot fit in what remains. */
        void checkCount(long count, int minBytes, String what) throws RuleSetFormatException {
            if (count < 0 || count > remaining() / minBytes) {
                throw new RuleSetFormatException("bad length: " + Long.toUnsignedString(count) + " " + what
                        + " cannot fit in the " + remaining() + " bytes that remain");
            }
        }

        int u8(String what) throws RuleSetFormatException {
            need(1, what);
            return data[pos++] & 0xff;
        }

        boolean bool(String what) throws RuleSetFormatException {
            int b = u8(what);
            if (b > 1) {
                throw new RuleSetFormatException(what + ": expected 0 or 1, got " + b);
            }
            return b == 1;
        }

        long u64(String what) throws RuleSetFormatException {
            need(8, what);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (data[pos++] & 0xff);
            }
            return v;
        }

        /** Go's binary.ReadUvarint: at most 10 bytes, overflow rejected. */
        long uvarint(String what) throws RuleSetFormatException {
            long value = 0;
            for (int shift = 0, i = 0; ; shift += 7, i++) {
                int b = u8(what);
                if (i == 9 && b > 1) {
                    throw new RuleSetFormatException(what + ": varint overflows 64 bits");
                }
                value |= (long) (b & 0x7f) << shift;
                if (b < 0x80) {
                    return value;
                }
            }
        }

        byte[] bytes(String what) throws RuleSetFormatException {
            long n = uvarint(what);
            checkCount(n, 1, what);
            byte[] out = new byte[(int) n];
            System.arraycopy(data, pos, out, 0, out.length);
            pos += out.length;
            return out;
        }

        long[] words(String what) throws RuleSetFormatException {
            long n = uvarint(what);
            checkCount(n, 8, what);
            long[] out = new long[(int) n];
            for (int i = 0; i < out.length; i++) {
                out[i] = u64(what);
            }
            return out;
        }

        List<String> strings(String what) throws RuleSetFormatException {
            long n = uvarint(what + " count");
            checkCount(n, 1, what);
            List<String> out = new ArrayList<>((int) n);
            for (int i = 0; i < n; i++) {
                out.add(utf8(bytes(what + "[" + i + "]"), what));
            }
            return out;
        }

        List<Integer> ports(String what) throws RuleSetFormatException {
            long n = uvarint(what + " count");
            checkCount(n, 2, what);
            List<Integer> out = new ArrayList<>((int) n);
            for (int i = 0; i < n; i++) {
                out.add((u8(what) << 8) | u8(what));
            }
            return out;
        }

        byte[] address(String what) throws RuleSetFormatException {
            byte[] address = bytes(what + " address");
            if (address.length != 4 && address.length != 16) {
                throw new RuleSetFormatException(what + ": an address of " + address.length + " bytes");
            }
            return address;
        }
    }
}
