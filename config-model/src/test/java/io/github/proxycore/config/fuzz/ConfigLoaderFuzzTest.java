package io.github.proxycore.config.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.ProxyConfig;

/**
 * Whatever text arrives, loading either succeeds or throws {@link ConfigException}; nothing else escapes.
 *
 * <p>A normal test run replays the seed inputs (and any crash reproducers) in
 * {@code src/test/resources/io/github/proxycore/config/fuzz/ConfigLoaderFuzzTestInputs}; to fuzz, run with
 * {@code JAZZER_FUZZ=1 mvn -pl config-model test -Dtest=ConfigLoaderFuzzTest}.
 */
class ConfigLoaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void loadsOrReportsProblems(@NotNull String json) {
        try {
            ProxyConfig config = ConfigLoader.parse(json);
            // a configuration that loads must also pass the validation Java-built options get
            ConfigLoader.validate(config);
        } catch (ConfigException expected) {
            if (expected.problems().isEmpty()) {
                throw new AssertionError("a ConfigException without problems");
            }
        }
    }
}
