package io.github.proxycore.config;

import java.util.List;

/**
 * Server-side TLS, as sing-box's inbound {@code tls} object names it. The certificate chain and its private key
 * come either inline (PEM text) or from files.
 *
 * @param enabled whether TLS is used
 * @param serverName the expected server name (informational for a single-certificate server)
 * @param alpn application protocols to accept
 * @param minVersion lowest version accepted, or {@code null} for the provider's default
 * @param maxVersion highest version accepted, or {@code null} for the provider's default
 * @param cipherSuites cipher suites to accept, empty for the provider's default
 * @param certificate the certificate chain in PEM, or {@code null}
 * @param certificatePath a PEM file holding the chain, or {@code null}
 * @param key the private key in PEM, or {@code null}; never printed
 * @param keyPath a PEM file holding the private key, or {@code null}
 */
public record InboundTlsOptions(
        boolean enabled,
        String serverName,
        List<String> alpn,
        TlsVersion minVersion,
        TlsVersion maxVersion,
        List<String> cipherSuites,
        String certificate,
        String certificatePath,
        String key,
        String keyPath) {

    /**
     * Copies the lists, reading {@code null} as empty.
     *
     * @param enabled whether TLS is used
     * @param serverName the expected server name, or {@code null}
     * @param alpn application protocols, or {@code null} for none
     * @param minVersion lowest version, or {@code null}
     * @param maxVersion highest version, or {@code null}
     * @param cipherSuites cipher suites, or {@code null} for the default
     * @param certificate the chain in PEM, or {@code null}
     * @param certificatePath the chain's PEM file, or {@code null}
     * @param key the private key in PEM, or {@code null}
     * @param keyPath the private key's PEM file, or {@code null}
     */
    public InboundTlsOptions {
        alpn = alpn == null ? List.of() : List.copyOf(alpn);
        cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
    }

    /**
     * TLS with the chain and key read from PEM files (read when the server is built, not here).
     *
     * @param certificatePath the certificate chain's PEM file
     * @param keyPath the private key's PEM file (PKCS#8, PKCS#1 or SEC1)
     * @return the options
     * @throws ConfigException if a path is missing
     */
    public static InboundTlsOptions ofFiles(String certificatePath, String keyPath) {
        InboundTlsOptions options = new InboundTlsOptions(
                true, null, List.of(), null, null, List.of(), null, certificatePath, null, keyPath);
        io.github.proxycore.config.internal.Validator.check(options);
        return options;
    }

    /**
     * TLS with the chain and key given as PEM text.
     *
     * @param certificatePem the certificate chain in PEM
     * @param keyPem the private key in PEM
     * @return the options
     * @throws ConfigException if either is missing
     */
    public static InboundTlsOptions ofPem(String certificatePem, String keyPem) {
        InboundTlsOptions options =
                new InboundTlsOptions(true, null, List.of(), null, null, List.of(), certificatePem, null, keyPem, null);
        io.github.proxycore.config.internal.Validator.check(options);
        return options;
    }

    @Override
    public String toString() {
        return "InboundTlsOptions[enabled=" + enabled
                + ", serverName=" + serverName
                + ", alpn=" + alpn
                + ", minVersion=" + minVersion
                + ", maxVersion=" + maxVersion
                + ", cipherSuites=" + cipherSuites
                + ", certificate=" + (certificate == null ? null : "<pem>")
                + ", certificatePath=" + certificatePath
                + ", key=" + (key == null ? null : "<redacted>")
                + ", keyPath=" + keyPath
                + "]";
    }
}
