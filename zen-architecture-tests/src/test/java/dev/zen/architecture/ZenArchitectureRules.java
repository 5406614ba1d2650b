package dev.zen.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static dev.zen.architecture.ZenPackages.AGENT;
import static dev.zen.architecture.ZenPackages.BACKENDS;
import static dev.zen.architecture.ZenPackages.CORE;
import static dev.zen.architecture.ZenPackages.ENVIRONMENT_READER;
import static dev.zen.architecture.ZenPackages.FAKE_OPENAI;
import static dev.zen.architecture.ZenPackages.GATEWAYS;
import static dev.zen.architecture.ZenPackages.GATEWAY_CORE;
import static dev.zen.architecture.ZenPackages.GATEWAY_LANGCHAIN4J;
import static dev.zen.architecture.ZenPackages.GRAPH;
import static dev.zen.architecture.ZenPackages.INTERNAL;
import static dev.zen.architecture.ZenPackages.JACKSON;
import static dev.zen.architecture.ZenPackages.JDK;
import static dev.zen.architecture.ZenPackages.JSPECIFY;
import static dev.zen.architecture.ZenPackages.LANGCHAIN4J;
import static dev.zen.architecture.ZenPackages.LANGGRAPH4J;
import static dev.zen.architecture.ZenPackages.LETTUCE;
import static dev.zen.architecture.ZenPackages.MCP;
import static dev.zen.architecture.ZenPackages.MCP_SDK;
import static dev.zen.architecture.ZenPackages.MINA_SSHD;
import static dev.zen.architecture.ZenPackages.SLF4J;
import static dev.zen.architecture.ZenPackages.TESTKIT;
import static dev.zen.architecture.ZenPackages.TEST_FRAMEWORKS;
import static dev.zen.architecture.ZenPackages.concat;
import static dev.zen.architecture.ZenPackages.of;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.PackageMatchers;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.List;

/**
 * The module boundaries of docs/ARCHITECTURE.md ("Modules and dependency direction", "Rules") as
 * ArchUnit rules. Each rule's {@code because} names the boundary it protects: that is what a
 * failing build prints, followed by every offending dependency.
 *
 * <p>{@link ModuleBoundariesTest} checks them against the production classes of every published
 * module; {@link RulesCanFailTest} proves each one reports a deliberately bad class.
 */
final class ZenArchitectureRules {
  private ZenArchitectureRules() {}

  static final ArchRule CORE_DEPENDS_ONLY_ON_JDK_SLF4J_JSPECIFY = classes()
      .that().resideInAnyPackage(CORE)
      .should().onlyDependOnClassesThat().resideInAnyPackage(concat(CORE, JDK, of(SLF4J, JSPECIFY)))
      .because("zen-core is what every module and every third-party backend builds on: it adds nothing "
          + "to their class path but the SLF4J API and JSpecify (docs/ARCHITECTURE.md, zen-core)");

  static final ArchRule GRAPH_KNOWS_NO_BACKEND_GATEWAY_AGENT_OR_MCP = noClasses()
      .that().resideInAPackage(GRAPH)
      .should().dependOnClassesThat().resideInAnyPackage(concat(BACKENDS,
          of(GATEWAYS, AGENT, MCP, TESTKIT, FAKE_OPENAI, LANGCHAIN4J, LETTUCE, MINA_SSHD, MCP_SDK)))
      .because("zen-graph is the runtime alone: an embedder who only runs graphs pulls no backend, gateway, "
          + "agent, MCP or langchain4j; stores and gateways plug in through zen-core's SPIs "
          + "(docs/ARCHITECTURE.md, rule: zen-graph never imports a backend or a gateway)");

  private static final DescribedPredicate<JavaClass> ZEN_OUTSIDE_CORE_AND_BACKENDS =
      resideInAPackage("dev.zen..").and(DescribedPredicate.not(resideInAnyPackage(concat(CORE, BACKENDS))))
          .as("are Zen classes outside zen-core");

  static final ArchRule BACKENDS_DEPEND_ON_CORE_ONLY = noClasses()
      .that().resideInAnyPackage(BACKENDS)
      .should().dependOnClassesThat(ZEN_OUTSIDE_CORE_AND_BACKENDS
          .or(resideInAnyPackage(LANGGRAPH4J, LANGCHAIN4J, MCP_SDK).as("reside in langgraph4j, langchain4j or MCP")))
      .because("a backend implements a zen-core SPI and nothing else: it never depends on zen-graph, a "
          + "gateway, the agent or MCP, so any application can use it (docs/ARCHITECTURE.md, rule: backends "
          + "depend on zen-core only)");

  /** One slice per backend module: dev.zen.checkpoint.memory, dev.zen.checkpoint.redis, ... */
  private static final SliceAssignment BACKEND_MODULES = new SliceAssignment() {
    private final PackageMatchers backends = PackageMatchers.of(BACKENDS);

    @Override
    public SliceIdentifier getIdentifierOf(JavaClass type) {
      String[] parts = type.getPackageName().split("\\.");
      return backends.test(type.getPackageName()) && parts.length >= 4
          ? SliceIdentifier.of(String.join(".", List.of(parts).subList(0, 4)))
          : SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "backend modules (dev.zen.checkpoint.*, dev.zen.executor.*)";
    }
  };

