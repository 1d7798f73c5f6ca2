package io.github.proxycore.anytls;

import io.github.proxycore.anytls.internal.TlsContexts;
import java.io.IOException;
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
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A self-signed certificate and its private key (EC P-256), for an AnyTLS server on loopback, a demo or a test.
 * Clients trust it by pinning it ({@code tls.certificate} / {@code certificate_path}). BouncyCastle builds the
 * certificate (without it on the class path, generating one throws {@link IllegalStateException} naming the jars);
 * the key is the JDK's.
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
            X509Certificate certificate = TlsContexts.selfSigned(names, validity, keys);
            return new SelfSignedCertificate(certificate, keys.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate", e);
        }
    }

    private static String pem(X509Certificate certificate) {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded()); // PKCS#8
    }

    private static String pem(String type, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
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
