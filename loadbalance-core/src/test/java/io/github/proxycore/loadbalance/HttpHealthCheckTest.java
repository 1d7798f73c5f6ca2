package io.github.proxycore.loadbalance;

import static io.github.proxycore.loadbalance.TestBalancers.options;
import static io.github.proxycore.loadbalance.TestBalancers.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.loadbalance.internal.HttpProbe;
import io.github.proxycore.loadbalance.internal.Prober;
import io.github.proxycore.loadbalance.support.FakeScheduler;
import io.github.proxycore.loadbalance.support.HangingServer;
import io.github.proxycore.loadbalance.support.RedirectOutbound;
import io.github.proxycore.loadbalance.support.TestCertificates;
import io.github.proxycore.loadbalance.support.TestCertificates.SelfSigned;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DirectOutbound;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.github.proxycore.outbound.OutboundContext;
import io.github.proxycore.outbound.Transport;
import io.github.proxycore.testing.Conditions;
import io.github.proxycore.testing.LocalHttpServer;
import io.github.proxycore.testing.LoopbackTransport;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Health checks through real outbounds on 127.0.0.1: a server answering 204, one that accepts and hangs, a refused
 * port, and HTTPS with certificate checks. Timing rules run on the fake clock; sockets are waited on with bounds.
 */
class HttpHealthCheckTest {
    private static final String URL = "http://probe.test/generate_204";

    @RegisterExtension
    static final LoopbackTransport LOOPBACK = new LoopbackTransport(2);

    private static Transport transport;
    private static Outbound direct;
    private static LocalHttpServer http;
    private static HangingServer hanging;

    private final FakeScheduler scheduler = new FakeScheduler();

    @BeforeAll
    static void startServers() throws Exception {
        transport = LOOPBACK.transport();
        direct = DirectOutbound.create("direct", DialOptions.DEFAULT, OutboundContext.of(transport));
        http = LocalHttpServer.start("health");
        hanging = new HangingServer();
    }

    @AfterAll
    static void stopServers() throws Exception {
        http.close();
        hanging.close();
    }

    private static int refusedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private LoadBalanceOutbound balancer(
            String url, SslContext ssl, int maxConcurrent, List<? extends Outbound> members) {
        Prober prober = HttpProbe.create(url, ssl, scheduler);
        return start(
                options(LoadBalanceStrategy.RANDOM, members, List.of()).url(url).build(),
                members,
                List.of(),
                null,
                scheduler,
                prober,
                maxConcurrent);
    }

    @Test
    void answeringRefusingAndHangingMembers() throws Exception {
        RedirectOutbound good = new RedirectOutbound("good", direct, http.port());
        RedirectOutbound refused = new RedirectOutbound("refused", direct, refusedPort());
        RedirectOutbound stuck = new RedirectOutbound("stuck", direct, hanging.port());
        int requestsBefore = http.requests();
        int acceptedBefore = hanging.accepted();
        int closedBefore = hanging.closedByPeer();
        LoadBalanceOutbound lb = balancer(URL, null, 10, List.of(good, refused, stuck));
        scheduler.runDue(); // the first round starts

        Conditions.await(
                "the good and refused checks",
                () -> lb.snapshot().member("good").orElseThrow().healthy()
                        && lb.snapshot().member("refused").orElseThrow().health() == MemberHealth.UNHEALTHY);
        assertThat(http.requests()).as("a first answer is taken twice").isEqualTo(requestsBefore + 2);
        assertThat(lb.snapshot().member("good").orElseThrow().lastLatency()).isNotNull();
        assertThat(lb.snapshot().member("refused").orElseThrow().lastError()).containsIgnoringCase("refused");
        Conditions.await("the hanging server to accept", () -> hanging.accepted() == acceptedBefore + 1);
        assertThat(lb.snapshot().member("stuck").orElseThrow().health()).isEqualTo(MemberHealth.UNKNOWN);
        assertThat(lb.snapshot().bootstrap()).isTrue();

        scheduler.advance(Duration.ofSeconds(5)); // the stuck check's timeout
        Conditions.await("the stuck check to fail", () -> lb.snapshot().healthRounds() == 1);
        assertThat(lb.snapshot().member("stuck").orElseThrow().lastError()).isEqualTo("timed out after 5000 ms");
        Conditions.await("the timed-out connection to be closed", () -> hanging.closedByPeer() == closedBefore + 1);
        assertThat(lb.snapshot().activeMembers()).containsExactly("good");
        lb.close();
    }

    @Test
    void latencyRunsFromTheStartOfTheDialToTheResponseHeaders() throws Exception {
        GatedOutbound gated = new GatedOutbound(new RedirectOutbound("gated", direct, http.port()));
        LoadBalanceOutbound lb = balancer(URL, null, 10, List.of(gated));
        CompletableFuture<CheckResult> check = lb.checkNow("gated");
        Conditions.await("the dial to start", () -> gated.pending != null);
        Promise<Channel> first = gated.pending;
        scheduler.advance(Duration.ofMillis(90)); // the member takes 90 ms to connect, the first time
        gated.release();
        // a member's first answer is taken again at once, and the faster of the two counts
        Conditions.await("the second dial to start", () -> gated.pending != first);
        scheduler.advance(Duration.ofMillis(70));
        gated.release();
        assertThat(check.get(10, TimeUnit.SECONDS))
                .isEqualTo(CheckResult.success("gated", Tier.PRIMARY, Duration.ofMillis(70)));
        lb.close();
    }

