package dev.zen.graph;

import dev.zen.GraphDefinitionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * An immutable, validated graph definition: channels, nodes and edges. Build one with
 * {@link #builder(String)}, then {@link #compile(GraphOptions)} it (as often as needed, with
 * different options) to run it.
 *
 * <p>A node with several outgoing edges forks: its targets run in parallel on the runtime
 * executor, and their branches must meet again at one node, where their updates are merged
 * through the channels.
 */
public final class AgentGraph {
  /** The virtual node a graph starts from. */
  public static final String START = "__START__";
  /** The virtual node a graph ends at. */
  public static final String END = "__END__";

  private final String name;
  private final Map<String, StateChannel> channels;
  private final Map<String, NodeSpec> nodes;
  private final List<EdgeSpec> edges;
  private final Map<String, RouteSpec> routes;

  private AgentGraph(Builder builder) {
    this.name = builder.name;
    this.channels = Map.copyOf(builder.channels);
    this.nodes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(builder.nodes));
    this.edges = List.copyOf(builder.edges);
    this.routes = Map.copyOf(builder.routes);
  }

  /** Starts a graph definition; {@code name} appears in errors, events and traces. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** The node ids in the order they were added. */
  public Set<String> nodeIds() {
    return nodes.keySet();
  }

  /** Compiles with default options (no checkpoint store: runs cannot be resumed). */
  public CompiledAgentGraph compile() {
    return compile(GraphOptions.defaults());
  }

  /**
   * Compiles the graph for running with {@code options}.
   *
   * @throws GraphDefinitionException if an interrupt names an unknown node, interrupts are set
   *     without a checkpoint store, or langgraph4j rejects the topology
   */
  public CompiledAgentGraph compile(GraphOptions options) {
    Objects.requireNonNull(options, "options");
    for (String node : options.interruptBefore()) {
      requireKnown(node, "interruptBefore");
    }
    for (String node : options.interruptAfter()) {
      requireKnown(node, "interruptAfter");
    }
    if ((!options.interruptBefore().isEmpty() || !options.interruptAfter().isEmpty())
        && options.checkpointStore().isEmpty()) {
      throw new GraphDefinitionException("graph '" + name + "' has interrupts but no checkpoint store: "
          + "an interrupted run is resumed from its checkpoint, so set GraphOptions.checkpointStore(...)");
    }
    return new CompiledAgentGraph(this, options);
  }

  private void requireKnown(String node, String what) {
    if (!nodes.containsKey(node)) {
      throw new GraphDefinitionException("graph '" + name + "': " + what + " names unknown node '" + node
          + "'; its nodes are " + nodes.keySet());
    }
  }

  Map<String, StateChannel> channels() {
    return channels;
  }

  Map<String, NodeSpec> nodes() {
    return nodes;
  }

  List<EdgeSpec> edges() {
    return edges;
  }

  Map<String, RouteSpec> routes() {
    return routes;
  }

  /** Nodes with more than one static outgoing edge: their targets run in parallel. */
  Set<String> forkNodes() {
    Map<String, Integer> outgoing = new LinkedHashMap<>();
    for (EdgeSpec edge : edges) {
      outgoing.merge(edge.from(), 1, Integer::sum);
    }
    Set<String> forks = new LinkedHashSet<>();
    outgoing.forEach((from, count) -> {
      if (count > 1) {
        forks.add(from);
      }
    });
    return forks;
  }

  record NodeSpec(String id, AsyncNode node, NodeOptions options) {}

  record EdgeSpec(String from, String to) {}

  record RouteSpec(String from, Function<GraphState, String> router, Map<String, String> targets) {}

  /** Builds an {@link AgentGraph}; {@link #build()} validates the whole definition. */
  public static final class Builder {
    private final String name;
    private final Map<String, StateChannel> channels = new LinkedHashMap<>();
    private final Map<String, NodeSpec> nodes = new LinkedHashMap<>();
    private final List<EdgeSpec> edges = new ArrayList<>();
    private final Map<String, RouteSpec> routes = new LinkedHashMap<>();

    private Builder(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a graph needs a non-blank name");
      }
      this.name = name;
    }

    /** Declares how updates to {@code key} merge (keys without a channel are last-value). */
    public Builder channel(String key, StateChannel channel) {
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("graph '" + name + "': channel key must not be blank");
      }
      channels.put(key, Objects.requireNonNull(channel, "channel"));
      return this;
    }

    public Builder node(String id, AsyncNode node) {
      return node(id, node, NodeOptions.defaults());
    }

    /** Adds a node with its own timeout and retry policy. */
    public Builder node(String id, AsyncNode node, NodeOptions options) {
      if (id == null || id.isBlank() || id.startsWith("__")) {
        throw new GraphDefinitionException("graph '" + name + "': node id '" + id
            + "' is invalid; ids must be non-blank and must not start with '__' (reserved)");
      }
      if (nodes.containsKey(id)) {
        throw new GraphDefinitionException("graph '" + name + "' already has a node '" + id + "'");
      }
      nodes.put(id, new NodeSpec(id, Objects.requireNonNull(node, "node"), Objects.requireNonNull(options, "options")));
      return this;
    }

    /** Always go from {@code from} (a node or {@link #START}) to {@code to} (a node or {@link #END}). */
    public Builder edge(String from, String to) {
      edges.add(new EdgeSpec(Objects.requireNonNull(from, "from"), Objects.requireNonNull(to, "to")));
      return this;
    }

    /**
     * After {@code from}, go where {@code router} says: it returns a key of {@code targets}, whose
     * value is the next node (or {@link #END}).
     */
    public Builder conditionalEdges(String from, Function<GraphState, String> router, Map<String, String> targets) {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(router, "router");
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("graph '" + name + "': conditional edges from '" + from + "' need targets");
      }
      if (routes.containsKey(from)) {
        throw new GraphDefinitionException("graph '" + name + "': node '" + from + "' already has conditional edges");
      }
      routes.put(from, new RouteSpec(from, router, Map.copyOf(targets)));
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws GraphDefinitionException naming the graph and node when an edge names an unknown
     *     node, a node has no way out, a node has both plain and conditional edges, or nothing
     *     leaves {@link #START}
     */
    public AgentGraph build() {
      if (nodes.isEmpty()) {
        throw new GraphDefinitionException("graph '" + name + "' has no nodes");
      }
      Set<String> withWayOut = new LinkedHashSet<>();
      for (EdgeSpec edge : edges) {
        if (!edge.from().equals(START) && !nodes.containsKey(edge.from())) {
          throw unknown("an edge starts at", edge.from());
        }
        if (!edge.to().equals(END) && !nodes.containsKey(edge.to())) {
          throw unknown("the edge from '" + edge.from() + "' leads to", edge.to());
        }
        if (edge.to().equals(START) || edge.from().equals(END)) {
          throw new GraphDefinitionException("graph '" + name + "': edge " + edge.from() + " -> " + edge.to()
              + " is not allowed (nothing enters START, nothing leaves END)");
        }
        withWayOut.add(edge.from());
      }
      for (RouteSpec route : routes.values()) {
        if (!route.from().equals(START) && !nodes.containsKey(route.from())) {
          throw unknown("conditional edges start at", route.from());
        }
        if (withWayOut.contains(route.from())) {
          throw new GraphDefinitionException("graph '" + name + "': node '" + route.from()
              + "' has both plain and conditional outgoing edges; use one or the other");
        }
        for (String target : route.targets().values()) {
          if (!target.equals(END) && !nodes.containsKey(target)) {
            throw unknown("a conditional edge from '" + route.from() + "' leads to", target);
          }
        }
        withWayOut.add(route.from());
      }
      if (!withWayOut.contains(START)) {
        throw new GraphDefinitionException("graph '" + name + "' has no edge from START; add edge(AgentGraph.START, \""
            + nodes.keySet().iterator().next() + "\")");
      }
      for (String node : nodes.keySet()) {
        if (!withWayOut.contains(node)) {
          throw new GraphDefinitionException("graph '" + name + "': node '" + node
              + "' has no outgoing edge; add edge(\"" + node + "\", AgentGraph.END) or an edge to the next node");
        }
      }
      return new AgentGraph(this);
    }

    private GraphDefinitionException unknown(String where, String node) {
      return new GraphDefinitionException("graph '" + name + "': " + where + " unknown node '" + node
          + "'; its nodes are " + nodes.keySet());
    }
  }
}
