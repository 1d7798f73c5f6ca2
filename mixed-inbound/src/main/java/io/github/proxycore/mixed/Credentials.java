package io.github.proxycore.mixed;

import io.github.proxycore.config.inbound.MixedUser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/** The mixed inbound's users; checks take the same time whether the name or the password is wrong. */
final class Credentials {
    private final List<MixedUser> users;

    Credentials(List<MixedUser> users) {
        this.users = List.copyOf(users);
    }

    /** Whether authentication is required at all. */
    boolean required() {
        return !users.isEmpty();
    }

    boolean accepts(String username, String password) {
        byte[] name = bytes(username);
        byte[] secret = bytes(password);
        boolean accepted = false;
        for (MixedUser user : users) {
            // compare every user fully (no early exit) so timing says nothing about which part matched
            boolean nameMatches = MessageDigest.isEqual(name, bytes(user.username()));
            boolean passwordMatches = MessageDigest.isEqual(secret, bytes(user.password()));
            accepted |= nameMatches & passwordMatches;
        }
        return accepted;
    }

    private static byte[] bytes(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