  static final ArchRule BACKENDS_ARE_INDEPENDENT_OF_EACH_OTHER = SlicesRuleDefinition.slices()
      .assignedFrom(BACKEND_MODULES)
      .should().notDependOnEachOther()
      .because("an application picks one backend per SPI; one backend must not drag another in "
          + "(docs/ARCHITECTURE.md, rule: backends never depend on each other)");

  static final ArchRule AGENT_USES_NO_LANGCHAIN4J_LANGGRAPH4J_LETTUCE_MINA_OR_MCP = noClasses()
      .that().resideInAPackage(AGENT)
      .should().dependOnClassesThat().resideInAnyPackage(LANGCHAIN4J, LANGGRAPH4J, LETTUCE, MINA_SSHD, MCP_SDK)
      .because("the Zen agent runs on Zen's own types only, so its tools (and users' tools) never break "
          + "with a langchain4j, langgraph4j, Lettuce, MINA or MCP release (docs/ARCHITECTURE.md, zen-agent)");

  static final ArchRule AGENT_SEES_GATEWAYS_ONLY_THROUGH_SPI_AND_REGISTRY = noClasses()
      .that().resideInAPackage(AGENT)
      .should().dependOnClassesThat().resideInAnyPackage(concat(BACKENDS,
          of(GATEWAY_LANGCHAIN4J, MCP, TESTKIT, FAKE_OPENAI)))
      .because("the agent sees models only through the ModelGateway SPI (dev.zen.spi) and the registry "
          + "(dev.zen.gateway), and stores only through CheckpointStore: the application chooses the provider "
          + "and the backend (docs/ARCHITECTURE.md, rule: zen-agent sees gateways only through the SPI and "
          + "the registry)");

  static final ArchRule GATEWAY_CORE_USES_NO_LANGCHAIN4J = noClasses()
      .that().resideInAPackage(GATEWAY_CORE)
      .should().dependOnClassesThat().resideInAnyPackage(LANGCHAIN4J, GATEWAY_LANGCHAIN4J)
      .because("zen-gateway (resilience, registry, fan-out) is what the agent sees, so it must not pull "
          + "langchain4j; provider integrations live in their own modules such as zen-gateway-langchain4j "
          + "(docs/ARCHITECTURE.md, zen-gateway)");

  static final ArchRule FAKE_OPENAI_DEPENDS_ONLY_ON_CORE_JACKSON_SLF4J_JSPECIFY = classes()
      .that().resideInAPackage(FAKE_OPENAI)
      .should().onlyDependOnClassesThat().resideInAnyPackage(concat(of(FAKE_OPENAI), CORE, JDK,
          of(JACKSON, SLF4J, JSPECIFY)))
      .because("the fake OpenAI-compatible server runs in the MCP server's --demo and in users' tests alike: "
          + "it brings no test framework and no provider library (docs/ARCHITECTURE.md, zen-fake-openai)");

  static final ArchRule ONLY_THE_TESTKIT_USES_JUNIT_OR_ASSERTJ = noClasses()
      .that().resideInAPackage("dev.zen..").and().resideOutsideOfPackage(TESTKIT)
      .should().dependOnClassesThat().resideInAnyPackage(TEST_FRAMEWORKS)
      .because("no production jar drags a test framework into an application: only zen-testkit, which "
          + "users add with test scope, brings JUnit and AssertJ (docs/ARCHITECTURE.md, zen-testkit)");

  static final ArchRule ONLY_THE_MCP_ADAPTER_KNOWS_MCP = noClasses()
      .that().resideInAPackage("dev.zen..").and().resideOutsideOfPackage(MCP)
      .should().dependOnClassesThat().resideInAPackage(MCP_SDK)
      .because("only zen-mcp-adapter knows MCP: the runtime and the agent serve any protocol an "
          + "application chooses (docs/ARCHITECTURE.md, rule: only zen-mcp-adapter knows MCP)");

  private static final DescribedPredicate<JavaAccess<?>> SYSTEM_GETENV = DescribedPredicate.describe(
      "System.getenv", access -> access.getTargetOwner().isEquivalentTo(System.class)
          && access.getName().equals("getenv"));

  /**
   * Test support that looks up {@code redis-server} on the PATH the way a shell does (no
   * configuration is read): zen-testkit's RedisExecutable. Frozen as a named exception rather
   * than allowing the whole testkit.
   */
  static final String ENVIRONMENT_EXCEPTION = "dev.zen.testkit.RedisExecutable";

  static final ArchRule ONLY_THE_SERVER_READS_THE_ENVIRONMENT = onlyTheServerReadsTheEnvironment(ENVIRONMENT_EXCEPTION);

  private static DescribedPredicate<JavaClass> classOrNestedIn(String... names) {
    return DescribedPredicate.describe("one of " + List.of(names), type -> {
      for (String name : names) {
        if (type.getName().equals(name) || type.getName().startsWith(name + "$")) {
          return true;
        }
      }
      return false;
    });
  }

