package dev.zen;

/** A graph definition is inconsistent: an edge names an unknown node, a node is unreachable, etc. */
public class GraphDefinitionException extends NonRetriableException {
  private static final long serialVersionUID = 1L;

  public GraphDefinitionException(String message) {
    super(message);
  }
}
