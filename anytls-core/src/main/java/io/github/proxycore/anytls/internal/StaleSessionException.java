package io.github.proxycore.anytls.internal;

import java.io.IOException;

/**
 * A stream opened on a session from the idle set failed because that session turned out dead before the server
 * replied to the stream (a reset, a close, or the SYNACK watchdog). Nothing reached the destination, so the outbound
 * retries the stream once on a fresh session instead of failing the caller.
 */
public final class StaleSessionException extends IOException {
    private static final long serialVersionUID = 1L;

    public StaleSessionException(String message) {
        super(message);
    }
}