    @Test
    void theConcurrencyCapHoldsOnRealConnections() throws Exception {
        List<RedirectOutbound> members = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            members.add(new RedirectOutbound("stuck-" + i, direct, hanging.port()));
        }
        int acceptedBefore = hanging.accepted();
        LoadBalanceOutbound lb = balancer(URL, null, 2, members);
        CompletableFuture<List<CheckResult>> round = lb.checkNow();
        Conditions.await("two checks to connect", () -> hanging.accepted() == acceptedBefore + 2);
        assertThat(members.stream().mapToInt(RedirectOutbound::dials).sum()).isEqualTo(2);
        scheduler.advance(Duration.ofSeconds(5));
        Conditions.await("the next two checks to connect", () -> hanging.accepted() == acceptedBefore + 4);
        assertThat(round).isNotDone();
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(round.get(10, TimeUnit.SECONDS)).hasSize(4).noneMatch(CheckResult::isSuccess);
        lb.close();
    }

    @Test
    void httpsChecksVerifyTheCertificateAndTheHostName() throws Exception {
        SelfSigned probeCert = TestCertificates.selfSigned("probe.test");
        SelfSigned otherCert = TestCertificates.selfSigned("other.test");
        try (TestCertificates.Https204Server probeServer = new TestCertificates.Https204Server(probeCert);
                TestCertificates.Https204Server otherServer = new TestCertificates.Https204Server(otherCert)) {
            RedirectOutbound toProbe = new RedirectOutbound("to-probe", direct, probeServer.port());
            RedirectOutbound toOther = new RedirectOutbound("to-other", direct, otherServer.port());
            String url = "https://probe.test/generate_204";
            // host-name verification switched off in the context: the probe must switch it on itself
            SslContext trusting = SslContextBuilder.forClient()
                    .trustManager(probeCert.certificate(), otherCert.certificate())
                    .endpointIdentificationAlgorithm(null)
                    .build();

            LoadBalanceOutbound trusted = balancer(url, trusting, 10, List.of(toProbe, toOther));
            List<CheckResult> results = trusted.checkNow().get(10, TimeUnit.SECONDS);
            assertThat(results.get(0).isSuccess()).as("%s", results.get(0)).isTrue();
            assertThat(probeServer.requests())
                    .as("a first answer is taken twice")
                    .isEqualTo(2);
            // a trusted certificate for another name is refused: the host name is verified
            assertThat(results.get(1).error()).startsWith("TLS: ").contains("probe.test");
            assertThat(otherServer.requests()).isZero();
            trusted.close();

            // the default trust store does not know the self-signed certificate
            LoadBalanceOutbound strict = balancer(url, null, 10, List.of(toProbe));
            CheckResult untrusted = strict.checkNow("to-probe").get(10, TimeUnit.SECONDS);
            assertThat(untrusted.error()).startsWith("TLS: ").contains("certification path");
            assertThat(probeServer.requests()).isEqualTo(2);
            strict.close();
        }
    }

    @Test
    void aRealDialFailureOfTheMemberMarksItDownAndItRecoversAfterTwoPassingChecks() throws Exception {
        RedirectOutbound member = new RedirectOutbound("member", direct, http.port());
        LoadBalanceOutbound lb = balancer(URL, null, 10, List.of(member));
        lb.checkNow().get(10, TimeUnit.SECONDS);
        assertThat(lb.snapshot().member("member").orElseThrow().healthy()).isTrue();
        int requestsBefore = http.requests();

        member.redirect(refusedPort()); // the member's path breaks
        Future<Channel> dial = lb.dial(
                Destination.of("example.com", 80), Metadata.internal(Network.TCP, Destination.of("example.com", 80)));
        assertThat(dial.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(dial.cause()).hasMessageContaining("outbound \"lb\"");
        // marked down at once; the recheck it triggered fails too, through the same broken path
        Conditions.await(
                "the recheck",
                () -> lb.snapshot().member("member").orElseThrow().lastError() != null
                        && !lb.snapshot()
                                .member("member")
                                .orElseThrow()
                                .lastError()
                                .startsWith("dial failed"));
        assertThat(lb.snapshot().member("member").orElseThrow().health()).isEqualTo(MemberHealth.UNHEALTHY);

        member.redirect(http.port()); // repaired: it recovers, and serves again after two checks in a row
        CheckResult again = lb.checkNow("member").get(10, TimeUnit.SECONDS);
        assertThat(again.isSuccess()).isTrue();
        assertThat(http.requests()).isEqualTo(requestsBefore + 1);
        assertThat(lb.snapshot().member("member").orElseThrow().health()).isEqualTo(MemberHealth.RECOVERING);
        assertThat(lb.snapshot().activeMembers()).isEmpty();
        assertThat(lb.checkNow("member").get(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        assertThat(lb.snapshot().member("member").orElseThrow().health()).isEqualTo(MemberHealth.HEALTHY);
        assertThat(lb.snapshot().activeMembers()).containsExactly("member");
        lb.close();
    }

    /** Holds each dial until {@link #release()}, then dials through the real member. */
    private static final class GatedOutbound implements Outbound {
        private final Outbound real;
        volatile Promise<Channel> pending;
        private volatile Destination destination;
        private volatile Metadata metadata;

        GatedOutbound(Outbound real) {
            this.real = real;
        }

        void release() {
            Promise<Channel> promise = pending;
            real.dial(destination, metadata).addListener((Future<Channel> f) -> {
                if (f.isSuccess()) {
                    promise.setSuccess(f.getNow());
                } else {
                    promise.setFailure(f.cause());
                }
            });
        }

        @Override
        public String tag() {
            return "gated";
        }

        @Override
        public String type() {
            return "gated";
        }

        @Override
        public Set<Network> networks() {
            return real.networks();
        }

        @Override
        public Future<Channel> dial(Destination destination, Metadata metadata) {
            this.destination = destination;
            this.metadata = metadata;
            Promise<Channel> promise = ImmediateEventExecutor.INSTANCE.newPromise();
            pending = promise;
            return promise;
        }
    }
}
