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

    /**
     * Copies the lists, reading {@code null} as empty.
     *
     * @param enabled whether TLS is used
     * @param disableSni send no server name
     * @param serverName the name to send and verify, or {@code null}
     * @param insecure accept any certificate
     * @param alpn application protocols, or {@code null} for none
     * @param minVersion lowest version, or {@code null}
     * @param maxVersion highest version, or {@code null}
     * @param cipherSuites cipher suites, or {@code null} for the default
     * @param certificate trusted certificates in PEM, or {@code null}
     * @param certificatePath a PEM file of trusted certificates, or {@code null}
     */
    public OutboundTlsOptions {
        alpn = alpn == null ? List.of() : List.copyOf(alpn);
        cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
    }

    /** {@return a builder: TLS enabled and verifying, everything else at the provider's defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding these options, to change some of them} */
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

        /**
         * Sets {@code enabled}; default {@code true}.
         *
         * @param enabled whether TLS is used (AnyTLS refuses {@code false})
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * Sets {@code disable_sni}; default {@code false}.
         *
         * @param disableSni {@code true} to send no server name
         * @return this builder
         */
        public Builder disableSni(boolean disableSni) {
            this.disableSni = disableSni;
            return this;
        }

        /**
         * Sets {@code server_name}: the name sent in SNI (unless an IP) and verified against the certificate.
         *
         * @param serverName the name, or {@code null} (the default) for the server address
         * @return this builder
         */
        public Builder serverName(String serverName) {
            this.serverName = serverName;
            return this;
        }

        /**
         * Sets {@code insecure}; default {@code false}, so certificates are verified.
         *
         * @param insecure {@code true} to accept any certificate
         * @return this builder
         */
        public Builder insecure(boolean insecure) {
            this.insecure = insecure;
            return this;
        }

        /**
         * Sets {@code alpn}: the application protocols offered; default none.
         *
         * @param alpn the protocol names, in preference order
         * @return this builder
         */
        public Builder alpn(List<String> alpn) {
            this.alpn = alpn;
            return this;
        }

        /**
         * Sets {@code min_version}.
         *
         * @param minVersion the lowest version accepted, or {@code null} (the default) for the provider's
         * @return this builder
         */
        public Builder minVersion(TlsVersion minVersion) {
            this.minVersion = minVersion;
            return this;
        }

        /**
         * Sets {@code max_version}.
         *
         * @param maxVersion the highest version offered, or {@code null} (the default) for the provider's
         * @return this builder
         */
        public Builder maxVersion(TlsVersion maxVersion) {
            this.maxVersion = maxVersion;
            return this;
        }

        /**
         * Sets {@code cipher_suites}; default empty, the provider's suites.
         *
         * @param cipherSuites JSSE or IANA suite names
         * @return this builder
         */
        public Builder cipherSuites(List<String> cipherSuites) {
            this.cipherSuites = cipherSuites;
            return this;
        }

        /**
         * Sets {@code certificate}: trusted certificates as PEM text, replacing the system trust store (pinning).
         *
         * @param pem one or more PEM certificates, or {@code null} (the default) for the system trust store
         * @return this builder
         */
        public Builder certificate(String pem) {
            this.certificate = pem;
            return this;
        }

        /**
         * Sets {@code certificate_path}: a PEM file of trusted certificates, read when the outbound is built; not
         * together with {@link #certificate(String)}.
         *
         * @param path the file, or {@code null} (the default)
         * @return this builder
         */
        public Builder certificatePath(String path) {
            this.certificatePath = path;
            return this;
        }

        /**
         * Builds and validates the options.
         *
         * @return the options
         * @throws ConfigException if the options contradict each other
         */
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
