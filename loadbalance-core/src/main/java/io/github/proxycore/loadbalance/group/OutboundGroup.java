package io.github.proxycore.loadbalance.group;

import io.github.proxycore.outbound.Outbound;
import java.util.List;

/**
 * An outbound that sends each connection through one of its members, chosen by a user ({@link SelectorOutbound})
 * or by URL tests ({@link UrlTestOutbound}); what sing-box calls an outbound group and the Clash API shows with
 * {@code all} and {@code now}.
 */
public interface OutboundGroup extends Outbound {
    /** {@return the members' tags, in configuration order} */
    List<String> all();

    /** {@return the member new TCP connections go to now, or {@code ""} when none can be chosen} */
    String now();
}
