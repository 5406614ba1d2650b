package dev.zen.graph.badfixture;

import java.util.List;
import org.bsc.langgraph4j.CompiledGraph;

/** Deliberately bad: a public signature that makes users import langgraph4j. */
public final class GraphExposingLangGraph4j {
  public List<CompiledGraph<?>> compiled() {
    return List.of();
  }
}
