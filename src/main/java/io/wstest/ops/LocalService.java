package io.wstest.ops;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Where the service that this process's environment describes listens, as far as {@code healthcheck} needs to
 * know: the serve layer resolves it from the service's own settings (ops sits below it and cannot read them).
 *
 * @param bindHost     the address the service binds (0.0.0.0 and :: mean every address)
 * @param httpPort     its HTTP port, where the readiness probe is
 * @param tls          whether it serves https
 * @param certificates the certificates it presents (leaf and chain), empty without TLS
 */
public record LocalService(String bindHost, int httpPort, boolean tls, List<X509Certificate> certificates) {
}
