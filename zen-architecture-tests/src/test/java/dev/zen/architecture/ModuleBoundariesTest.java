package dev.zen.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The rules of {@link ZenArchitectureRules} hold for the production classes of every published module. */
class ModuleBoundariesTest {
  private final JavaClasses production = ProductionClasses.get();

  /** Package root of each published module: a module missing from this pom would pass every rule unseen. */
  private static final Map<String, String> MODULE_ROOTS = new TreeMap<>(Map.of(
      "zen-core", "dev.zen.spi",
      "zen-graph", "dev.zen.graph",
      "zen-gateway", "dev.zen.gateway",
      "zen-gateway-langchain4j", "dev.zen.gateway.langchain4j",
      "zen-fake-openai", "dev.zen.fake.openai",
      "zen-agent", "dev.zen.agent",
      "zen-checkpoint-memory", "dev.zen.checkpoint.memory",
      "zen-checkpoint-redis", "dev.zen.checkpoint.redis",
      "zen-testkit", "dev.zen.testkit",
      "zen-mcp-adapter", "dev.zen.mcp"));

  @Test
  void every_published_module_is_imported_and_no_test_class_is() {
    TreeSet<String> packages = new TreeSet<>();
    production.forEach(c -> packages.add(c.getPackageName()));
    MODULE_ROOTS.forEach((module, root) -> assertThat(packages)
        .as("classes of %s (package %s) on this module's test class path", module, root)
        .anyMatch(p -> p.equals(root) || p.startsWith(root + ".")));
    assertThat(production.stream().map(c -> c.getSource().map(s -> s.getUri().toString()).orElse(c.getName())))
        .as("where the imported classes come from: no test classes (this module's bad fixtures among them)")
        .noneMatch(location -> location.contains("/test-classes/"));
  }

  @Test
  void zen_core_depends_only_on_the_jdk_slf4j_and_jspecify() {
    ZenArchitectureRules.CORE_DEPENDS_ONLY_ON_JDK_SLF4J_JSPECIFY.check(production);
  }

  @Test
  void zen_graph_never_depends_on_a_backend_a_gateway_the_agent_mcp_or_langchain4j() {
    ZenArchitectureRules.GRAPH_KNOWS_NO_BACKEND_GATEWAY_AGENT_OR_MCP.check(production);
  }

  @Test
  void backends_depend_on_zen_core_only() {
    ZenArchitectureRules.BACKENDS_DEPEND_ON_CORE_ONLY.check(production);
  }

  @Test
  void backends_never_depend_on_each_other() {
    ZenArchitectureRules.BACKENDS_ARE_INDEPENDENT_OF_EACH_OTHER.check(production);
  }

  @Test
  void the_agent_never_uses_langchain4j_langgraph4j_lettuce_mina_or_mcp() {
    ZenArchitectureRules.AGENT_USES_NO_LANGCHAIN4J_LANGGRAPH4J_LETTUCE_MINA_OR_MCP.check(production);
  }

  @Test
  void the_agent_sees_gateways_only_through_the_spi_and_the_registry() {
    ZenArchitectureRules.AGENT_SEES_GATEWAYS_ONLY_THROUGH_SPI_AND_REGISTRY.check(production);
  }

  @Test
  void zen_gateway_never_depends_on_langchain4j() {
    ZenArchitectureRules.GATEWAY_CORE_USES_NO_LANGCHAIN4J.check(production);
  }

  @Test
  void the_fake_openai_server_depends_only_on_zen_core_jackson_slf4j_and_jspecify() {
    ZenArchitectureRules.FAKE_OPENAI_DEPENDS_ONLY_ON_CORE_JACKSON_SLF4J_JSPECIFY.check(production);
  }

  @Test
  void only_the_testkit_depends_on_junit_or_assertj() {
    ZenArchitectureRules.ONLY_THE_TESTKIT_USES_JUNIT_OR_ASSERTJ.check(production);
  }

  @Test
  void only_the_mcp_adapter_uses_the_mcp_sdk() {
    ZenArchitectureRules.ONLY_THE_MCP_ADAPTER_KNOWS_MCP.check(production);
  }

  @Test
  void only_the_mcp_server_reads_environment_variables() {
    ZenArchitectureRules.ONLY_THE_SERVER_READS_THE_ENVIRONMENT.check(production);
  }

  @Test
  void no_public_signature_exposes_an_internal_type() {
    ZenArchitectureRules.INTERNAL_TYPES_STAY_OUT_OF_THE_PUBLIC_API.check(production);
  }

  @Test
  void no_public_signature_exposes_langgraph4j_or_mcp_types() {
    ZenArchitectureRules.PUBLIC_API_EXPOSES_NO_LANGGRAPH4J_OR_MCP.check(production);
  }

  @Test
  void only_the_backend_built_on_lettuce_or_mina_exposes_its_types() {
    ZenArchitectureRules.ONLY_ITS_BACKEND_EXPOSES_LETTUCE_OR_MINA.check(production);
  }

  @Test
  void zen_top_level_packages_have_no_cycles() {
    ZenArchitectureRules.NO_CYCLES_BETWEEN_TOP_LEVEL_PACKAGES.check(production);
  }
}
