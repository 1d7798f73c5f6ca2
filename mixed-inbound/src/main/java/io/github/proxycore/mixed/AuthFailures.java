package io.github.proxycore.mixed;

import io.github.proxycore.outbound.PeerText;
import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused client authentications of one inbound: who (the client's address), by which protocol, as which user
 * (escaped; never the password). At most one line a second, so a client guessing passwords cannot flood the log;
 * the lines skipped meanwhile are counted in the next one.
 */
final class AuthFailures {
    private static final Logger log = LoggerFactory.getLogger(AuthFailures.class);
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(1);

    private final String inbound;
    private final AtomicLong nextLineAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    AuthFailures(String inbound) {
        this.inbound = inbound;
    }

    /** {@code client} failed to authenticate with {@code protocol}; {@code user} as it sent it, or null. */
    void refused(Channel client, String protocol, String user) {
        long now = client.eventLoop().ticker().nanoTime();
        long next = nextLineAt.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextLineAt.compareAndSet(next, now + INTERVAL)) {
            suppressed.incrementAndGet();
            return;
        }
        long skipped = suppressed.getAndSet(0);
        log.info(
                "{} inbound \"{}\": {} authentication refused for {} from {}{}",
                "mixed",
                inbound,
                protocol,
                user == null ? "a client without credentials" : "user \"" + PeerText.printable(user) + "\"",
                client.remoteAddress(),
                skipped == 0 ? "" : " (" + skipped + " more refused since the last line)");
    }
}
