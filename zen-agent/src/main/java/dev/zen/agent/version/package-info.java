/** The {@code version} tool: Zen's version, runtime and the settings that shape its answers. */
@NullMarked
package dev.zen.agent.version;

import org.jspecify.annotations.NullMarked;
