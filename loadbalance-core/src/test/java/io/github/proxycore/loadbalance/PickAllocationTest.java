package io.github.proxycore.loadbalance;

import static io.github.proxycore.loadbalance.TestBalancers.options;
import static io.github.proxycore.loadbalance.TestBalancers.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.outbound.HashKeyPart;
import io.github.proxycore.config.outbound.HashOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.loadbalance.support.FakeScheduler;
import io.github.proxycore.loadbalance.support.RecordingOutbound;
import io.github.proxycore.loadbalance.support.ScriptedProber;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pick allocates nothing, eTLD+1 parts included once the cache is warm (the JVM's per-thread counter tells). */
class PickAllocationTest {

    @Test
    void picksDoNotAllocate() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported()) {
            return; // nothing to measure with on this JVM
        }
        threads.setThreadAllocatedMemoryEnabled(true);
        List<RecordingOutbound> members = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            members.add(new RecordingOutbound("proxy-" + i));
        }
        for (LoadBalanceStrategy strategy : LoadBalanceStrategy.values()) {
            LoadBalanceOutbound lb = start(
                    options(strategy, members, List.of())
                            .hash(HashOptions.of(
                                    HashKeyPart.SRC_IP,
                                    HashKeyPart.DST_PORT,
                                    HashKeyPart.NETWORK,
                                    HashKeyPart.INBOUND_TAG,
                                    HashKeyPart.MATCHED_RULESET_OR_ETLD))
                            .build(),
                    members,
                    List.of(),
                    null,
                    new FakeScheduler(),
                    new ScriptedProber());
            Metadata[] connections = new Metadata[64];
            for (int i = 0; i < connections.length; i++) {
                Destination site = Destination.of("cdn" + i + ".example" + (i % 5) + ".co.uk", 443);
                connections[i] = Metadata.builder(Network.TCP, site)
                        .source(new InetSocketAddress(
                                InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i}), 5000 + i))
                        .inboundTag("mixed-in")
                        .build();
            }
            for (int i = 0; i < 20_000; i++) { // warm the buffers and the eTLD+1 cache
                lb.pick(Network.TCP, connections[i & 63]);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            int picks = 100_000;
            int sink = 0;
            for (int i = 0; i < picks; i++) {
                sink += lb.pick(Network.TCP, connections[i & 63]).tag().length();
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(sink).isPositive();
            // a few hundred bytes of slack for the counter's own bookkeeping, none per pick
            assertThat(allocated)
                    .as("%s: bytes allocated by %d picks", strategy, picks)
                    .isLessThan(4096);
            lb.close();
        }
    }
}
