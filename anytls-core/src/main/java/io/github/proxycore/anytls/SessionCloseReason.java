package io.github.proxycore.anytls;

/** Why a pooled AnyTLS session closed; the labels are the names metrics use. */
public enum SessionCloseReason {
    /** Idle longer than {@code idle_session_timeout} and not protected by the idle floor. */
    IDLE_TIMEOUT("idle_timeout"),
    /** Past its lifetime ({@code max_connection_lifetime} ± jitter): closed idle, at checkout, or after its stream. */
    MAX_AGE("max_age"),
    /** The server stopped answering heartbeats. */
    HEARTBEAT_TIMEOUT("heartbeat_timeout"),
    /** The server (or something on the path) closed the connection, or sent an Alert. */
    REMOTE("remote"),
    /** A local failure: an I/O or TLS error, malformed frames, the SYNACK watchdog. */
    ERROR("error"),
    /** The outbound was closed. */
    SHUTDOWN("shutdown");

    private final String label;

    SessionCloseReason(String label) {
        this.label = label;
    }

    /** {@return the snake-case name, e.g. {@code idle_timeout}} */
    public String label() {
        return label;
    }
}
