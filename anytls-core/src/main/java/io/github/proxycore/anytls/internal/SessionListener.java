package io.github.proxycore.anytls.internal;

/** What a client session tells its owner (the pool); called on the session's event loop. */
public interface SessionListener {
    /** A stream of {@code session} closed; the session may be alive and idle again. */
    void streamClosed(ClientSession session);

    /** {@code session} closed. */
    void sessionClosed(ClientSession session);

    /** A listener that ignores everything. */
    SessionListener NONE = new SessionListener() {
        @Override
        public void streamClosed(ClientSession session) {}

        @Override
        public void sessionClosed(ClientSession session) {}
    };
}
