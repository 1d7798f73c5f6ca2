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
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Builds Netty {@link SslContext}s from sing-box style TLS options: OpenSSL (netty-tcnative) when the host has put
 * it on the class path, the JDK provider otherwise. Certificates and keys are read with BouncyCastle's PEM parser;
 * BouncyCastle never does the TLS itself.
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
     * A client context. Verification is on unless {@code insecure}; {@code certificate} / {@code certificate_path}
     * replace the trust store (pinning).
     *
     * @throws ConfigException with paths relative to the outbound ({@code $.tls.certificate_path})
     */
    public static SslContext client(OutboundTlsOptions tls) {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(provider());
        if (tls.insecure()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            List<X509Certificate> trusted = new ArrayList<>();
            if (tls.certificate() != null) {
                trusted.addAll(certificates(tls.certificate(), "$.tls.certificate"));
            }
            if (tls.certificatePath() != null) {
                trusted.addAll(
                        certificates(read(tls.certificatePath(), "$.tls.certificate_path"), "$.tls.certificate_path"));
            }
            if (!trusted.isEmpty()) {
                builder.trustManager(trusted.toArray(new X509Certificate[0]));
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
        return server(
                certificates(chainPem, certPath),
                privateKey(keyPem, keyPath),
                tls.alpn(),
                tls.minVersion(),
                tls.maxVersion(),
                tls.cipherSuites());
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
        } catch (IOException | RuntimeException e) {
            throw problem(jsonPath, "cannot read " + path + ": " + e);
        }
    }

    /** The certificates in PEM text. */
    public static List<X509Certificate> certificates(String pem, String jsonPath) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            byte[] bytes = pem.getBytes(StandardCharsets.US_ASCII);
            for (var c : factory.generateCertificates(new ByteArrayInputStream(bytes))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw problem(jsonPath, "no PEM certificate found");
            }
            return out;
        } catch (CertificateException e) {
            throw problem(jsonPath, "not a PEM certificate: " + e.getMessage());
        }
    }

    /** The private key in PEM text: PKCS#8, or the traditional RSA / EC forms. */
    public static PrivateKey privateKey(String pem, String jsonPath) {
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
        } catch (IOException e) {
            // the message may quote key material: say only that it did not parse
            throw problem(
                    jsonPath, "the private key does not parse (" + e.getClass().getSimpleName() + ")");
        }
        throw problem(jsonPath, "no unencrypted PEM private key found");
    }

    private static ConfigException problem(String path, String message) {
        return new ConfigException(null, List.of(new ConfigProblem(path, message)));
    }
}
