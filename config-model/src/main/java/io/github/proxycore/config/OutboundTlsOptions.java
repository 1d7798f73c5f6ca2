package io.github.proxycore.config;

import java.util.List;

/**
 * Client-side TLS, as sing-box's outbound {@code tls} object names it.
 *
 * <p>Certificates are verified by default; {@code insecure} is an explicit opt-out. {@code certificate} (PEM text)
 * or {@code certificatePath} (a PEM file) replace the system trust store with the given certificates, which is how a
 * self-signed server is pinned.
 *
 * @param enabled whether TLS is used at all (AnyTLS always needs it)
 * @param disableSni send no server name
 * @param serverName the name to send and verify; defaults to the server address
 * @param insecure accept any certificate
 * @param alpn application protocols to offer
 * @param minVersion lowest version accepted, or {@code null} for the provider's default
 * @param maxVersion highest version offered, or {@code null} for the provider's default
 * @param cipherSuites cipher suites to offer (JSSE or IANA names), empty for the provider's default
 * @param certificate trusted certificates in PEM, or {@code null}
 * @param certificatePath a PEM file of trusted certificates, or {@code null}
 */
public record OutboundTlsOptions(
        boolean enabled,
        boolean disableSni,
        String serverName,
        boolean insecure,
        List<String> alpn,
        TlsVersion minVersion,
        TlsVersion maxVersion,
        List<String> cipherSuites,
        String certificate,
        String certificatePath) {

    public OutboundTlsOptions {
        alpn = alpn == null ? List.of() : List.copyOf(alpn);
        cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .enabled(enabled)
                .disableSni(disableSni)
                .serverName(serverName)
                .insecure(insecure)
                .alpn(alpn)
                .minVersion(minVersion)
                .maxVersion(maxVersion)
                .cipherSuites(cipherSuites)
                .certificate(certificate)
                .certificatePath(certificatePath);
    }

    /** Builds {@link OutboundTlsOptions}: enabled, verifying, everything else at the provider's defaults. */
    public static final class Builder {
        private boolean enabled = true;
        private boolean disableSni;
        private String serverName;
        private boolean insecure;
        private List<String> alpn = List.of();
        private TlsVersion minVersion;
        private TlsVersion maxVersion;
        private List<String> cipherSuites = List.of();
        private String certificate;
        private String certificatePath;

        private Builder() {}

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder disableSni(boolean disableSni) {
            this.disableSni = disableSni;
            return this;
        }

        public Builder serverName(String serverName) {
            this.serverName = serverName;
            return this;
        }

        public Builder insecure(boolean insecure) {
            this.insecure = insecure;
            return this;
        }

        public Builder alpn(List<String> alpn) {
            this.alpn = alpn;
            return this;
        }

        public Builder minVersion(TlsVersion minVersion) {
            this.minVersion = minVersion;
            return this;
        }

        public Builder maxVersion(TlsVersion maxVersion) {
            this.maxVersion = maxVersion;
            return this;
        }

        public Builder cipherSuites(List<String> cipherSuites) {
            this.cipherSuites = cipherSuites;
            return this;
        }

        /** Trusted certificates as PEM text. */
        public Builder certificate(String pem) {
            this.certificate = pem;
            return this;
        }

        public Builder certificatePath(String path) {
            this.certificatePath = path;
            return this;
        }

        /** @throws ConfigException if the options contradict each other */
        public OutboundTlsOptions build() {
            OutboundTlsOptions options = new OutboundTlsOptions(
                    enabled,
                    disableSni,
                    serverName,
                    insecure,
                    alpn,
                    minVersion,
                    maxVersion,
                    cipherSuites,
                    certificate,
                    certificatePath);
            io.github.proxycore.config.internal.Validator.check(options);
            return options;
        }
    }
}
