package io.github.proxycore.loadbalance.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.outbound.UrlTestOutboundOptions;
import io.github.proxycore.loadbalance.Chains;
import io.github.proxycore.loadbalance.MemberSnapshot;
import io.github.proxycore.loadbalance.support.FakeScheduler;
import io.github.proxycore.loadbalance.support.RecordingOutbound;
import io.github.proxycore.loadbalance.support.ScriptedProber;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class UrlTestOutboundTest {
    private static final Destination TARGET = Destination.of("example.com", 443);

    private static Metadata external() {
        return Metadata.builder(Network.TCP, TARGET).external(true).build();
    }

    private static UrlTestOutboundOptions options(boolean interrupt) {
        return new UrlTestOutboundOptions(
                "auto",
                List.of("a", "b", "c"),
                "http://127.0.0.1/generate_204",
                Duration.ofMinutes(1),
                Duration.ofMillis(50),
                Duration.ofMinutes(30),
                interrupt);
    }

    @Test
    void beforeAnyTestTheFirstMemberServes() {
        FakeScheduler clock = new FakeScheduler();
        RecordingOutbound a = new RecordingOutbound("a", Network.TCP);
        RecordingOutbound b = new RecordingOutbound("b", Network.TCP, Network.UDP);
        UrlTestOutbound auto = new UrlTestOutbound(
                options(false), List.of(a, b, new RecordingOutbound("c", Network.TCP)), clock, new ScriptedProber());
        assertThat(auto.now()).isEqualTo("a");
        auto.dial(external());
        assertThat(a.dials()).isEqualTo(1);
        auto.listenPacket(Metadata.builder(Network.UDP, TARGET).build());
        assertThat(b.dials()).as("the first member that carries UDP").isEqualTo(1);
    }

    @Test
    void theFastestServesAndKeepsItsPlaceWithinTheTolerance() {
        FakeScheduler clock = new FakeScheduler();
        RecordingOutbound a = new RecordingOutbound("a", Network.TCP);
        RecordingOutbound b = new RecordingOutbound("b", Network.TCP);
        RecordingOutbound c = new RecordingOutbound("c", Network.TCP);
        ScriptedProber prober = new ScriptedProber()
                .ok("a", 300)
                .sequence("b", 100, 100, 140, 140)
                .fail("c", "refused");
        UrlTestOutbound auto = new UrlTestOutbound(options(true), List.of(a, b, c), clock, prober);
        auto.checkNow().join();
        assertThat(auto.now()).isEqualTo("b");
        Channel throughB = auto.dial(external()).getNow();
        assertThat(Chains.of(throughB, "auto")).containsExactly("b", "auto");
        assertThat(b.dials()).isEqualTo(1);

        // b is now 140 ms, a still 300: b stays; then a drops to 80 (b is not within 50 ms of it): a takes over
        auto.checkNow().join();
        assertThat(auto.now()).isEqualTo("b");
        assertThat(throughB.isOpen()).isTrue();
        prober.ok("a", 80);
        auto.checkNow().join();
        assertThat(auto.now()).isEqualTo("a");
        assertThat(throughB.isOpen()).as("interrupt_exist_connections").isFalse();

        List<MemberSnapshot> members = auto.snapshot();
        assertThat(members).extracting(MemberSnapshot::tag).containsExactly("a", "b", "c");
        assertThat(members.get(0).active()).isTrue();
        assertThat(members.get(0).lastLatency()).isEqualTo(Duration.ofMillis(80));
        assertThat(members.get(0).lastCheckTime()).isNotNull();
        assertThat(members.get(2).healthy()).isFalse();
        assertThat(members.get(2).lastLatency()).isNull();
    }

    @Test
    void aMemberThatFailsItsTestIsLeft() {
        FakeScheduler clock = new FakeScheduler();
        ScriptedProber prober = new ScriptedProber().ok("a", 10).ok("b", 200).ok("c", 300);
        UrlTestOutbound auto = new UrlTestOutbound(
                options(false),
                List.of(
                        new RecordingOutbound("a", Network.TCP),
                        new RecordingOutbound("b", Network.TCP),
                        new RecordingOutbound("c", Network.TCP)),
                clock,
                prober);
        auto.checkNow().join();
        assertThat(auto.now()).isEqualTo("a");
        prober.fail("a", "timeout");
        auto.checkNow().join();
        assertThat(auto.now()).isEqualTo("b");
    }
}
