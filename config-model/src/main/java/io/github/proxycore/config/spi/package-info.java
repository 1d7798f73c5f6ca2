/**
 * The open side of configuration: how a module adds an outbound or inbound {@code type} to the JSON format.
 *
 * <p>A module that contributes a type contributes three things, each found with {@link java.util.ServiceLoader}:
 * its options (a record implementing {@link io.github.proxycore.config.outbound.OutboundOptions} or
 * {@link io.github.proxycore.config.inbound.InboundOptions}), its JSON binding and validation (an
 * {@link io.github.proxycore.config.spi.OutboundType} or {@link io.github.proxycore.config.spi.InboundType}, listed in
 * {@code META-INF/services/io.github.proxycore.config.spi.OutboundType} or {@code ...InboundType}), and the code that
 * runs it ({@code io.github.proxycore.outbound.OutboundFactory} or {@code ...inbound.InboundFactory}).
 *
 * <p>The built-in types ({@code anytls}, {@code loadbalance}, {@code direct}, {@code block}, {@code mixed}) are
 * registered the same way, by config-model's own service file; the loader has no list of types. A type read through
 * {@link io.github.proxycore.config.spi.ConfigObject} is as strict as the built-in ones: unknown fields, wrong types
 * and missing fields are reported with their JSON path, together with every other problem of the document, and a
 * secret's value is never repeated in a message.
 */
package io.github.proxycore.config.spi;
