package io.github.proxycore.anytls.internal;

import java.io.ByteArrayInputStream;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Certificates the JDK's X.509 parser rejects, and a TLS engine that accepts them.
 *
 * <p>Go's crypto/x509 writes, and anytls-go serves, self-signed certificates with an empty issuer and subject and a
 * critical subject alternative name holding one empty DNS name. The JDK refuses an empty issuer ("Empty issuer DN not
 * allowed in X509Certificates") while its TLS engine parses the server's certificate, before any trust manager runs;
 * BouncyCastle parses it. Both need BouncyCastle ({@link BcSupport}); without it such certificates are refused with a
 * message that says so.
 */
final class LenientX509 {
    /**
     * BouncyCastle's TLS engine logs through java.util.logging: every alert at INFO with its stack trace, and warnings
     * about JDK security properties it does not read. Set to SEVERE when the engine is first built, unless the host
     * chose a level for it. Held here: java.util.logging keeps loggers weakly.
     */
    private static final Logger BC_JSSE = Logger.getLogger("org.bouncycastle.jsse");

    private LenientX509() {}

    /**
     * The certificates in {@code encoded} (PEM or DER): parsed by the JDK, or by BouncyCastle where the JDK refuses
     * the encoding, so a pinned anytls-go certificate loads.
     */
    static List<X509Certificate> parse(byte[] encoded) throws CertificateException {
        try {
            return parse(CertificateFactory.getInstance("X.509"), encoded);
        } catch (CertificateParsingException jdkRefused) {
            if (!BouncyCastle.available()) {
                throw new CertificateParsingException(
                        jdkRefused.getMessage() + "; " + BouncyCastle.needed("reading such a certificate"), jdkRefused);
            }
            try {
                return BcSupport.certificates(encoded);
            } catch (CertificateException e) {
                e.addSuppressed(jdkRefused);
                throw e;
            }
        }
    }

    private static List<X509Certificate> parse(CertificateFactory factory, byte[] encoded) throws CertificateException {
        Collection<? extends java.security.cert.Certificate> all =
                factory.generateCertificates(new ByteArrayInputStream(encoded));
        List<X509Certificate> out = new ArrayList<>(all.size());
        for (var c : all) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    /**
     * A JSSE provider whose TLS engine parses certificates with BouncyCastle and does everything else with the JDK's
     * providers (see {@link BcSupport#jsseProvider()}).
     *
     * @throws IllegalStateException naming the missing jars when BouncyCastle is not on the class path
     */
    static Provider jsseProvider() {
        if (!BouncyCastle.available()) {
            throw new IllegalStateException(BouncyCastle.needed("the lenient TLS engine"));
        }
        synchronized (BC_JSSE) {
            if (BC_JSSE.getLevel() == null) {
                BC_JSSE.setLevel(Level.SEVERE);
            }
        }
        return BcSupport.jsseProvider();
    }
}
