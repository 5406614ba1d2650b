package dev.zen.graph;

/** When a run writes checkpoints to the {@link GraphOptions#checkpointStore() store}. */
public enum Checkpointing {
  /**
   * After every step (the default): a run that dies mid-way (process killed) can be resumed from
   * its last step, and the thread's history shows every step.
   */
  EVERY_STEP,
  /**
   * Once, when the run ends, fails or pauses at an interrupt: the last state it reached. One
   * store write per run instead of one per step, for graphs whose steps are cheap to redo, such as
   * a chat turn; a process killed mid-run loses that run's progress (never earlier runs').
   */
  ON_EXIT
}
