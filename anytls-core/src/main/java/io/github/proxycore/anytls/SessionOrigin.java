package io.github.proxycore.anytls;

/** Why a session was created. */
public enum SessionOrigin {
    /** For a dial that found no usable idle session. */
    DEMAND("demand"),
    /** By the housekeeper, to keep {@code ensure_idle_session} sessions idle (pre-warming). */
    ENSURE("ensure");

    private final String label;

    SessionOrigin(String label) {
        this.label = label;
    }

    /** {@return the lower-case name metrics use} */
    public String label() {
        return label;
    }
}
