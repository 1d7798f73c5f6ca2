package io.github.proxycore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource({
        "0, 0",
        "+0, 0",
        "-0, 0",
        "0s, 0",
        "300ms, 300000000",
        "1h5m, 3900000000000",
        "1.5h, 5400000000000",
        "-1.5h, -5400000000000",
        "2h45m, 9900000000000",
        "30s, 30000000000",
        "5m, 300000000000",
        "1d, 86400000000000",
        "1d2h, 93600000000000",
        "1ns, 1",
        "1us, 1000",
        "1\u00b5s, 1000",
        "1\u03bcs, 1000",
        "1.5ms, 1500000",
        ".5s, 500000000",
        "5.s, 5000000000",
        "1h1m1s1ms1us1ns, 3661001001001",
        "0.000000001s, 1",
        "0.0000000001s, 0",
        "1.1h, 3960000000000",
        // fractions are scaled through float64 exactly as Go does; these values were printed by Go 1.19
        "0.3333333333333333333h, 1200000000000",
        "0.1h, 360000000000",
        "4.000000000000001h, 14400000000000",
        "0.0001h, 360000000",
        "123.456789012s, 123456789012",
        "1.99999999999999999999m, 119999999999",
        "0.7m, 42000000000",
        "2.675h, 9630000000000",
        "33.3333333333333333333333333333s, 33333333333",
        "9223372036854775807ns, 9223372036854775807",
        "-9223372036854775808ns, -9223372036854775808",
        "2562047h47m16.854775807s, 9223372036854775807",
    })
    void parsesLikeGo(String text, long nanos) {
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest(name = "\"{0}\" is rejected")
    @ValueSource(
            strings = {
                "",
                "5",
                "-",
                "+",
                ".",
                ".s",
                "s",
                "1.2.3s",
                "5x",
                "5 s",
                " 5s",
                "5s ",
                "1e3s",
                "3m-1s",
                "9223372036854775808ns",
                "2562048h",
                "1S",
                "1H",
                "0x10s"
            })
    void rejectsWhatGoRejects(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duration \"" + text + "\"");
    }

    @Test
    void unknownUnitIsNamed() {
        assertThatThrownBy(() -> GoDuration.parse("5x"))
                .hasMessage("unknown unit \"x\" in duration \"5x\" (valid units: ns, us, ms, s, m, h, d)");
        assertThatThrownBy(() -> GoDuration.parse("5")).hasMessage("missing unit in duration \"5\"");
    }

    @ParameterizedTest(name = "{0} ns formats as {1}")
    @CsvSource({
        "0, 0s",
        "1, 1ns",
        "1500, 1.5\u00b5s",
        "300000000, 300ms",
        "1500000, 1.5ms",
        "30000000000, 30s",
        "3900000000000, 1h5m0s",
        "5400000000000, 1h30m0s",
        "-5400000000000, -1h30m0s",
        "90061000000000, 25h1m1s",
        "1500000000, 1.5s",
        "9223372036854775807, 2562047h47m16.854775807s",
        "-9223372036854775808, -2562047h47m16.854775808s",
    })
    void formatsLikeGo(long nanos, String text) {
        assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(text);
    }

    @Test
    void formatRoundTrips() {
        for (String text : new String[] {"1h5m0s", "300ms", "2562047h47m16.854775807s", "1.5\u00b5s", "17ns"}) {
            assertThat(GoDuration.format(GoDuration.parse(text))).isEqualTo(text);
        }
    }
}
