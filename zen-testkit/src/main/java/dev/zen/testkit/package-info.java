/**
 * Zen's test harness, for Zen's own tests and for users testing their agents and backends.
 *
 * <p>Contract suites are abstract JUnit 5 classes that an implementation's test extends:
 * {@link dev.zen.testkit.CheckpointStoreContract} checks a {@link dev.zen.spi.CheckpointStore},
 * and {@link dev.zen.testkit.CheckpointStoreFixture} holds the backend hooks and store lifecycle
 * that every checkpoint-store suite shares. What a backend cannot do it declares through a hook;
 * the suites never skip a case silently. {@link dev.zen.testkit.GraphCheckpointContract} drives
 * whole graphs (interrupt, resume through a fresh store instance, continued threads) through a
 * store.
 *
 * <p>For agents: {@link dev.zen.testkit.ScriptedModelGateway} answers chat requests from a script
 * (latency, failures, a record of every request), {@link dev.zen.testkit.RunRecorder} captures a
 * run's events and {@link dev.zen.testkit.ZenAssertions} asserts on its trajectory.
 * {@link dev.zen.fake.openai.FakeOpenAiServer} is a real OpenAI-compatible HTTP server on loopback
 * (JSON and SSE streaming, scripted replies, latency, faults on demand, a record of every request)
 * for tests that go over the wire; {@link dev.zen.testkit.RedisServerProcess} starts real Redis.
 */
@NullMarked
package dev.zen.testkit;

import org.jspecify.annotations.NullMarked;
