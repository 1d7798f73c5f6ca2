package io.github.proxycore.loadbalance;

import static io.github.proxycore.loadbalance.TestBalancers.nextRound;
import static io.github.proxycore.loadbalance.TestBalancers.options;
import static io.github.proxycore.loadbalance.TestBalancers.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.proxycore.config.outbound.HashKeyPart;
import io.github.proxycore.config.outbound.HashOptions;
import io.github.proxycore.config.outbound.LoadBalanceStrategy;
import io.github.proxycore.config.outbound.OnEmptyKey;
import io.github.proxycore.config.outbound.TopNOptions;
import io.github.proxycore.loadbalance.internal.HashRing;
import io.github.proxycore.loadbalance.support.FakeScheduler;
import io.github.proxycore.loadbalance.support.RecordingOutbound;
import io.github.proxycore.loadbalance.support.ScriptedProber;
import io.github.proxycore.outbound.Destination;
import io.github.proxycore.outbound.DestinationException;
import io.github.proxycore.outbound.DialException;
import io.github.proxycore.outbound.Metadata;
import io.github.proxycore.outbound.Network;
import io.github.proxycore.outbound.Outbound;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which member a connection goes to: bootstrap, Top-N, the ring, networks, retries, prefer_domain, interrupts. */
class SelectionTest {
    private final FakeScheduler scheduler = new FakeScheduler();
    private final ScriptedProber prober = new ScriptedProber();

