/**
 * A {@link dev.zen.spi.RemoteExecutor} that runs commands on hosts over SSH, on Apache MINA SSHD.
 *
 * <pre>{@code
 * try (SshExecutor ssh = SshExecutor.create(SshOptions.builder().identity(Path.of("/keys/id_ed25519")).build())) {
 *   RemoteExecutor build = ssh.forHost("ssh://ci@build-1:2222");   // or an alias from ~/.ssh/config
 *   CommandResult result = build.execute(CommandSpec.builder("make", "test").build()).join();
 * }
 * }</pre>
 *
 * <p>Asynchronous end to end: a running command holds no thread (MINA's asynchronous channel
 * streams feed it); commands to one host share one authenticated connection's channels, and
 * further connections open when a connection's channel limit is reached. Host keys are always
 * checked (known_hosts or a pinned fingerprint; {@link dev.zen.executor.ssh.HostKeyRejectedException}
 * otherwise). A timeout or a cancel sends {@code KILL} to the remote process group over the
 * channel, then closes the channel. Errors: {@link dev.zen.ServiceUnavailableException} when the
 * host cannot be reached, {@link dev.zen.AuthenticationException} when no key is accepted,
 * {@link dev.zen.ConnectionLostException} when the connection drops under a running command.
 *
 * <p>Lifecycle: an {@link dev.zen.executor.ssh.SshExecutor} owns its MINA client, I/O threads and
 * connections; {@code close()} releases them all and fails what still runs. The executors that
 * {@code forHost} returns share it and own nothing.
 */
@NullMarked
package dev.zen.executor.ssh;

import org.jspecify.annotations.NullMarked;
