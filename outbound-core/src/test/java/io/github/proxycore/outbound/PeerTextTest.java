package io.github.proxycore.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeerTextTest {
    @Test
    void controlCharactersAreEscapedSoNoLineCanBeForged() {
        assertThat(PeerText.printable("refused\r\n12:00:00 [INFO] forged\u0000\u007f\u0085\u2028"))
                .isEqualTo("refused\\x0d\\x0a12:00:00 [INFO] forged\\x00\\x7f\\x85\\u2028");
        assertThat(PeerText.printable("dial tcp 127.0.0.1:1: connection refused, bücher"))
                .isEqualTo("dial tcp 127.0.0.1:1: connection refused, bücher");
    }

    @Test
    void longTextIsCut() {
        String cut = PeerText.printable("x".repeat(10_000));
        assertThat(cut).hasSize(PeerText.MAX_LENGTH + 1).endsWith("…");
    }
}
