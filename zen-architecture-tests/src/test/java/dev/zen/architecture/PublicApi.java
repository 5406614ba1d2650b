package dev.zen.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.JavaTypeVariable;
import com.tngtech.archunit.core.domain.PackageMatchers;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a user of a Zen module can see: public types (nested ones inside public types only) and
 * their public and protected members. A dependency that appears there, in a supertype, a type
 * parameter bound, a field type, a parameter, a return type or a throws clause (generic type
 * arguments included), is forced on every user's code; one used inside a method body is not.
 */
final class PublicApi {
  private PublicApi() {}

  /** Public types that users can name: public, and every enclosing type public too. */
  static final DescribedPredicate<JavaClass> VISIBLE_TO_USERS =
      DescribedPredicate.describe("are visible to users", PublicApi::isVisible);

  private static boolean isVisible(JavaClass type) {
    for (JavaClass c = type; ; c = c.getEnclosingClass().orElseThrow()) {
      if (!c.getModifiers().contains(JavaModifier.PUBLIC) || c.isAnonymousClass() || c.isLocalClass()) {
        return false;
      }
      if (c.getEnclosingClass().isEmpty()) {
        return true;
      }
    }
  }

  /** Fails for each member or supertype whose signature involves a type in {@code packages}. */
  static ArchCondition<JavaClass> notExposeTypesIn(String description, String... packages) {
    PackageMatchers matchers = PackageMatchers.of(packages);
    Predicate<JavaClass> forbidden = type -> matchers.test(type.getBaseComponentType().getPackageName());
    return new ArchCondition<>("not expose " + description + " in their public API") {
      @Override
      public void check(JavaClass type, ConditionEvents events) {
        Set<String> found = new LinkedHashSet<>();
        type.getSuperclass().ifPresent(s -> collect(found, forbidden, "extends", s));
        type.getInterfaces().forEach(i -> collect(found, forbidden, "implements", i));
        type.getTypeParameters().forEach(p -> collectBounds(found, forbidden, "type parameter " + p.getName(), p));
        for (JavaField field : type.getFields()) {
          if (exported(field.getModifiers())) {
            collect(found, forbidden, "field " + field.getName(), field.getType());
          }
        }
        for (JavaCodeUnit unit : type.getCodeUnits()) {
          if (!exported(unit.getModifiers()) || unit.getModifiers().contains(JavaModifier.SYNTHETIC)
              || unit.getModifiers().contains(JavaModifier.BRIDGE)) {
            continue;
          }
          String name = unit.isConstructor() ? "constructor" : "method " + unit.getName() + "()";
          collect(found, forbidden, name + " returns", unit.getReturnType());
          unit.getParameterTypes().forEach(p -> collect(found, forbidden, name + " takes", p));
          unit.getThrowsClause().getTypes().forEach(t -> collect(found, forbidden, name + " throws", t));
          unit.getTypeParameters()
              .forEach(p -> collectBounds(found, forbidden, name + " type parameter " + p.getName(), p));
        }
        for (String where : found) {
          events.add(SimpleConditionEvent.violated(type,
              type.getName() + " exposes " + where + " in (" + type.getSource().flatMap(Source::getFileName).orElse("?")
                  + ")"));
        }
        if (found.isEmpty()) {
          events.add(SimpleConditionEvent.satisfied(type, type.getName() + " exposes no " + description));
        }
      }
    };
  }

  private static boolean exported(Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  private static void collectBounds(Set<String> found, Predicate<JavaClass> forbidden, String where,
      JavaTypeVariable<?> variable) {
    variable.getUpperBounds().forEach(bound -> collect(found, forbidden, where + " bound", bound));
  }

  private static void collect(Set<String> found, Predicate<JavaClass> forbidden, String where, JavaType type) {
    for (JavaClass raw : type.getAllInvolvedRawTypes()) {
      if (forbidden.test(raw)) {
        found.add(where + " " + raw.getName());
      }
    }
  }
}
