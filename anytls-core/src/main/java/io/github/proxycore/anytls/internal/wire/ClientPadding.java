package io.github.proxycore.anytls.internal.wire;

import io.github.proxycore.anytls.PaddingScheme;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The padding scheme of one client (sing-anytls keeps it per client object): every session of the client reads it
 * on each padded write, so a scheme the server pushes applies to later sessions and to the live one (docs/protocol.md).
 */
public final class ClientPadding {
    private final AtomicReference<PaddingScheme> current;

    public ClientPadding(PaddingScheme initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    public PaddingScheme get() {
        return current.get();
    }

    /** Replaces the scheme if {@code raw} is valid; an invalid scheme is ignored and the old one kept. */
    public boolean update(byte[] raw) {
        Optional<PaddingScheme> parsed = PaddingScheme.parse(raw);
        parsed.ifPresent(current::set);
        return parsed.isPresent();
    }
}
