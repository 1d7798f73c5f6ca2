package io.github.proxycore.loadbalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.outbound.Outbounds;
import io.github.proxycore.testing.ManualLoop;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A {@link BalancerListener} attached to balancers built from a configuration (as OkHttp attaches an event listener
 * factory to its client), hearing each check and each change of the active members, on a fake clock.
 */
class BalancerListenerTest {

    @Test
    void aListenerAttachedWhenBuildingFromConfigHearsChecksAndActiveMemberChanges() {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (ManualLoop loop = new ManualLoop()) {
            Outbounds outbounds = Outbounds.builder(ConfigLoader.parse("{\"outbounds\": ["
                                    + "{\"type\": \"block\", \"tag\": \"a\"}, {\"type\": \"block\", \"tag\": \"b\"},"
                                    + " {\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"a\", \"b\"],"
                                    + " \"url\": \"http://127.0.0.1:9/\", \"strategy\": \"random\"}]}")
                            .outbounds())
                    .transport(loop.transport())
                    .listeners(BalancerListener.class, tag -> new BalancerListener() {
                        @Override
                        public void checked(String balancer, String member, CheckResult result) {
                            heard.add(balancer + ": " + member + (result.isSuccess() ? " passed" : " failed"));
                        }

                        @Override
                        public void activeChanged(String balancer, Tier state, List<String> active, String reason) {
                            heard.add(balancer + ": " + state + " " + active);
                        }
                    })
                    .build();
            try {
                loop.runPending();
                // both members refuse: each check fails and, once unhealthy, neither is active any more
                assertThat(heard).contains("lb: a failed", "lb: b failed");
                assertThat(heard.get(heard.size() - 1))
                        .isEqualTo("lb: "
                                + outbounds
                                        .get("lb", LoadBalanceOutbound.class)
                                        .snapshot()
                                        .state() + " []");
            } finally {
                outbounds.close();
                loop.runPending();
            }
        }
    }
}
