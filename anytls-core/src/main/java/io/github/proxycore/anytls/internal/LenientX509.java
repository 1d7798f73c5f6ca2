package io.github.proxycore.anytls.internal;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * Certificates the JDK's X.509 parser rejects, and a TLS engine that accepts them.
 *
 * <p>Go's crypto/x509 writes, and anytls-go serves, self-signed certificates with an empty issuer and subject and a
 * critical subject alternative name holding one empty DNS name. The JDK refuses an empty issuer ("Empty issuer DN not
 * allowed in X509Certificates") while its TLS engine parses the server's certificate, before any trust manager runs;
 * BouncyCastle parses it. Nothing here registers a provider: the BouncyCastle provider is a private instance.
 */
final class LenientX509 {
    private LenientX509() {}

    /** The private BouncyCastle provider, built on first use (it registers many algorithms: tens of ms). */
    private static final class Bc {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }

    /**
     * The certificates in {@code encoded} (PEM or DER): parsed by the JDK, or by BouncyCastle where the JDK refuses
     * the encoding, so a pinned anytls-go certificate loads.
     */
    static List<X509Certificate> parse(byte[] encoded) throws CertificateException {
        try {
            return parse(CertificateFactory.getInstance("X.509"), encoded);
        } catch (CertificateParsingException jdkRefused) {
            try {
                return parse(CertificateFactory.getInstance("X.509", Bc.PROVIDER), encoded);
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
     * providers: key exchange, HKDF and the record ciphers (AES-GCM from SunJCE, with its intrinsics). Only
     * signatures the JDK names differently (RSA-PSS as BouncyCastle asks for it) come from BouncyCastle: they sign
     * and verify the handshake, never the data.
     */
    static Provider jsseProvider() {
        JcaTlsCryptoProvider crypto = new JcaTlsCryptoProvider() {
            private final JcaJceHelper helper = new JdkFirstHelper();

            @Override
            public JcaJceHelper getHelper() {
                return helper;
            }
        };
        return new BouncyCastleJsseProvider(false, crypto);
    }

    /** The JDK's providers, with BouncyCastle's certificate parser and its names for the signatures the JDK lacks. */
    static final class JdkFirstHelper extends DefaultJcaJceHelper {
        @Override
        public CertificateFactory createCertificateFactory(String type) throws CertificateException {
            return CertificateFactory.getInstance(type, Bc.PROVIDER);
        }

        @Override
        public Signature createSignature(String algorithm) throws NoSuchAlgorithmException {
            try {
                return Signature.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                return Signature.getInstance(algorithm, Bc.PROVIDER);
            }
        }

        @Override
        public SecureRandom createSecureRandom(String algorithm) throws NoSuchAlgorithmException {
            try {
                return super.createSecureRandom(algorithm);
            } catch (GeneralSecurityException e) {
                // BouncyCastle asks for its own names ("DEFAULT"); the JDK's strong default serves
                return new SecureRandom();
            }
        }
    }
}
