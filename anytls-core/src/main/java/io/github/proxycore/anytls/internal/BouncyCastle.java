package io.github.proxycore.anytls.internal;

/**
 * Whether BouncyCastle is on the class path, without touching it.
 *
 * <p>anytls-core depends on BouncyCastle, but a host that excludes it (because it brings its own {@code SslContext},
 * or uses only PKCS#8 keys and certificates the JDK parses) loses only what needs it: generating a self-signed
 * certificate, reading a traditional (PKCS#1 / SEC1) PEM key, reading a certificate the JDK refuses, and the lenient
 * TLS engine for servers that present one (anytls-go's). Those fail with {@link #needed(String)}. Every use of a
 * BouncyCastle class is in {@link BcSupport}, which is loaded only after {@link #available()} said yes.
 */
public final class BouncyCastle {
    /** The artifacts anytls-core declares, as a host adds them back. */
    public static final String ARTIFACTS =
            "org.bouncycastle:bcprov-jdk18on, bcutil-jdk18on, bcpkix-jdk18on and bctls-jdk18on";

    private static final boolean AVAILABLE = present("org.bouncycastle.jce.provider.BouncyCastleProvider") // bcprov
            && present("org.bouncycastle.asn1.cms.ContentInfo") // bcutil
            && present("org.bouncycastle.openssl.PEMParser") // bcpkix
            && present("org.bouncycastle.jsse.provider.BouncyCastleJsseProvider"); // bctls

    private BouncyCastle() {}

    /** Whether all four BouncyCastle jars anytls-core declares are on its class path. */
    public static boolean available() {
        return AVAILABLE;
    }

    /** What to say when {@code feature} (e.g. "generating a self-signed certificate") is used without them. */
    public static String needed(String feature) {
        return feature + " needs BouncyCastle (" + ARTIFACTS + ") on the class path; anytls-core declares it, so"
                + " it is missing only where the build excludes it";
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, BouncyCastle.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
