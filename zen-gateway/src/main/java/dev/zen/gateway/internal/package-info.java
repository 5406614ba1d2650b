/**
 * Helpers the gateway modules share: carrying the caller's trace context across the threads a
 * model call hops to. <strong>Not API</strong>: public only so Zen's other gateway modules can use
 * them; they may change in any release without notice. Applications must not depend on this
 * package.
 */
@NullMarked
package dev.zen.gateway.internal;

import org.jspecify.annotations.NullMarked;
