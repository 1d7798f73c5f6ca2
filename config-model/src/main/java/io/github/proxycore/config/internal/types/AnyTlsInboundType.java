package io.github.proxycore.config.internal.types;

import io.github.proxycore.config.InboundTlsOptions;
import io.github.proxycore.config.inbound.AnyTlsInboundOptions;
import io.github.proxycore.config.inbound.AnyTlsUser;
import io.github.proxycore.config.spi.ConfigChecks;
import io.github.proxycore.config.spi.ConfigObject;
import io.github.proxycore.config.spi.InboundType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code anytls} inbound's (the server's) JSON. */
public final class AnyTlsInboundType implements InboundType<AnyTlsInboundOptions> {
    @Override
    public String type() {
        return AnyTlsInboundOptions.TYPE;
    }

    @Override
    public Class<AnyTlsInboundOptions> optionsClass() {
        return AnyTlsInboundOptions.class;
    }

    @Override
    public AnyTlsInboundOptions bind(String tag, ConfigObject o) {
        var listen = o.listenOptions();
        List<AnyTlsUser> users = new ArrayList<>();
        if (!o.has("users")) {
            o.problem("users", "missing required field");
        }
        for (ConfigObject user : o.objects("users")) {
            users.add(new AnyTlsUser(user.string("name", ""), user.secret("password")));
            user.finish();
        }
        List<String> paddingScheme = o.strings("padding_scheme");
        ConfigObject tlsObject = o.object("tls");
        InboundTlsOptions tls;
        if (tlsObject == null) {
            if (!o.has("tls")) {
                o.problem("tls", "missing required field (an AnyTLS server needs a certificate)");
            }
            tls = new InboundTlsOptions(true, null, List.of(), null, null, List.of(), null, null, null, null);
        } else {
            tls = tlsObject.asInboundTls(true);
        }
        return new AnyTlsInboundOptions(
                tag,
                listen,
                users,
                paddingScheme,
                tls,
                o.integer("max_streams_per_session", AnyTlsInboundOptions.DEFAULT_MAX_STREAMS_PER_SESSION),
                o.duration("stream_address_timeout", AnyTlsInboundOptions.DEFAULT_STREAM_ADDRESS_TIMEOUT),
                o.duration("stream_dial_timeout", AnyTlsInboundOptions.DEFAULT_STREAM_DIAL_TIMEOUT),
                o.integer("session_memory_budget", AnyTlsInboundOptions.DEFAULT_SESSION_MEMORY_BUDGET),
                o.duration("session_idle_timeout", AnyTlsInboundOptions.DEFAULT_SESSION_IDLE_TIMEOUT));
    }

    @Override
    public void validate(AnyTlsInboundOptions anytls, ConfigChecks c) {
        if (anytls.users().isEmpty()) {
            c.problem("users", "an AnyTLS server needs at least one user");
        }
        Map<String, Integer> passwords = new HashMap<>();
        for (int i = 0; i < anytls.users().size(); i++) {
            AnyTlsUser user = anytls.users().get(i);
            if (user.password() != null && passwords.putIfAbsent(user.password(), i) != null) {
                // never print the password itself
                c.problem(
                        "users[" + i + "].password",
                        "same password as users[" + passwords.get(user.password()) + "]; users are told apart by it");
            }
        }
        c.nonEmptyElements(anytls.paddingScheme(), "padding_scheme");
        c.inboundTls(anytls.tls(), "tls");
        if (anytls.maxStreamsPerSession() < 1) {
            c.problem("max_streams_per_session", "must be at least 1");
        }
        // below one full frame a session could never be read again once a stream held a frame unread
        if (anytls.sessionMemoryBudget() < 65536) {
            c.problem("session_memory_budget", "must be at least 65536 (bytes)");
        }
        c.positive(anytls.streamAddressTimeout(), "stream_address_timeout");
        c.positive(anytls.streamDialTimeout(), "stream_dial_timeout");
        c.positive(anytls.sessionIdleTimeout(), "session_idle_timeout");
    }
}
