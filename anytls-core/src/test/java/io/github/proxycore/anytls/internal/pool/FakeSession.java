package io.github.proxycore.anytls.internal.pool;

import io.github.proxycore.anytls.SessionCloseReason;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A session for pool tests: alive until retired or killed, and it remembers why it was retired. */
final class FakeSession implements PooledSession {
    final long seq;
    final List<SessionCloseReason> retired = new CopyOnWriteArrayList<>();
    private volatile boolean active = true;
    /** Whether it runs on the calling thread's event loop, as far as checkout asks. */
    volatile boolean local;

    FakeSession(long seq) {
        this.seq = seq;
    }

    @Override
    public long seq() {
        return seq;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public boolean inCallersLoop() {
        return local;
    }

    @Override
    public void retire(SessionCloseReason reason) {
        retired.add(reason);
        active = false;
    }

    /** The peer closed it (the pool hears of it through {@link SessionPool#removed}). */
    void kill() {
        active = false;
    }

    @Override
    public String toString() {
        return "FakeSession[" + seq + "]";
    }
}
