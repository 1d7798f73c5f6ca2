package io.github.proxycore.mixed;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Whatever a client sends, the request-head parser returns a head, returns {@code null} (wait for more), or throws
 * {@link HttpRequestHead.BadRequest} with an HTTP status; it never consumes input, and a parsed head's length lies
 * within what arrived. To fuzz: {@code JAZZER_FUZZ=1 mvn -pl mixed-inbound test -Dtest=HttpRequestHeadFuzzTest}.
 */
class HttpRequestHeadFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parsesWaitsOrRejects(byte @NotNull [] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            HttpRequestHead head = HttpRequestHead.parse(in);
            if (in.readerIndex() != 0) {
                throw new AssertionError("the parser consumed input");
            }
            if (head != null && (head.length() <= 0 || head.length() > bytes.length)) {
                throw new AssertionError(
                        "head length " + head.length() + " outside the " + bytes.length + " bytes read");
            }
            if (head != null) {
                head.forOrigin("/", "host"); // rewriting any parsed head works
            }
        } catch (HttpRequestHead.BadRequest rejected) {
            if (rejected.status < 400 || rejected.status > 599) {
                throw new AssertionError("not an error status: " + rejected.status);
            }
        } finally {
            in.release();
        }
    }
}
