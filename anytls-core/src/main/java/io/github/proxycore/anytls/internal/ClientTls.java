package io.github.proxycore.anytls.internal;

import io.netty.handler.ssl.SslContext;
import java.security.cert.CertificateParsingException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS contexts of one outbound's sessions: the provider's own ({@link TlsContexts#provider()}), and for a client
 * that does not rely on the JDK's verification (insecure, or pinned certificates) a fallback for servers whose
 * certificate the JDK's TLS engine cannot parse (anytls-go's; see {@link LenientX509}).
 *
 * <p>The first handshake that fails on such a certificate switches the outbound to the fallback for good, and the
 * caller retries once. Servers with ordinary certificates never leave the provider's engine, so their data path is
 * unchanged; the fallback's engine is BouncyCastle's record layer over the JDK's ciphers. OpenSSL parses these
 * certificates itself and has no fallback.
 */
public final class ClientTls {
    private static final Logger log = LoggerFactory.getLogger(ClientTls.class);
    /**
     * Builds the fallback off the event loops: the first build in a JVM loads BouncyCastle's provider and TLS engine,
     * about 1.5 s of CPU here, which would freeze every connection on the loop. Once per outbound at most.
     */
    private static final Executor BUILDER = task -> {
        Thread thread = new Thread(task, "proxycore-tls-fallback");
        thread.setDaemon(true);
        thread.start();
    };

    private final SslContext standard;
    private final Supplier<SslContext> fallbackFactory; // null: no fallback
    private final AtomicReference<CompletableFuture<SslContext>> fallback = new AtomicReference<>();

    ClientTls(SslContext standard, Supplier<SslContext> fallbackFactory) {
        this.standard = standard;
        this.fallbackFactory = fallbackFactory;
    }

    /** A client with one context and no fallback. */
    public static ClientTls of(SslContext context) {
        return new ClientTls(context, null);
    }

    /** The context new sessions use. */
    public SslContext context() {
        CompletableFuture<SslContext> f = fallback.get();
        return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : standard;
    }

    /** Whether new sessions use the fallback engine. */
    public boolean usesFallback() {
        return context() != standard;
    }

    /**
     * When {@code handshakeFailure}, of a handshake with {@code used}, is the JDK's engine refusing to parse the
     * server's certificate and a fallback applies: a future that completes once new sessions use the fallback
     * engine (the caller retries then). Otherwise null.
     */
    public CompletableFuture<SslContext> fallbackFor(Throwable handshakeFailure, SslContext used, Object server) {
        if (fallbackFactory == null || used != standard) {
            return null;
        }
        CertificateParsingException refused = unparsableCertificate(handshakeFailure);
        if (refused == null) {
            return null;
        }
        CompletableFuture<SslContext> created = new CompletableFuture<>();
        if (!fallback.compareAndSet(null, created)) {
            return fallback.get();
        }
        log.info(
                "server {} presents a certificate the JDK cannot parse ({}); using BouncyCastle's TLS engine over the"
                        + " JDK's ciphers for its sessions (with netty-tcnative on the class path, OpenSSL would parse it)",
                server,
                refused.getMessage());
        BUILDER.execute(() -> {
            try {
                created.complete(fallbackFactory.get());
            } catch (RuntimeException | Error e) {
                log.warn("cannot set up the fallback TLS engine for server {}: {}", server, e.toString());
                created.completeExceptionally(e);
            }
        });
        return created;
    }

    /** The JDK's "cannot parse the certificate" cause of a handshake failure, or null. */
    public static CertificateParsingException unparsableCertificate(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CertificateParsingException e) {
                return e;
            }
        }
        return null;
    }
}
