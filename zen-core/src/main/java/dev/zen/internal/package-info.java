/**
 * Helpers Zen's own modules share: future unwrapping and cancellation propagation, argument
 * checks. <strong>Not API</strong>: public only so other Zen modules can use them; they may change
 * in any release without notice. Applications must not depend on this package.
 */
@NullMarked
package dev.zen.internal;

import org.jspecify.annotations.NullMarked;
