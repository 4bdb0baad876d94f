package io.wstest.ops;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The browser origins allowed to open a WebSocket ({@code ALLOWED_ORIGINS}). Requests without an {@code Origin}
 * header come from non-browser clients and are always allowed: the check protects users' browsers from other
 * sites (cross-site WebSocket hijacking), not the service from scripts.
 */
public final class AllowedOrigins {

  /** Any origin: the default. */
  public static final AllowedOrigins ANY = new AllowedOrigins(Set.of(), true);

  private static final Pattern ORIGIN = Pattern.compile("[a-z][a-z0-9+.-]*://[^/\\s?#]+");

  private final Set<String> origins;
  private final boolean any;

  private AllowedOrigins(Set<String> origins, boolean any) {
    this.origins = origins;
    this.any = any;
  }

  /**
   * Parses a comma list such as {@code https://app.example.com, http://localhost:3000}; {@code *} allows any.
   *
   * @throws IllegalArgumentException naming the entry that is not {@code scheme://host[:port]}
   */
  public static AllowedOrigins parse(String list) {
    Set<String> origins = new LinkedHashSet<>();
    for (String entry : list.split(",")) {
      String origin = normalize(entry);
      if (origin.isEmpty()) {
        continue;
      }
      if (origin.equals("*")) {
        return ANY;
      }
      if (!ORIGIN.matcher(origin).matches()) {
        throw new IllegalArgumentException("'" + entry.trim() + "' is not an origin; expected scheme://host[:port]"
          + " such as https://app.example.com");
      }
      origins.add(origin);
    }
    if (origins.isEmpty()) {
      throw new IllegalArgumentException("expected a comma-separated list of origins, or * for any");
    }
    return new AllowedOrigins(Set.copyOf(origins), false);
  }

  /** True when a request with this {@code Origin} header (null when absent) may upgrade. */
  public boolean allows(String origin) {
    return any || origin == null || origins.contains(normalize(origin));
  }

  /** True only when {@code ALLOWED_ORIGINS} names this origin: never for {@code *} (the default) or no origin. */
  public boolean lists(String origin) {
    return !any && origin != null && origins.contains(normalize(origin));
  }

  private static String normalize(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }

  @Override
  public String toString() {
    return any ? "*" : String.join(",", origins);
  }
}
