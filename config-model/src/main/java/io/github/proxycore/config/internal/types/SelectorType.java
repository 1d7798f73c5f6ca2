package io.github.proxycore.config.internal.types;

import io.github.proxycore.config.outbound.SelectorOutboundOptions;
import io.github.proxycore.config.spi.ConfigChecks;
import io.github.proxycore.config.spi.ConfigObject;
import io.github.proxycore.config.spi.OutboundType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code selector} outbound's JSON, as sing-box writes it. */
public final class SelectorType implements OutboundType<SelectorOutboundOptions> {
    @Override
    public String type() {
        return SelectorOutboundOptions.TYPE;
    }

    @Override
    public Class<SelectorOutboundOptions> optionsClass() {
        return SelectorOutboundOptions.class;
    }

    @Override
    public SelectorOutboundOptions bind(String tag, ConfigObject o) {
        if (!o.has("outbounds")) {
            o.problem("outbounds", "missing required field");
        }
        List<String> members = o.strings("outbounds");
        String defaultTag = o.string("default", "");
        return new SelectorOutboundOptions(
                tag, members, defaultTag.isEmpty() ? null : defaultTag, o.bool("interrupt_exist_connections", false));
    }

    @Override
    public void validate(SelectorOutboundOptions o, ConfigChecks c) {
        members(o.outbounds(), c);
        if (o.defaultOutbound() != null
                && !o.outbounds().isEmpty()
                && !o.outbounds().contains(o.defaultOutbound())) {
            c.problem(
                    "default",
                    "\"" + o.defaultOutbound() + "\" is not one of the selector's outbounds "
                            + String.join(", ", o.outbounds()));
        }
    }

    /** A group's {@code outbounds}: at least one, none empty, none twice, each an outbound that exists. */
    static void members(List<String> tags, ConfigChecks c) {
        if (tags.isEmpty()) {
            c.problem("outbounds", "must name at least one outbound");
        }
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            String at = "outbounds[" + i + "]";
            if (tag == null || tag.isEmpty()) {
                c.problem(at, "must not be empty");
            } else if (seen.putIfAbsent(tag, c.path(at)) != null) {
                c.problem(at, "\"" + tag + "\" is already a member at " + seen.get(tag));
            } else {
                c.outboundReference(tag, at);
            }
        }
    }
}
