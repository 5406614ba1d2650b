package dev.zen.testkit;

import dev.zen.spi.RemoteExecutor;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** zen-core's local-process executor passes the contract (zen-core cannot depend on the testkit). */
@EnabledOnOs(OS.LINUX)
class LocalProcessExecutorContractTest extends RemoteExecutorContract {

  @Override
  protected RemoteExecutor create() {
    return RemoteExecutor.local();
  }
}
