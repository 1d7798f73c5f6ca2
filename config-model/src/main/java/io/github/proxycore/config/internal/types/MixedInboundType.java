package io.github.proxycore.config.internal.types;

import io.github.proxycore.config.inbound.MixedInboundOptions;
import io.github.proxycore.config.inbound.MixedUser;
import io.github.proxycore.config.spi.ConfigChecks;
import io.github.proxycore.config.spi.ConfigObject;
import io.github.proxycore.config.spi.InboundType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The {@code mixed} (SOCKS and HTTP) inbound's JSON. */
public final class MixedInboundType implements InboundType<MixedInboundOptions> {
    @Override
    public String type() {
        return MixedInboundOptions.TYPE;
    }

    @Override
    public Class<MixedInboundOptions> optionsClass() {
        return MixedInboundOptions.class;
    }

    @Override
    public MixedInboundOptions bind(String tag, ConfigObject o) {
        o.unsupported("set_system_proxy", "not supported by proxycore");
        return new MixedInboundOptions(
                tag,
                o.listenOptions(),
                users(o),
                o.duration("handshake_timeout", MixedInboundOptions.DEFAULT_HANDSHAKE_TIMEOUT),
                o.integer("max_handshakes", MixedInboundOptions.DEFAULT_MAX_HANDSHAKES));
    }

    private static List<MixedUser> users(ConfigObject o) {
        List<MixedUser> users = new ArrayList<>();
        for (ConfigObject user : o.objects("users")) {
            users.add(new MixedUser(user.requiredString("username"), user.secret("password")));
            user.finish();
        }
        return users;
    }

    @Override
    public void validate(MixedInboundOptions mixed, ConfigChecks c) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < mixed.users().size(); i++) {
            MixedUser user = mixed.users().get(i);
            if (user.username() != null && !names.add(user.username())) {
                c.problem("users[" + i + "].username", "duplicate username \"" + user.username() + "\"");
            }
        }
        c.positive(mixed.handshakeTimeout(), "handshake_timeout");
        if (mixed.maxHandshakes() < 1) {
            c.problem("max_handshakes", "must be at least 1");
        }
    }
}
