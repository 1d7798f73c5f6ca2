package io.github.proxycore.anytls.internal;

import io.github.proxycore.config.route.IpPrefix;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * Everything anytls-core does with BouncyCastle, in one class that is loaded only when {@link BouncyCastle#available()}
 * (so a host without BouncyCastle never links it). Nothing here registers a security provider: the BouncyCastle
 * provider is a private instance.
 */
final class BcSupport {
    private BcSupport() {}

    /** The private BouncyCastle provider, built on first use (it registers many algorithms: tens of ms). */
    private static final class Bc {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }

    /** The certificates in {@code encoded} (PEM or DER), parsed by BouncyCastle. */
    static List<X509Certificate> certificates(byte[] encoded) throws CertificateException {
        Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509", Bc.PROVIDER)
                .generateCertificates(new ByteArrayInputStream(encoded));
        List<X509Certificate> out = new ArrayList<>(all.size());
        for (var c : all) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    /**
     * The first unencrypted private key in {@code pem}, in any form BouncyCastle's PEM parser reads (PKCS#8, or the
     * traditional RSA and EC forms), or {@code null} if there is none.
     */
    static PrivateKey privateKey(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        }
        return null;
    }

    /**
     * A self-signed certificate of {@code keys} (EC) for {@code names} (the first is also the subject CN), valid from an
     * hour ago for {@code validity}.
     */
    static X509Certificate selfSigned(List<String> names, Duration validity, KeyPair keys)
            throws GeneralSecurityException, IOException {
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + names.get(0).replaceAll("[,=+<>#;\"\\\\]", "_"));
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                subject,
                new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(validity)),
                subject,
                keys.getPublic());
        Set<GeneralName> alternatives = new LinkedHashSet<>();
        for (String name : names) {
            alternatives.add(
                    IpPrefix.parseAddress(name) != null // an IP literal (no lookup)
                            ? new GeneralName(GeneralName.iPAddress, name)
                            : new GeneralName(GeneralName.dNSName, name));
        }
        builder.addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(new ArrayList<>(alternatives).toArray(new GeneralName[0])));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
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
