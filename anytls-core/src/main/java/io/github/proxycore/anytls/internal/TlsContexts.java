package io.github.proxycore.anytls.internal;

import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigProblem;
import io.github.proxycore.config.InboundTlsOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.TlsVersion;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds Netty {@link SslContext}s from sing-box style TLS options: OpenSSL (netty-tcnative) when the host has put
 * it on the class path, the JDK provider otherwise. PKCS#8 keys and certificates are read by the JDK; BouncyCastle
 * reads the traditional RSA and EC key forms and certificates the JDK refuses, and its TLS engine runs only for servers
 * whose certificate the JDK cannot parse, over the JDK's ciphers ({@link ClientTls}). Without BouncyCastle on the class
 * path those three fail with a message that names it ({@link BouncyCastle}); the rest works.
 */
public final class TlsContexts {
    private TlsContexts() {}

    /** The provider used: OpenSSL when available, else the JDK's. */
    public static SslProvider provider() {
        try {
            return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        } catch (Throwable e) { // tcnative present but broken
            return SslProvider.JDK;
        }
    }

    /**
     * The client contexts for {@code tls}. Verification is on unless {@code insecure}; {@code certificate} /
     * {@code certificate_path} pin certificates: the server's chain must lead to one of them and match the server
     * name, except that a pinned certificate naming no host is trusted as it is (see {@link PinnedTrustManager}).
     * Insecure and pinned clients on the JDK provider fall back to a lenient engine for servers whose certificate the
     * JDK cannot parse (see {@link ClientTls}).
     *
     * @throws ConfigException with paths relative to the outbound ({@code $.tls.certificate_path})
     */
    public static ClientTls client(OutboundTlsOptions tls) {
        List<X509Certificate> pinned = new ArrayList<>();
        if (!tls.insecure()) {
            if (tls.certificate() != null) {
                pinned.addAll(certificates(tls.certificate(), "$.tls.certificate"));
            }
            if (tls.certificatePath() != null) {
                pinned.addAll(
                        certificates(read(tls.certificatePath(), "$.tls.certificate_path"), "$.tls.certificate_path"));
            }
        }
        SslProvider provider = provider();
        SslContext standard = client(tls, pinned, provider, null);
        boolean ownVerification = tls.insecure() || !pinned.isEmpty();
        if (provider != SslProvider.JDK || !ownVerification || !BouncyCastle.available()) {
            return ClientTls.of(standard);
        }
        return new ClientTls(standard, () -> client(tls, pinned, SslProvider.JDK, LenientX509.jsseProvider()));
    }

