package io.github.proxycore.config.inbound;

/**
 * A user of the {@code anytls} inbound; {@code name} is for logs, {@code password} authenticates.
 *
 * @param name the user's name ({@code name}), or {@code null}
 * @param password the password ({@code password}); distinct among the inbound's users, never printed
 */
public record AnyTlsUser(String name, String password) {
    @Override
    public String toString() {
        return "AnyTlsUser[name=" + name + ", password=<redacted>]";
    }
}
