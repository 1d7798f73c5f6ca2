/**
 * The {@code loadbalance} outbound: health-checked primary and backup tiers of other outbounds, Top-N selection with
 * tolerance, random or consistent-hash (XXH64 ring) picking, and hysteresis between tiers. Start at
 * {@link io.github.proxycore.loadbalance.LoadBalanceOutbound}; it is built from configuration by
 * {@link io.github.proxycore.loadbalance.LoadBalanceOutboundFactory} for {@code type: loadbalance}.
 */
package io.github.proxycore.loadbalance;
