package dev.zen.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The production classes of every published Zen module (this module's test dependencies),
 * imported once per test JVM. Test classes are left out, this module's own bad fixtures included.
 */
final class ProductionClasses {
  private ProductionClasses() {}

  private static final class Holder {
    static final JavaClasses CLASSES = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.zen");
  }

  static JavaClasses get() {
    return Holder.CLASSES;
  }
}
