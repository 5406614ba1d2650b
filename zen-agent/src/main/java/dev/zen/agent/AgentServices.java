package dev.zen.agent;

import dev.zen.spi.CheckpointStore;
import dev.zen.spi.ModelGateway;
import dev.zen.spi.RemoteExecutor;
import java.time.Clock;
import java.util.concurrent.ExecutorService;

/** What every call of one agent shares: its backends, settings and helpers. */
record AgentServices(ModelGateway gateway, ModelDirectory models, CheckpointStore store, ZenAgentOptions options,
    ExecutorService executor, Clock clock, FileRules rules, FileLoader files, ImageLoader images,
    RemoteExecutor commands, UsageLedger usage, ToolContext.AgentInfo info) {}
