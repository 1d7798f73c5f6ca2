package io.github.proxycore.config.inbound;

/** A user of the {@code anytls} inbound; {@code name} is for logs, {@code password} authenticates. */
public record AnyTlsUser(String name, String password) {
    @Override
    public String toString() {
        return "AnyTlsUser[name=" + name + ", password=<redacted>]";
    }
}
