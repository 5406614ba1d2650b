/** The {@code listmodels} tool: the models calls may name, as the catalogue and the gateway know them. */
@NullMarked
package dev.zen.agent.listmodels;

import org.jspecify.annotations.NullMarked;
