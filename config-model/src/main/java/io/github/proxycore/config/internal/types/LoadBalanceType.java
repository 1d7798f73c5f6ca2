package io.github.proxycore.config.internal.types;

import io.github.proxycore.config.internal.Validator;
import io.github.proxycore.config.outbound.EmptyPoolAction;
import io.github.proxycore.config.outbound.HashKeyPart;
import io.github.proxycore.config.outbound.HashOptions;
import io.github.proxycore.config.outbound.HysteresisOptions;
import io.github.proxycore.config.outbound.LoadBalanceOutboundOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.config.outbound.OnEmptyKey;
import io.github.proxycore.config.outbound.TopNOptions;
import io.github.proxycore.config.spi.ConfigChecks;
import io.github.proxycore.config.spi.ConfigObject;
import io.github.proxycore.config.spi.OutboundType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code loadbalance} outbound's JSON. */
public final class LoadBalanceType implements OutboundType<LoadBalanceOutboundOptions> {
    @Override
    public String type() {
        return LoadBalanceOutboundOptions.TYPE;
    }

    @Override
    public Class<LoadBalanceOutboundOptions> optionsClass() {
        return LoadBalanceOutboundOptions.class;
    }

    @Override
    public LoadBalanceOutboundOptions bind(String tag, ConfigObject o) {
        if (!o.has("primary_outbounds")) {
            o.problem("primary_outbounds", "missing required field");
        }
        List<String> primaries = o.strings("primary_outbounds");
        List<String> backups = o.strings("backup_outbounds");
        String url = o.string("url", "");
        Duration interval = o.duration("interval", LoadBalanceOutboundOptions.DEFAULT_INTERVAL);
        Duration timeout = o.duration("timeout", LoadBalanceOutboundOptions.DEFAULT_TIMEOUT);
        Duration idleTimeout = o.duration("idle_timeout", LoadBalanceOutboundOptions.DEFAULT_IDLE_TIMEOUT);

        TopNOptions topN = TopNOptions.ALL;
        ConfigObject topNObject = o.object("top_n");
        if (topNObject != null) {
            topN = new TopNOptions(topNObject.integer("primary", 0), topNObject.integer("backup", 0));
            topNObject.finish();
        }
        Duration tolerance = Duration.ofMillis(o.integer("tolerance", 0));

        if (!o.has("strategy")) {
            o.problem("strategy", "missing required field (random or consistent_hash)");
        }
        LoadBalanceStrategy strategy =
                o.enumValue("strategy", LoadBalanceStrategy.values(), LoadBalanceStrategy::configName, Map.of(), null);

        HashOptions hash = HashOptions.DEFAULT;
        ConfigObject hashObject = o.object("hash");
        if (hashObject != null) {
            hash = bindHash(hashObject);
        }
        if (strategy == LoadBalanceStrategy.CONSISTENT_HASH && (hashObject == null || !hashObject.has("key_parts"))) {
            o.problem("hash.key_parts", "missing required field (consistent_hash needs key parts)");
        }

        HysteresisOptions hysteresis = HysteresisOptions.DEFAULT;
        ConfigObject hysteresisObject = o.object("hysteresis");
        if (hysteresisObject != null) {
            // an explicit 0 means "no damping"; an absent field takes the default
            Integer failures = hysteresisObject.optionalInteger("primary_failures");
            Duration hold = hysteresisObject.optionalDuration("backup_hold_time");
            Integer rise = hysteresisObject.optionalInteger("rise");
            hysteresis = new HysteresisOptions(
                    failures == null ? HysteresisOptions.DEFAULT_PRIMARY_FAILURES : failures,
                    hold == null ? HysteresisOptions.DEFAULT_BACKUP_HOLD_TIME : hold,
                    rise == null ? HysteresisOptions.DEFAULT_RISE : rise);
            hysteresisObject.finish();
        }
        EmptyPoolAction emptyPoolAction = o.enumValue(
                "empty_pool_action",
                EmptyPoolAction.values(),
                EmptyPoolAction::configName,
                Map.of("reject", EmptyPoolAction.ERROR),
                EmptyPoolAction.ERROR);
        return new LoadBalanceOutboundOptions(
                tag,
                primaries,
                backups,
                url.isEmpty() ? LoadBalanceOutboundOptions.DEFAULT_URL : url,
                interval,
                timeout,
                idleTimeout,
                topN,
                tolerance,
                strategy,
                hash,
                hysteresis,
                emptyPoolAction,
                o.bool("interrupt_exist_connections", false),
                o.bool("prefer_domain", false));
    }

