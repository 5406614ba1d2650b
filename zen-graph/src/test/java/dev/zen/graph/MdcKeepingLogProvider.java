package dev.zen.graph;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple with an MDC that keeps values (the server's JSON logging has one; slf4j-simple's
 * own does nothing), so that tests can see what the runtime puts in it. Set as
 * {@code slf4j.provider} for this module's tests.
 */
public final class MdcKeepingLogProvider extends SimpleServiceProvider {
  private final MDCAdapter mdc = new BasicMDCAdapter();

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }
}
