package io.github.proxycore.anytls;

import io.github.proxycore.config.route.IpPrefix;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate and its private key (EC P-256), for an AnyTLS server on loopback, a demo or a test.
 * Clients trust it by pinning it ({@code tls.certificate} / {@code certificate_path}). BouncyCastle builds the
 * certificate; the key is the JDK's.
 *
 * <pre>{@code
 * SelfSignedCertificate cert = SelfSignedCertificate.generate("localhost", "127.0.0.1", "::1");
 * cert.certificatePem();  // "-----BEGIN CERTIFICATE-----..."
 * cert.privateKeyPem();   // "-----BEGIN PRIVATE KEY-----..." (PKCS#8)
 * }</pre>
 */
public final class SelfSignedCertificate {
    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final String certificatePem;
    private final String privateKeyPem;

    private SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.certificatePem = pem(certificate);
        this.privateKeyPem = pem(privateKey);
    }

    /** {@return a certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, valid for a year} */
    public static SelfSignedCertificate forLoopback() {
        return generate(List.of("localhost", "127.0.0.1", "::1"), Duration.ofDays(365));
    }

    /**
     * A certificate whose subject alternative names are {@code names} (host names or IP literals).
     *
     * @param names host names or IP literals; the first is also the subject CN
     * @return the certificate, valid for a year
     * @throws IllegalArgumentException if there is no name
     */
    public static SelfSignedCertificate generate(String... names) {
        return generate(List.of(names), Duration.ofDays(365));
    }

    /**
     * A certificate for {@code names} (the first is also the subject CN), valid from an hour ago for
     * {@code validity}.
     * @param names host names or IP literals, at least one
     * @param validity how long it is valid from now
     * @return the certificate
     * @throws IllegalArgumentException if there is no name
     */
    public static SelfSignedCertificate generate(List<String> names, Duration validity) {
        Objects.requireNonNull(names, "names");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("at least one name is needed");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
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
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new SelfSignedCertificate(certificate, keys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate", e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(
                    object instanceof PrivateKey key
                            ? new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", key.getEncoded())
                            : object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** {@return the certificate: an EC P-256 key, signed with its own key} */
    public X509Certificate certificate() {
        return certificate;
    }

    /** {@return the private key; never log it} */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** {@return the certificate in PEM} */
    public String certificatePem() {
        return certificatePem;
    }

    /** {@return the private key in PEM (PKCS#8, unencrypted); never log it} */
    public String privateKeyPem() {
        return privateKeyPem;
    }

    /**
     * Writes {@code <name>.crt} and {@code <name>.key} into {@code directory} and returns their paths (certificate
     * first). The key file is readable by its owner only where the file system supports that.
     *
     * @param directory the directory; created if missing
     * @param name the files' base name
     * @return the certificate file, then the key file
     * @throws IOException if a file cannot be written
     */
    public List<Path> writeTo(Path directory, String name) throws IOException {
        Files.createDirectories(directory);
        Path cert = directory.resolve(name + ".crt");
        Path key = directory.resolve(name + ".key");
        Files.writeString(cert, certificatePem, StandardCharsets.US_ASCII);
        Files.writeString(key, "", StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's permissions apply
        }
        Files.writeString(key, privateKeyPem, StandardCharsets.US_ASCII);
        return List.of(cert, key);
    }

    @Override
    public String toString() {
        return "SelfSignedCertificate[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}
