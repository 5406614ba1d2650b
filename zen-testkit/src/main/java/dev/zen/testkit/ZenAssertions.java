package dev.zen.testkit;

/** Entry point for Zen's AssertJ assertions. */
public final class ZenAssertions {
  private ZenAssertions() {}

  /** Assertions on the trajectory a {@link RunRecorder} captured. */
  public static TrajectoryAssert assertThat(RunRecorder recorder) {
    return new TrajectoryAssert(recorder);
  }
}