    private static Metadata client(int i) throws Exception {
        return Metadata.builder(Network.TCP, Destination.of("example.com", 443))
                .source(new InetSocketAddress(
                        InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}), 40000))
                .external(true)
                .build();
    }

    private static List<RecordingOutbound> members(String... tags) {
        List<RecordingOutbound> out = new ArrayList<>();
        for (String tag : tags) {
            out.add(new RecordingOutbound(tag));
        }
        return out;
    }

    private static long hash(String key) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        return HashRing.XXH64.hashBytes(b, 0, b.length);
    }

    @Test
    void beforeTheFirstRoundCompletesEveryPrimaryNotKnownDownServes() throws Exception {
        List<RecordingOutbound> primaries = members("p1", "p2", "p3");
        List<RecordingOutbound> backups = members("b1");
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.RANDOM, primaries, backups).build(),
                primaries,
                backups,
                null,
                scheduler,
                prober.ok("p1", 10).hang("p2").fail("p3", "down").ok("b1", 5));
        assertThat(lb.snapshot().bootstrap()).isTrue();
        assertThat(pickedTags(lb, 300)).containsExactlyInAnyOrder("p1", "p2", "p3");

        scheduler.runDue(); // the first round starts: p1 answers, p3 fails at once, p2 hangs
        LoadBalanceSnapshot s = lb.snapshot();
        assertThat(s.bootstrap()).isTrue();
        assertThat(s.member("p3").orElseThrow().health()).isEqualTo(MemberHealth.UNHEALTHY);
        assertThat(s.member("p2").orElseThrow().health()).isEqualTo(MemberHealth.UNKNOWN);
        assertThat(pickedTags(lb, 300)).containsExactlyInAnyOrder("p1", "p2");

        scheduler.advance(Duration.ofSeconds(5)); // p2's check times out: the round is complete
        s = lb.snapshot();
        assertThat(s.bootstrap()).isFalse();
        assertThat(s.healthRounds()).isEqualTo(1);
        assertThat(s.member("p2").orElseThrow().lastError()).isEqualTo("timed out after 5000 ms");
        assertThat(pickedTags(lb, 100)).containsExactly("p1");
        lb.close();
    }

    private static Set<String> pickedTags(LoadBalanceOutbound lb, int picks) throws Exception {
        Set<String> tags = new HashSet<>();
        for (int i = 0; i < picks; i++) {
            tags.add(lb.pick(Network.TCP, client(i)).tag());
        }
        return tags;
    }

    @Test
    void topNWithToleranceKeepsTheRingThroughSmallLatencyChanges() throws Exception {
        List<RecordingOutbound> primaries = members("a", "b", "c", "d");
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.CONSISTENT_HASH, primaries, List.of())
                        .topN(new TopNOptions(2, 0))
                        .tolerance(Duration.ofMillis(50))
                        .hash(HashOptions.of(HashKeyPart.SRC_IP))
                        .build(),
                primaries,
                List.of(),
                null,
                scheduler,
                prober.ok("a", 10).ok("b", 20).ok("c", 100).ok("d", 200));
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().activeMembers()).containsExactly("a", "b");
        assertThat(inTopN(lb)).containsExactly("a", "b");
        Map<Integer, String> before = mapping(lb);
        assertThat(new HashSet<>(before.values())).containsExactlyInAnyOrder("a", "b");

        prober.ok("b", 60).ok("c", 30); // c is now faster than b, but not by more than 50 ms
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().activeMembers()).containsExactly("a", "b");
        assertThat(mapping(lb)).isEqualTo(before);

        prober.ok("c", 5); // 55 ms faster than b: it takes b's place
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().activeMembers()).containsExactly("a", "c");
        Map<Integer, String> after = mapping(lb);
        for (Map.Entry<Integer, String> e : before.entrySet()) {
            String now = after.get(e.getKey());
            if (!now.equals(e.getValue())) {
                // consistent hashing: only b's keys move, and keys only move to the newcomer
                assertThat(e.getValue().equals("b") || now.equals("c"))
                        .as("key %d: %s -> %s", e.getKey(), e.getValue(), now)
                        .isTrue();
            }
        }
        lb.close();
    }

    @Test
    void aColdFirstSampleIsTakenAgainSoToleranceCannotLockAWrongTopN() throws Exception {
        // the first health round pays the JVM's warm-up: "a" answers in 631 ms once, then in 24 ms
        List<RecordingOutbound> primaries = members("a", "b", "c", "d");
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.RANDOM, primaries, List.of())
                        .topN(new TopNOptions(2, 0))
                        .tolerance(Duration.ofMillis(50))
                        .build(),
                primaries,
                List.of(),
                null,
                scheduler,
                prober.sequence("a", 631, 24).ok("b", 30).ok("c", 40).ok("d", 45));
        nextRound(lb, scheduler);
        assertThat(prober.probes("a")).isEqualTo(2);
        assertThat(lb.snapshot().member("a").orElseThrow().lastLatency()).isEqualTo(Duration.ofMillis(24));
        // with the 631 ms sample, b and c would have been chosen and kept by the 50 ms tolerance for good
        assertThat(lb.snapshot().activeMembers()).containsExactly("a", "b");
        nextRound(lb, scheduler);
        assertThat(prober.probes("a")).as("only the first answer is repeated").isEqualTo(3);
        assertThat(lb.snapshot().activeMembers()).containsExactly("a", "b");
        lb.close();
    }

    private static List<String> inTopN(LoadBalanceOutbound lb) {
        return lb.snapshot().members().stream()
                .filter(MemberSnapshot::inTopN)
                .map(MemberSnapshot::tag)
                .toList();
    }

    private static Map<Integer, String> mapping(LoadBalanceOutbound lb) throws Exception {
        Map<Integer, String> out = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            out.put(i, lb.pick(Network.TCP, client(i)).tag());
        }
        return out;
    }

    @Test
    void consistentHashPicksWhatTheRingOfTheActiveMembersSays() throws Exception {
        List<RecordingOutbound> primaries = members("proxy-1", "proxy-2", "proxy-3", "proxy-4");
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.CONSISTENT_HASH, primaries, List.of())
                        .hash(new HashOptions(
                                List.of(HashKeyPart.SRC_IP, HashKeyPart.DST_PORT), 100, OnEmptyKey.RANDOM, "salt/"))
                        .build(),
                primaries,
                List.of(),
                null,
                scheduler,
                prober.ok("proxy-1", 10)
                        .ok("proxy-2", 10)
                        .fail("proxy-3", "down")
                        .ok("proxy-4", 10));
        nextRound(lb, scheduler);
        List<String> active = List.of("proxy-1", "proxy-2", "proxy-4");
        HashRing ring = HashRing.build(active, 100);
        for (int i = 0; i < 300; i++) {
            String expected = active.get(ring.lookup(hash("salt/10.0." + (i >> 8) + "." + (i & 0xff) + "|443")));
            assertThat(lb.pick(Network.TCP, client(i)).tag()).isEqualTo(expected);
            // and a dial goes there
            Future<Channel> dial = lb.dial(Destination.of("example.com", 443), client(i));
            assertThat(dial.isSuccess()).isTrue();
            dial.getNow().close();
        }
        int dialled = primaries.stream().mapToInt(RecordingOutbound::dials).sum();
        assertThat(dialled).isEqualTo(300);
        assertThat(primaries.get(2).dials()).isZero();
        lb.close();
    }

    @Test
    void aUdpFlowWalksClockwiseToTheNextMemberCarryingUdp() throws Exception {
        RecordingOutbound p1 = new RecordingOutbound("p1", Network.TCP);
        RecordingOutbound p2 = new RecordingOutbound("p2", Network.TCP, Network.UDP);
        RecordingOutbound p3 = new RecordingOutbound("p3", Network.TCP, Network.UDP);
        RecordingOutbound p4 = new RecordingOutbound("p4", Network.TCP);
        List<RecordingOutbound> primaries = List.of(p1, p2, p3, p4);
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.CONSISTENT_HASH, primaries, List.of())
                        .hash(HashOptions.of(HashKeyPart.SRC_IP))
                        .build(),
                primaries,
                List.of(),
                null,
                scheduler,
                prober);
        assertThat(lb.networks()).containsExactlyInAnyOrder(Network.TCP, Network.UDP);
        List<String> tags = List.of("p1", "p2", "p3", "p4");
        HashRing ring = HashRing.build(tags, 100);
        int walked = 0;
        for (int i = 0; i < 200; i++) {
            int start = ring.ceiling(hash("10.0." + (i >> 8) + "." + (i & 0xff)));
            String landing = tags.get(ring.owner(start));
            String expectedUdp = null;
            for (int k = 0; expectedUdp == null; k++) {
                String owner = tags.get(ring.owner((start + k) % ring.size()));
                if (owner.equals("p2") || owner.equals("p3")) {
                    expectedUdp = owner;
                }
            }
            if (!landing.equals(expectedUdp)) {
                walked++;
            }
            Metadata udp = client(i).toBuilder().network(Network.UDP).build();
            assertThat(lb.pick(Network.TCP, client(i)).tag()).isEqualTo(landing);
            assertThat(lb.pick(Network.UDP, udp).tag()).isEqualTo(expectedUdp);
            Future<Channel> packet = lb.listenPacket(udp);
            assertThat(packet.isSuccess()).isTrue();
            packet.getNow().close();
        }
        assertThat(walked).as("some keys land on TCP-only members").isGreaterThan(20);
        assertThat(p1.dials() + p4.dials()).isZero();
        assertThat(p2.dials() + p3.dials()).isEqualTo(200);
        lb.close();
    }

    @Test
    void aMemberFailureIsRetriedOnTheNextMembersClockwiseAtMostThreeAndCountsAsPassiveHealth() throws Exception {
        List<RecordingOutbound> primaries = members("m1", "m2", "m3", "m4", "m5");
        primaries.forEach(m -> m.failing(true));
        for (RecordingOutbound m : primaries) {
            prober.ok(m.tag(), 10);
        }
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.CONSISTENT_HASH, primaries, List.of())
                        .hash(HashOptions.of(HashKeyPart.SRC_IP))
                        .build(),
                primaries,
                List.of(),
                null,
                scheduler,
                prober);
        nextRound(lb, scheduler);
        int probesAfterRound = prober.totalProbes();
        List<String> tags = List.of("m1", "m2", "m3", "m4", "m5");
        HashRing ring = HashRing.build(tags, 100);
        int start = ring.ceiling(hash("10.0.0.7"));
        List<String> clockwise = new ArrayList<>();
        for (int k = 0; clockwise.size() < 3; k++) {
            String owner = tags.get(ring.owner((start + k) % ring.size()));
            if (!clockwise.contains(owner)) {
                clockwise.add(owner);
            }
        }
        Future<Channel> dial = lb.dial(Destination.of("example.com", 443), client(7));
        assertThat(dial.isDone()).isTrue();
        assertThat(dial.cause())
                .isInstanceOf(DialException.class)
                .hasMessageContaining("outbound \"lb\" (loadbalance)")
                .hasMessageContaining("3 members failed");
        List<String> tried = new ArrayList<>();
        for (RecordingOutbound m : primaries) {
            if (m.dials() > 0) {
                assertThat(m.dials()).isEqualTo(1);
                tried.add(m.tag());
            }
        }
        assertThat(tried).containsExactlyInAnyOrderElementsOf(clockwise);
        for (String t : clockwise) {
            assertThat(dial.cause().getMessage()).contains("outbound \"" + t + "\"");
        }
        // each failure marked its member down at once, and a check of it followed: it passed, so the member is
        // recovering, and out of the pool until it passes rise (2) checks in a row
        assertThat(prober.totalProbes()).isEqualTo(probesAfterRound + 3);
        for (MemberSnapshot m : lb.snapshot().members()) {
            assertThat(m.health())
                    .as(m.tag())
                    .isEqualTo(clockwise.contains(m.tag()) ? MemberHealth.RECOVERING : MemberHealth.HEALTHY);
        }
        assertThat(lb.snapshot().activeMembers()).doesNotContainAnyElementsOf(clockwise);
        nextRound(lb, scheduler);
        assertThat(lb.snapshot().members()).allMatch(MemberSnapshot::healthy);

        // the first member fails, the second clockwise succeeds
        for (RecordingOutbound m : primaries) {
            m.reset();
            m.failing(m.tag().equals(clockwise.get(0)));
        }
        prober.fail(clockwise.get(0), "down now");
        Future<Channel> retried = lb.dial(Destination.of("example.com", 443), client(7));
        assertThat(retried.isSuccess()).isTrue();
        assertThat(primaries.get(tags.indexOf(clockwise.get(1))).dials()).isEqualTo(1);
        assertThat(lb.snapshot().member(clockwise.get(0)).orElseThrow().health())
                .isEqualTo(MemberHealth.UNHEALTHY);
        assertThat(lb.snapshot().member(clockwise.get(0)).orElseThrow().lastError())
                .isEqualTo("down now");
        retried.getNow().close();
        lb.close();
    }

    @Test
    void aDestinationErrorIsTheCallersItMarksNoMemberAndIsNotRetried() throws Exception {
        List<RecordingOutbound> primaries = members("m1", "m2", "m3", "m4", "m5");
        List<RecordingOutbound> backups = members("b1");
        for (RecordingOutbound m : primaries) {
            prober.ok(m.tag(), 10);
            m.destinationError(true); // every member's server answers SYNACK "remote: dial tcp ...: refused"
        }
        prober.ok("b1", 10);
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.CONSISTENT_HASH, primaries, backups)
                        .hash(HashOptions.of(HashKeyPart.SRC_IP))
                        .build(),
                primaries,
                backups,
                null,
                scheduler,
                prober);
        nextRound(lb, scheduler);
        int probesAfterRound = prober.totalProbes();
        for (int i = 0; i < 6; i++) {
            Destination closedPort = Destination.of("127.0.0.1", 1);
            Future<Channel> dial =
                    lb.dial(client(i).toBuilder().destination(closedPort).build());
            assertThat(dial.cause())
                    .isInstanceOf(DialException.class)
                    .hasMessageStartingWith("outbound \"lb\" (loadbalance) could not reach 127.0.0.1:1: outbound \"m")
                    .hasMessageContaining("remote: dial tcp 127.0.0.1:1: connect: connection refused")
                    .hasMessageNotContaining("members failed");
            assertThat(DestinationException.isCauseOf(dial.cause())).isTrue();
        }
        // one member per request, no retries, nobody marked, no extra checks, no primary failure
        assertThat(primaries.stream().mapToInt(RecordingOutbound::dials).sum()).isEqualTo(6);
        assertThat(lb.snapshot().members()).allMatch(MemberSnapshot::healthy);
        assertThat(prober.totalProbes()).isEqualTo(probesAfterRound);
        assertThat(lb.snapshot().activeMembers()).containsExactly("m1", "m2", "m3", "m4", "m5");
        assertThat(lb.snapshot().consecutivePrimaryFailures()).isZero();

        primaries.forEach(m -> m.destinationError(false));
        for (int i = 0; i < 10; i++) {
            lb.dial(Destination.of("example.com", 443), client(i)).getNow().close();
        }
        assertThat(backups.get(0).dials()).isZero();
        assertThat(lb.snapshot().state()).isEqualTo(Tier.PRIMARY);
        lb.close();
    }

    @Test
    void preferDomainPassesTheSniffedDomainForIpDestinations() throws Exception {
        List<RecordingOutbound> primaries = members("p1");
        Metadata sniffed = Metadata.builder(Network.TCP, Destination.of("93.184.216.34", 443))
                .sniffedDomain("www.example.com")
                .build();
        for (boolean prefer : new boolean[] {true, false}) {
            primaries.get(0).reset();
            LoadBalanceOutbound lb = start(
                    options(LoadBalanceStrategy.RANDOM, primaries, List.of())
                            .preferDomain(prefer)
                            .build(),
                    primaries,
                    List.of(),
                    null,
                    scheduler,
                    prober);
            lb.dial(Destination.of("93.184.216.34", 443), sniffed).getNow().close();
            lb.dial(
                            Destination.of("other.example", 80),
                            sniffed.toBuilder()
                                    .destination(Destination.of("other.example", 80))
                                    .build())
                    .getNow()
                    .close();
            Destination expected =
                    prefer ? Destination.of("www.example.com", 443) : Destination.of("93.184.216.34", 443);
            assertThat(primaries.get(0).destinations()).containsExactly(expected, Destination.of("other.example", 80));
            assertThat(primaries.get(0).metadata().get(0).destination()).isEqualTo(expected);
            lb.close();
        }
    }

    @Test
    void membersLeavingTheActiveSetLoseInternalConnectionsAndExternalOnesWhenConfigured() throws Exception {
        for (boolean interruptExternal : new boolean[] {false, true}) {
            FakeScheduler clock = new FakeScheduler();
            ScriptedProber checks = new ScriptedProber().ok("a", 10).ok("b", 50);
            List<RecordingOutbound> primaries = members("a", "b");
            LoadBalanceOutbound lb = start(
                    options(LoadBalanceStrategy.RANDOM, primaries, List.of())
                            .topN(new TopNOptions(1, 0))
                            .interruptExistConnections(interruptExternal)
                            .build(),
                    primaries,
                    List.of(),
                    null,
                    clock,
                    checks);
            nextRound(lb, clock);
            Metadata internal = Metadata.internal(Network.TCP, Destination.of("example.com", 443));
            Channel internalChannel = lb.dial(internal.destination(), internal).getNow();
            Channel externalChannel = lb.dial(internal.destination(), client(1)).getNow();
            assertThat(primaries.get(0).channels()).containsExactly(internalChannel, externalChannel);
            assertThat(lb.snapshot().member("a").orElseThrow().openConnections())
                    .isEqualTo(2);

            checks.fail("a", "gone");
            nextRound(lb, clock);
            assertThat(lb.snapshot().activeMembers()).containsExactly("b");
            assertThat(internalChannel.isOpen()).isFalse();
            assertThat(externalChannel.isOpen()).isEqualTo(!interruptExternal);
            assertThat(lb.snapshot().member("a").orElseThrow().openConnections())
                    .isEqualTo(interruptExternal ? 0 : 1);
            externalChannel.close();
            assertThat(lb.snapshot().member("a").orElseThrow().openConnections())
                    .isZero();
            lb.close();
        }
    }

    @Test
    void onEmptyKeyHashEmptySendsKeylessConnectionsToOneMemberAndRandomSpreadsThem() throws Exception {
        List<RecordingOutbound> primaries = members("proxy-1", "proxy-2", "proxy-3", "proxy-4");
        Metadata keyless = Metadata.internal(Network.TCP, Destination.of("example.com", 443));
        LoadBalanceOutbound hashEmpty = start(
                options(LoadBalanceStrategy.CONSISTENT_HASH, primaries, List.of())
                        .hash(new HashOptions(
                                List.of(HashKeyPart.SRC_IP, HashKeyPart.MATCHED_RULESET),
                                100,
                                OnEmptyKey.HASH_EMPTY,
                                ""))
                        .build(),
                primaries,
                List.of(),
                null,
                scheduler,
                prober);
        List<String> tags = List.of("proxy-1", "proxy-2", "proxy-3", "proxy-4");
        String expected = tags.get(HashRing.build(tags, 100).lookup(hash("")));
        for (int i = 0; i < 50; i++) {
            assertThat(hashEmpty.pick(Network.TCP, keyless).tag()).isEqualTo(expected);
        }
        hashEmpty.close();

        LoadBalanceOutbound random = start(
                options(LoadBalanceStrategy.CONSISTENT_HASH, primaries, List.of())
                        .hash(new HashOptions(List.of(HashKeyPart.SRC_IP), 100, OnEmptyKey.RANDOM, ""))
                        .build(),
                primaries,
                List.of(),
                null,
                scheduler,
                prober);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(random.pick(Network.TCP, keyless).tag());
        }
        assertThat(seen).hasSize(4);
        // a key with a part present is not "empty": it is hashed
        Outbound first = random.pick(Network.TCP, client(3));
        for (int i = 0; i < 20; i++) {
            assertThat(random.pick(Network.TCP, client(3))).isSameAs(first);
        }
        random.close();
    }

    @Test
    void snapshotAndOnDemandChecksReportEveryMember() throws Exception {
        List<RecordingOutbound> primaries = members("p1", "p2");
        List<RecordingOutbound> backups = members("b1");
        LoadBalanceOutbound lb = start(
                options(LoadBalanceStrategy.RANDOM, primaries, backups).build(),
                primaries,
                backups,
                null,
                scheduler,
                prober.ok("p1", 42).fail("p2", "refused").ok("b1", 7));
        List<CheckResult> results = lb.checkNow().get();
        assertThat(results)
                .containsExactly(
                        CheckResult.success("p1", Tier.PRIMARY, Duration.ofMillis(42)),
                        CheckResult.failure("p2", Tier.PRIMARY, "refused"),
                        CheckResult.success("b1", Tier.BACKUP, Duration.ofMillis(7)));
        assertThat(lb.checkNow("b1").get()).isEqualTo(CheckResult.success("b1", Tier.BACKUP, Duration.ofMillis(7)));

        LoadBalanceSnapshot s = lb.snapshot();
        assertThat(s.tag()).isEqualTo("lb");
        assertThat(s.state()).isEqualTo(Tier.PRIMARY);
        assertThat(s.bootstrap()).isFalse();
        assertThat(s.healthRounds()).isEqualTo(1); // the on-demand round counts
        // a check time for every member with a successful check, on the wall clock, never in the future
        Instant now = Instant.now();
        assertThat(s.member("p1").orElseThrow().lastCheckTime()).isNotNull().isBeforeOrEqualTo(now);
        assertThat(s.member("b1").orElseThrow().lastCheckTime()).isNotNull().isBeforeOrEqualTo(now);
        assertThat(s.member("p2").orElseThrow().lastCheckTime()).isNull();
        assertThat(s.members())
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("lastCheckTime")
                .containsExactly(
                        new MemberSnapshot(
                                "p1", Tier.PRIMARY, MemberHealth.HEALTHY, Duration.ofMillis(42), null, true, true, 0),
                        new MemberSnapshot(
                                "p2", Tier.PRIMARY, MemberHealth.UNHEALTHY, null, "refused", false, false, 0),
                        new MemberSnapshot(
                                "b1", Tier.BACKUP, MemberHealth.HEALTHY, Duration.ofMillis(7), null, true, false, 0));
        assertThat(lb.type()).isEqualTo("loadbalance");
        lb.close();
    }
}
