package io.github.proxycore.testing;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Real TLS ClientHellos, as the JDK's TLS client writes them, for tests of sniffers. */
public final class ClientHellos {
    /** Bytes of a TLS record header before the handshake message. */
    private static final int RECORD_HEADER = 5;

    private ClientHellos() {}

    /** The first TLS record a client sends to {@code host}: the ClientHello with {@code host} as its server name. */
    public static byte[] record(String host) throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine(host, 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(host)));
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.beginHandshake();
        engine.wrap(ByteBuffer.allocate(0), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    /** The ClientHello handshake message alone (no record header), as QUIC carries it in CRYPTO frames. */
    public static byte[] message(String host) throws Exception {
        byte[] record = record(host);
        return Arrays.copyOfRange(record, RECORD_HEADER, record.length);
    }
}
