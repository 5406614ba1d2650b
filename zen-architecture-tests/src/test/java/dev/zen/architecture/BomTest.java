package dev.zen.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * zen-bom pins Zen's own artifacts and nothing else, and stays in step with the reactor.
 *
 * <p>Why reading the file is enough: a pom without a parent inherits only Maven's super POM,
 * which manages no dependency, and an entry of {@code import} scope is the only other way an
 * entry can enter the effective dependencyManagement. So with no parent and no import, the
 * effective dependencyManagement is exactly the entries written here (with the parent it was
 * 137 entries, 131 of them third-party).
 */
class BomTest {
  private final Pom root = Pom.root();
  private final Pom bom = Pom.module("zen-bom");

  @Test
  void the_bom_has_no_parent_so_it_inherits_no_third_party_version() {
    assertThat(bom.element("parent")).as("<parent> of %s: it would hand importers the parent's pins", bom).isEmpty();
    assertThat(bom.element("dependencies")).as("<dependencies> of %s", bom).isEmpty();
  }

  @Test
  void the_bom_manages_only_zen_artifacts_at_the_bom_version_and_imports_nothing() {
    assertThat(bom.managedDependencies()).isNotEmpty().allSatisfy(d -> {
      assertThat(d.get(0)).as("groupId of %s", d).isEqualTo("dev.zen");
      assertThat(d.get(2)).as("version of %s", d).isEqualTo("${project.version}");
      assertThat(d.get(3)).as("type of %s", d).isEqualTo("jar");
      assertThat(d.get(4)).as("scope of %s (an import would bring its entries in)", d).isEqualTo("compile");
    });
  }

  @Test
  void the_bom_lists_exactly_the_published_modules() {
    List<String> published = root.modules().stream()
        .filter(m -> !m.equals("zen-bom"))
        .filter(m -> Pom.module(m).published())
        .sorted().collect(Collectors.toList());
    List<String> managed = bom.managedDependencies().stream().map(d -> d.get(1)).sorted().collect(Collectors.toList());

    assertThat(published).as("published modules (no maven.deploy.skip)").contains("zen-core", "zen-mcp-adapter");
    assertThat(managed).as("artifacts %s manages", bom).isEqualTo(published);
  }

  @Test
  void the_bom_has_the_reactor_coordinates_and_version() {
    assertThat(bom.text("groupId")).isEqualTo(root.text("groupId"));
    assertThat(bom.text("version")).as("version of %s, set with the reactor's", bom).isEqualTo(root.text("version"));
    assertThat(bom.text("packaging")).hasValue("pom");
  }

  @Test
  void the_bom_repeats_the_parents_maven_central_metadata() {
    for (String element : List.of("url", "inceptionYear", "licenses", "developers", "scm")) {
      assertThat(bom.canonical(element)).as("<%s> of %s and of the parent", element, bom)
          .isPresent().isEqualTo(root.canonical(element));
    }
  }
}
