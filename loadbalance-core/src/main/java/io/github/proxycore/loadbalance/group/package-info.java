/**
 * The group outbounds every sing-box configuration has: {@code selector} (a member chosen by the user, switched
 * through the Clash API) and {@code urltest} (the fastest member by URL test, with the load balancer's health
 * checker).
 */
package io.github.proxycore.loadbalance.group;
