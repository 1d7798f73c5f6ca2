package io.github.proxycore.anytls.internal;

/**
 * What an outbound has learned of its server's protocol version, shared by its sessions: once a session has found a
 * v1 server (no ServerSettings within the grace), later sessions confirm their first stream at once instead of
 * waiting the grace again; a ServerSettings {@code v=2} on any session switches back. Thread-safe.
 */
public final class ServerVersion {
    private volatile int known;

    /** Whether a session found the server to be v1 and none has seen v2 since. */
    public boolean isV1() {
        return known == 1;
    }

    void sawV1() {
        known = 1;
    }

    void sawV2() {
        known = 2;
    }
}
