package io.github.proxycore.anytls.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server's users, keyed by SHA-256 of their passwords (docs/protocol.md, auth preamble). A lookup compares the
 * presented hash with every user's in constant time and never stops early, so timing reveals neither which user matched
 * nor how much of a hash was right.
 */
public final class Passwords {
    private final List<byte[]> hashes = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    /** @param users (name, password) pairs */
    public Passwords(List<Map.Entry<String, String>> users) {
        for (Map.Entry<String, String> user : users) {
            names.add(user.getKey());
            hashes.add(sha256(user.getValue()));
        }
    }

    /** SHA-256 of the UTF-8 bytes of {@code password}, as the preamble carries it. */
    public static byte[] sha256(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is a required JDK algorithm", e);
        }
    }

    /** The name of the user whose password hashes to {@code hash}, or {@code null}. */
    public String authenticate(byte[] hash) {
        String match = null;
        for (int i = 0; i < hashes.size(); i++) {
            if (MessageDigest.isEqual(hashes.get(i), hash) & match == null) {
                match = names.get(i);
            }
        }
        return match;
    }
}
