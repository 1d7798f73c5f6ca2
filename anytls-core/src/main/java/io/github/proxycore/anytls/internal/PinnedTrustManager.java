package io.github.proxycore.anytls.internal;

import java.net.Socket;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust for {@code tls.certificate} / {@code certificate_path}: the chain must lead to one of the pinned certificates
 * and match the server name, as the JDK's {@code verifier} checks. One exception: a server whose leaf is byte for byte
 * a pinned certificate that names no host at all (no subject, no host in its alternative names: anytls-go's
 * generated certificate) is trusted as it is, since there is no name to check and the JDK cannot parse it.
 *
 * <p>That check compares encodings and never parses the leaf, so it works where the JDK cannot: OpenSSL hands trust
 * managers certificates that parse lazily.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {
    /** SAN types that name a host: dNSName and iPAddress (RFC 5280 §4.2.1.6). */
    private static final int DNS_NAME = 2;

    private static final int IP_ADDRESS = 7;

    private final List<byte[]> namelessPins;
    private final X509ExtendedTrustManager verifier;

    PinnedTrustManager(List<X509Certificate> pinned, X509ExtendedTrustManager verifier) {
        this.namelessPins = pinned.stream()
                .filter(PinnedTrustManager::namesNoHost)
                .map(PinnedTrustManager::encoded)
                .toList();
        this.verifier = verifier;
    }

    static boolean namesNoHost(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().getName().isEmpty()) {
            return false;
        }
        try {
            var names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    int type = (Integer) name.get(0);
                    if ((type == DNS_NAME || type == IP_ADDRESS)
                            && !String.valueOf(name.get(1)).isEmpty()) {
                        return false;
                    }
                }
            }
            return true;
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("a pinned certificate cannot be encoded", e);
        }
    }

    private boolean isPinned(X509Certificate[] chain) throws CertificateException {
        if (namelessPins.isEmpty() || chain == null || chain.length == 0) {
            return false;
        }
        byte[] leaf = chain[0].getEncoded();
        for (byte[] pin : namelessPins) {
            if (MessageDigest.isEqual(pin, leaf)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        if (!isPinned(chain)) {
            verifier.checkServerTrusted(chain, authType, engine);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        if (!isPinned(chain)) {
            verifier.checkServerTrusted(chain, authType, socket);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (!isPinned(chain)) {
            verifier.checkServerTrusted(chain, authType);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a client context does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a client context does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client context does not check client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return verifier.getAcceptedIssuers();
    }
}
