package io.github.proxycore.anytls;

import io.github.proxycore.testing.LoopbackTransport;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The loops of {@link LoopbackTransport} and a certificate for 127.0.0.1 that servers present and clients pin: the
 * setup AnyTLS tests share.
 */
final class LoopbackTls extends LoopbackTransport {
    private SelfSignedCertificate cert;

    LoopbackTls(int threads) {
        super(threads);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        super.beforeAll(context);
        cert = SelfSignedCertificate.forLoopback();
    }

    /** The certificate; servers present it, clients pin {@link SelfSignedCertificate#certificatePem()}. */
    SelfSignedCertificate cert() {
        return cert;
    }
}
