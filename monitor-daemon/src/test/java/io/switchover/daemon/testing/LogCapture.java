package io.switchover.daemon.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Captures what one logger (and its children) logs during a test, at a level of the test's
 * choosing, and puts the logger back as it was on close. Safe to read while other threads log.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Level previousLevel;
    private final boolean previousAdditivity;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String name, Level level) {
        logger = (Logger) LoggerFactory.getLogger(name);
        previousLevel = logger.getLevel();
        previousAdditivity = logger.isAdditive();
        logger.setLevel(level);
        // Captured lines are the test's to check; they need not also fill the console.
        logger.setAdditive(false);
        appender.start();
        logger.addAppender(appender);
    }

    public static LogCapture of(String loggerName, Level level) {
        return new LogCapture(loggerName, level);
    }

    public static LogCapture of(Class<?> type, Level level) {
        return of(type.getName(), level);
    }

    /** What was logged so far, in order. */
    public List<ILoggingEvent> events() {
        // ListAppender appends under the appender's own monitor (AppenderBase.doAppend).
        synchronized (appender) {
            return new ArrayList<>(appender.list);
        }
    }

    /** The formatted messages logged so far, in order. */
    public List<String> messages() {
        return events().stream()
                .map(ILoggingEvent::getFormattedMessage)
                .collect(Collectors.toList());
    }

    /** The formatted messages logged so far at {@code level}, in order. */
    public List<String> messages(Level level) {
        return events().stream()
                .filter(e -> e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage)
                .collect(Collectors.toList());
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
        logger.setAdditive(previousAdditivity);
    }
}
