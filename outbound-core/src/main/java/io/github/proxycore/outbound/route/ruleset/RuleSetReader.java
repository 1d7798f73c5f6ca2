package io.github.proxycore.outbound.route.ruleset;

import io.github.proxycore.config.ConfigException;
import io.github.proxycore.config.ConfigLoader;
import io.github.proxycore.config.route.HeadlessRule;
import io.github.proxycore.config.route.RuleSetFormat;
import java.nio.charset.CharacterCodingException;
import java.util.List;
import java.util.Objects;

/** Reads a rule-set file in either of sing-box's formats into validated rules. Pure and thread-safe. */
public final class RuleSetReader {
    private RuleSetReader() {}

    /**
     * Reads {@code bytes} as {@code format}.
     *
     * @param bytes the file's content
     * @param format the file's format
     * @param source names the file in messages
     * @return the rules, validated as a configuration's rule-set rules are
     * @throws RuleSetFormatException saying what is wrong, prefixed with {@code source}
     */
    public static List<HeadlessRule> read(byte[] bytes, RuleSetFormat format, String source)
            throws RuleSetFormatException {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(format, "format");
        if (format == RuleSetFormat.BINARY) {
            try {
                return SrsDecoder.decode(bytes);
            } catch (RuleSetFormatException e) {
                throw new RuleSetFormatException(source + ": " + e.getMessage(), e);
            }
        }
        String json;
        try {
            json = SrsDecoder.strictUtf8(bytes);
        } catch (CharacterCodingException e) {
            throw new RuleSetFormatException(source + ": not UTF-8 text (is it a binary rule set?)", e);
        }
        try {
            return ConfigLoader.parseRuleSetSource(json, source);
        } catch (ConfigException e) {
            throw new RuleSetFormatException(e.getMessage(), e);
        }
    }
}
