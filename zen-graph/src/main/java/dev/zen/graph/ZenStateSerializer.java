package dev.zen.graph;

import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.Map;
import org.bsc.langgraph4j.serializer.StateSerializer;
import org.bsc.langgraph4j.state.AgentState;

/**
 * langgraph4j clones the whole state through its serializer several times per step (by default
 * with Java serialization, most of a step's cost). Zen's state values are deeply immutable, and an
 * {@link AgentState} never changes after construction, so a clone is the state itself: the
 * factory already copied the top-level map. Nothing is ever serialized through here; checkpoints
 * are persisted by the {@link dev.zen.spi.CheckpointStore}.
 */
final class ZenStateSerializer extends StateSerializer<AgentState> {

  ZenStateSerializer() {
    super(AgentState::new);
  }

  @Override
  public AgentState cloneObject(AgentState state) {
    return state;
  }

  @Override
  public void writeData(Map<String, Object> data, ObjectOutput out) {
    throw new UnsupportedOperationException("Zen graph state is never serialized through langgraph4j; "
        + "checkpoint stores persist it with dev.zen.spi.CheckpointCodec");
  }

  @Override
  public Map<String, Object> readData(ObjectInput in) {
    throw new UnsupportedOperationException("Zen graph state is never deserialized through langgraph4j");
  }
}