    private static HashOptions bindHash(ConfigObject o) {
        List<HashKeyPart> parts = new ArrayList<>();
        List<String> names = o.strings("key_parts");
        for (int i = 0; i < names.size(); i++) {
            HashKeyPart part = keyPart(names.get(i));
            if (part == null) {
                List<String> known = new ArrayList<>();
                for (HashKeyPart p : HashKeyPart.values()) {
                    known.add(p.configName());
                }
                o.problem(
                        "key_parts[" + i + "]",
                        "unknown key part \"" + names.get(i) + "\", expected one of " + String.join(", ", known));
            } else {
                parts.add(part);
            }
        }
        int virtualNodes = o.integer("virtual_nodes", HashOptions.DEFAULT_VIRTUAL_NODES);
        OnEmptyKey onEmptyKey =
                o.enumValue("on_empty_key", OnEmptyKey.values(), OnEmptyKey::configName, Map.of(), OnEmptyKey.RANDOM);
        String salt = o.string("key_salt", null);
        String alias = o.string("salt", null);
        if (salt != null && alias != null) {
            o.problem("salt", "give key_salt or its alias salt, not both");
        }
        o.finish();
        return new HashOptions(parts, virtualNodes, onEmptyKey, salt != null ? salt : alias);
    }

    private static HashKeyPart keyPart(String name) {
        for (HashKeyPart part : HashKeyPart.values()) {
            if (part.configName().equals(name)) {
                return part;
            }
        }
        return null;
    }

    @Override
    public void validate(LoadBalanceOutboundOptions o, ConfigChecks c) {
        if (o.primaryOutbounds().isEmpty()) {
            c.problem("primary_outbounds", "must name at least one outbound");
        }
        Map<String, String> seen = new HashMap<>();
        memberList(o.primaryOutbounds(), "primary_outbounds", seen, c);
        memberList(o.backupOutbounds(), "backup_outbounds", seen, c);
        c.httpUrl(o.url(), "url");
        c.positive(o.interval(), "interval");
        c.positive(o.timeout(), "timeout");
        c.nonNegative(o.idleTimeout(), "idle_timeout");
        c.nonNegative(o.topN().primary(), "top_n.primary");
        c.nonNegative(o.topN().backup(), "top_n.backup");
        c.nonNegative(o.tolerance(), "tolerance");
        if (o.strategy() == null) {
            c.problem("strategy", "must be random or consistent_hash");
        }
        HashOptions hash = o.hash();
        if (o.strategy() == LoadBalanceStrategy.CONSISTENT_HASH
                && hash.keyParts().isEmpty()) {
            c.problem("hash.key_parts", "consistent_hash needs at least one key part");
        }
        if (hash.virtualNodes() < 1 || hash.virtualNodes() > Validator.MAX_VIRTUAL_NODES) {
            c.problem(
                    "hash.virtual_nodes",
                    "must be between 1 and " + Validator.MAX_VIRTUAL_NODES + ", got " + hash.virtualNodes());
        }
        c.nonNegative(o.hysteresis().primaryFailures(), "hysteresis.primary_failures");
        c.nonNegative(o.hysteresis().backupHoldTime(), "hysteresis.backup_hold_time");
        c.nonNegative(o.hysteresis().rise(), "hysteresis.rise");
        for (int i = 0; i < o.primaryOutbounds().size(); i++) {
            c.outboundReference(o.primaryOutbounds().get(i), "primary_outbounds[" + i + "]");
        }
        for (int i = 0; i < o.backupOutbounds().size(); i++) {
            c.outboundReference(o.backupOutbounds().get(i), "backup_outbounds[" + i + "]");
        }
    }

    private static void memberList(List<String> tags, String field, Map<String, String> seen, ConfigChecks c) {
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            String at = field + "[" + i + "]";
            if (tag == null || tag.isEmpty()) {
                c.problem(at, "must not be empty");
            } else if (seen.putIfAbsent(tag, c.path(at)) != null) {
                c.problem(at, "\"" + tag + "\" is already a member at " + seen.get(tag));
            }
        }
    }
}
