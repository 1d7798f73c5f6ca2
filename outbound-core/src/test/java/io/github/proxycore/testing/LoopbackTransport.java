package io.github.proxycore.testing;

import io.github.proxycore.outbound.Transport;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Event loops for a test class's loopback servers and clients: started before the class's {@code @BeforeAll} methods,
 * closed after its {@code @AfterAll} methods (so servers the class closes there still have their loops).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LoopbackTransport LOOPBACK = new LoopbackTransport(2);
 * }</pre>
 */
public class LoopbackTransport implements BeforeAllCallback, AfterAllCallback {
    private final int threads;
    private Transport transport;

    /** Loops with {@code threads} threads. */
    public LoopbackTransport(int threads) {
        this.threads = threads;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        transport = Transport.create(threads);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (transport != null) {
            transport.close();
            transport = null;
        }
    }

    /** The loops; only between the class's first and last test. */
    public Transport transport() {
        if (transport == null) {
            throw new IllegalStateException("register the extension on a static field (@RegisterExtension)");
        }
        return transport;
    }
}