  /** Calls and method references ({@code System::getenv}) alike; {@code exceptions} are class names. */
  static ArchRule onlyTheServerReadsTheEnvironment(String... exceptions) {
    return noClasses()
        .that().resideInAPackage("dev.zen..").and().resideOutsideOfPackage(ENVIRONMENT_READER)
        .and(DescribedPredicate.not(classOrNestedIn(exceptions)))
        .should().accessTargetWhere(SYSTEM_GETENV)
        .because("libraries take their configuration from the application's code; only the runnable MCP "
            + "server turns environment variables into settings (docs/ARCHITECTURE.md, rule: only its "
            + "server application reads environment variables)");
  }

  private static final DescribedPredicate<JavaClass> EXPORTED_TYPES = PublicApi.VISIBLE_TO_USERS
      .and(resideInAPackage("dev.zen.."))
      .and(DescribedPredicate.not(resideInAPackage(INTERNAL)));

  static final ArchRule INTERNAL_TYPES_STAY_OUT_OF_THE_PUBLIC_API = classes()
      .that(EXPORTED_TYPES)
      .should(PublicApi.notExposeTypesIn("dev.zen.internal types", INTERNAL))
      .because("dev.zen.internal is shared by Zen's modules but is not API and may change in any "
          + "release: no public signature may force it on users (docs/ARCHITECTURE.md, zen-core)");

  static final ArchRule PUBLIC_API_EXPOSES_NO_LANGGRAPH4J_OR_MCP = classes()
      .that(EXPORTED_TYPES)
      .should(PublicApi.notExposeTypesIn("langgraph4j or MCP SDK types", LANGGRAPH4J, MCP_SDK))
      .because("a user who embeds Zen never needs langgraph4j or MCP types in their own code "
          + "(docs/ARCHITECTURE.md, Rules)");

  static final ArchRule ONLY_ITS_BACKEND_EXPOSES_LETTUCE_OR_MINA = classes()
      .that(EXPORTED_TYPES)
      .and().resideOutsideOfPackages("dev.zen.checkpoint.redis..", "dev.zen.executor.ssh..")
      .should(PublicApi.notExposeTypesIn("Lettuce or MINA SSHD types", LETTUCE, MINA_SSHD))
      .because("a user who embeds Zen never needs Lettuce or MINA types, except to hand a shared client "
          + "to the backend built on it (docs/ARCHITECTURE.md, Rules)");

  /** Top-level packages: dev.zen itself, dev.zen.spi, dev.zen.graph, dev.zen.gateway (with langchain4j), ... */
  private static final SliceAssignment TOP_LEVEL_PACKAGES = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass type) {
      String name = type.getPackageName();
      if (name.equals("dev.zen")) {
        return SliceIdentifier.of("dev.zen");
      }
      if (!name.startsWith("dev.zen.")) {
        return SliceIdentifier.ignore();
      }
      String rest = name.substring("dev.zen.".length());
      int dot = rest.indexOf('.');
      return SliceIdentifier.of("dev.zen." + (dot < 0 ? rest : rest.substring(0, dot)));
    }

    @Override
    public String getDescription() {
      return "Zen's top-level packages";
    }
  };

  static final ArchRule NO_CYCLES_BETWEEN_TOP_LEVEL_PACKAGES = SlicesRuleDefinition.slices()
      .assignedFrom(TOP_LEVEL_PACKAGES)
      .should().beFreeOfCycles()
      .because("dependencies between Zen's packages run one way (core <- graph, gateway <- agent <- mcp), "
          + "which is what lets each live in its own module (docs/ARCHITECTURE.md, Modules and dependency "
          + "direction)");

  /** Every rule, for the test that proves each one can fail. */
  static final List<ArchRule> ALL = List.of(
      CORE_DEPENDS_ONLY_ON_JDK_SLF4J_JSPECIFY,
      GRAPH_KNOWS_NO_BACKEND_GATEWAY_AGENT_OR_MCP,
      BACKENDS_DEPEND_ON_CORE_ONLY,
      BACKENDS_ARE_INDEPENDENT_OF_EACH_OTHER,
      AGENT_USES_NO_LANGCHAIN4J_LANGGRAPH4J_LETTUCE_MINA_OR_MCP,
      AGENT_SEES_GATEWAYS_ONLY_THROUGH_SPI_AND_REGISTRY,
      GATEWAY_CORE_USES_NO_LANGCHAIN4J,
      FAKE_OPENAI_DEPENDS_ONLY_ON_CORE_JACKSON_SLF4J_JSPECIFY,
      ONLY_THE_TESTKIT_USES_JUNIT_OR_ASSERTJ,
      ONLY_THE_MCP_ADAPTER_KNOWS_MCP,
      ONLY_THE_SERVER_READS_THE_ENVIRONMENT,
      INTERNAL_TYPES_STAY_OUT_OF_THE_PUBLIC_API,
      PUBLIC_API_EXPOSES_NO_LANGGRAPH4J_OR_MCP,
      ONLY_ITS_BACKEND_EXPOSES_LETTUCE_OR_MINA,
      NO_CYCLES_BETWEEN_TOP_LEVEL_PACKAGES);
}
