package dev.zen.architecture;

/**
 * Package patterns (ArchUnit syntax: {@code ..} means "and sub-packages") for the modules of
 * docs/ARCHITECTURE.md and the libraries the rules talk about. One place, so a module that moves
 * changes one line.
 */
final class ZenPackages {
  private ZenPackages() {}

  /** zen-core: exceptions and executors, the SPIs, the internal toolkit. */
  static final String[] CORE = {"dev.zen", "dev.zen.spi..", "dev.zen.internal.."};

  static final String INTERNAL = "dev.zen.internal..";
  static final String GRAPH = "dev.zen.graph..";
  /** zen-gateway alone (what every gateway shares); its integrations live in sub-packages. */
  static final String GATEWAY_CORE = "dev.zen.gateway";
  static final String GATEWAY_LANGCHAIN4J = "dev.zen.gateway.langchain4j..";
  static final String GATEWAYS = "dev.zen.gateway..";
  static final String AGENT = "dev.zen.agent..";
  static final String FAKE_OPENAI = "dev.zen.fake.openai..";
  static final String TESTKIT = "dev.zen.testkit..";
  static final String MCP = "dev.zen.mcp..";

  /**
   * Backends: implementations of zen-core's CheckpointStore and RemoteExecutor SPIs, one module
   * each (zen-checkpoint-memory, zen-checkpoint-redis, and zen-executor-ssh when it lands).
   */
  static final String[] BACKENDS = {"dev.zen.checkpoint..", "dev.zen.executor.."};

  /**
   * The only package whose classes may read environment variables: the runnable MCP server's
   * configuration. The adapter library itself (dev.zen.mcp) takes everything through its builder.
   */
  static final String ENVIRONMENT_READER = "dev.zen.mcp.server..";

  /** The JDK, as far as Zen's modules use it ({@code com.sun.net.httpserver} is jdk.httpserver). */
  static final String[] JDK = {"java..", "javax..", "com.sun.net.httpserver.."};
  static final String SLF4J = "org.slf4j..";
  static final String JSPECIFY = "org.jspecify..";
  static final String JACKSON = "com.fasterxml.jackson..";

  static final String LANGCHAIN4J = "dev.langchain4j..";
  static final String LANGGRAPH4J = "org.bsc..";
  static final String LETTUCE = "io.lettuce..";
  static final String MINA_SSHD = "org.apache.sshd..";
  static final String MCP_SDK = "io.modelcontextprotocol..";
  static final String[] TEST_FRAMEWORKS = {"org.junit..", "org.assertj..", "org.opentest4j.."};

  static String[] concat(String[]... groups) {
    return java.util.Arrays.stream(groups).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }

  static String[] of(String... packages) {
    return packages;
  }
}
