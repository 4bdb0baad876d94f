package io.wstest.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.TransportMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MetricsNaming;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Vert.x's HTTP server series ({@code vertx_http_server_*}) under the names, help texts and labels vertx-micrometer
 * gives them with the service's options (labels {@code method} and {@code code} only, the method bounded to the
 * standard ones and {@code other}), each meter looked up once and then held.
 * <p>
 * Why not vertx-micrometer's own: it builds a tag set and looks the meter up in the registry at every event, nine
 * times for one WebSocket (the connection's gauge and two byte counters, the request's gauge and size, the
 * response's count, time and size, the WebSocket gauge). {@code MeterRegistry.getOrCreateMeter} was the service's
 * hottest Java method in connect churn ({@code perf record -g} with the JIT's symbols): about 2.5 µs of the
 * service's 90–95 µs of CPU per handshake. Here an event is a field read and an adder increment.
 * <p>
 * One instance per Vert.x instance serves every HTTP server it binds (Vert.x asks once per server): a Micrometer
 * gauge keeps the first object it was registered with, so every server must count into the same adders.
 */
public final class HttpServerSeries
  implements HttpServerMetrics<HttpServerSeries.Request, LongAdder>, TransportMetrics<HttpServerSeries> {

  /** The methods RFC 9110 and RFC 5789 define; any other method a client sends is counted as {@code other}. */
  static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH",
    "CONNECT", "TRACE");
  /** Response codes kept in an array per method; a code outside 100-599 (not a valid HTTP status) goes to a map. */
  private static final int FIRST_CODE = 100;
  private static final int LAST_CODE = 599;

  private final MeterRegistry registry;
  private final MetricsNaming names;
  private final LongAdder activeConnections = new LongAdder();
  private final Counter bytesRead;
  private final Counter bytesWritten;
  private final Counter errors;
  private final LongAdder activeWebSockets = new LongAdder();
  private final ConcurrentMap<String, MethodSeries> byMethod = new ConcurrentHashMap<>();

  HttpServerSeries(MeterRegistry registry, MetricsNaming naming) {
    this.registry = registry;
    this.names = naming.withBaseName(MetricsDomain.HTTP_SERVER.getPrefix());
    Gauge.builder(names.getNetActiveConnections(), activeConnections, LongAdder::doubleValue)
      .description("Number of opened connections to the server")
      .register(registry);
    bytesRead = Counter.builder(names.getNetBytesRead())
      .description("Number of bytes received by the server")
      .register(registry);
    bytesWritten = Counter.builder(names.getNetBytesWritten())
      .description("Number of bytes sent by the server")
      .register(registry);
    errors = Counter.builder(names.getNetErrorCount())
      .description("Number of errors")
      .register(registry);
    Gauge.builder(names.getHttpActiveWsConnections(), activeWebSockets, LongAdder::doubleValue)
      .description("Number of websockets currently opened")
      .register(registry);
  }

  /** The {@code method} label's value: the method's name if it is a standard one, else {@code other}. */
  public static String boundedMethod(HttpMethod method) {
    String name = method == null ? null : method.name();
    return name != null && KNOWN_METHODS.contains(name) ? name : "other";
  }

  // ---- the connection (TransportMetrics): the connection's metric is this object, whose adders it counts into

  @Override
  public HttpServerSeries connected(SocketAddress remoteAddress, String remoteName) {
    activeConnections.increment();
    return this;
  }

  @Override
  public void disconnected(HttpServerSeries connection, SocketAddress remoteAddress) {
    activeConnections.decrement();
  }

  @Override
  public void bytesRead(HttpServerSeries connection, SocketAddress remoteAddress, long numberOfBytes) {
    bytesRead.increment(numberOfBytes);
  }

  @Override
  public void bytesWritten(HttpServerSeries connection, SocketAddress remoteAddress, long numberOfBytes) {
    bytesWritten.increment(numberOfBytes);
  }

  @Override
  public void exceptionOccurred(HttpServerSeries connection, SocketAddress remoteAddress, Throwable t) {
    errors.increment();
  }

  // ---- requests and WebSockets (HttpServerMetrics)

  @Override
  public Request requestBegin(SocketAddress remoteAddress, HttpRequest request) {
    return new Request(method(request.method()));
  }

  @Override
  public Request responsePushed(SocketAddress remoteAddress, HttpMethod method, String uri, HttpResponse response) {
    return new Request(method(method));
  }

  @Override
  public void requestEnd(Request request, HttpRequest httpRequest, long bytesRead) {
    request.method.requestBytes.record(bytesRead);
    if (request.requestEnded()) {
      request.method.active.decrement();
    }
  }

  @Override
  public void requestReset(Request request) {
    request.method.resets().increment();
    request.method.active.decrement();
    request.reset = true;
  }

  @Override
  public void responseEnd(Request request, HttpResponse response, long bytesWritten) {
    CodeSeries code = request.method.code(response.statusCode());
    code.requests.increment();
    code.responseTime.record(System.nanoTime() - request.startNanos, TimeUnit.NANOSECONDS);
    code.responseBytes.record(bytesWritten);
    if (request.responseEnded()) {
      request.method.active.decrement();
    }
  }

  @Override
  public LongAdder connected(HttpRequest request) {
    activeWebSockets.increment();
    return activeWebSockets;
  }

  @Override
  public void disconnected(LongAdder webSockets) {
    webSockets.decrement();
  }

  private MethodSeries method(HttpMethod method) {
    String name = boundedMethod(method);
    MethodSeries series = byMethod.get(name);
    return series != null ? series : byMethod.computeIfAbsent(name, MethodSeries::new);
  }

  /** One request in flight: its method's series and when it began. */
  static final class Request {
    final MethodSeries method;
    final long startNanos = System.nanoTime();
    private boolean requestEnded;
    private boolean responseEnded;
    private boolean reset;

    Request(MethodSeries method) {
      this.method = method;
      method.active.increment();
    }

    /** @return whether the request is over (read and answered, not reset) */
    boolean requestEnded() {
      requestEnded = true;
      return !reset && responseEnded;
    }

    boolean responseEnded() {
      responseEnded = true;
      return !reset && requestEnded;
    }
  }

  /** The series of one {@code method} label value, registered when the first request with it arrives. */
  final class MethodSeries {
    private final Tags tags;
    final LongAdder active = new LongAdder();
    final DistributionSummary requestBytes;
    private volatile Counter resets;
    private final AtomicReferenceArray<CodeSeries> byCode = new AtomicReferenceArray<>(LAST_CODE - FIRST_CODE + 1);
    private final ConcurrentMap<Integer, CodeSeries> otherCodes = new ConcurrentHashMap<>();

    MethodSeries(String method) {
      tags = Tags.of("method", method);
      Gauge.builder(names.getHttpActiveRequests(), active, LongAdder::doubleValue)
        .description("Number of requests being processed")
        .tags(tags)
        .register(registry);
      requestBytes = DistributionSummary.builder(names.getHttpRequestBytes())
        .description("Size of requests in bytes")
        .tags(tags)
        .register(registry);
    }

    /** Registered at the first reset only, as Vert.x's own series is. */
    Counter resets() {
      Counter counter = resets;
      if (counter == null) {
        counter = Counter.builder(names.getHttpRequestResetsCount())
          .description("Number of request resets")
          .tags(tags)
          .register(registry);
        resets = counter;
      }
      return counter;
    }

    CodeSeries code(int status) {
      if (status < FIRST_CODE || status > LAST_CODE) {
        return otherCodes.computeIfAbsent(status, s -> new CodeSeries(tags, s));
      }
      int slot = status - FIRST_CODE;
      CodeSeries series = byCode.get(slot);
      if (series == null) {
        // two event loops may both build it: the registry returns the same meters to both
        series = new CodeSeries(tags, status);
        byCode.set(slot, series);
      }
      return series;
    }
  }

  /** The series of one {@code method} and {@code code} pair. */
  final class CodeSeries {
    final Counter requests;
    final Timer responseTime;
    final DistributionSummary responseBytes;

    CodeSeries(Tags methodTags, int status) {
      Tags tags = methodTags.and("code", Integer.toString(status));
      requests = Counter.builder(names.getHttpRequestsCount())
        .description("Number of processed requests")
        .tags(tags)
        .register(registry);
      responseTime = Timer.builder(names.getHttpResponseTime())
        .description("Request processing time")
        .tags(tags)
        .register(registry);
      responseBytes = DistributionSummary.builder(names.getHttpResponseBytes())
        .description("Size of responses in bytes")
        .tags(tags)
        .register(registry);
    }
  }
}
