package io.github.proxycore.anytls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.outbound.BlockedException;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DialException;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** SYNACK error texts say what kind of failure it was and nothing of the server (issue 14). */
class DialErrorsTest {
    private static final Destination TARGET = Destination.of("127.0.0.1", 1);

    private static DialException wrapped(Throwable cause) {
        return new DialException("secret-exit-7", "direct", TARGET, "via rule 3: " + cause.getMessage(), cause);
    }

    @Test
    void failuresAreNamedGenerically() {
        assertThat(DialErrors.text(TARGET, wrapped(new ConnectException("Connection refused: /127.0.0.1:1"))))
                .isEqualTo("dial tcp 127.0.0.1:1: connect: connection refused");
        assertThat(DialErrors.text(TARGET, wrapped(new ConnectTimeoutException("connection timed out after 5000 ms"))))
                .isEqualTo("dial tcp 127.0.0.1:1: i/o timeout");
        assertThat(DialErrors.text(TARGET, new NoRouteToHostException("No route to host")))
                .isEqualTo("dial tcp 127.0.0.1:1: connect: network is unreachable");
        assertThat(DialErrors.text(TARGET, new ConnectException("finishConnect(..) failed: Network is unreachable")))
                .isEqualTo("dial tcp 127.0.0.1:1: connect: network is unreachable");
        assertThat(DialErrors.text(TARGET, wrapped(new UnknownHostException("internal.corp.example"))))
                .isEqualTo("dial tcp 127.0.0.1:1: no such host");
        assertThat(DialErrors.text(TARGET, new BlockedException("block-7", "block", TARGET)))
                .isEqualTo("dial tcp 127.0.0.1:1: connect: connection refused");
        assertThat(DialErrors.text(TARGET, null)).isEqualTo("dial tcp 127.0.0.1:1: failed");
    }

    @Test
    void noTagOrExceptionTextLeaks() {
        String text = DialErrors.text(TARGET, wrapped(new IllegalStateException("pool exhausted at 10.0.0.5:3128")));
        assertThat(text)
                .isEqualTo("dial tcp 127.0.0.1:1: failed")
                .doesNotContain("secret")
                .doesNotContain("10.0.0.5");
    }
}
