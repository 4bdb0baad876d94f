package io.wstest.options;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli's converter for shares and levels: {@code 0.99} or {@code 99%}. Ranges are each option's own business
 * ({@link Fractions#parse(String, double, double, double)}).
 */
public final class FractionConverter implements ITypeConverter<Double> {

  @Override
  public Double convert(String value) {
    try {
      return Fractions.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
