package dev.zen.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every published pom carries what Maven Central requires: name, description, url, licenses, scm, developers. */
class PublishedPomsTest {
  private final Pom root = Pom.root();

  private List<Pom> publishedModules() {
    return root.modules().stream().filter(m -> !m.equals("zen-bom")).map(Pom::module).filter(Pom::published).toList();
  }

  @Test
  void the_parent_declares_url_licence_scm_and_developers_for_every_module() {
    assertThat(root.text("url")).hasValueSatisfying(url -> assertThat(url).startsWith("https://"));
    assertThat(root.text("licenses", "license", "name")).hasValue("Apache-2.0");
    assertThat(root.text("licenses", "license", "url")).hasValue("https://www.apache.org/licenses/LICENSE-2.0.txt");
    assertThat(root.text("developers", "developer", "name")).hasValueSatisfying(n -> assertThat(n).isNotBlank());
    for (String part : List.of("connection", "developerConnection", "url")) {
      assertThat(root.text("scm", part)).as("scm/%s", part).hasValueSatisfying(v -> assertThat(v).isNotBlank());
    }
  }

  @Test
  void every_published_module_inherits_that_metadata_and_has_its_own_name_and_description() {
    assertThat(publishedModules()).hasSizeGreaterThanOrEqualTo(10).allSatisfy(module -> {
      assertThat(module.text("parent", "artifactId")).as("parent of %s", module).isEqualTo(root.text("artifactId"));
      assertThat(module.text("name")).as("name of %s", module)
          .hasValueSatisfying(n -> assertThat(n).isNotBlank().isNotEqualTo(root.text("name").orElseThrow()));
      assertThat(module.text("description")).as("description of %s (else it inherits the parent's)", module)
          .hasValueSatisfying(d -> assertThat(d).isNotBlank().isNotEqualTo(root.text("description").orElseThrow()));
      for (String inherited : List.of("url", "licenses", "developers", "scm")) {
        assertThat(module.element(inherited)).as("<%s> in %s: inherit the parent's", inherited, module).isEmpty();
      }
    });
  }

  @Test
  void every_published_module_builds_its_sources_and_javadoc_jars() {
    assertThat(publishedModules()).allSatisfy(module -> {
      assertThat(module.property("maven.source.skip")).as("maven.source.skip in %s", module).isEmpty();
      assertThat(module.property("maven.javadoc.skip")).as("maven.javadoc.skip in %s", module).isEmpty();
    });
  }

  @Test
  void the_repository_carries_the_licence_the_poms_declare() throws IOException {
    String licence = Files.readString(Pom.ROOT.resolve("LICENSE"));
    assertThat(licence).contains("Apache License", "Version 2.0, January 2004", "END OF TERMS AND CONDITIONS");
  }
}
