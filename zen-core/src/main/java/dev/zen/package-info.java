/**
 * Zen's root package: the exception hierarchy and the runtime executors shared by every module.
 *
 * <p>Every failure Zen reports is a {@link dev.zen.ZenException}, split into
 * {@link dev.zen.RetriableException} (a later attempt may succeed: timeouts, rate limits,
 * unavailable services) and {@link dev.zen.NonRetriableException} (retrying cannot help: bad
 * requests, authentication, corrupt data). Exceptions that only add context to another failure
 * ({@link dev.zen.GraphExecutionException}) are retriable when that failure is; ask
 * {@link dev.zen.ZenException#isRetriable()}. Asynchronous methods complete their future
 * exceptionally with these; only invalid arguments are thrown directly.
 */
@NullMarked
package dev.zen;

import org.jspecify.annotations.NullMarked;
