package dev.zen.mcp.server;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The server's {@code LOG_FORMAT=json} backend: one JSON object per line on stderr, with
 * {@code timestamp}, {@code level}, {@code logger}, {@code thread}, {@code message}, the
 * {@code trace_id} and {@code span_id} of the span current when the line was logged, the MDC's
 * entries ({@code tool}, {@code conversation_id} while a tool call starts) and {@code exception}.
 *
 * <p>Not API: public only because SLF4J instantiates it by name ({@code slf4j.provider}, which
 * {@link ZenMcpServer} sets before the first logger is made). It is not registered as a service, so
 * slf4j-simple stays the backend of the default text format. The levels are LOG_LEVEL's.
 */
public final class JsonLogProvider implements SLF4JServiceProvider {
  /**
   * Loggers under this name never log below INFO: Jetty's DEBUG prints every request header, a
   * client's bearer token included.
   */
  static final String CAPPED_AT_INFO = "org.eclipse.jetty";

  /** The threshold, set from LOG_LEVEL before the first logger is made. */
  static volatile Level threshold = Level.INFO;
  static volatile boolean off;

  private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
  private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, JsonLogger::new);
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new BasicMDCAdapter();

  /** For SLF4J. */
  public JsonLogProvider() {}

  /**
   * Sends java.util.logging's records (the OpenTelemetry SDK logs through it: an unreachable
   * collector, say) through SLF4J, so that they too are JSON lines rather than JUL's two-line text.
   */
  static void routeJavaUtilLogging() {
    java.util.logging.Logger root = java.util.logging.LogManager.getLogManager().getLogger("");
    for (java.util.logging.Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    java.util.logging.Formatter formatter = new java.util.logging.SimpleFormatter();
    root.addHandler(new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        int value = record.getLevel().intValue();
        Level level = value >= 1000 ? Level.ERROR : value >= 900 ? Level.WARN : value >= 800 ? Level.INFO
            : value >= 500 ? Level.DEBUG : Level.TRACE;
        Logger logger = org.slf4j.LoggerFactory.getLogger(record.getLoggerName() == null ? "jul" : record.getLoggerName());
        if (logger.isEnabledForLevel(level)) {
          logger.atLevel(level).setCause(record.getThrown()).log(formatter.formatMessage(record));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  private static final class JsonLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    private final boolean capped;

    JsonLogger(String name) {
      this.name = name;
      this.capped = name.startsWith(CAPPED_AT_INFO);
    }

    private boolean enabled(Level level) {
      return !off && level.toInt() >= threshold.toInt() && (!capped || level.toInt() >= Level.INFO.toInt());
    }

    @Override
    public boolean isTraceEnabled() {
      return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
      return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return enabled(Level.ERROR);
    }

    @Override
    protected @Nullable String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, @Nullable Marker marker, @Nullable String pattern,
        Object @Nullable [] arguments, @Nullable Throwable throwable) {
      StringBuilder line = new StringBuilder(256).append('{');
      field(line, "timestamp", Instant.now().toString());
      field(line, "level", level.name());
      field(line, "logger", name);
      field(line, "thread", Thread.currentThread().getName());
      field(line, "message", MessageFormatter.basicArrayFormat(pattern, arguments));
      String[] ids = TraceIds.current();
      if (ids != null) {
        field(line, "trace_id", ids[0]);
        field(line, "span_id", ids[1]);
      }
      Map<String, String> context = MDC.getCopyOfContextMap();
      if (context != null) {
        context.forEach((key, value) -> field(line, key, value));
      }
      if (throwable != null) {
        StringWriter trace = new StringWriter();
        throwable.printStackTrace(new PrintWriter(trace));
        field(line, "exception", trace.toString());
      }
      line.setCharAt(line.length() - 1, '}');
      PrintStream err = System.err;
      // One write per line, so lines of concurrent threads never interleave.
      err.println(line);
    }

    private static void field(StringBuilder line, String key, @Nullable String value) {
      if (value == null) {
        return;
      }
      quote(line, key).append(':');
      quote(line, value).append(',');
    }

    private static StringBuilder quote(StringBuilder line, String text) {
      line.append('"');
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        switch (c) {
          case '"' -> line.append("\\\"");
          case '\\' -> line.append("\\\\");
          case '\n' -> line.append("\\n");
          case '\r' -> line.append("\\r");
          case '\t' -> line.append("\\t");
          default -> {
            if (c < 0x20) {
              line.append(String.format("\\u%04x", (int) c));
            } else {
              line.append(c);
            }
          }
        }
      }
      return line.append('"');
    }
  }

  /** The current span's ids through opentelemetry-api, when it is on the class path. */
  private static final class TraceIds {
    private static final boolean AVAILABLE = present();

    private static boolean present() {
      try {
        Class.forName("io.opentelemetry.api.trace.Span", false, JsonLogProvider.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }

    static String @Nullable [] current() {
      return AVAILABLE ? Otel.current() : null;
    }

    private static final class Otel {
      static String @Nullable [] current() {
        io.opentelemetry.api.trace.SpanContext span = io.opentelemetry.api.trace.Span.current().getSpanContext();
        return span.isValid() ? new String[] {span.getTraceId(), span.getSpanId()} : null;
      }
    }
  }
}