    private static SslContext client(
            OutboundTlsOptions tls, List<X509Certificate> pinned, SslProvider provider, Provider jsse) {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(provider);
        if (jsse != null) {
            builder.sslContextProvider(jsse).secureRandom(new SecureRandom());
        }
        if (tls.insecure()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            if (!pinned.isEmpty()) {
                builder.trustManager(new PinnedTrustManager(pinned, verifier(pinned)));
            }
            builder.endpointIdentificationAlgorithm("HTTPS");
        }
        common(builder, tls.alpn(), tls.minVersion(), tls.maxVersion(), tls.cipherSuites());
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw problem("$.tls", "cannot set up TLS: " + e.getMessage());
        }
    }

    /** The JDK's PKIX verification with {@code anchors} as the only trust anchors. */
    private static X509ExtendedTrustManager verifier(List<X509Certificate> anchors) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("pinned-" + i, anchors.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK's trust manager factory has no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw problem("$.tls.certificate", "cannot use the pinned certificates: " + e.getMessage());
        }
    }

    /** A server context from PEM certificate chain and key (inline or files). */
    public static SslContext server(InboundTlsOptions tls) {
        String chainPem = tls.certificate() != null
                ? tls.certificate()
                : tls.certificatePath() == null ? null : read(tls.certificatePath(), "$.tls.certificate_path");
        String keyPem =
                tls.key() != null ? tls.key() : tls.keyPath() == null ? null : read(tls.keyPath(), "$.tls.key_path");
        if (chainPem == null) {
            throw problem(
                    "$.tls.certificate", "an anytls server needs a certificate (certificate or certificate_path)");
        }
        if (keyPem == null) {
            throw problem("$.tls.key", "an anytls server needs a private key (key or key_path)");
        }
        String certPath = tls.certificate() != null ? "$.tls.certificate" : "$.tls.certificate_path";
        String keyPath = tls.key() != null ? "$.tls.key" : "$.tls.key_path";
        List<X509Certificate> chain = certificates(chainPem, certPath);
        PrivateKey key = privateKey(keyPem, keyPath);
        requireMatchingKey(chain.get(0), key, keyPath);
        return server(chain, key, tls.alpn(), tls.minVersion(), tls.maxVersion(), tls.cipherSuites());
    }

    /** A server context from a chain and key. */
    public static SslContext server(
            List<X509Certificate> chain,
            PrivateKey key,
            List<String> alpn,
            TlsVersion min,
            TlsVersion max,
            List<String> ciphers) {
        SslContextBuilder builder = SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                .sslProvider(provider());
        common(builder, alpn, min, max, ciphers);
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw problem("$.tls", "cannot set up TLS: " + e.getMessage());
        }
    }

    private static void common(
            SslContextBuilder builder, List<String> alpn, TlsVersion min, TlsVersion max, List<String> ciphers) {
        if (!alpn.isEmpty()) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    alpn));
        }
        if (min != null || max != null) {
            List<String> protocols = new ArrayList<>();
            for (TlsVersion v : TlsVersion.values()) {
                if ((min == null || v.ordinal() >= min.ordinal()) && (max == null || v.ordinal() <= max.ordinal())) {
                    protocols.add(v.jdkName());
                }
            }
            builder.protocols(protocols);
        }
        if (!ciphers.isEmpty()) {
            builder.ciphers(ciphers);
        }
    }

    private static String read(String path, String jsonPath) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            throw problem(jsonPath, "cannot read " + path + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw problem(jsonPath, "cannot read " + path + ": permission denied");
        } catch (IOException | RuntimeException e) {
            throw problem(jsonPath, "cannot read " + path + ": " + e);
        }
    }

    /** The certificates in PEM text. */
    public static List<X509Certificate> certificates(String pem, String jsonPath) {
        try {
            List<X509Certificate> out = LenientX509.parse(pem.getBytes(StandardCharsets.US_ASCII));
            if (out.isEmpty()) {
                throw problem(jsonPath, "no PEM certificate found");
            }
            return out;
        } catch (CertificateException e) {
            throw problem(jsonPath, "not a PEM certificate: " + e.getMessage());
        }
    }

    /** A PEM block: its type and its base64 text (headers such as {@code Proc-Type} included). */
    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    /** The key algorithms tried, in order, for a PKCS#8 key. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA", "XDH");

    /**
     * The private key in PEM text: PKCS#8 ({@code BEGIN PRIVATE KEY}, read by the JDK), or the traditional RSA / EC
     * forms ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}, read by BouncyCastle). Encrypted keys are not
     * read.
     */
    public static PrivateKey privateKey(String pem, String jsonPath) {
        boolean traditional = false;
        Matcher block = PEM_BLOCK.matcher(pem);
        while (block.find()) {
            String type = block.group(1);
            if (type.equals("PRIVATE KEY")) {
                byte[] der;
                try {
                    der = Base64.getMimeDecoder().decode(block.group(2).strip());
                } catch (IllegalArgumentException e) {
                    throw problem(jsonPath, "the private key does not parse (not base64)");
                }
                for (String algorithm : KEY_ALGORITHMS) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    } catch (GeneralSecurityException | IllegalArgumentException e) {
                        // not this algorithm: try the next
                    }
                }
                traditional = true; // an algorithm the JDK does not know: BouncyCastle may
            } else if (type.equals("RSA PRIVATE KEY") || type.equals("EC PRIVATE KEY")) {
                traditional = true;
            }
        }
        if (!traditional) {
            throw problem(jsonPath, "no unencrypted PEM private key found");
        }
        if (!BouncyCastle.available()) {
            throw problem(
                    jsonPath,
                    BouncyCastle.needed("reading a traditional RSA or EC PEM key")
                            + "; or convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in KEY");
        }
        try {
            PrivateKey key = BcSupport.privateKey(pem);
            if (key != null) {
                return key;
            }
        } catch (IOException | RuntimeException e) {
            // the message may quote key material: say only that it did not parse
            throw problem(
                    jsonPath, "the private key does not parse (" + e.getClass().getSimpleName() + ")");
        }
        throw problem(jsonPath, "no unencrypted PEM private key found");
    }

    /**
     * Fails unless {@code key} is the private half of {@code leaf}'s public key, so that a mismatched pair is a
     * configuration error at start (and in {@code check}) rather than a failed handshake for every client. Keys of
     * algorithms it cannot try are left to the TLS provider.
     */
    private static void requireMatchingKey(X509Certificate leaf, PrivateKey key, String keyPath) {
        PublicKey certified = leaf.getPublicKey();
        boolean matches;
        if (certified instanceof RSAPublicKey rsa && key instanceof RSAKey rsaKey) {
            matches = rsa.getModulus().equals(rsaKey.getModulus());
        } else {
            String signature = switch (key.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
                case "DSA" -> "SHA256withDSA";
                case "RSA" -> "SHA256withRSA";
                default -> null;
            };
            if (signature == null) {
                return;
            }
            try {
                byte[] probe =
                        "proxycore: does this key belong to the certificate?".getBytes(StandardCharsets.US_ASCII);
                Signature signer = Signature.getInstance(signature);
                signer.initSign(key);
                signer.update(probe);
                byte[] signed = signer.sign();
                Signature verifier = Signature.getInstance(signature);
                verifier.initVerify(certified);
                verifier.update(probe);
                matches = verifier.verify(signed);
            } catch (GeneralSecurityException e) {
                matches = false; // e.g. an EC key for an RSA certificate
            }
        }
        if (!matches) {
            throw problem(keyPath, "the private key does not belong to the certificate (the first of the chain)");
        }
    }

    /**
     * A self-signed certificate of {@code keys} for {@code names} (the first is also the subject CN), valid from an hour
     * ago for {@code validity}; BouncyCastle builds it.
     *
     * @throws IllegalStateException naming the missing jars when BouncyCastle is not on the class path
     */
    public static X509Certificate selfSigned(
            List<String> names, java.time.Duration validity, java.security.KeyPair keys)
            throws GeneralSecurityException, IOException {
        if (!BouncyCastle.available()) {
            throw new IllegalStateException(BouncyCastle.needed("generating a self-signed certificate"));
        }
        return BcSupport.selfSigned(names, validity, keys);
    }

    private static ConfigException problem(String path, String message) {
        return new ConfigException(null, List.of(new ConfigProblem(path, message)));
    }
}
