package io.wstest.options;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/**
 * picocli's converter for every duration option of every command: {@code 500ms}, {@code 5s}, {@code 2m},
 * {@code 1h}, or a bare number of seconds ({@code 5} = {@code 5s}, as the options always took it). Ranges are
 * each option's own business ({@link Durations#parse(String, Duration, Duration, Duration)}).
 */
public final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
