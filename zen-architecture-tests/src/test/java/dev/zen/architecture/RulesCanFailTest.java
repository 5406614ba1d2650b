package dev.zen.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.zen.agent.badfixture.AgentExposingLettuce;
import dev.zen.agent.badfixture.AgentSpeakingMcp;
import dev.zen.agent.badfixture.CycleInAgent;
import dev.zen.agent.badfixture.ToolCallingLangChain4j;
import dev.zen.agent.badfixture.ToolUsingTheOpenAiGateway;
import dev.zen.checkpoint.badfixture.StoreUsingTheGraphRuntime;
import dev.zen.checkpoint.badfixture.StoreWrappingAnotherStore;
import dev.zen.checkpoint.memory.MemoryCheckpointStore;
import dev.zen.fake.openai.badfixture.FakeServerAssertingWithJUnit;
import dev.zen.gateway.GatewayHelperUsingLangChain4j;
import dev.zen.gateway.badfixture.GatewayExposingInternals;
import dev.zen.graph.badfixture.CycleInGraph;
import dev.zen.graph.badfixture.GraphExposingLangGraph4j;
import dev.zen.graph.badfixture.GraphReadingTheEnvironment;
import dev.zen.graph.badfixture.GraphUsingAStore;
import dev.zen.spi.badfixture.SpiUsingJackson;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each rule of {@link ZenArchitectureRules} reports a deliberately bad class (the {@code badfixture}
 * packages of this module's test sources), and says which boundary it protects. A rule that
 * passes on production code proves nothing unless it can fail.
 */
class RulesCanFailTest {

  /** A rule, the classes it is run on, and the one that must be reported. */
  record BadCase(String name, ArchRule rule, Class<?> offender, List<Class<?>> alsoImported) {
    @Override
    public String toString() {
      return name;
    }

    JavaClasses classes() {
      return new ClassFileImporter().importClasses(
          Stream.concat(Stream.of(offender), alsoImported.stream()).toArray(Class<?>[]::new));
    }
  }

  static Stream<BadCase> badCases() {
    return Stream.of(
        bad("zen-core code that needs Jackson",
            ZenArchitectureRules.CORE_DEPENDS_ONLY_ON_JDK_SLF4J_JSPECIFY, SpiUsingJackson.class),
        bad("the graph runtime naming a checkpoint backend",
            ZenArchitectureRules.GRAPH_KNOWS_NO_BACKEND_GATEWAY_AGENT_OR_MCP, GraphUsingAStore.class),
        bad("a backend using zen-graph",
            ZenArchitectureRules.BACKENDS_DEPEND_ON_CORE_ONLY, StoreUsingTheGraphRuntime.class),
        bad("a backend built on another backend",
            ZenArchitectureRules.BACKENDS_ARE_INDEPENDENT_OF_EACH_OTHER, StoreWrappingAnotherStore.class,
            MemoryCheckpointStore.class),
        bad("an agent tool importing a langchain4j type",
            ZenArchitectureRules.AGENT_USES_NO_LANGCHAIN4J_LANGGRAPH4J_LETTUCE_MINA_OR_MCP,
            ToolCallingLangChain4j.class),
        bad("an agent tool naming the langchain4j gateway",
            ZenArchitectureRules.AGENT_SEES_GATEWAYS_ONLY_THROUGH_SPI_AND_REGISTRY, ToolUsingTheOpenAiGateway.class),
        bad("zen-gateway naming a langchain4j type",
            ZenArchitectureRules.GATEWAY_CORE_USES_NO_LANGCHAIN4J, GatewayHelperUsingLangChain4j.class),
        bad("the fake OpenAI server calling JUnit",
            ZenArchitectureRules.FAKE_OPENAI_DEPENDS_ONLY_ON_CORE_JACKSON_SLF4J_JSPECIFY,
            FakeServerAssertingWithJUnit.class),
        bad("production code calling JUnit",
            ZenArchitectureRules.ONLY_THE_TESTKIT_USES_JUNIT_OR_ASSERTJ, FakeServerAssertingWithJUnit.class),
        bad("the agent using MCP types",
            ZenArchitectureRules.ONLY_THE_MCP_ADAPTER_KNOWS_MCP, AgentSpeakingMcp.class),
        bad("a library calling System.getenv",
            ZenArchitectureRules.ONLY_THE_SERVER_READS_THE_ENVIRONMENT, GraphReadingTheEnvironment.class),
        bad("a public method returning a list of an internal type",
            ZenArchitectureRules.INTERNAL_TYPES_STAY_OUT_OF_THE_PUBLIC_API, GatewayExposingInternals.class),
        bad("a public method returning langgraph4j types",
            ZenArchitectureRules.PUBLIC_API_EXPOSES_NO_LANGGRAPH4J_OR_MCP, GraphExposingLangGraph4j.class),
        bad("a public method outside the Redis backend taking a Lettuce client",
            ZenArchitectureRules.ONLY_ITS_BACKEND_EXPOSES_LETTUCE_OR_MINA, AgentExposingLettuce.class),
        bad("the agent and the runtime depending on each other",
            ZenArchitectureRules.NO_CYCLES_BETWEEN_TOP_LEVEL_PACKAGES, CycleInAgent.class, CycleInGraph.class));
  }

  private static BadCase bad(String name, ArchRule rule, Class<?> offender, Class<?>... alsoImported) {
    return new BadCase(name, rule, offender, List.of(alsoImported));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCases")
  void each_rule_reports_a_deliberately_bad_class_and_names_the_boundary(BadCase bad) {
    EvaluationResult result = bad.rule().evaluate(bad.classes());

    assertThat(result.hasViolation()).as("%s violates %s", bad.offender().getName(), bad.rule().getDescription())
        .isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anyMatch(line -> line.contains(bad.offender().getName()));
    // What a failing build prints: the rule, with its "because" naming the boundary it protects.
    assertThat(result.getFailureReport().toString())
        .contains(bad.rule().getDescription())
        .contains("because")
        .contains("docs/ARCHITECTURE.md");
  }

  @Test
  void every_rule_has_a_bad_case() {
    Set<ArchRule> covered = new HashSet<>();
    badCases().forEach(c -> covered.add(c.rule()));
    assertThat(ZenArchitectureRules.ALL).allMatch(covered::contains, "has a bad case in this test");
  }

  @Test
  void the_environment_rule_also_catches_method_references() {
    EvaluationResult result = ZenArchitectureRules.ONLY_THE_SERVER_READS_THE_ENVIRONMENT
        .evaluate(new ClassFileImporter().importClasses(GraphReadingTheEnvironment.class));

    assertThat(result.getFailureReport().getDetails())
        .anyMatch(line -> line.contains("home()"))
        .anyMatch(line -> line.contains("everything()"));
  }

  @Test
  void the_frozen_environment_exception_is_still_needed_and_is_the_only_one() {
    // The testkit's RedisExecutable looks redis-server up on the PATH. If it stops reading the
    // environment, drop ZenArchitectureRules.ENVIRONMENT_EXCEPTION; if something else starts, this fails.
    EvaluationResult strict = ZenArchitectureRules.onlyTheServerReadsTheEnvironment()
        .evaluate(ProductionClasses.get());

    assertThat(strict.getFailureReport().getDetails())
        .isNotEmpty()
        .allMatch(line -> line.contains(ZenArchitectureRules.ENVIRONMENT_EXCEPTION + "."),
            "reported in " + ZenArchitectureRules.ENVIRONMENT_EXCEPTION);
  }
}
