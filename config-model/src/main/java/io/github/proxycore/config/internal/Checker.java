package io.github.proxycore.config.internal;

import io.github.proxycore.config.DialOptions;
import io.github.proxycore.config.InboundTlsOptions;
import io.github.proxycore.config.ListenOptions;
import io.github.proxycore.config.OutboundTlsOptions;
import io.github.proxycore.config.spi.ConfigChecks;
import java.time.Duration;
import java.util.List;

/** The {@link ConfigChecks} of one object: the {@link Validator}'s checks at a path, references collected. */
final class Checker implements ConfigChecks {
    /** An outbound tag named at a path, checked once every tag is known. */
    record Reference(String tag, String path) {}

    private final String path;
    private final Problems problems;
    private final List<Reference> references;

    /** @param references where outbound references go; {@code null} to ignore them (one outbound on its own) */
    Checker(String path, Problems problems, List<Reference> references) {
        this.path = path;
        this.problems = problems;
        this.references = references;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String path(String field) {
        return field == null || field.isEmpty() ? path : path + "." + field;
    }

    @Override
    public void problem(String field, String message) {
        problems.add(path(field), message);
    }

    @Override
    public void required(Object value, String field) {
        Validator.required(value, path(field), problems);
    }

    @Override
    public void notEmpty(String value, String field) {
        if (value != null && value.isEmpty()) {
            problem(field, "must not be empty");
        }
    }

    @Override
    public void nonNegative(int value, String field) {
        Validator.nonNegative(value, path(field), problems);
    }

    @Override
    public boolean nonNegative(Duration value, String field) {
        return Validator.nonNegative(value, path(field), problems);
    }

    @Override
    public void positive(Duration value, String field) {
        Validator.positive(value, path(field), problems);
    }

    @Override
    public void port(int port, int min, String field) {
        Validator.port(port, min, path(field), problems);
    }

    @Override
    public void nonEmptyElements(List<String> values, String field) {
        Validator.strings(values, path(field), problems);
    }

    @Override
    public void httpUrl(String url, String field) {
        Validator.httpUrl(url, path(field), problems);
    }

    @Override
    public void dialOptions(DialOptions dial) {
        Validator.validateDial(dial, path, problems);
        outboundReference(dial.detour(), "detour");
    }

    @Override
    public void listenOptions(ListenOptions listen) {
        Validator.validateListen(listen, path, problems);
    }

    @Override
    public void outboundTls(OutboundTlsOptions tls, String field) {
        Validator.validateOutboundTls(tls, path(field), problems);
    }

    @Override
    public void inboundTls(InboundTlsOptions tls, String field) {
        Validator.validateInboundTls(tls, path(field), problems);
    }

    @Override
    public void outboundReference(String tag, String field) {
        if (references != null && tag != null && !tag.isEmpty()) {
            references.add(new Reference(tag, path(field)));
        }
    }
}
