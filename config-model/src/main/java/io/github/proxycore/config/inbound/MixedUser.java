package io.github.proxycore.config.inbound;

/**
 * A user of the {@code mixed} inbound (SOCKS5 username/password and HTTP Basic proxy authentication).
 *
 * @param username the user name ({@code username})
 * @param password the password ({@code password}); never printed
 */
public record MixedUser(String username, String password) {
    @Override
    public String toString() {
        return "MixedUser[username=" + username + ", password=<redacted>]";
    }
}
