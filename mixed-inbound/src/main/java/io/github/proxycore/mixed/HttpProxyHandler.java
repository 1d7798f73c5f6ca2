package io.github.proxycore.mixed;

import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Relay;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * HTTP proxy requests: {@code CONNECT host:port} opens a tunnel; a request with an absolute {@code http://} URI is
 * sent on to the origin, rewritten, as the only request of the connection. Users, when configured, authenticate
 * with {@code Proxy-Authorization: Basic}.
 */
final class HttpProxyHandler extends ByteToMessageDecoder {
    private static final String ESTABLISHED = "HTTP/1.1 200 Connection established\r\n\r\n";

    private final MixedInbound inbound;
    private boolean answered; // after an error reply nothing more is read
    private int scanned; // bytes of the head searched so far for its end

    HttpProxyHandler(MixedInbound inbound) {
        this.inbound = inbound;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (answered) {
            in.skipBytes(in.readableBytes());
            return;
        }
        HttpRequestHead head;
        try {
            head = HttpRequestHead.parse(in, scanned);
            if (head == null) {
                scanned = in.readableBytes();
                return;
            }
            in.skipBytes(head.length());
            if (inbound.credentials().required() && !authorized(head.header("Proxy-Authorization"))) {
                inbound.authFailures().refused(ctx.channel(), "http", basicUser(head.header("Proxy-Authorization")));
                respond(
                        ctx,
                        407,
                        "Proxy Authentication Required",
                        "Proxy-Authenticate: Basic realm=\"proxycore\"\r\n",
                        "proxy authentication required");
                return;
            }
            if (head.method().equals("CONNECT")) {
                tunnel(ctx, head);
            } else {
                forward(ctx, head);
            }
        } catch (HttpRequestHead.BadRequest e) {
            in.skipBytes(in.readableBytes());
            respond(ctx, e.status, reasonPhrase(e.status), "", e.getMessage());
        }
    }

    private void tunnel(ChannelHandlerContext ctx, HttpRequestHead head) throws HttpRequestHead.BadRequest {
        Destination destination = authority(head.target(), -1);
        start(ctx, destination, "http-connect", null, Unpooled.copiedBuffer(ESTABLISHED, StandardCharsets.US_ASCII));
    }

    private void forward(ChannelHandlerContext ctx, HttpRequestHead head) throws HttpRequestHead.BadRequest {
        URI uri;
        try {
            uri = new URI(head.target());
        } catch (URISyntaxException e) {
            throw new HttpRequestHead.BadRequest(400, "malformed request target");
        }
        if (uri.getScheme() == null || uri.getRawAuthority() == null) {
            throw new HttpRequestHead.BadRequest(
                    400, "not a proxy request: the target must be an absolute http:// URI");
        }
        if (!uri.getScheme().toLowerCase(Locale.ROOT).equals("http")) {
            throw new HttpRequestHead.BadRequest(
                    400, "only http:// can be proxied this way; use CONNECT for " + uri.getScheme());
        }
        String raw = uri.getRawAuthority();
        String hostPort = raw.substring(raw.lastIndexOf('@') + 1); // user information is never sent on
        Destination destination = authority(hostPort, 80);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String originTarget = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        ByteBuf rewritten = Unpooled.wrappedBuffer(head.forOrigin(originTarget, hostPort));
        start(ctx, destination, "http", rewritten, null);
    }

    private void start(
            ChannelHandlerContext ctx, Destination destination, String protocol, ByteBuf toOutbound, Object reply) {
        Metadata metadata = inbound.metadata(ctx.channel(), Network.TCP, destination);
        OutboundConnector.connect(
                ctx, inbound.router(), metadata, protocol, toOutbound, reply, HttpProxyHandler::failure);
        ctx.pipeline().remove(this); // whatever followed the head goes to the connector
    }

    /** {@code host:port}, {@code [v6]:port}, or a bare host when {@code defaultPort} applies. */
    private static Destination authority(String authority, int defaultPort) throws HttpRequestHead.BadRequest {
        String host = authority;
        int port = defaultPort;
        int at = host.lastIndexOf('@');
        if (at >= 0) {
            host = host.substring(at + 1); // userinfo is never sent on
        }
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && host.indexOf(']', colon) < 0) {
            try {
                port = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new HttpRequestHead.BadRequest(400, "bad port in \"" + authority + "\"");
            }
            host = host.substring(0, colon);
        }
        if (port < 0 || port > 65535 || host.isEmpty()) {
            throw new HttpRequestHead.BadRequest(400, "bad authority \"" + authority + "\"");
        }
        try {
            return Destination.of(host, port);
        } catch (IllegalArgumentException e) {
            throw new HttpRequestHead.BadRequest(400, "bad host in \"" + authority + "\"");
        }
    }

    private boolean authorized(String header) {
        String decoded = basic(header);
        int colon = decoded == null ? -1 : decoded.indexOf(':');
        return colon >= 0 && inbound.credentials().accepts(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    /** The user of Basic credentials (for the log: never the password), or null. */
    private static String basicUser(String header) {
        String decoded = basic(header);
        int colon = decoded == null ? -1 : decoded.indexOf(':');
        return colon >= 0 ? decoded.substring(0, colon) : null;
    }

    /** {@code user:password} of a Basic authorization header, or null. */
    private static String basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Object failure(Throwable cause) {
        switch (DialFailure.of(cause)) {
            case BLOCKED:
                return response(403, "Forbidden", "", cause.getMessage());
            case TIMED_OUT:
                return response(504, "Gateway Timeout", "", cause.getMessage());
            default:
                return response(502, "Bad Gateway", "", cause.getMessage());
        }
    }

    private void respond(ChannelHandlerContext ctx, int status, String reason, String extraHeaders, String message) {
        answered = true;
        ctx.writeAndFlush(response(status, reason, extraHeaders, message));
        Relay.closeOnFlush(ctx.channel());
    }

    private static ByteBuf response(int status, String reason, String extraHeaders, String message) {
        byte[] body = ("proxycore: " + message + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n" + extraHeaders
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    private static String reasonPhrase(int status) {
        switch (status) {
            case 431:
                return "Request Header Fields Too Large";
            case 505:
                return "HTTP Version Not Supported";
            default:
                return "Bad Request";
        }
    }
}
