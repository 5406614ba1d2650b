package dev.zen.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** A pom.xml of this repository as written (not the effective model): enough to check its metadata. */
final class Pom {
  /** The repository root: this module's parent directory (Surefire runs tests in the module's basedir). */
  static final Path ROOT = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
      .toAbsolutePath().getParent();

  final String module;
  private final Element project;

  private Pom(String module, Element project) {
    this.module = module;
    this.project = project;
  }

  static Pom root() {
    return read(".", ROOT.resolve("pom.xml"));
  }

  static Pom module(String name) {
    return read(name, ROOT.resolve(name).resolve("pom.xml"));
  }

  private static Pom read(String module, Path file) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return new Pom(module, factory.newDocumentBuilder().parse(Files.newInputStream(file)).getDocumentElement());
    } catch (IOException | SAXException | ParserConfigurationException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  /** The modules of the root reactor, in order. */
  List<String> modules() {
    return texts(project, "modules", "module");
  }

  /** A module is published unless its pom sets maven.deploy.skip (the BOM itself aside). */
  boolean published() {
    return !property("maven.deploy.skip").map(Boolean::parseBoolean).orElse(false);
  }

  Optional<String> property(String name) {
    return child(project, "properties").flatMap(p -> text(p, name));
  }

  Optional<String> text(String... path) {
    return text(project, path);
  }

  Optional<Element> element(String... path) {
    Element e = project;
    for (String name : path) {
      Optional<Element> next = child(e, name);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      e = next.get();
    }
    return Optional.of(e);
  }

  /** The element as normalized text (tags and trimmed text, no whitespace or comments), for equality. */
  Optional<String> canonical(String name) {
    return child(project, name).map(Pom::canonical);
  }

  /** Each dependency of dependencyManagement as {groupId, artifactId, version, type, scope}. */
  List<List<String>> managedDependencies() {
    List<List<String>> result = new ArrayList<>();
    child(project, "dependencyManagement").flatMap(dm -> child(dm, "dependencies")).ifPresent(deps -> {
      for (Element d : children(deps, "dependency")) {
        result.add(List.of(text(d, "groupId").orElse(""), text(d, "artifactId").orElse(""),
            text(d, "version").orElse(""), text(d, "type").orElse("jar"), text(d, "scope").orElse("compile")));
      }
    });
    return result;
  }

  private static String canonical(Node node) {
    StringBuilder out = new StringBuilder();
    for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c instanceof Element e) {
        String tag = e.getTagName();
        out.append('<').append(tag).append('>').append(canonical(e)).append("</").append(tag).append('>');
      } else if (c.getNodeType() == Node.TEXT_NODE || c.getNodeType() == Node.CDATA_SECTION_NODE) {
        out.append(c.getTextContent().trim());
      }
    }
    return out.toString();
  }

  private static Optional<String> text(Element from, String... path) {
    Element e = from;
    for (String name : path) {
      Optional<Element> next = child(e, name);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      e = next.get();
    }
    return Optional.of(e.getTextContent().trim());
  }

  private static List<String> texts(Element from, String container, String name) {
    List<String> result = new ArrayList<>();
    child(from, container).ifPresent(c -> children(c, name).forEach(e -> result.add(e.getTextContent().trim())));
    return result;
  }

  private static Optional<Element> child(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> result = new ArrayList<>();
    for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c instanceof Element e && e.getTagName().equals(name)) {
        result.add(e);
      }
    }
    return result;
  }

  @Override
  public String toString() {
    return module + "/pom.xml";
  }
}
