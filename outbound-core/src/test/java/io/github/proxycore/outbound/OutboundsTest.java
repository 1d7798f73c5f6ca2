package io.github.proxycore.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ConfigProblem;
import io.github.proxycore.config.outbound.OutboundOptions;
import io.github.proxycore.testing.LoopbackTransport;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OutboundsTest {
    @RegisterExtension
    static final LoopbackTransport LOOPBACK = new LoopbackTransport(1);

    private static Transport transport;

    @BeforeAll
    static void start() {
        transport = LOOPBACK.transport();
    }

    private static List<OutboundOptions> outbounds(String json) {
        return ConfigLoader.parse("{\"outbounds\": " + json + "}").outbounds();
    }

    @Test
    void buildsBuiltInTypesByTag() {
        try (Outbounds built = Outbounds.builder(outbounds(
                        "[{\"type\": \"direct\", \"tag\": \"out\"}, {\"type\": \"block\", \"tag\": \"deny\"}]"))
                .transport(transport)
                .build()) {
            assertThat(built.get("out")).isInstanceOf(DirectOutbound.class);
            assertThat(built.get("deny")).isInstanceOf(BlockOutbound.class);
            assertThat(built.all()).extracting(Outbound::tag).containsExactly("out", "deny");
            assertThatThrownBy(() -> built.get("nope")).hasMessage("no outbound \"nope\"");
        }
    }

    @Test
    void typesWithoutAnImplementationAreConfigProblems() {
        // loadbalance lives in its own module, which outbound-core's tests do not have
        List<OutboundOptions> options = outbounds(
                "[{\"type\": \"direct\", \"tag\": \"d\"},"
                        + "{\"type\": \"loadbalance\", \"tag\": \"lb\", \"primary_outbounds\": [\"d\"], \"strategy\": \"random\"}]");
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> Outbounds.builder(options).transport(transport).build());
        assertThat(e.problems())
                .containsExactly(new ConfigProblem(
                        "$.outbounds[1].type",
                        "no implementation of outbound type \"loadbalance\" on the class path (is"
                                + " io.github.proxycore:loadbalance-core a dependency?)"));
    }

    @Test
    void dependenciesAreBuiltFirstAndClosedLast() {
        List<String> events = new ArrayList<>();
        OutboundFactory recording = new OutboundFactory() {
            @Override
            public String type() {
                return "direct";
            }

            @Override
            public Outbound create(OutboundOptions options, OutboundContext context) {
                events.add("build " + options.tag());
                if (!options.dependencies().isEmpty()) {
                    // the detour is already there
                    assertThat(context.outbound(options.dependencies().get(0)).tag())
                            .isEqualTo(options.dependencies().get(0));
                }
                return new Recorded(options.tag(), events);
            }
        };
        // "first" dials through "second", which is listed after it
        List<OutboundOptions> options = outbounds("[{\"type\": \"direct\", \"tag\": \"first\", \"detour\": \"second\"},"
                + "{\"type\": \"direct\", \"tag\": \"second\"}]");
        Outbounds built = Outbounds.builder(options)
                .transport(transport)
                .factory(recording)
                .build();
        assertThat(built.all()).extracting(Outbound::tag).containsExactly("first", "second");
        built.close();
        assertThat(events).containsExactly("build second", "build first", "close first", "close second");
    }

    @Test
    void optionsBuiltInJavaAreValidatedToo() {
        List<OutboundOptions> options = outbounds("[{\"type\": \"direct\", \"tag\": \"d\"}]");
        List<OutboundOptions> duplicated = List.of(options.get(0), options.get(0));
        assertThatThrownBy(
                        () -> Outbounds.builder(duplicated).transport(transport).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("$.outbounds[1].tag: duplicate outbound tag \"d\"");
    }

    @Test
    void aFactoryProblemIsReportedAtTheOutboundsPathAndNothingStaysOpen() {
        List<String> events = new ArrayList<>();
        OutboundFactory failing = new OutboundFactory() {
            @Override
            public String type() {
                return "direct";
            }

            @Override
            public Outbound create(OutboundOptions options, OutboundContext context) {
                if (options.tag().equals("bad")) {
                    throw new ConfigException(
                            null, List.of(new ConfigProblem("$.inet4_bind_address", "not on this host")));
                }
                return new Recorded(options.tag(), events);
            }
        };
        List<OutboundOptions> options =
                outbounds("[{\"type\": \"direct\", \"tag\": \"ok\"}, {\"type\": \"direct\", \"tag\": \"bad\"}]");
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> Outbounds.builder(options)
                        .transport(transport)
                        .factory(failing)
                        .build());
        assertThat(e.problems())
                .containsExactly(new ConfigProblem("$.outbounds[1].inet4_bind_address", "not on this host"));
        assertThat(events).containsExactly("close ok");
    }

    @Test
    void theSharedTransportIsReleasedWithTheLastUser() {
        Outbounds a = Outbounds.builder(outbounds("[{\"type\": \"block\", \"tag\": \"x\"}]"))
                .build();
        Outbounds b = Outbounds.builder(outbounds("[{\"type\": \"block\", \"tag\": \"x\"}]"))
                .build();
        assertThat(a.transport().group()).isSameAs(b.transport().group());
        a.close();
        assertThat(b.transport().group().isShuttingDown()).isFalse();
        b.close();
        assertThat(b.transport().group().isShuttingDown()).isTrue();
    }

    @Test
    void closingWithADialInFlightFailsItAsClosedAndLaterDialsFailAtOnce() throws Exception {
        // a name that never resolves keeps the dial in flight until the close
        HostResolver never = host -> new CompletableFuture<>();
        Outbounds built = Outbounds.builder(outbounds("[{\"type\": \"direct\", \"tag\": \"d\"}]"))
                .resolver(never)
                .build();
        Destination slow = Destination.of("never.test", 80);
        Future<Channel> inFlight = built.get("d").dial(slow, Metadata.internal(Network.TCP, slow));
        Future<Channel> udpInFlight = built.get("d").listenPacket(slow, Metadata.internal(Network.UDP, slow));
        built.close();
        assertThat(inFlight.await(5, TimeUnit.SECONDS))
                .as("the dial's future completes")
                .isTrue();
        assertThat(inFlight.cause()).isInstanceOf(DialException.class).hasMessageContaining("the outbound is closed");
        assertThat(udpInFlight.await(5, TimeUnit.SECONDS)).isTrue();
        Future<Channel> after = built.get("d").dial(slow, Metadata.internal(Network.TCP, slow));
        assertThat(after.isDone()).isTrue();
        assertThat(after.cause()).hasMessageContaining("the outbound is closed");
    }

    @Test
    void closingRightAfterADialCompletesTheDialEitherWay() throws Exception {
        try (java.net.ServerSocket target =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Destination to = Destination.of("127.0.0.1", target.getLocalPort());
            for (int i = 0; i < 20; i++) {
                Outbounds built = Outbounds.builder(outbounds("[{\"type\": \"direct\", \"tag\": \"d\"}]"))
                        .build();
                Future<Channel> dial = built.get("d").dial(to, Metadata.internal(Network.TCP, to));
                built.close();
                assertThat(dial.await(5, TimeUnit.SECONDS)).as("run %d", i).isTrue();
                if (dial.isSuccess()) {
                    dial.getNow().close();
                } else {
                    assertThat(dial.cause()).hasMessageContaining("closed");
                }
            }
        }
    }

    @Test
    void typedLookupNamesTheMismatchAndABuilderTakesAListOfOneOptionType() {
        List<io.github.proxycore.config.outbound.DirectOutboundOptions> directs =
                List.of(io.github.proxycore.config.outbound.DirectOutboundOptions.of("d"));
        try (Outbounds built = Outbounds.builder(directs).build()) {
            DirectOutbound direct = built.get("d", DirectOutbound.class);
            assertThat(direct.tag()).isEqualTo("d");
            assertThatThrownBy(() -> built.get("d", BlockOutbound.class))
                    .isInstanceOf(ClassCastException.class)
                    .hasMessageContaining("\"d\"")
                    .hasMessageContaining("BlockOutbound");
        }
    }

    @Test
    void aContextOverHostOutboundsFindsThemByTagAndSaysHowToPassAMissingOne() {
        try (Transport transport = Transport.create(1)) {
            BlockOutbound a = new BlockOutbound("a");
            OutboundContext context = OutboundContext.of(transport, List.of(a));
            assertThat(context.outbound("a")).isSameAs(a);
            assertThatThrownBy(() -> context.outbound("b"))
                    .hasMessageContaining("\"b\" is not in this context")
                    .hasMessageContaining("OutboundContext.of(transport, outbounds)");
            assertThatThrownBy(() -> OutboundContext.of(transport, List.of(a, new BlockOutbound("a"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("two outbounds are tagged \"a\"");
        }
    }

    @Test
    void aCompletableFutureViewCompletesLikeTheDialAndCancelsIt() throws Exception {
        try (Transport transport = Transport.create(1)) {
            io.netty.util.concurrent.Promise<Channel> dial =
                    io.netty.util.concurrent.ImmediateEventExecutor.INSTANCE.newPromise();
            CompletableFuture<Channel> stage = Dials.toCompletableFuture(dial);
            stage.cancel(false);
            assertThat(dial.isCancelled()).isTrue();
            Future<Channel> blocked = new BlockOutbound("x").dial(Destination.of("127.0.0.1", 1));
            assertThat(Dials.toCompletableFuture(blocked))
                    .failsWithin(java.time.Duration.ofSeconds(1))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(BlockedException.class);
        }
    }

    private record Recorded(String tag, List<String> events) implements Outbound {
        @Override
        public String type() {
            return "direct";
        }

        @Override
        public Set<Network> networks() {
            return Set.of(Network.TCP);
        }

        @Override
        public Future<Channel> dial(Destination destination, Metadata metadata) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            events.add("close " + tag);
        }
    }
}
