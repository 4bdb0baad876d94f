package io.wstest.client.audit;

import java.util.Locale;

/** The load balancers the audit can recognise (and that {@code --lb} names), each with its fix hints. */
public enum LbType {
  NGINX("nginx", "nginx"),
  INGRESS_NGINX("ingress-nginx", "ingress-nginx"),
  HAPROXY("haproxy", "HAProxy"),
  ENVOY("envoy", "Envoy"),
  AWS_ALB("aws-alb", "AWS ALB"),
  AWS_NLB("aws-nlb", "AWS NLB"),
  TRAEFIK("traefik", "Traefik");

  /** The names {@code --lb} takes, for its help (a constant: annotations need one); LbTypeTest keeps it true. */
  public static final String OPTIONS_TEXT = "nginx, ingress-nginx, haproxy, envoy, aws-alb, aws-nlb, traefik";

  private final String option;
  private final String displayName;

  LbType(String option, String displayName) {
    this.option = option;
    this.displayName = displayName;
  }

  /** The name {@code --lb} takes and the JSON report uses. */
  public String option() {
    return option;
  }

  public String displayName() {
    return displayName;
  }

  /** The type {@code --lb} names, or null when it names none. */
  public static LbType parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    for (LbType type : values()) {
      if (type.option.equals(wanted)) {
        return type;
      }
    }
    return null;
  }

  /** "nginx, ingress-nginx, haproxy, ..." for help and errors. */
  public static String options() {
    StringBuilder all = new StringBuilder();
    for (LbType type : values()) {
      all.append(all.length() == 0 ? "" : ", ").append(type.option);
    }
    return all.toString();
  }
}
