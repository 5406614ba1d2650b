/**
 * Helpers the gateway modules and the modules built on them share: carrying the caller's trace
 * context across the threads a model call hops to, and JSON mappers whose buffers are pooled across
 * threads. <strong>Not API</strong>: public only so Zen's other modules can use them; they may
 * change in any release without notice. Applications must not depend on this package.
 */
@NullMarked
package dev.zen.gateway.internal;

import org.jspecify.annotations.NullMarked;
