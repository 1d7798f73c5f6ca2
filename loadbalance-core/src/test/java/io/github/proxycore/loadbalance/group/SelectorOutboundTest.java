package io.github.proxycore.loadbalance.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.proxycore.config.outbound.SelectorOutboundOptions;
import io.github.proxycore.loadbalance.Chains;
import io.github.proxycore.loadbalance.support.RecordingOutbound;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.netty.channel.Channel;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectorOutboundTest {
    private static final Destination TARGET = Destination.of("example.com", 443);

    private static Metadata external() {
        return Metadata.builder(Network.TCP, TARGET).external(true).build();
    }

    @Test
    void dialsTheSelectedMemberAndRecordsTheChain() {
        RecordingOutbound a = new RecordingOutbound("a", Network.TCP);
        RecordingOutbound b = new RecordingOutbound("b", Network.TCP, Network.UDP);
        SelectorOutbound selector =
                new SelectorOutbound(new SelectorOutboundOptions("s", List.of("a", "b"), "b", false), List.of(a, b));
        assertThat(selector.now()).isEqualTo("b");
        assertThat(selector.all()).containsExactly("a", "b");
        assertThat(selector.networks()).containsExactlyInAnyOrder(Network.TCP, Network.UDP);

        Channel first = selector.dial(external()).getNow();
        assertThat(b.dials()).isEqualTo(1);
        assertThat(Chains.of(first, "s")).containsExactly("b", "s");

        assertThat(selector.select("a")).isTrue();
        assertThat(selector.select("a")).isFalse();
        Channel second = selector.dial(external()).getNow();
        assertThat(a.dials()).isEqualTo(1);
        assertThat(Chains.of(second, "s")).containsExactly("a", "s");
        assertThat(first.isOpen())
                .as("inbound connections stay without interrupt_exist_connections")
                .isTrue();

        assertThatThrownBy(() -> selector.select("nobody")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theFirstMemberIsTheDefaultDefault() {
        RecordingOutbound a = new RecordingOutbound("a", Network.TCP);
        RecordingOutbound b = new RecordingOutbound("b", Network.TCP);
        SelectorOutbound selector =
                new SelectorOutbound(new SelectorOutboundOptions("s", List.of("a", "b"), null, false), List.of(a, b));
        assertThat(selector.now()).isEqualTo("a");
    }

    @Test
    void aSwitchClosesConnectionsThroughTheOldMember() {
        RecordingOutbound a = new RecordingOutbound("a", Network.TCP);
        RecordingOutbound b = new RecordingOutbound("b", Network.TCP);
        SelectorOutbound selector =
                new SelectorOutbound(new SelectorOutboundOptions("s", List.of("a", "b"), "a", true), List.of(a, b));
        Channel inbound = selector.dial(external()).getNow();
        Channel internal = selector.dial(TARGET).getNow();
        assertThat(selector.openConnections("a")).isEqualTo(2);

        selector.select("b");
        assertThat(inbound.isOpen()).isFalse();
        assertThat(internal.isOpen()).isFalse();
        assertThat(selector.openConnections("a")).isZero();

        Channel throughB = selector.dial(external()).getNow();
        selector.select("b");
        assertThat(throughB.isOpen()).as("no change, nothing closed").isTrue();
    }

    @Test
    void withoutInterruptOnlyTheApplicationsOwnConnectionsClose() {
        RecordingOutbound a = new RecordingOutbound("a", Network.TCP);
        RecordingOutbound b = new RecordingOutbound("b", Network.TCP);
        SelectorOutbound selector =
                new SelectorOutbound(new SelectorOutboundOptions("s", List.of("a", "b"), "a", false), List.of(a, b));
        Channel inbound = selector.dial(external()).getNow();
        Channel internal = selector.dial(TARGET).getNow();
        selector.select("b");
        assertThat(inbound.isOpen()).isTrue();
        assertThat(internal.isOpen()).isFalse();
    }
}
