package io.github.proxycore.anytls.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The key=value format of Settings and ServerSettings (docs/protocol.md): order-free, nothing trimmed. */
class SettingsTest {

    @Test
    void parsesInAnyOrder() {
        Map<String, String> a = Settings.parse("v=2\nclient=anytls/0.0.13\npadding-md5=75cf");
        Map<String, String> b = Settings.parse("client=anytls/0.0.13\npadding-md5=75cf\nv=2");
        assertThat(a).isEqualTo(b).containsEntry("v", "2").containsEntry("client", "anytls/0.0.13");
        assertThat(Settings.version(b)).isEqualTo(2);
    }

    @Test
    void splitsAtTheFirstEqualsSkipsLinesWithoutOneAndTrimsNothing() {
        Map<String, String> parsed = Settings.parse("a=b=c\nnoequals\n v = 3 \n\nv=x");
        assertThat(parsed).containsExactly(Map.entry("a", "b=c"), Map.entry(" v ", " 3 "), Map.entry("v", "x"));
        assertThat(Settings.version(parsed))
                .as("an unparsable v counts as v1 behaviour")
                .isZero();
        assertThat(Settings.version(Settings.parse(""))).isZero();
    }

    @Test
    void formatsWithoutTrailingNewline() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("v", "2");
        settings.put("client", "x/1");
        assertThat(Settings.format(settings)).isEqualTo("v=2\nclient=x/1");
        assertThat(Settings.parse(Settings.format(settings))).isEqualTo(settings);
    }
}
